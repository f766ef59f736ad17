/* nm_loihi_rtl_chip.c - cycle-level driver of the Verilated chip of Loihi-style cores. */
#include "nm_loihi_rtl_chip.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "nm_loihi_chipmap.h"
#include "nm_loihi_regmap.h"
#include "nm_vdrive.h"
#include "nm_vlchip_shim.h"

#define STEP_CYCLE_LIMIT 50000000ull /* far above any legal step of a test build */

typedef struct core_buf {
    nm_loihi_out out;
    uint16_t *spikes;
    nm_loihi_pkt *pkts;
    unsigned pkts_cap;
} core_buf;

typedef struct core_be {
    nm_loihi_rtl_chip *chip;
    unsigned core;
} core_be;

struct nm_loihi_rtl_chip {
    const nm_vlchip_api *api;
    nm_vlchip *v;
    nm_vlchip_pins p;
    unsigned mesh_x, mesh_y, ncores;
    nm_loihi_geom geom;
    nm_fw_bus bus;
    core_buf *bufs;
    core_be *bes;
    uint32_t early_off; /* off-chip packets popped while sending host input */
    nm_loihi_rtl_offchip *offs; /* off-chip packets since the last step ended */
    unsigned noffs, offs_cap;
    int offs_stale;     /* offs holds the previous step's: clear it before the next one */
    int stopped;
    nm_vdrive drv;          /* this driver and its APB port as nm_vdrive.h's sequences see them */
    nm_vapb_pins apb;
    char err[1024];
};

static void cycle(void *ctx)
{
    nm_loihi_rtl_chip *c = ctx;
    char msg[900];
    c->api->cycle(c->v, &c->p);
    if (!c->stopped && c->api->stopped(c->v, msg, sizeof msg)) {
        c->stopped = 1;
        nm_vdrive_assert_text(c->err, sizeof c->err, c->api->cycles(c->v), NULL, 0, 0, msg);
    }
}

static void veval(void *ctx)
{
    nm_loihi_rtl_chip *c = ctx;
    c->api->eval(c->v, &c->p);
}

static int apb(nm_loihi_rtl_chip *c, int write, uint32_t paddr, uint32_t wdata, uint32_t *rdata)
{
    return nm_vdrive_apb(&c->drv, &c->apb, write, paddr, wdata, rdata);
}

int nm_loihi_rtl_chip_apb_write(nm_loihi_rtl_chip *c, uint32_t paddr, uint32_t data)
{
    return apb(c, 1, paddr, data, NULL);
}

int nm_loihi_rtl_chip_apb_read(nm_loihi_rtl_chip *c, uint32_t paddr, uint32_t *data)
{
    return apb(c, 0, paddr, 0, data);
}

static int bus_write(void *ctx, uint32_t a, uint32_t d)
{
    return nm_loihi_rtl_chip_apb_write(ctx, a, d);
}

static int bus_read(void *ctx, uint32_t a, uint32_t *d)
{
    return nm_loihi_rtl_chip_apb_read(ctx, a, d);
}

const nm_fw_bus *nm_loihi_rtl_chip_bus(nm_loihi_rtl_chip *c)
{
    return &c->bus;
}

/* The off-chip queue's head, if any, is popped at the next edge: record it. */
static int pop_offchip(nm_loihi_rtl_chip *c)
{
    nm_loihi_rtl_offchip *o;
    c->p.off_ready = c->p.off_valid;
    if (c->offs_stale) {
        c->noffs = 0;
        c->offs_stale = 0;
    }
    if (!c->p.off_valid)
        return NM_OK;
    if (c->noffs == c->offs_cap) {
        unsigned cap = c->offs_cap ? 2 * c->offs_cap : 64;
        nm_loihi_rtl_offchip *n = realloc(c->offs, cap * sizeof *n);
        if (!n)
            return NM_ERR_NOMEM;
        c->offs = n;
        c->offs_cap = cap;
    }
    o = &c->offs[c->noffs++];
    o->step = c->p.off_tick;
    o->side = c->p.off_side;
    o->pos = c->p.off_pos;
    o->flit = c->p.off_flit;
    return NM_OK;
}

