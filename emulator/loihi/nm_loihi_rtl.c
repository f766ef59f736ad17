/* nm_loihi_rtl.c - cycle-level driver of the Verilated nm_loihi_core (nm_loihi_rtl.h). */
#include "nm_loihi_rtl.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nm_loihi_regmap.h"
#include "nm_vdrive.h"
#include "nm_vloihi_shim.h"

struct nm_loihi_rtl {
    const nm_vloihi_api *api; /* the build: linked, or a library of another geometry */
    nm_vloihi *v;
    nm_vloihi_pins p;
    nm_loihi_opts opts;
    nm_loihi_geom geom;
    uint16_t *spikes;      /* ncomp entries */
    nm_loihi_pkt *pkts;    /* ncomp * 255 entries */
    uint32_t steps;        /* steps completed */
    int in_step;
    int stopped;           /* an RTL assertion fired */
    nm_vdrive drv;         /* this driver and its config port as nm_vdrive.h's sequences see them */
    nm_vcfg_pins cfg;
    char err[1024];
};

static void cycle(void *ctx)
{
    nm_loihi_rtl *c = ctx;
    char msg[900];
    c->api->cycle(c->v, &c->p);
    if (!c->stopped && c->api->stopped(c->v, msg, sizeof msg)) {
        c->stopped = 1;
        nm_vdrive_assert_text(c->err, sizeof c->err, c->api->cycles(c->v), "step", c->in_step, c->steps + 1, msg);
    }
}

const char *nm_loihi_rtl_error(const nm_loihi_rtl *c)
{
    return c->err;
}

static int cfg_access(nm_loihi_rtl *c, int we, uint32_t addr, uint32_t wdata, uint32_t *rdata)
{
    if (addr >> NML_ADDR_BITS)
        return c->stopped ? NM_ERR_ASSERT : NM_ERR_CFG;
    c->p.cfg_addr = addr;
    return nm_vdrive_cfg(&c->drv, &c->cfg, we, wdata, rdata);
}

int nm_loihi_rtl_cfg_write(nm_loihi_rtl *c, uint32_t addr, uint32_t data)
{
    return cfg_access(c, 1, addr, data, NULL);
}

int nm_loihi_rtl_cfg_read(nm_loihi_rtl *c, uint32_t addr, uint32_t *data)
{
    return cfg_access(c, 0, addr, 0, data);
}

int nm_loihi_rtl_inject(nm_loihi_rtl *c, unsigned axon)
{
    int full;
    if (c->stopped)
        return NM_ERR_ASSERT;
    if (axon >= c->geom.naxin)
        return NM_ERR_ARG;
    full = c->p.inq_full; /* the state before this cycle's edge */
    c->p.pkt_in_valid = 1;
    c->p.pkt_in_axon = (uint16_t)axon;
    cycle(c);
    c->p.pkt_in_valid = 0;
    if (c->stopped)
        return NM_ERR_ASSERT;
    return full ? NM_ERR_FULL : NM_OK;
}

/* The longest legal step: a full queue of events on axons with 4095 synapses each, every
 * compartment updated and spiking with 255 packets, every packet stalled. */
static uint64_t step_cycle_limit(const nm_loihi_rtl *c)
{
    uint64_t n = c->geom.ncomp;
    return 2 + (uint64_t)c->geom.inq * (2 + 2 * 4095) + 3 * n + n * 255 * (2 + c->opts.stall_per_pkt) + 16;
}

