/* nm_ref_chip.c - the chip reference model. */
#include "nm_ref_chip.h"

#include <stdlib.h>
#include <string.h>

#include "nm_chipmap.h"
#include "nm_ref_core.h"
#include "nm_regmap.h"

enum { PORT_L, PORT_E, PORT_W, PORT_N, PORT_S, NPORTS };
enum { SIDE_E, SIDE_W, SIDE_N, SIDE_S };

struct nm_ref_chip {
    unsigned mesh_x, mesh_y, ncores, naxons, nneurons;
    nm_ref_core **cores;
    uint32_t (*rcnt)[NPORTS + 1];  /* flits per output port, then stall (estimate: 0) */
    uint32_t tick_count, last_cycles, rt_period, overrun, overrun_tick;
    uint32_t max_hops;             /* longest route of the running tick */
    nm_chip_tick_out q;            /* off-chip queue (APB OUT_*) and packets awaiting a tick */
    unsigned qhead;
    nm_tick_out core_out;
    nm_chip_tick_out pend;         /* packets of the running tick, by source core */
};

/* Route a packet that enters router (x, y); count every hop like the RTL routers do;
 * deliver it or leave the mesh. */
static int route(nm_ref_chip *c, unsigned x, unsigned y, nm_pkt p, nm_chip_tick_out *off)
{
    uint32_t hops = 0;
    for (;;) {
        unsigned core = y * c->mesh_x + x, port;
        int leave = 0;
        nm_offchip o;
        if (p.dx > 0) {
            port = PORT_E; p.dx--; leave = (x + 1 == c->mesh_x); o.side = SIDE_E; o.pos = (uint8_t)y;
        } else if (p.dx < 0) {
            port = PORT_W; p.dx++; leave = (x == 0); o.side = SIDE_W; o.pos = (uint8_t)y;
        } else if (p.dy > 0) {
            port = PORT_N; p.dy--; leave = (y + 1 == c->mesh_y); o.side = SIDE_N; o.pos = (uint8_t)x;
        } else if (p.dy < 0) {
            port = PORT_S; p.dy++; leave = (y == 0); o.side = SIDE_S; o.pos = (uint8_t)x;
        } else {
            c->rcnt[core][PORT_L]++;
            if (hops > c->max_hops)
                c->max_hops = hops;
            return nm_ref_core_inject(c->cores[core], p.axon, p.delay);
        }
        c->rcnt[core][port]++;
        hops++;
        if (leave) {
            o.tick = c->tick_count;
            o.pkt = p;
            return nm_chip_tick_out_add_off(off, &o);
        }
        if (port == PORT_E) x++;
        else if (port == PORT_W) x--;
        else if (port == PORT_N) y++;
        else y--;
    }
}

int nm_ref_chip_host_send(nm_ref_chip *c, uint32_t flit)
{
    /* enters the west input of core (0, 0) */
    return route(c, 0, 0, nm_flit_unpack(flit), &c->q);
}

static int run_tick(nm_ref_chip *c, nm_chip_tick_out *out, nm_chip_tick_out *off)
{
    uint32_t maxcyc = 0;
    unsigned k, s;
    int rc = NM_OK;
    /* spikes of every core first: all cores advance their tick pointer at START */
    nm_chip_tick_out *pend = &c->pend;
    pend->noff = 0;
    c->max_hops = 0;
    for (k = 0; k < c->ncores && rc == NM_OK; k++) {
        rc = nm_ref_core_tick(c->cores[k], &c->core_out);
        if (c->core_out.cycles > maxcyc)
            maxcyc = c->core_out.cycles;
        for (s = 0; s < c->core_out.nspikes && rc == NM_OK; s++) {
            nm_offchip src; /* (tick = source core) while pending */
            if (out) {
                out->spikes[out->nspikes].core = (uint16_t)k;
                out->spikes[out->nspikes].neuron = c->core_out.spikes[s];
                out->nspikes++;
            }
            src.tick = k;
            src.side = src.pos = 0;
            src.pkt = c->core_out.pkts[s];
            rc = nm_chip_tick_out_add_off(pend, &src);
        }
    }
    for (k = 0; k < pend->noff && rc == NM_OK; k++)
        rc = route(c, pend->off[k].tick % c->mesh_x, pend->off[k].tick / c->mesh_x, pend->off[k].pkt, off);
    /* estimate: the slowest core plus the longest route and the barrier */
    c->last_cycles = maxcyc + c->max_hops + 3;
    if (c->rt_period && c->last_cycles > c->rt_period && !c->overrun) {
        c->overrun = 1;
        c->overrun_tick = c->tick_count;
    }
    c->tick_count++;
    return rc;
}

