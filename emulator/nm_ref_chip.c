/* nm_ref_chip.c - the chip reference model.
 *
 * A tick runs in two phases, each split over worker threads by contiguous ranges of
 * cores (docs/performance.md):
 *   A. every core ticks; each spike is routed in closed form (X then Y): its hops are
 *      added to per-worker difference arrays along its row and column, and the packet
 *      goes to the outbox of the worker that owns its destination core (or off chip);
 *   B. each worker applies the packets addressed to its cores and turns its own
 *      difference arrays into router counts of its own (summed when read).
 * Everything a phase adds is a sum or a bit OR, so the result does not depend on the
 * number of threads; spikes and off-chip packets are gathered in core order. */
#include "nm_ref_chip.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "nm_barrier.h"
#include "nm_chipmap.h"
#include "nm_ref_core.h"
#include "nm_regmap.h"

enum { PORT_L, PORT_E, PORT_W, PORT_N, PORT_S, NPORTS };
enum { SIDE_E, SIDE_W, SIDE_N, SIDE_S };
enum { DIR_E, DIR_W, DIR_N, DIR_S, NDIRS };
enum { BAR_GO, BAR_MID, BAR_DONE, NBARS };

#define NM_MAX_THREADS 64

/* Everything two threads write in one tick (worker structs, outboxes, difference
 * arrays, barriers) starts on a cache line of its own and fills whole lines, so no
 * line holds data that one thread writes and another reads or writes in the same phase
 * (false sharing makes the same work cost more on two threads than on one). */
#define LINE 64

/* n zero bytes on cache lines of their own (rounded up to whole lines), or NULL. */
static void *line_calloc(size_t n)
{
    void *p;
    n = (n + LINE - 1) / LINE * LINE;
    if (posix_memalign(&p, LINE, n ? n : LINE))
        return NULL;
    memset(p, 0, n ? n : LINE);
    return p;
}

/* Packets on their way to cores. */
typedef struct dvec {
    nm_ref_delivery *v;
    size_t n, cap;
} dvec;

typedef struct __attribute__((aligned(LINE))) worker {
    struct nm_ref_chip *c;
    unsigned id, core0, core1;     /* cores [core0, core1) */
    pthread_t th;
    int rc;
    uint32_t maxcyc, max_hops;
    dvec *box;                     /* box[t]: packets for the cores of worker t */
    nm_chip_tick_out off;          /* off-chip packets of this worker's cores, in order */
    nm_chip_tick_out spk;          /* spikes of this worker's cores, in order */
    nm_tick_out core_out[2];       /* the ticks of two cores in flight */
    int32_t *diff[NDIRS];          /* E, W: [y][x] of (mesh_x + 1); N, S: [x][y] of (mesh_y + 1) */
    unsigned erow0, erow1;         /* the rows holding this worker's cores: its spikes' X legs */
    /* the router counts this worker adds in phase B: c->rcnt for worker 0; for the others
     * arrays of their own, added to c->rcnt when read (apb) or when the workers
     * go (free_workers), so no two threads write one line of counts */
    uint32_t (*cnt)[NPORTS + 1];
    int unsorted;                  /* its spikes were not in (core, neuron) order */
} worker;

struct nm_ref_chip {
    unsigned mesh_x, mesh_y, ncores, naxons, nneurons;
    nm_ref_core **cores;
    uint32_t (*rcnt)[NPORTS + 1];  /* flits per output port, then stall (estimate: 0) */
    uint32_t tick_count, last_cycles, rt_period, overrun, overrun_tick;
    uint32_t max_hops;             /* longest route of the running tick */
    nm_chip_tick_out q;            /* off-chip queue (APB OUT_*) and packets awaiting a tick */
    unsigned qhead;
    unsigned nthreads, nworkers;   /* requested; running (workers[0] is the caller) */
    worker *workers;
    uint8_t *owner;                /* owner[core]: the worker whose range holds the core */
    int started, quit;
    nm_barrier bar[NBARS];         /* where the threads meet: before phase A, between, after B */
    nm_ref_core_hook hook;         /* nm_ref_chip_set_core_hook: cores run elsewhere too */
    void *hook_ctx;
    uint8_t *hooked;               /* hooked[core] */
    int32_t *ediff[NDIRS];         /* difference arrays of nm_ref_chip_edge_inject_many */
    struct dvec edel;              /* and its deliveries */
    uint32_t *drops;               /* fault injection: core << 16 | neuron, for the next tick */
    unsigned ndrops, drops_cap;
    nm_chip_tick_out *dst;         /* the running tick's output: phase B copies the spikes */
    int unsorted;                  /* the last tick's spikes need sorting (a core hook) */
};