const nm_loihi_rtl_offchip *nm_loihi_rtl_chip_offchip(const nm_loihi_rtl_chip *c, unsigned *n)
{
    *n = c->noffs;
    return c->offs;
}

int nm_loihi_rtl_chip_host_send(nm_loihi_rtl_chip *c, uint32_t flit)
{
    uint64_t n;
    if (c->stopped)
        return NM_ERR_ASSERT;
    c->p.host_valid = 1;
    c->p.host_flit = flit;
    for (n = 0; n < STEP_CYCLE_LIMIT; n++) {
        int ready = c->p.host_ready;
        c->early_off += c->p.off_valid;
        if (pop_offchip(c) != NM_OK) {
            c->p.host_valid = 0;
            c->p.off_ready = 0;
            return NM_ERR_NOMEM;
        }
        cycle(c);
        if (ready || c->stopped)
            break;
    }
    c->p.host_valid = 0;
    c->p.off_ready = 0;
    if (c->stopped)
        return NM_ERR_ASSERT;
    return n == STEP_CYCLE_LIMIT ? NM_ERR_HANG : NM_OK;
}

/* What the trace pins show this cycle, into each core's buffers. */
static int collect(nm_loihi_rtl_chip *c)
{
    unsigned k;
    for (k = 0; k < c->ncores; k++) {
        core_buf *b = &c->bufs[k];
        if (c->p.trace_valid[k]) {
            if (b->out.nspikes >= c->geom.ncomp)
                return NM_ERR_PROTO;
            b->spikes[b->out.nspikes++] = c->p.trace_comp[k];
        }
        if (c->p.trace_pkt_valid[k]) {
            uint32_t f = c->p.trace_pkt_flit[k];
            nm_loihi_pkt *q;
            if (b->out.npkts >= b->pkts_cap)
                return NM_ERR_PROTO;
            q = &b->pkts[b->out.npkts++];
            /* {axon[11:0], dy[8:0], dx[8:0]}; dx and dy are the core's 8-bit fields extended */
            q->dx = (int8_t)(uint8_t)(f & 0xffu);
            q->dy = (int8_t)(uint8_t)((f >> 9) & 0xffu);
            q->axon = (uint16_t)((f >> 18) & 0xfffu);
            q->src = 0;
            q->entry = 0;
        }
    }
    return NM_OK;
}

int nm_loihi_rtl_chip_step(nm_loihi_rtl_chip *c, nm_loihi_rtl_chip_out *out)
{
    uint64_t n;
    unsigned k;
    int rc = NM_OK, started = 0;
    out->cycles = 0;
    out->noff = c->early_off;
    c->early_off = 0;
    if (c->stopped)
        return NM_ERR_ASSERT;
    for (k = 0; k < c->ncores; k++) {
        c->bufs[k].out.nspikes = 0;
        c->bufs[k].out.npkts = 0;
    }
    if (c->offs_stale) { /* no packet left while the host packets went in */
        c->noffs = 0;
        c->offs_stale = 0;
    }
    c->p.tick = 1;
    for (n = 0; n < STEP_CYCLE_LIMIT && rc == NM_OK; n++) {
        int done = c->p.tick_done;
        rc = collect(c);
        out->noff += c->p.off_valid;
        {
            int e = pop_offchip(c);
            if (rc == NM_OK)
                rc = e;
        }
        if (started)
            out->cycles++;
        cycle(c);
        c->p.tick = 0;
        if (c->stopped)
            return NM_ERR_ASSERT;
        started = started || c->p.busy;
        if (done) {
            c->p.off_ready = 0;
            c->offs_stale = 1;
            return rc;
        }
    }
    if (rc == NM_OK)
        snprintf(c->err, sizeof c->err, "the chip did not finish a step in %llu cycles",
                 (unsigned long long)STEP_CYCLE_LIMIT);
    return rc != NM_OK ? rc : NM_ERR_HANG;
}

const nm_loihi_out *nm_loihi_rtl_chip_core_out(const nm_loihi_rtl_chip *c, unsigned core)
{
    return core < c->ncores ? &c->bufs[core].out : NULL;
}