int nm_loihi_rtl_tick(nm_loihi_rtl *c, nm_loihi_out *out)
{
    uint64_t limit = step_cycle_limit(c), n;
    unsigned waited = 0;

    out->cycles = 0;
    out->nspikes = 0;
    out->npkts = 0;
    out->spikes = c->spikes;
    out->pkts = c->pkts;
    if (c->stopped)
        return NM_ERR_ASSERT;
    if (c->p.busy)
        return NM_ERR_ARG;
    c->in_step = 1;
    c->p.step = 1;
    cycle(c);
    c->p.step = 0;
    /* Each iteration looks at the outputs of the state entered at the last edge, plays
     * the sink for the next edge, then clocks. */
    for (n = 0; n < limit; n++) {
        int done = c->p.step_done;
        if (!c->p.busy)
            return NM_ERR_PROTO; /* busy dropped without step_done */
        out->cycles++;
        if (c->p.spike_valid) {
            if (out->nspikes >= c->geom.ncomp)
                return NM_ERR_PROTO;
            c->spikes[out->nspikes++] = c->p.spike_comp;
        }
        c->p.pkt_out_ready = 0;
        c->p.pkt_in_valid = 0;
        if (c->p.pkt_out_valid) {
            if (waited < c->opts.stall_per_pkt) {
                waited++;
            } else {
                nm_loihi_pkt *pk;
                if (out->npkts >= c->geom.ncomp * 255u)
                    return NM_ERR_PROTO;
                pk = &c->pkts[out->npkts++];
                pk->dx = (int8_t)c->p.pkt_out_dx;
                pk->dy = (int8_t)c->p.pkt_out_dy;
                pk->axon = c->p.pkt_out_axon;
                pk->src = c->p.pkt_out_src;
                pk->entry = c->p.pkt_out_entry;
                c->p.pkt_out_ready = 1;
                waited = 0;
                if (c->opts.loopback && pk->dx == 0 && pk->dy == 0) {
                    c->p.pkt_in_valid = 1;
                    c->p.pkt_in_axon = pk->axon;
                }
            }
        }
        cycle(c);
        c->p.pkt_out_ready = 0;
        c->p.pkt_in_valid = 0;
        if (c->stopped)
            return NM_ERR_ASSERT;
        if (done) {
            c->in_step = 0;
            c->steps++;
            if (c->p.busy)
                return NM_ERR_PROTO; /* back to idle after DONE */
            return NM_OK;
        }
    }
    return NM_ERR_HANG;
}

uint64_t nm_loihi_rtl_cycles(const nm_loihi_rtl *c)
{
    return c->api->cycles(c->v);
}

const nm_loihi_geom *nm_loihi_rtl_geom(const nm_loihi_rtl *c)
{
    return &c->geom;
}

static int be_write(void *impl, uint32_t addr, uint32_t data)
{
    return nm_loihi_rtl_cfg_write(impl, addr, data);
}
static int be_read(void *impl, uint32_t addr, uint32_t *data)
{
    return nm_loihi_rtl_cfg_read(impl, addr, data);
}
static int be_inject(void *impl, unsigned axon)
{
    return nm_loihi_rtl_inject(impl, axon);
}
static int be_tick(void *impl, nm_loihi_out *out)
{
    return nm_loihi_rtl_tick(impl, out);
}
static void be_free(void *impl)
{
    nm_loihi_rtl_free(impl);
}

void nm_loihi_rtl_backend(nm_loihi_backend *b, nm_loihi_rtl *c)
{
    b->name = "rtl";
    b->impl = c;
    b->geom = c->geom;
    b->cfg_write = be_write;
    b->cfg_read = be_read;
    b->inject = be_inject;
    b->tick = be_tick;
    b->free = be_free;
}

static int read_geom(nm_loihi_rtl *c)
{
    uint32_t g[4];
    unsigned i;
    for (i = 0; i < 4; i++)
        if (nm_loihi_rtl_cfg_read(c, NML_ADDR(NML_REGION_CTRL, NML_CTRL_GEOM0 + i), &g[i]) != NM_OK)
            return 0;
    c->geom.ncomp = g[0] & 0xffffu;
    c->geom.naxin = g[0] >> 16;
    c->geom.naxout = g[1] & 0xffffu;
    c->geom.nsyn = g[1] >> 16;
    c->geom.ndslot = g[2] & 0xffu;
    c->geom.ndprof = (g[2] >> 8) & 0xffu;
    c->geom.ntprof = (g[2] >> 16) & 0xffu;
    c->geom.nsynfmt = g[2] >> 24;
    c->geom.inq = g[3] & 0xffffu;
    return 1;
}