/* 1 when the packet neuron n of core p fires this tick is to be dropped (a fault). */
static int dropped(const nm_ref_chip *c, unsigned p, unsigned n)
{
    unsigned k;
    for (k = 0; k < c->ndrops; k++)
        if (c->drops[k] == ((uint32_t)p << 16 | n))
            return 1;
    return 0;
}

/* Route a packet that enters router (x, y) hop by hop, counting every hop like the RTL
 * routers; deliver it (*left = 0) or let it leave the mesh (*left = 1, *o filled). */
static int route_hops(nm_ref_chip *c, unsigned x, unsigned y, nm_pkt p, nm_offchip *o, int *left)
{
    *left = 0;
    for (;;) {
        unsigned core = y * c->mesh_x + x, port;
        int leave = 0;
        if (p.dx > 0) {
            port = PORT_E; p.dx--; leave = (x + 1 == c->mesh_x); o->side = SIDE_E; o->pos = (uint8_t)y;
        } else if (p.dx < 0) {
            port = PORT_W; p.dx++; leave = (x == 0); o->side = SIDE_W; o->pos = (uint8_t)y;
        } else if (p.dy > 0) {
            port = PORT_N; p.dy--; leave = (y + 1 == c->mesh_y); o->side = SIDE_N; o->pos = (uint8_t)x;
        } else if (p.dy < 0) {
            port = PORT_S; p.dy++; leave = (y == 0); o->side = SIDE_S; o->pos = (uint8_t)x;
        } else {
            c->rcnt[core][PORT_L]++;
            return nm_ref_core_inject(c->cores[core], p.axon, p.delay);
        }
        c->rcnt[core][port]++;
        if (leave) {
            o->tick = c->tick_count;
            o->pkt = p;
            *left = 1;
            return NM_OK;
        }
        if (port == PORT_E) x++;
        else if (port == PORT_W) x--;
        else if (port == PORT_N) y++;
        else y--;
    }
}

/* A host packet: delivered, or queued off chip. */
static int route(nm_ref_chip *c, unsigned x, unsigned y, nm_pkt p, nm_chip_tick_out *off)
{
    nm_offchip o;
    int left, rc = route_hops(c, x, y, p, &o, &left);
    return rc != NM_OK || !left ? rc : nm_chip_tick_out_add_off(off, &o);
}

int nm_ref_chip_host_send(nm_ref_chip *c, uint32_t flit)
{
    /* enters the west input of core (0, 0) */
    return route(c, 0, 0, nm_flit_unpack(flit), &c->q);
}

static void span(int32_t *line, int lo, int hi);
static int dvec_push(dvec *d, uint16_t core, uint8_t axon, uint8_t delay);