int nm_ref_chip_tick(nm_ref_chip *c, nm_chip_tick_out *out)
{
    unsigned k;
    int rc;
    out->nspikes = out->noff = 0;
    /* off-chip packets from host input sent before this tick */
    for (k = c->qhead; k < c->q.noff; k++)
        nm_chip_tick_out_add_off(out, &c->q.off[k]);
    c->q.noff = c->qhead = 0;
    rc = run_tick(c, out, out);
    out->cycles = c->last_cycles;
    nm_chip_tick_out_sort(out);
    return rc;
}

/* ------------------------------------------------------------------ APB */

static int chip_reg(nm_ref_chip *c, int write, unsigned word, uint32_t wdata, uint32_t *r)
{
    const nm_offchip *h = c->qhead < c->q.noff ? &c->q.off[c->qhead] : NULL;
    *r = 0;
    switch (word) {
    case NM_CHIP_CHIP_ID:
        if (write) return NM_ERR_CFG;
        *r = NM_CHIP_CHIP_ID_VALUE_RESET;
        return NM_OK;
    case NM_CHIP_CHIP_GEOMETRY:
        if (write) return NM_ERR_CFG;
        *r = c->mesh_x << NM_CHIP_CHIP_GEOMETRY_MESH_X_LSB | c->mesh_y << NM_CHIP_CHIP_GEOMETRY_MESH_Y_LSB;
        return NM_OK;
    case NM_CHIP_CHIP_CTRL:
        if (write && (wdata & 1u)) {
            int rc = run_tick(c, NULL, &c->q); /* off-chip packets go to the APB queue */
            if (rc != NM_OK)
                return rc;
        }
        return NM_OK;
    case NM_CHIP_CHIP_STATUS:
        if (write) return NM_ERR_CFG;
        *r = c->overrun << NM_CHIP_CHIP_STATUS_OVERRUN_LSB | (uint32_t)(h != NULL) << NM_CHIP_CHIP_STATUS_OUT_VALID_LSB |
             1u << NM_CHIP_CHIP_STATUS_IDLE_LSB;
        return NM_OK;
    case NM_CHIP_CHIP_TICK_COUNT:
        if (write) return NM_ERR_CFG;
        *r = c->tick_count;
        return NM_OK;
    case NM_CHIP_CHIP_LAST_CYCLES:
        if (write) return NM_ERR_CFG;
        *r = c->last_cycles;
        return NM_OK;
    case NM_CHIP_CHIP_RT_PERIOD:
        if (write) {
            c->rt_period = wdata;
            c->overrun = 0;
        } else {
            *r = c->rt_period;
        }
        return NM_OK;
    case NM_CHIP_CHIP_OVERRUN_TICK:
        if (write) return NM_ERR_CFG;
        *r = c->overrun_tick;
        return NM_OK;
    case NM_CHIP_CHIP_HOST_IN:
        return write ? nm_ref_chip_host_send(c, wdata) : NM_OK;
    case NM_CHIP_CHIP_OUT_INFO:
        if (write) return NM_ERR_CFG;
        if (h)
            *r = 1u | (uint32_t)h->side << NM_CHIP_CHIP_OUT_INFO_SIDE_LSB |
                 (uint32_t)h->pos << NM_CHIP_CHIP_OUT_INFO_POS_LSB;
        return NM_OK;
    case NM_CHIP_CHIP_OUT_FLIT:
        if (write) return NM_ERR_CFG;
        if (h)
            *r = nm_flit_pack(&h->pkt);
        return NM_OK;
    case NM_CHIP_CHIP_OUT_TICK:
        if (write) return NM_ERR_CFG;
        if (h)
            *r = h->tick;
        return NM_OK;
    case NM_CHIP_CHIP_OUT_POP:
        if (write && h && ++c->qhead == c->q.noff)
            c->q.noff = c->qhead = 0;
        return NM_OK;
    default:
        return NM_ERR_CFG;
    }
}

