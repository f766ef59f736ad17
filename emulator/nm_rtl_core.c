/* nm_rtl_core.c - cycle-level driver of the Verilated nm_core. */
#include "nm_rtl_core.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "nm_regmap.h"
#include "nm_vcore_shim.h"
#include "nm_vdrive.h"

struct nm_rtl_core {
    nm_vcore *v;
    nm_vcore_pins p;
    nm_core_opts opts;
    unsigned naxons, nneurons;
    uint32_t ticks;   /* ticks completed */
    int in_tick;
    int stopped;      /* an RTL assertion fired */
    nm_vdrive drv;    /* this driver and its config port as nm_vdrive.h's sequences see them */
    nm_vcfg_pins cfg;
    char err[1024];
};

/* Longest legal tick: every neuron sees every axon and fires and stalls. */
static uint64_t tick_cycle_limit(const nm_rtl_core *c)
{
    uint64_t n = c->nneurons, a = c->naxons;
    return 2 + n * (4 + a + 1 + c->opts.stall_per_pkt) + 16;
}

static void cycle(void *ctx)
{
    nm_rtl_core *c = ctx;
    char msg[900];
    nm_vcore_cycle(c->v, &c->p);
    if (!c->stopped && nm_vcore_stopped(c->v, msg, sizeof msg)) {
        c->stopped = 1;
        nm_vdrive_assert_text(c->err, sizeof c->err, nm_vcore_cycles(c->v), "tick", c->in_tick, c->ticks, msg);
    }
}

const char *nm_rtl_core_error(const nm_rtl_core *c)
{
    return c->err;
}

static int cfg_access(nm_rtl_core *c, int we, uint32_t addr, uint32_t wdata, uint32_t *rdata)
{
    if (addr >> NM_ADDR_BITS)
        return c->stopped ? NM_ERR_ASSERT : NM_ERR_CFG;
    c->p.cfg_addr = (uint16_t)addr;
    return nm_vdrive_cfg(&c->drv, &c->cfg, we, wdata, rdata);
}

int nm_rtl_core_cfg_write(nm_rtl_core *c, uint32_t addr, uint32_t data)
{
    return cfg_access(c, 1, addr, data, NULL);
}

int nm_rtl_core_cfg_read(nm_rtl_core *c, uint32_t addr, uint32_t *data)
{
    return cfg_access(c, 0, addr, 0, data);
}

int nm_rtl_core_inject(nm_rtl_core *c, unsigned axon, unsigned delay)
{
    if (c->stopped)
        return NM_ERR_ASSERT;
    if (axon > 255 || delay > 15)
        return NM_ERR_ARG;
    c->p.pkt_in_valid = 1;
    c->p.pkt_in_axon = (uint8_t)axon;
    c->p.pkt_in_delay = (uint8_t)delay;
    cycle(c);
    c->p.pkt_in_valid = 0;
    return c->stopped ? NM_ERR_ASSERT : NM_OK;
}

static int16_t sext9(uint16_t v)
{
    v &= 0x1ffu;
    return (int16_t)((v & 0x100u) ? (int)v - 512 : (int)v);
}