int nm_ref_chip_edge_inject_many(nm_ref_chip *c, const nm_ref_edge_pkt *v, size_t n, size_t *nleft)
{
    const int mx = (int)c->mesh_x, my = (int)c->mesh_y;
    size_t i, left = 0;
    unsigned d, x, y;
    int rc = NM_OK;
    for (d = 0; d < NDIRS; d++)
        if (!c->ediff[d] && !(c->ediff[d] = calloc((size_t)(mx + 1) * (my + 1), sizeof(int32_t))))
            return NM_ERR_NOMEM;
    c->edel.n = 0;
    for (i = 0; i < n; i++)
        if (v[i].side > SIDE_S || v[i].pos >= (v[i].side <= SIDE_W ? c->mesh_y : c->mesh_x))
            return NM_ERR_ARG;
    /* as route_hops, in closed form: X along the entry row, then Y along the column */
    for (i = 0; i < n; i++) {
        nm_pkt p = v[i].pkt;
        int px = v[i].side == SIDE_E ? mx - 1 : v[i].side == SIDE_W ? 0 : v[i].pos;
        int py = v[i].side == SIDE_N ? my - 1 : v[i].side == SIDE_S ? 0 : v[i].pos;
        if (p.dx > 0) {
            int end = px + p.dx;
            int32_t *line = c->ediff[DIR_E] + (size_t)py * (c->mesh_x + 1);
            if (end > mx - 1) {
                span(line, px, mx - 1);
                left++;
                continue;
            }
            span(line, px, end - 1);
            px = end;
        } else if (p.dx < 0) {
            int end = px + p.dx;
            int32_t *line = c->ediff[DIR_W] + (size_t)py * (c->mesh_x + 1);
            if (end < 0) {
                span(line, 0, px);
                left++;
                continue;
            }
            span(line, end + 1, px);
            px = end;
        }
        if (p.dy > 0) {
            int end = py + p.dy;
            int32_t *line = c->ediff[DIR_N] + (size_t)px * (c->mesh_y + 1);
            if (end > my - 1) {
                span(line, py, my - 1);
                left++;
                continue;
            }
            span(line, py, end - 1);
            py = end;
        } else if (p.dy < 0) {
            int end = py + p.dy;
            int32_t *line = c->ediff[DIR_S] + (size_t)px * (c->mesh_y + 1);
            if (end < 0) {
                span(line, 0, py);
                left++;
                continue;
            }
            span(line, end + 1, py);
            py = end;
        }
        {
            unsigned core = (unsigned)py * c->mesh_x + (unsigned)px;
            c->rcnt[core][PORT_L]++;
            if (rc == NM_OK && p.delay <= 15)
                rc = dvec_push(&c->edel, (uint16_t)core, p.axon, p.delay);
        }
    }
    /* the deliveries, with the next ones' rows prefetched (as the chip's own) */
    if (rc == NM_OK)
        nm_ref_core_deliver(c->cores, c->edel.v, c->edel.n);
    /* the summed spans into the routers' counters; the arrays end cleared */
    for (y = 0; y < c->mesh_y; y++) {
        int32_t run_e = 0, run_w = 0;
        for (x = 0; x <= c->mesh_x; x++) {
            size_t at = (size_t)y * (c->mesh_x + 1) + x;
            run_e += c->ediff[DIR_E][at];
            run_w += c->ediff[DIR_W][at];
            c->ediff[DIR_E][at] = c->ediff[DIR_W][at] = 0;
            if (x < c->mesh_x) {
                c->rcnt[y * c->mesh_x + x][PORT_E] += (uint32_t)run_e;
                c->rcnt[y * c->mesh_x + x][PORT_W] += (uint32_t)run_w;
            }
        }
    }
    for (x = 0; x < c->mesh_x; x++) {
        int32_t run_n = 0, run_s = 0;
        for (y = 0; y <= c->mesh_y; y++) {
            size_t at = (size_t)x * (c->mesh_y + 1) + y;
            run_n += c->ediff[DIR_N][at];
            run_s += c->ediff[DIR_S][at];
            c->ediff[DIR_N][at] = c->ediff[DIR_S][at] = 0;
            if (y < c->mesh_y) {
                c->rcnt[y * c->mesh_x + x][PORT_N] += (uint32_t)run_n;
                c->rcnt[y * c->mesh_x + x][PORT_S] += (uint32_t)run_s;
            }
        }
    }
    if (nleft)
        *nleft = left;
    return rc;
}

int nm_ref_chip_edge_inject(nm_ref_chip *c, unsigned side, unsigned pos, nm_pkt p, nm_offchip *left, int *has_left)
{
    unsigned x, y;
    if (side > SIDE_S || pos >= (side <= SIDE_W ? c->mesh_y : c->mesh_x))
        return NM_ERR_ARG;
    x = side == SIDE_E ? c->mesh_x - 1 : side == SIDE_W ? 0 : pos;
    y = side == SIDE_N ? c->mesh_y - 1 : side == SIDE_S ? 0 : pos;
    return route_hops(c, x, y, p, left, has_left);
}

