/* nm_rtl_chip.c - cycle-level driver of the Verilated chip. */
#include "nm_rtl_chip.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "nm_chipmap.h"
#include "nm_regmap.h"
#include "nm_vchip_shim.h"
#include "nm_vdrive.h"

#define TICK_CYCLE_LIMIT 2000000ull /* far above any legal tick of the 4 x 4 build */

struct nm_rtl_chip {
    const nm_vchip_api *api; /* the build of this chip's shape */
    nm_vchip *v;
    nm_vchip_pins p;
    unsigned ncores, naxons, nneurons, mesh_x, mesh_y;
    nm_chip_tick_out early; /* off-chip packets drained while sending host input */
    uint32_t ticks;         /* ticks completed */
    int in_tick;            /* a tick is running */
    int stopped;            /* an RTL assertion fired */
    int window, wstate;     /* trace window: 0 before it, 1 in it, 2 after it */
    uint32_t wfrom, wto;
    nm_vdrive drv;          /* this driver and its APB port as nm_vdrive.h's sequences see them */
    nm_vapb_pins apb;
    char err[1024];
};

static void cycle(void *ctx)
{
    nm_rtl_chip *c = ctx;
    char msg[900];
    c->api->cycle(c->v, &c->p);
    if (!c->stopped && c->api->stopped(c->v, msg, sizeof msg)) {
        c->stopped = 1;
        nm_vdrive_assert_text(c->err, sizeof c->err, c->api->cycles(c->v), "tick", c->in_tick, c->ticks, msg);
    }
}

static void veval(void *ctx)
{
    nm_rtl_chip *c = ctx;
    c->api->eval(c->v, &c->p);
}

/* The trace window opens at the first action of tick wfrom. */
static int window_enter(nm_rtl_chip *c)
{
    if (c->window && c->wstate == 0 && c->ticks >= c->wfrom) {
        c->wstate = 1;
        return c->api->trace(c->v, 1) ? NM_ERR_NOMEM : NM_OK;
    }
    return NM_OK;
}

static void tick_finished(nm_rtl_chip *c)
{
    c->in_tick = 0;
    c->ticks++;
    if (c->window && c->wstate == 1 && c->ticks > c->wto) {
        c->wstate = 2;
        c->api->trace(c->v, 0);
    }
}

/* Pop the off-chip queue head into o if there is one (off_ready for the next edge). */
static int sink_offchip(nm_rtl_chip *c, nm_chip_tick_out *o)
{
    c->p.off_ready = 0;
    if (c->p.off_valid) {
        nm_offchip x;
        x.tick = c->p.off_tick;
        x.side = c->p.off_side;
        x.pos = c->p.off_pos;
        x.pkt = nm_flit_unpack(c->p.off_flit);
        c->p.off_ready = 1;
        return nm_chip_tick_out_add_off(o, &x);
    }
    return NM_OK;
}

static int apb(nm_rtl_chip *c, int write, uint32_t paddr, uint32_t wdata, uint32_t *rdata)
{
    return nm_vdrive_apb(&c->drv, &c->apb, write, paddr, wdata, rdata);
}

int nm_rtl_chip_apb_write(nm_rtl_chip *c, uint32_t paddr, uint32_t data)
{
    return apb(c, 1, paddr, data, NULL);
}

int nm_rtl_chip_apb_read(nm_rtl_chip *c, uint32_t paddr, uint32_t *data)
{
    return apb(c, 0, paddr, 0, data);
}

int nm_rtl_chip_host_send(nm_rtl_chip *c, uint32_t flit)
{
    uint64_t n;
    int rc;
    if (c->stopped)
        return NM_ERR_ASSERT;
    if ((rc = window_enter(c)) != NM_OK)
        return rc;
    c->p.host_valid = 1;
    c->p.host_flit = flit;
    for (n = 0; n < TICK_CYCLE_LIMIT; n++) {
        int ready = c->p.host_ready;
        rc = sink_offchip(c, &c->early);
        cycle(c);
        if (ready || rc != NM_OK || c->stopped)
            break;
    }
    c->p.host_valid = 0;
    c->p.off_ready = 0;
    if (c->stopped)
        return NM_ERR_ASSERT;
    return n == TICK_CYCLE_LIMIT ? NM_ERR_HANG : rc;
}

int nm_rtl_chip_tick(nm_rtl_chip *c, nm_chip_tick_out *out)
{
    uint64_t n;
    unsigned k;
    int rc = NM_OK, started = 0;

    out->cycles = 0;
    out->nspikes = 0;
    out->noff = 0;
    if (c->stopped)
        return NM_ERR_ASSERT;
    if ((rc = window_enter(c)) != NM_OK)
        return rc;
    c->in_tick = 1;
    for (k = 0; k < c->early.noff; k++)
        nm_chip_tick_out_add_off(out, &c->early.off[k]);
    c->early.noff = 0;
    c->p.tick = 1;
    for (n = 0; n < TICK_CYCLE_LIMIT && rc == NM_OK; n++) {
        int done = c->p.tick_done;
        for (k = 0; k < c->p.ntrace; k++) {
            if (out->nspikes == out->spikes_cap)
                return NM_ERR_PROTO;
            out->spikes[out->nspikes].core = c->p.trace_core[k];
            out->spikes[out->nspikes].neuron = c->p.trace_neuron[k];
            out->nspikes++;
        }
        rc = sink_offchip(c, out);
        if (started)
            out->cycles++;
        cycle(c);
        c->p.tick = 0;
        if (c->stopped)
            return NM_ERR_ASSERT;
        /* the tick request may wait for host packets to land; the tick itself starts
         * when the chip's BUSY rises */
        started = started || c->p.busy;
        if (done) {
            c->p.off_ready = 0;
            nm_chip_tick_out_sort(out);
            tick_finished(c);
            return rc;
        }
    }
    return rc != NM_OK ? rc : NM_ERR_HANG;
}