nm_loihi_rtl *nm_loihi_rtl_new_api(const nm_vloihi_api *api, const nm_loihi_geom *geom, const nm_loihi_opts *opts,
                                   const char *fst_path, char *msg, size_t len)
{
    nm_loihi_rtl *c = calloc(1, sizeof *c);
    uint64_t n;

    if (msg && len)
        msg[0] = '\0';
    if (!c) {
        if (msg && len)
            snprintf(msg, len, "out of memory");
        return NULL;
    }
    if (opts)
        c->opts = *opts;
    c->api = api ? api : nm_vloihi_linked_api();
    c->v = c->api->create(fst_path);
    if (!c->v) {
        if (msg && len)
            snprintf(msg, len, "cannot build the Verilated core%s%s", fst_path ? " or open " : "",
                     fst_path ? fst_path : "");
        free(c);
        return NULL;
    }
    c->drv = (nm_vdrive){c, cycle, NULL, &c->stopped};
    c->cfg = (nm_vcfg_pins){&c->p.cfg_req,    &c->p.cfg_we,  &c->p.cfg_wdata,
                            &c->p.cfg_rvalid, &c->p.cfg_err, &c->p.cfg_rdata};
    nm_vdrive_reset(&c->drv, &c->p.rst_n);
    /* the init walk clears every memory: at most 2^16 cycles at the largest geometry */
    for (n = 1; c->p.busy; n++) {
        if (n > (1u << 17)) {
            if (msg && len)
                snprintf(msg, len, "the core stays busy after reset");
            nm_loihi_rtl_free(c);
            return NULL;
        }
        cycle(c);
    }
    if (!read_geom(c)) {
        if (msg && len)
            snprintf(msg, len, "cannot read the core's geometry");
        nm_loihi_rtl_free(c);
        return NULL;
    }
    if (geom && memcmp(geom, &c->geom, sizeof *geom) != 0) {
        if (msg && len)
            snprintf(msg, len,
                     "the RTL is built with geometry ncomp %u naxin %u naxout %u nsyn %u ndslot %u ndprof %u "
                     "ntprof %u nsynfmt %u inq %u, not the one asked for",
                     c->geom.ncomp, c->geom.naxin, c->geom.naxout, c->geom.nsyn, c->geom.ndslot, c->geom.ndprof,
                     c->geom.ntprof, c->geom.nsynfmt, c->geom.inq);
        nm_loihi_rtl_free(c);
        return NULL;
    }
    c->spikes = calloc(c->geom.ncomp, sizeof *c->spikes);
    c->pkts = calloc((size_t)c->geom.ncomp * 255u, sizeof *c->pkts);
    if (!c->spikes || !c->pkts) {
        if (msg && len)
            snprintf(msg, len, "out of memory");
        nm_loihi_rtl_free(c);
        return NULL;
    }
    return c;
}

nm_loihi_rtl *nm_loihi_rtl_new_traced(const nm_loihi_geom *geom, const nm_loihi_opts *opts, const char *fst_path,
                                      char *msg, size_t len)
{
    return nm_loihi_rtl_new_api(NULL, geom, opts, fst_path, msg, len);
}

nm_loihi_rtl *nm_loihi_rtl_new(const nm_loihi_geom *geom, const nm_loihi_opts *opts, char *msg, size_t len)
{
    return nm_loihi_rtl_new_traced(geom, opts, NULL, msg, len);
}

void nm_loihi_rtl_free(nm_loihi_rtl *c)
{
    if (!c)
        return;
    if (c->v)
        c->api->destroy(c->v);
    free(c->spikes);
    free(c->pkts);
    free(c);
}