static int dvec_push(dvec *d, uint16_t core, uint8_t axon, uint8_t delay)
{
    if (d->n == d->cap) {
        size_t cap = d->cap ? 2 * d->cap : 256;
        nm_ref_delivery *v = realloc(d->v, cap * sizeof *v);
        if (!v)
            return NM_ERR_NOMEM;
        d->v = v;
        d->cap = cap;
    }
    d->v[d->n].core = core;
    d->v[d->n].axon = axon;
    d->v[d->n].delay = delay;
    d->n++;
    return NM_OK;
}

/* Hops on routers lo..hi (inclusive) of one line of a difference array. */
static void span(int32_t *line, int lo, int hi)
{
    line[lo]++;
    line[hi + 1]--;
}

/* The route of a packet fired at core (x, y), in closed form: the routers it passes
 * output it E or W along row y, then N or S along its column; it lands or leaves. */
static int route_spike(worker *w, int x, int y, nm_pkt p)
{
    const nm_ref_chip *c = w->c;
    const int mx = (int)c->mesh_x, my = (int)c->mesh_y;
    uint32_t hops = 0;
    nm_offchip o;
    o.tick = c->tick_count;
    if (p.dx > 0) {
        int end = x + p.dx;
        int32_t *line = w->diff[DIR_E] + (size_t)y * (c->mesh_x + 1);
        if (end > mx - 1) {
            span(line, x, mx - 1);
            hops = (uint32_t)(mx - x);
            p.dx = (int16_t)(p.dx - (mx - x));
            o.side = SIDE_E; o.pos = (uint8_t)y; o.pkt = p;
            goto leave;
        }
        span(line, x, end - 1);
        hops = (uint32_t)p.dx;
        x = end;
    } else if (p.dx < 0) {
        int end = x + p.dx;
        int32_t *line = w->diff[DIR_W] + (size_t)y * (c->mesh_x + 1);
        if (end < 0) {
            span(line, 0, x);
            hops = (uint32_t)(x + 1);
            p.dx = (int16_t)(p.dx + x + 1);
            o.side = SIDE_W; o.pos = (uint8_t)y; o.pkt = p;
            goto leave;
        }
        span(line, end + 1, x);
        hops = (uint32_t)-p.dx;
        x = end;
    }
    p.dx = 0;
    if (p.dy > 0) {
        int end = y + p.dy;
        int32_t *line = w->diff[DIR_N] + (size_t)x * (c->mesh_y + 1);
        if (end > my - 1) {
            span(line, y, my - 1);
            hops += (uint32_t)(my - y);
            p.dy = (int16_t)(p.dy - (my - y));
            o.side = SIDE_N; o.pos = (uint8_t)x; o.pkt = p;
            goto leave;
        }
        span(line, y, end - 1);
        hops += (uint32_t)p.dy;
        y = end;
    } else if (p.dy < 0) {
        int end = y + p.dy;
        int32_t *line = w->diff[DIR_S] + (size_t)x * (c->mesh_y + 1);
        if (end < 0) {
            span(line, 0, y);
            hops += (uint32_t)(y + 1);
            p.dy = (int16_t)(p.dy + y + 1);
            o.side = SIDE_S; o.pos = (uint8_t)x; o.pkt = p;
            goto leave;
        }
        span(line, end + 1, y);
        hops += (uint32_t)-p.dy;
        y = end;
    }
    if (hops > w->max_hops)
        w->max_hops = hops;
    {
        unsigned core = (unsigned)y * c->mesh_x + (unsigned)x;
        unsigned owner = c->owner[core];
        return dvec_push(&w->box[owner], (uint16_t)core, p.axon, p.delay);
    }
leave:
    if (hops > w->max_hops)
        w->max_hops = hops;
    return nm_chip_tick_out_add_off(&w->off, &o);
}