unsigned nm_loihi_rtl_chip_mesh_x(const nm_loihi_rtl_chip *c)
{
    return c->mesh_x;
}

unsigned nm_loihi_rtl_chip_mesh_y(const nm_loihi_rtl_chip *c)
{
    return c->mesh_y;
}

const nm_loihi_geom *nm_loihi_rtl_chip_geom(const nm_loihi_rtl_chip *c)
{
    return &c->geom;
}

const char *nm_loihi_rtl_chip_error(const nm_loihi_rtl_chip *c)
{
    return c->err;
}

int nm_loihi_rtl_chip_close_trace(nm_loihi_rtl_chip *c)
{
    return c->api->close_trace(c->v) ? NM_ERR_NOMEM : NM_OK;
}

/* ---------------------------------------------------------------- per-core backend */
static int be_write(void *i, uint32_t a, uint32_t d)
{
    core_be *e = i;
    return nm_loihi_rtl_chip_apb_write(e->chip, nm_fw_loihi_core_addr(e->core, a), d);
}

static int be_read(void *i, uint32_t a, uint32_t *d)
{
    core_be *e = i;
    return nm_loihi_rtl_chip_apb_read(e->chip, nm_fw_loihi_core_addr(e->core, a), d);
}

static int be_inject(void *i, unsigned axon)
{
    (void)i;
    (void)axon;
    return NM_ERR_ARG;
}

static int be_tick(void *i, nm_loihi_out *o)
{
    (void)i;
    (void)o;
    return NM_ERR_ARG;
}

static void be_free(void *i)
{
    (void)i;
}

void nm_loihi_rtl_chip_core_backend(nm_loihi_backend *b, nm_loihi_rtl_chip *c, unsigned core)
{
    b->name = "rtl-chip";
    b->impl = &c->bes[core];
    b->geom = c->geom;
    b->cfg_write = be_write;
    b->cfg_read = be_read;
    b->inject = be_inject;
    b->tick = be_tick;
    b->free = be_free;
}

/* ---------------------------------------------------------------- life */
static nm_loihi_rtl_chip *fail(nm_loihi_rtl_chip *c, char *msg, size_t len, const char *what)
{
    if (msg && len)
        snprintf(msg, len, "Loihi RTL chip: %s%s%s", what, c && c->err[0] ? ": " : "", c ? c->err : "");
    nm_loihi_rtl_chip_free(c);
    return NULL;
}

/* libnmemu.so (mk/python_lrtl.mk) has no linked build: only the shape libraries */
#ifndef NM_NO_LINKED_VLCHIP
nm_loihi_rtl_chip *nm_loihi_rtl_chip_new(const char *trace_path, char *msg, size_t len)
{
    return nm_loihi_rtl_chip_new_api(nm_vlchip_linked_api(), trace_path, msg, len);
}
#endif