uint64_t nm_rtl_chip_cycles(const nm_rtl_chip *c)
{
    return c->api->cycles(c->v);
}

static int be_write(void *i, uint32_t a, uint32_t d) { return nm_rtl_chip_apb_write(i, a, d); }
static int be_read(void *i, uint32_t a, uint32_t *d) { return nm_rtl_chip_apb_read(i, a, d); }
static int be_send(void *i, uint32_t f) { return nm_rtl_chip_host_send(i, f); }
static int be_tick(void *i, nm_chip_tick_out *o) { return nm_rtl_chip_tick(i, o); }
static void be_free(void *i) { nm_rtl_chip_free(i); }

void nm_rtl_chip_backend(nm_chip_backend *b, nm_rtl_chip *c)
{
    b->name = "rtl";
    b->impl = c;
    b->mesh_x = c->mesh_x;
    b->mesh_y = c->mesh_y;
    b->naxons = c->naxons;
    b->nneurons = c->nneurons;
    b->apb_write = be_write;
    b->apb_read = be_read;
    b->host_send = be_send;
    b->tick = be_tick;
    b->free = be_free;
    b->drop_packet = NULL; /* its routers are not on the config bus */
}

int nm_rtl_chip_close_trace(nm_rtl_chip *c)
{
    return c->api->close_trace(c->v) ? NM_ERR_NOMEM : NM_OK;
}

const char *nm_rtl_chip_error(const nm_rtl_chip *c)
{
    return c->err;
}

nm_rtl_chip *nm_rtl_chip_new(const char *trace_path)
{
    nm_rtl_chip_opts o = {trace_path, 0, 0, 0, NULL};
    return nm_rtl_chip_new_opts(&o);
}

nm_rtl_chip *nm_rtl_chip_new_opts(const nm_rtl_chip_opts *o)
{
    nm_rtl_chip *c = calloc(1, sizeof *c);
    uint32_t geo = 0, cgeo = 0;
    if (!c)
        return NULL;
    c->window = o->trace_path && o->trace_window;
    c->wfrom = o->trace_from;
    c->wto = o->trace_to;
    c->api = o->api ? o->api : nm_vchip_linked_api();
    c->ncores = c->api->mesh_x * c->api->mesh_y;
    c->p.trace_core = calloc(c->ncores, sizeof *c->p.trace_core);
    c->p.trace_neuron = calloc(c->ncores, sizeof *c->p.trace_neuron);
    if (!c->p.trace_core || !c->p.trace_neuron) {
        nm_rtl_chip_free(c);
        return NULL;
    }
    c->v = c->api->create(o->trace_path, c->window);
    if (!c->v || nm_chip_tick_out_init(&c->early, 1, 1, 64) != NM_OK) {
        nm_rtl_chip_free(c);
        return NULL;
    }
    c->drv = (nm_vdrive){c, cycle, veval, &c->stopped};
    c->apb = (nm_vapb_pins){&c->p.psel,   &c->p.penable, &c->p.pwrite,  &c->p.paddr,
                            &c->p.pwdata, &c->p.pready,  &c->p.pslverr, &c->p.prdata};
    nm_vdrive_reset(&c->drv, &c->p.rst_n);
    if (nm_rtl_chip_apb_read(c, nm_chip_paddr(NM_CHIP_REGION_CHIP, 0, NM_CHIP_CHIP_GEOMETRY), &geo) ||
        nm_rtl_chip_apb_read(c, nm_chip_paddr(NM_CHIP_REGION_CORE, 0, NM_ADDR(NM_REGION_CTRL, NM_CTRL_GEOMETRY)),
                             &cgeo)) {
        nm_rtl_chip_free(c);
        return NULL;
    }
    c->mesh_x = (geo >> NM_CHIP_CHIP_GEOMETRY_MESH_X_LSB) & NM_CHIP_CHIP_GEOMETRY_MESH_X_MASK;
    c->mesh_y = (geo >> NM_CHIP_CHIP_GEOMETRY_MESH_Y_LSB) & NM_CHIP_CHIP_GEOMETRY_MESH_Y_MASK;
    c->naxons = (cgeo >> NM_CTRL_GEOMETRY_NAXONS_LSB) & NM_CTRL_GEOMETRY_NAXONS_MASK;
    c->nneurons = (cgeo >> NM_CTRL_GEOMETRY_NNEURONS_LSB) & NM_CTRL_GEOMETRY_NNEURONS_MASK;
    if (c->mesh_x * c->mesh_y != c->ncores || c->naxons != c->api->naxons || c->nneurons != c->api->nneurons) {
        nm_rtl_chip_free(c);
        return NULL;
    }
    return c;
}

void nm_rtl_chip_free(nm_rtl_chip *c)
{
    if (!c)
        return;
    if (c->v)
        c->api->destroy(c->v);
    nm_chip_tick_out_free(&c->early);
    free(c->p.trace_core);
    free(c->p.trace_neuron);
    free(c);
}