/* Phase A on the cores of one worker. */
static void phase_a(worker *w)
{
    nm_ref_chip *c = w->c;
    unsigned k, s, d;
    w->rc = NM_OK;
    w->maxcyc = w->max_hops = 0;
    w->off.noff = 0;
    for (d = 0; d < c->nworkers; d++)
        w->box[d].n = 0;
    /* the difference arrays are all zero here: phase B clears what it sums */
    w->spk.nspikes = 0;
    /* software pipeline: core k fires while the DEST words of core k - 1 arrive */
    for (k = w->core0; k <= w->core1 && w->rc == NM_OK; k++) {
        if (k < w->core1) {
            nm_tick_out *o = &w->core_out[k & 1];
            /* three stages ahead: the state (for the tick pointer), then the scheduler
             * row it names, then the crossbar rows that row activates */
            if (k + 2 < w->core1)
                nm_ref_core_prefetch(c->cores[k + 2], 1);
            if (k + 4 < w->core1)
                nm_ref_core_prefetch(c->cores[k + 4], 0);
            if (k + 6 < w->core1)
                __builtin_prefetch(c->cores[k + 6]);
            w->rc = nm_ref_core_tick_fire(c->cores[k], o);
            if (o->cycles > w->maxcyc)
                w->maxcyc = o->cycles;
        }
        if (k > w->core0) {
            const unsigned p = k - 1;
            nm_tick_out *o = &w->core_out[p & 1];
            nm_ref_core_tick_packets(c->cores[p], o);
            if (c->hook && c->hooked[p]) {
                w->rc = c->hook(c->hook_ctx, p, c->tick_count, c->cores[p], o);
                if (o->cycles > w->maxcyc)
                    w->maxcyc = o->cycles;
            }
            for (s = 0; s < o->nspikes && w->rc == NM_OK; s++) {
                w->spk.spikes[w->spk.nspikes].core = (uint16_t)p;
                w->spk.spikes[w->spk.nspikes].neuron = o->spikes[s];
                w->spk.nspikes++;
                if (c->ndrops && dropped(c, p, o->spikes[s]))
                    continue;
                w->rc = route_spike(w, (int)(p % c->mesh_x), (int)(p / c->mesh_x), o->pkts[s]);
            }
        }
    }
}

/* Phase B: deliveries to this worker's cores, then the router counts of the hops its own
 * spikes made (its own difference arrays): along the rows of its cores (E, W) and along
 * every column (N, S). Each worker adds into its own counts (w->cnt), so the sums are the
 * same for any number of workers and no thread reads what another wrote in phase A but
 * the packets addressed to its cores. */
static void phase_b(worker *w)
{
    nm_ref_chip *c = w->c;
    uint32_t (*cnt)[NPORTS + 1] = w->cnt;
    int32_t *de = w->diff[DIR_E], *dw = w->diff[DIR_W], *dn = w->diff[DIR_N], *ds = w->diff[DIR_S];
    unsigned t, x, y;
    size_t i;
    if (c->dst) {
        /* this worker's spikes into the output after those of the workers before it
         * (core order), checking that they come in (core, neuron) order: each core's
         * do, but a core hook may change that */
        nm_chip_spike *o = c->dst->spikes + c->dst->nspikes;
        uint32_t prev = 0;
        int uns = 0;
        for (t = 0; t < w->id; t++)
            o += c->workers[t].spk.nspikes;
        for (i = 0; i < w->spk.nspikes; i++) {
            const uint32_t key = (uint32_t)w->spk.spikes[i].core << 16 | w->spk.spikes[i].neuron;
            uns |= key < prev;
            prev = key;
            o[i] = w->spk.spikes[i];
        }
        w->unsorted = uns;
    }
    for (t = 0; t < c->nworkers; t++) {
        const dvec *d = &c->workers[t].box[w->id];
        for (i = 0; i < d->n; i++)
            cnt[d->v[i].core][PORT_L]++;
        nm_ref_core_deliver(c->cores, d->v, d->n);
    }
    for (y = w->erow0; y < w->erow1; y++) {
        int32_t run_e = 0, run_w = 0;
        const size_t row = (size_t)y * (c->mesh_x + 1);
        for (x = 0; x < c->mesh_x; x++) {
            run_e += de[row + x];
            run_w += dw[row + x];
            de[row + x] = dw[row + x] = 0;
            cnt[y * c->mesh_x + x][PORT_E] += (uint32_t)run_e;
            cnt[y * c->mesh_x + x][PORT_W] += (uint32_t)run_w;
        }
        de[row + c->mesh_x] = dw[row + c->mesh_x] = 0; /* the last entry is only cleared */
    }
    for (x = 0; x < c->mesh_x; x++) {
        int32_t run_n = 0, run_s = 0;
        const size_t col = (size_t)x * (c->mesh_y + 1);
        for (y = 0; y < c->mesh_y; y++) {
            run_n += dn[col + y];
            run_s += ds[col + y];
            dn[col + y] = ds[col + y] = 0;
            cnt[y * c->mesh_x + x][PORT_N] += (uint32_t)run_n;
            cnt[y * c->mesh_x + x][PORT_S] += (uint32_t)run_s;
        }
        dn[col + c->mesh_y] = ds[col + c->mesh_y] = 0;
    }
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    nm_ref_chip *c = w->c;
    for (;;) {
        nm_barrier_wait(&c->bar[BAR_GO]);
        if (c->quit)
            return NULL;
        phase_a(w);
        nm_barrier_wait(&c->bar[BAR_MID]);
        phase_b(w);
        nm_barrier_wait(&c->bar[BAR_DONE]);
    }
}