static int apb(nm_ref_chip *c, int write, uint32_t paddr, uint32_t wdata, uint32_t *rdata)
{
    uint32_t word = paddr >> 2, dummy;
    unsigned space = word >> NM_CHIP_REGION_SHIFT, index = (word >> 16) & 0xfffu, off = word & 0xffffu;
    if (!rdata)
        rdata = &dummy;
    *rdata = 0;
    if (paddr & 3u)
        return NM_ERR_CFG;
    switch (space) {
    case NM_CHIP_REGION_CORE:
        if (index >= c->ncores)
            return NM_ERR_CFG;
        return write ? nm_ref_core_cfg_write(c->cores[index], off, wdata)
                     : nm_ref_core_cfg_read(c->cores[index], off, rdata);
    case NM_CHIP_REGION_ROUTER:
        if (index >= c->ncores || off >= NM_CHIP_ROUTER_NREGS)
            return NM_ERR_CFG;
        if (write)
            c->rcnt[index][off] = wdata;
        else
            *rdata = c->rcnt[index][off];
        return NM_OK;
    case NM_CHIP_REGION_CHIP:
        if (index != 0)
            return NM_ERR_CFG;
        return chip_reg(c, write, off, wdata, rdata);
    default:
        return NM_ERR_CFG;
    }
}

int nm_ref_chip_apb_write(nm_ref_chip *c, uint32_t paddr, uint32_t data)
{
    return apb(c, 1, paddr, data, NULL);
}

int nm_ref_chip_apb_read(nm_ref_chip *c, uint32_t paddr, uint32_t *data)
{
    return apb(c, 0, paddr, 0, data);
}

/* ------------------------------------------------------------------ life cycle */

static int be_write(void *i, uint32_t a, uint32_t d) { return nm_ref_chip_apb_write(i, a, d); }
static int be_read(void *i, uint32_t a, uint32_t *d) { return nm_ref_chip_apb_read(i, a, d); }
static int be_send(void *i, uint32_t f) { return nm_ref_chip_host_send(i, f); }
static int be_tick(void *i, nm_chip_tick_out *o) { return nm_ref_chip_tick(i, o); }
static void be_free(void *i) { nm_ref_chip_free(i); }

void nm_ref_chip_backend(nm_chip_backend *b, nm_ref_chip *c)
{
    b->name = "ref";
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
}

nm_ref_chip *nm_ref_chip_new(unsigned mesh_x, unsigned mesh_y, unsigned naxons, unsigned nneurons)
{
    nm_ref_chip *c;
    unsigned k;
    if (mesh_x < 1 || mesh_x > 64 || mesh_y < 1 || mesh_y > 64)
        return NULL;
    c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->mesh_x = mesh_x;
    c->mesh_y = mesh_y;
    c->ncores = mesh_x * mesh_y;
    c->naxons = naxons;
    c->nneurons = nneurons;
    c->cores = calloc(c->ncores, sizeof *c->cores);
    c->rcnt = calloc(c->ncores, sizeof *c->rcnt);
    if (!c->cores || !c->rcnt || nm_chip_tick_out_init(&c->q, 1, 1, 64) != NM_OK ||
        nm_chip_tick_out_init(&c->pend, 1, 1, 1024) != NM_OK) {
        nm_ref_chip_free(c);
        return NULL;
    }
    for (k = 0; k < c->ncores; k++) {
        c->cores[k] = nm_ref_core_new(naxons, nneurons, NULL);
        if (!c->cores[k]) {
            nm_ref_chip_free(c);
            return NULL;
        }
    }
    return c;
}

void nm_ref_chip_free(nm_ref_chip *c)
{
    unsigned k;
    if (!c)
        return;
    for (k = 0; c->cores && k < c->ncores; k++)
        nm_ref_core_free(c->cores[k]);
    free(c->cores);
    free(c->rcnt);
    nm_chip_tick_out_free(&c->q);
    nm_chip_tick_out_free(&c->pend);
    free(c);
}