nm_loihi_rtl_chip *nm_loihi_rtl_chip_new_api(const nm_vlchip_api *api, const char *trace_path, char *msg, size_t len)
{
    nm_loihi_rtl_chip *c = calloc(1, sizeof *c);
    uint32_t geo = 0, g[4], st = 0;
    unsigned i;
    uint64_t n;
    if (!c)
        return fail(c, msg, len, "out of memory");
    c->api = api;
    c->v = api->create(trace_path);
    if (!c->v)
        return fail(c, msg, len, "cannot create the Verilated model (or its trace file)");
    c->bus.ctx = c;
    c->bus.read32 = bus_read;
    c->bus.write32 = bus_write;
    c->drv = (nm_vdrive){c, cycle, veval, &c->stopped};
    c->apb = (nm_vapb_pins){&c->p.psel,   &c->p.penable, &c->p.pwrite,  &c->p.paddr,
                            &c->p.pwdata, &c->p.pready,  &c->p.pslverr, &c->p.prdata};
    nm_vdrive_reset(&c->drv, &c->p.rst_n);
    /* the cores clear their memories after reset; the chip is IDLE once they are done */
    for (n = 0; n < STEP_CYCLE_LIMIT; n++) {
        if (apb(c, 0, nm_fw_chip_addr(NML_CHIP_CHIP_STATUS), 0, &st) != NM_OK)
            return fail(c, msg, len, "STATUS read refused");
        if ((st >> NML_CHIP_CHIP_STATUS_IDLE_LSB) & 1u)
            break;
    }
    if (apb(c, 0, nm_fw_chip_addr(NML_CHIP_CHIP_GEOMETRY), 0, &geo) != NM_OK)
        return fail(c, msg, len, "GEOMETRY read refused");
    c->mesh_x = (geo >> NML_CHIP_CHIP_GEOMETRY_MESH_X_LSB) & NML_CHIP_CHIP_GEOMETRY_MESH_X_MASK;
    c->mesh_y = (geo >> NML_CHIP_CHIP_GEOMETRY_MESH_Y_LSB) & NML_CHIP_CHIP_GEOMETRY_MESH_Y_MASK;
    c->ncores = c->mesh_x * c->mesh_y;
    if (c->mesh_x != api->mesh_x || c->mesh_y != api->mesh_y || c->ncores > NM_VLCHIP_MAX_CORES)
        return fail(c, msg, len, "GEOMETRY does not match the build");
    for (i = 0; i < 4; i++)
        if (nm_fw_loihi_core_read(&c->bus, 0, NML_ADDR(NML_REGION_CTRL, NML_CTRL_GEOM0 + i), &g[i]) != NM_FW_OK)
            return fail(c, msg, len, "core 0 GEOM read refused");
    c->geom.ncomp = g[0] & 0xffffu;
    c->geom.naxin = g[0] >> 16;
    c->geom.naxout = g[1] & 0xffffu;
    c->geom.nsyn = g[1] >> 16;
    c->geom.ndslot = g[2] & 0xffu;
    c->geom.ndprof = (g[2] >> 8) & 0xffu;
    c->geom.ntprof = (g[2] >> 16) & 0xffu;
    c->geom.nsynfmt = g[2] >> 24;
    c->geom.inq = g[3] & 0xffffu;
    if (nm_loihi_geom_check(&c->geom, c->err, sizeof c->err) != NM_OK)
        return fail(c, msg, len, "core 0 reports a bad geometry");
    if (c->geom.ncomp != api->ncomp || c->geom.naxin != api->naxin || c->geom.naxout != api->naxout ||
        c->geom.nsyn != api->nsyn || c->geom.ndslot != api->ndslot || c->geom.ndprof != api->ndprof ||
        c->geom.ntprof != api->ntprof || c->geom.nsynfmt != api->nsynfmt || c->geom.inq != api->inq)
        return fail(c, msg, len, "core 0's GEOM registers do not match the build's table (nm_vlchip_shim.cpp)");
    c->bufs = calloc(c->ncores, sizeof *c->bufs);
    c->bes = calloc(c->ncores, sizeof *c->bes);
    if (!c->bufs || !c->bes)
        return fail(c, msg, len, "out of memory");
    for (i = 0; i < c->ncores; i++) {
        core_buf *b = &c->bufs[i];
        b->pkts_cap = c->geom.ncomp * 255u;
        b->spikes = calloc(c->geom.ncomp, sizeof *b->spikes);
        b->pkts = calloc(b->pkts_cap, sizeof *b->pkts);
        if (!b->spikes || !b->pkts)
            return fail(c, msg, len, "out of memory");
        b->out.spikes = b->spikes;
        b->out.pkts = b->pkts;
        c->bes[i].chip = c;
        c->bes[i].core = i;
    }
    return c;
}

void nm_loihi_rtl_chip_free(nm_loihi_rtl_chip *c)
{
    unsigned i;
    if (!c)
        return;
    if (c->v)
        c->api->destroy(c->v);
    if (c->bufs)
        for (i = 0; i < c->ncores; i++) {
            free(c->bufs[i].spikes);
            free(c->bufs[i].pkts);
        }
    free(c->bufs);
    free(c->bes);
    free(c->offs);
    free(c);
}