static void stop_workers(nm_ref_chip *c)
{
    unsigned t;
    if (!c->started)
        return;
    c->quit = 1;
    nm_barrier_wait(&c->bar[BAR_GO]);
    for (t = 1; t < c->nworkers; t++)
        pthread_join(c->workers[t].th, NULL);
    nm_barrier_destroy_array(c->bar, NBARS);
    c->started = c->quit = 0;
}

static void free_workers(nm_ref_chip *c)
{
    unsigned t, d, k, p;
    stop_workers(c);
    for (t = 0; c->workers && t < c->nworkers; t++) {
        worker *w = &c->workers[t];
        if (t > 0 && w->cnt) {
            for (k = 0; k < c->ncores; k++)
                for (p = 0; p <= NPORTS; p++)
                    c->rcnt[k][p] += w->cnt[k][p];
            free(w->cnt);
        }
        for (d = 0; w->box && d < c->nworkers; d++)
            free(w->box[d].v);
        free(w->box);
        for (d = 0; d < NDIRS; d++)
            free(w->diff[d]);
        nm_chip_tick_out_free(&w->off);
        nm_chip_tick_out_free(&w->spk);
    }
    free(c->workers);
    free(c->owner);
    c->workers = NULL;
    c->owner = NULL;
    c->nworkers = 0;
}