int nm_rtl_core_tick(nm_rtl_core *c, nm_tick_out *out)
{
    uint64_t limit = tick_cycle_limit(c);
    uint64_t n;
    unsigned waited = 0, npkts = 0;

    out->cycles = 0;
    out->nspikes = 0;
    if (c->stopped)
        return NM_ERR_ASSERT;
    if (c->p.busy)
        return NM_ERR_ARG;
    c->in_tick = 1;
    c->p.tick = 1;
    cycle(c);
    c->p.tick = 0;
    /* Each iteration looks at the outputs of the state entered at the last edge,
     * plays the sink for the next edge, then clocks. */
    for (n = 0; n < limit; n++) {
        int done = c->p.tick_done;
        if (!c->p.busy)
            return NM_ERR_PROTO; /* busy dropped without tick_done */
        out->cycles++;
        if (c->p.trace_valid) {
            if (out->nspikes >= NM_MAX_NEURONS)
                return NM_ERR_PROTO;
            out->spikes[out->nspikes++] = c->p.trace_neuron;
        }
        c->p.pkt_out_ready = 0;
        c->p.pkt_in_valid = 0;
        if (c->p.pkt_out_valid) {
            if (waited < c->opts.stall_per_pkt) {
                waited++;
            } else {
                nm_pkt *pk;
                if (npkts >= NM_MAX_NEURONS)
                    return NM_ERR_PROTO;
                pk = &out->pkts[npkts++];
                pk->dx = sext9(c->p.pkt_out_dx);
                pk->dy = sext9(c->p.pkt_out_dy);
                pk->axon = c->p.pkt_out_axon;
                pk->delay = c->p.pkt_out_delay;
                c->p.pkt_out_ready = 1;
                waited = 0;
                if (c->opts.loopback && pk->dx == 0 && pk->dy == 0) {
                    c->p.pkt_in_valid = 1;
                    c->p.pkt_in_axon = pk->axon;
                    c->p.pkt_in_delay = pk->delay;
                }
            }
        }
        cycle(c);
        c->p.pkt_out_ready = 0;
        c->p.pkt_in_valid = 0;
        if (c->stopped)
            return NM_ERR_ASSERT;
        if (done) {
            c->in_tick = 0;
            c->ticks++;
            /* one packet per spike, and the core back to idle after DONE */
            if (npkts != out->nspikes || c->p.busy)
                return NM_ERR_PROTO;
            return NM_OK;
        }
    }
    return NM_ERR_HANG;
}

uint64_t nm_rtl_core_cycles(const nm_rtl_core *c)
{
    return nm_vcore_cycles(c->v);
}

static int be_write(void *impl, uint32_t addr, uint32_t data)
{
    return nm_rtl_core_cfg_write(impl, addr, data);
}
static int be_read(void *impl, uint32_t addr, uint32_t *data)
{
    return nm_rtl_core_cfg_read(impl, addr, data);
}
static int be_inject(void *impl, unsigned axon, unsigned delay)
{
    return nm_rtl_core_inject(impl, axon, delay);
}
static int be_tick(void *impl, nm_tick_out *out)
{
    return nm_rtl_core_tick(impl, out);
}
static void be_free(void *impl)
{
    nm_rtl_core_free(impl);
}

void nm_rtl_core_backend(nm_core_backend *b, nm_rtl_core *c)
{
    b->name = "rtl";
    b->impl = c;
    b->naxons = c->naxons;
    b->nneurons = c->nneurons;
    b->cfg_write = be_write;
    b->cfg_read = be_read;
    b->inject = be_inject;
    b->tick = be_tick;
    b->free = be_free;
}

nm_rtl_core *nm_rtl_core_new(const nm_core_opts *opts, const char *fst_path)
{
    nm_rtl_core *c = calloc(1, sizeof *c);
    uint32_t geo;

    if (!c)
        return NULL;
    if (opts)
        c->opts = *opts;
    c->v = nm_vcore_new(fst_path);
    if (!c->v) {
        free(c);
        return NULL;
    }
    c->drv = (nm_vdrive){c, cycle, NULL, &c->stopped};
    c->cfg = (nm_vcfg_pins){&c->p.cfg_req,    &c->p.cfg_we,  &c->p.cfg_wdata,
                            &c->p.cfg_rvalid, &c->p.cfg_err, &c->p.cfg_rdata};
    nm_vdrive_reset(&c->drv, &c->p.rst_n);
    if (nm_rtl_core_cfg_read(c, NM_ADDR(NM_REGION_CTRL, NM_CTRL_GEOMETRY), &geo) != NM_OK) {
        nm_rtl_core_free(c);
        return NULL;
    }
    c->naxons = (geo >> NM_CTRL_GEOMETRY_NAXONS_LSB) & NM_CTRL_GEOMETRY_NAXONS_MASK;
    c->nneurons = (geo >> NM_CTRL_GEOMETRY_NNEURONS_LSB) & NM_CTRL_GEOMETRY_NNEURONS_MASK;
    return c;
}

void nm_rtl_core_free(nm_rtl_core *c)
{
    if (!c)
        return;
    nm_vcore_free(c->v);
    free(c);
}