/* Split the cores over n workers; start n - 1 threads. */
static int make_workers(nm_ref_chip *c, unsigned n)
{
    unsigned t, d;
    if (n > c->ncores)
        n = c->ncores;
    c->workers = line_calloc(n * sizeof *c->workers);
    c->owner = malloc(c->ncores);
    if (!c->workers || !c->owner)
        return NM_ERR_NOMEM;
    c->nworkers = n;
    for (t = 0; t < n; t++) {
        worker *w = &c->workers[t];
        w->c = c;
        w->id = t;
        w->core0 = (unsigned)((uint64_t)c->ncores * t / n);
        w->core1 = (unsigned)((uint64_t)c->ncores * (t + 1) / n);
        w->erow0 = w->core0 / c->mesh_x;
        w->erow1 = w->core1 > w->core0 ? (w->core1 - 1) / c->mesh_x + 1 : w->erow0;
        w->cnt = t == 0 ? c->rcnt : line_calloc(c->ncores * sizeof *w->cnt);
        if (!w->cnt)
            return NM_ERR_NOMEM;
        memset(c->owner + w->core0, (int)t, w->core1 - w->core0);
        w->box = line_calloc(n * sizeof *w->box);
        if (!w->box || nm_chip_tick_out_init(&w->off, 1, 1, 64) != NM_OK ||
            nm_chip_tick_out_init(&w->spk, w->core1 - w->core0, c->nneurons, 1) != NM_OK)
            return NM_ERR_NOMEM;
        for (d = 0; d < NDIRS; d++) {
            w->diff[d] = line_calloc((size_t)(c->mesh_x + 1) * (c->mesh_y + 1) * sizeof(int32_t));
            if (!w->diff[d])
                return NM_ERR_NOMEM;
        }
    }
    if (n == 1)
        return NM_OK;
    if (nm_barrier_init_array(c->bar, NBARS, n))
        return NM_ERR_NOMEM;
    for (t = 1; t < n; t++) {
        if (pthread_create(&c->workers[t].th, NULL, worker_main, &c->workers[t])) {
            /* stop the threads that did start: they and this one meet at go once */
            unsigned k;
            c->quit = 1;
            nm_barrier_set_parties(&c->bar[BAR_GO], t);
            nm_barrier_wait(&c->bar[BAR_GO]);
            for (k = 1; k < t; k++)
                pthread_join(c->workers[k].th, NULL);
            nm_barrier_destroy_array(c->bar, NBARS);
            c->quit = 0;
            return NM_ERR_NOMEM;
        }
    }
    c->started = 1;
    return NM_OK;
}

int nm_ref_chip_set_threads(nm_ref_chip *c, unsigned n)
{
    if (n < 1 || n > NM_MAX_THREADS)
        return NM_ERR_ARG;
    free_workers(c);
    c->nthreads = n;
    return NM_OK;
}

/* Append n off-chip packets at once (the array grows as nm_chip_tick_out_add_off's). */
static int off_append(nm_chip_tick_out *o, const nm_offchip *v, uint32_t n)
{
    if (o->noff + n > o->off_cap) {
        uint32_t cap = o->off_cap ? o->off_cap : 64;
        nm_offchip *m;
        while (cap < o->noff + n)
            cap *= 2;
        m = realloc(o->off, (size_t)cap * sizeof *m);
        if (!m)
            return NM_ERR_NOMEM;
        o->off = m;
        o->off_cap = cap;
    }
    memcpy(o->off + o->noff, v, (size_t)n * sizeof *v);
    o->noff += n;
    return NM_OK;
}

static int run_tick(nm_ref_chip *c, nm_chip_tick_out *out, nm_chip_tick_out *off)
{
    uint32_t maxcyc = 0;
    unsigned t;
    int rc = NM_OK;
    if (!c->workers && (rc = make_workers(c, c->nthreads)) != NM_OK) {
        free_workers(c);
        return rc;
    }
    c->dst = out;
    if (c->started) {
        nm_barrier_wait(&c->bar[BAR_GO]);
        phase_a(&c->workers[0]);
        nm_barrier_wait(&c->bar[BAR_MID]);
        phase_b(&c->workers[0]);
        nm_barrier_wait(&c->bar[BAR_DONE]);
    } else {
        phase_a(&c->workers[0]);
        phase_b(&c->workers[0]);
    }
    c->max_hops = 0;
    for (t = 0; t < c->nworkers; t++) {
        const worker *w = &c->workers[t];
        if (w->rc != NM_OK && rc == NM_OK)
            rc = w->rc;
        if (w->maxcyc > maxcyc)
            maxcyc = w->maxcyc;
        if (w->max_hops > c->max_hops)
            c->max_hops = w->max_hops;
        if (rc == NM_OK)
            rc = off_append(off, w->off.off, w->off.noff);
    }
    c->unsorted = 0;
    for (t = 0; out && t < c->nworkers; t++) {
        out->nspikes += c->workers[t].spk.nspikes; /* copied in phase B */
        c->unsorted |= c->workers[t].unsorted;
    }
    /* estimate: the slowest core plus the longest route and the barrier */
    c->last_cycles = maxcyc + c->max_hops + 3;
    if (c->rt_period && c->last_cycles > c->rt_period && !c->overrun) {
        c->overrun = 1;
        c->overrun_tick = c->tick_count;
    }
    c->tick_count++;
    return rc;
}

int nm_ref_chip_drop_packet(nm_ref_chip *c, unsigned core, unsigned neuron)
{
    if (core >= c->ncores || neuron >= c->nneurons)
        return NM_ERR_ARG;
    if (c->ndrops == c->drops_cap) {
        unsigned cap = c->drops_cap ? 2 * c->drops_cap : 8;
        uint32_t *d = realloc(c->drops, cap * sizeof *d);
        if (!d)
            return NM_ERR_NOMEM;
        c->drops = d;
        c->drops_cap = cap;
    }
    c->drops[c->ndrops++] = (uint32_t)core << 16 | neuron;
    return NM_OK;
}

static int tick_out(nm_ref_chip *c, nm_chip_tick_out *out, int sort)
{
    unsigned k;
    int rc;
    out->nspikes = out->noff = 0;
    /* off-chip packets from host input sent before this tick */
    for (k = c->qhead; k < c->q.noff; k++)
        nm_chip_tick_out_add_off(out, &c->q.off[k]);
    c->q.noff = c->qhead = 0;
    rc = run_tick(c, out, out);
    c->ndrops = 0;
    out->cycles = c->last_cycles;
    if (sort && c->unsorted)
        nm_chip_tick_out_sort(out);
    else if (sort)
        nm_chip_tick_out_sort_off(out); /* the spikes are in order (phase B checked) */
    return rc;
}

int nm_ref_chip_tick(nm_ref_chip *c, nm_chip_tick_out *out)
{
    return tick_out(c, out, 1);
}

int nm_ref_chip_tick_unsorted(nm_ref_chip *c, nm_chip_tick_out *out)
{
    return tick_out(c, out, 0);
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
    unsigned space = word >> NM_CHIP_REGION_SHIFT, index = (word >> 16) & 0xfffu, off = word & 0xffffu, k;
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
        /* the other workers' counts not yet added (see worker.cnt) */
        for (k = 1; c->workers && k < c->nworkers; k++) {
            if (write)
                c->workers[k].cnt[index][off] = 0;
            else
                *rdata += c->workers[k].cnt[index][off];
        }
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
static int be_drop(void *i, unsigned core, unsigned n) { return nm_ref_chip_drop_packet(i, core, n); }

int nm_ref_chip_set_core_hook(nm_ref_chip *c, const uint8_t *cores, nm_ref_core_hook hook, void *ctx)
{
    if (!c->hooked && !(c->hooked = calloc(c->ncores, 1)))
        return NM_ERR_NOMEM;
    memcpy(c->hooked, cores, c->ncores);
    c->hook = hook;
    c->hook_ctx = ctx;
    return NM_OK;
}

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
    b->drop_packet = be_drop;
}

nm_ref_chip *nm_ref_chip_new(unsigned mesh_x, unsigned mesh_y, unsigned naxons, unsigned nneurons)
{
    nm_ref_chip *c;
    unsigned k;
    if (mesh_x < 1 || mesh_x > 64 || mesh_y < 1 || mesh_y > 64)
        return NULL;
    c = line_calloc(sizeof *c);
    if (!c)
        return NULL;
    c->mesh_x = mesh_x;
    c->mesh_y = mesh_y;
    c->ncores = mesh_x * mesh_y;
    c->naxons = naxons;
    c->nneurons = nneurons;
    c->nthreads = 1;
    c->cores = calloc(c->ncores, sizeof *c->cores);
    c->rcnt = calloc(c->ncores, sizeof *c->rcnt);
    if (!c->cores || !c->rcnt || nm_chip_tick_out_init(&c->q, 1, 1, 64) != NM_OK) {
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
    free_workers(c);
    for (k = 0; c->cores && k < c->ncores; k++)
        nm_ref_core_free(c->cores[k]);
    free(c->cores);
    free(c->rcnt);
    free(c->hooked);
    for (k = 0; k < NDIRS; k++)
        free(c->ediff[k]);
    free(c->edel.v);
    nm_chip_tick_out_free(&c->q);
    free(c->drops);
    free(c);
}
