/* nm_board.c - a board of reference chips, the part one rank runs (nm_board.h). */
#include "nm_board.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nm_chipmap.h"
#include "../emulator/nm_energy.h"
#include "../emulator/nm_ref_chip.h"
#include "nm_regmap.h"

enum { SIDE_E, SIDE_W, SIDE_N, SIDE_S };

/* A packet on its way through a chip of another (or this) rank: it enters chip `chip`
 * at the edge port (side, pos) with the packet `pkt` (10 bytes, sent as bytes: the
 * ranks of a run share one architecture). */
typedef struct transit {
    uint16_t chip;
    uint8_t side, pos;
    nm_pkt pkt;
} transit;

struct nm_board {
    unsigned bx, by, mx, my, na, nn, nchips, ncores;
    unsigned first, nlocal;            /* this rank's chips */
    int *owner;                        /* owner[chip]: its rank */
    int nranks;
    nm_ref_chip **chips;               /* [nlocal] */
    nm_chip_backend *be;               /* [nlocal] */
    nm_chip_tick_out *out;             /* [nlocal] */
    nm_energy_meter *meter;            /* [nlocal] */
    uint32_t tick;
    uint32_t *links;                   /* [nchips * 4]: this tick, as counted here */
    nm_board_opts o;
    nm_board_latency lat;
    transit *send;                     /* transit records, grouped by destination rank */
    size_t nsend, send_cap;
    size_t *scount;                    /* [nranks] records per rank, then bytes */
    nm_ref_edge_pkt *in;               /* received packets, bucketed by local chip */
    size_t in_cap;
    size_t *in_at;                     /* [nlocal + 1] */
};

double nm_board_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ------------------------------------------------------------------ local communication */

static int loc_alltoallv(void *ctx, const void *send, const size_t *scount, void **recv, size_t *rlen)
{
    (void)ctx;
    *rlen = scount[0];
    *recv = malloc(scount[0] ? scount[0] : 1);
    if (!*recv)
        return NM_ERR_NOMEM;
    memcpy(*recv, send, scount[0]);
    return NM_OK;
}

static int loc_gatherv(void *ctx, const void *send, size_t n, void **recv, size_t *rlen)
{
    return loc_alltoallv(ctx, send, &n, recv, rlen);
}

static int loc_noop64(void *ctx, uint64_t *v, size_t n)
{
    (void)ctx; (void)v; (void)n;
    return NM_OK;
}

static int loc_noop32(void *ctx, uint32_t *v, size_t n)
{
    (void)ctx; (void)v; (void)n;
    return NM_OK;
}

static int loc_bcast(void *ctx, void *buf, size_t n)
{
    (void)ctx; (void)buf; (void)n;
    return NM_OK;
}

static void loc_abort(void *ctx, int code)
{
    (void)ctx; (void)code;
}

void nm_board_comm_local(nm_board_comm *c)
{
    memset(c, 0, sizeof *c);
    c->rank = 0;
    c->size = 1;
    c->alltoallv = loc_alltoallv;
    c->gatherv = loc_gatherv;
    c->sum_u64 = loc_noop64;
    c->min_u64 = loc_noop64;
    c->max_u32 = loc_noop32;
    c->bcast = loc_bcast;
    c->abort = loc_abort;
}

/* ------------------------------------------------------------------ life cycle */

void nm_board_free(nm_board *b)
{
    unsigned i;
    if (!b)
        return;
    for (i = 0; i < b->nlocal; i++) {
        if (b->chips && b->chips[i])
            nm_ref_chip_free(b->chips[i]);
        else if (b->be && b->be[i].impl)
            b->be[i].free(b->be[i].impl);
        if (b->out)
            nm_chip_tick_out_free(&b->out[i]);
        if (b->meter)
            nm_energy_meter_free(&b->meter[i]);
    }
    free(b->chips);
    free(b->be);
    free(b->out);
    free(b->meter);
    free(b->owner);
    free(b->links);
    free(b->send);
    free(b->scount);
    free(b->in);
    free(b->in_at);
    free(b);
}

void nm_board_geometry(const nm_board *b, unsigned *bx, unsigned *by, unsigned *mx, unsigned *my, unsigned *na,
                       unsigned *nn)
{
    *bx = b->bx;
    *by = b->by;
    *mx = b->mx;
    *my = b->my;
    *na = b->na;
    *nn = b->nn;
}

void nm_board_local(const nm_board *b, unsigned *first, unsigned *n)
{
    *first = b->first;
    *n = b->nlocal;
}

nm_board *nm_board_new(const char *path, const nm_board_comm *comm, const nm_board_opts *o, char *err,
                       size_t errlen)
{
    nm_board *b = calloc(1, sizeof *b);
    nm_image *im = NULL;
    unsigned i, r, k, nimg;
    if (!b) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    b->o = *o;
    b->nranks = comm->size;
    /* the header first (no chip read), to know the partition */
    im = nm_image_open_chips(path, 0, 0, err, errlen);
    if (!im)
        goto bad;
    b->bx = im->board_x;
    b->by = im->board_y;
    b->mx = im->mesh_x;
    b->my = im->mesh_y;
    b->na = im->naxons;
    b->nn = im->nneurons;
    b->nchips = b->bx * b->by;
    b->ncores = b->mx * b->my;
    nimg = im->chip_images;
    nm_image_free(im);
    im = NULL;
    b->owner = malloc(b->nchips * sizeof *b->owner);
    b->links = calloc((size_t)b->nchips * 4, sizeof *b->links);
    b->scount = calloc((size_t)comm->size, sizeof *b->scount);
    b->in_at = calloc((size_t)b->nchips + 1, sizeof *b->in_at); /* nlocal + 1 used */
    if (!b->owner || !b->links || !b->scount || !b->in_at)
        goto nomem;
    /* contiguous ranges: rank r runs chips [nchips * r / size, nchips * (r + 1) / size) */
    for (r = 0; r < (unsigned)comm->size; r++) {
        unsigned lo = (unsigned)((uint64_t)b->nchips * r / (unsigned)comm->size);
        unsigned hi = (unsigned)((uint64_t)b->nchips * (r + 1) / (unsigned)comm->size);
        for (i = lo; i < hi; i++)
            b->owner[i] = (int)r;
        if ((int)r == comm->rank) {
            b->first = lo;
            b->nlocal = hi - lo;
        }
    }
    b->lat.first_late = UINT64_MAX;
    b->lat.worst_margin = INT64_MAX;
    if (b->nlocal == 0)
        return b;
    b->chips = o->make_chip ? NULL : calloc(b->nlocal, sizeof *b->chips);
    b->be = calloc(b->nlocal, sizeof *b->be);
    b->out = calloc(b->nlocal, sizeof *b->out);
    b->meter = calloc(b->nlocal, sizeof *b->meter);
    if ((!o->make_chip && !b->chips) || !b->be || !b->out || !b->meter)
        goto nomem;
    /* this rank's chip images checked whole now (a bad one refused before any is
     * loaded), then streamed from the file into each chip one core at a time, so a rank
     * never holds a chip's words beside its models */
    im = nm_image_open_chips(path, nimg == 1 ? 0 : b->first, nimg == 1 ? 1 : b->nlocal, err, errlen);
    if (!im)
        goto bad;
    for (i = 0; i < b->nlocal; i++) {
        const unsigned chip = b->first + i;
        if (o->make_chip) {
            if (o->make_chip(&b->be[i])) {
                snprintf(err, errlen, "cannot build the chip backend for chip %u", chip);
                goto bad;
            }
            if (b->be[i].mesh_x != b->mx || b->be[i].mesh_y != b->my || b->be[i].naxons != b->na ||
                b->be[i].nneurons != b->nn) {
                snprintf(err, errlen, "the %s backend is a %ux%u chip of %ux%u cores; the board's chips are %ux%u of %ux%u",
                         b->be[i].name, b->be[i].mesh_x, b->be[i].mesh_y, b->be[i].naxons, b->be[i].nneurons, b->mx,
                         b->my, b->na, b->nn);
                goto bad;
            }
        } else {
            b->chips[i] = nm_ref_chip_new(b->mx, b->my, b->na, b->nn);
            if (!b->chips[i] || nm_ref_chip_set_threads(b->chips[i], o->threads) != NM_OK)
                goto nomem;
            nm_ref_chip_backend(&b->be[i], b->chips[i]);
        }
        if (nm_chip_tick_out_init(&b->out[i], b->ncores, b->nn, 256) != NM_OK ||
            nm_energy_meter_init(&b->meter[i], b->ncores) != 0)
            goto nomem;
        if (nm_image_load_chip(im, chip, &b->be[i], err, errlen))
            goto bad;
        for (k = 0; o->have_seed && k < b->ncores; k++)
            if (b->be[i].apb_write(b->be[i].impl,
                                   nm_chip_paddr(NM_CHIP_REGION_CORE, k, NM_ADDR(NM_REGION_CTRL, NM_CTRL_PRNG)),
                                   o->seed + chip * b->ncores + k) != NM_OK)
                goto nomem;
    }
    nm_image_free(im);
    return b;
nomem:
    snprintf(err, errlen, "out of memory for a board of %ux%u chips of %ux%u cores", b->bx, b->by, b->mx, b->my);
bad:
    nm_image_free(im);
    nm_board_free(b);
    return NULL;
}

/* ------------------------------------------------------------------ a tick */

int nm_board_host_input(nm_board *b, const nm_input *in)
{
    unsigned cx = in->x / b->mx, cy = in->y / b->my, chip = cy * b->bx + cx;
    nm_pkt p;
    if (cx >= b->bx || cy >= b->by)
        return NM_ERR_ARG;
    if (chip < b->first || chip >= b->first + b->nlocal)
        return NM_OK;
    p.dx = (int16_t)(in->x % b->mx);
    p.dy = (int16_t)(in->y % b->my);
    p.axon = (uint8_t)in->axon;
    p.delay = 1;
    return b->be[chip - b->first].host_send(b->be[chip - b->first].impl, nm_flit_pack(&p));
}

static int grow(void **v, size_t *cap, size_t need, size_t size)
{
    void *n;
    size_t c = *cap ? *cap : 64;
    if (need <= *cap)
        return NM_OK;
    while (c < need)
        c *= 2;
    n = realloc(*v, c * size);
    if (!n)
        return NM_ERR_NOMEM;
    *v = n;
    *cap = c;
    return NM_OK;
}

static int send_transit(nm_board *b, unsigned chip, unsigned side, unsigned pos, nm_pkt p)
{
    transit *t;
    if (grow((void **)&b->send, &b->send_cap, b->nsend + 1, sizeof *b->send))
        return NM_ERR_NOMEM;
    t = &b->send[b->nsend++];
    t->chip = (uint16_t)chip;
    t->side = (uint8_t)side;
    t->pos = (uint8_t)pos;
    t->pkt = p;
    b->scount[b->owner[chip]]++;
    return NM_OK;
}

/* The path across the board of packet `o` that left chip `chip` (fired in tick
 * o->tick by a core of that chip, whose tick took `cycles`): a transit record for
 * every chip it enters, the links it crosses, its latency, and, if it leaves the
 * board, an off-board record. */
static int follow(nm_board *b, unsigned chip, const nm_offchip *o, uint32_t cycles, nm_board_tick_out *out)
{
    unsigned cx = chip % b->bx, cy = chip / b->bx, side = o->side, pos = o->pos, crossings = 0;
    nm_pkt p = o->pkt;
    uint64_t hops = 0;
    int rc;
    for (;;) {
        int nx = (int)cx + (side == SIDE_E) - (side == SIDE_W), ny = (int)cy + (side == SIDE_N) - (side == SIDE_S);
        int x, y;
        unsigned next, in_side;
        if (nx < 0 || ny < 0 || nx >= (int)b->bx || ny >= (int)b->by) {
            nm_board_off *f;
            if (grow((void **)&out->off, &out->off_cap, out->noff + 1, sizeof *out->off))
                return NM_ERR_NOMEM;
            f = &out->off[out->noff++];
            f->tick = o->tick;
            f->chip = (uint16_t)(cy * b->bx + cx);
            f->side = (uint8_t)side;
            f->pos = (uint8_t)pos;
            f->pkt = p;
            break;
        }
        b->links[(cy * b->bx + cx) * 4 + side]++;
        crossings++;
        next = (unsigned)ny * b->bx + (unsigned)nx;
        in_side = side ^ 1u; /* E <-> W, N <-> S */
        if ((rc = send_transit(b, next, in_side, pos, p)) != NM_OK)
            return rc;
        cx = (unsigned)nx;
        cy = (unsigned)ny;
        /* the entry router, then X then Y inside this chip, as nm_ref_chip routes it */
        x = in_side == SIDE_E ? (int)b->mx - 1 : in_side == SIDE_W ? 0 : (int)pos;
        y = in_side == SIDE_N ? (int)b->my - 1 : in_side == SIDE_S ? 0 : (int)pos;
        if (p.dx != 0) {
            int end = x + p.dx;
            if (end >= (int)b->mx) {
                hops += (uint64_t)((int)b->mx - x);
                p.dx = (int16_t)(end - (int)b->mx);
                side = SIDE_E;
                pos = (unsigned)y;
                continue;
            }
            if (end < 0) {
                hops += (uint64_t)(x + 1);
                p.dx = (int16_t)(end + 1);
                side = SIDE_W;
                pos = (unsigned)y;
                continue;
            }
            hops += (uint64_t)(p.dx > 0 ? p.dx : -p.dx);
            x = end;
            p.dx = 0;
        }
        if (p.dy != 0) {
            int end = y + p.dy;
            if (end >= (int)b->my) {
                hops += (uint64_t)((int)b->my - y);
                p.dy = (int16_t)(end - (int)b->my);
                side = SIDE_N;
                pos = (unsigned)x;
                continue;
            }
            if (end < 0) {
                hops += (uint64_t)(y + 1);
                p.dy = (int16_t)(end + 1);
                side = SIDE_S;
                pos = (unsigned)x;
                continue;
            }
            hops += (uint64_t)(p.dy > 0 ? p.dy : -p.dy);
        }
        break; /* lands in this chip */
    }
    if (crossings) {
        /* the bound: it must land before the start of tick t + d */
        int64_t arrival = (int64_t)cycles + (int64_t)crossings * b->o.link_cycles + (int64_t)hops;
        int64_t margin = (int64_t)p.delay * b->o.tick_cycles - arrival;
        b->lat.crossing_packets++;
        if (margin < b->lat.worst_margin)
            b->lat.worst_margin = margin;
        if (margin < 0) {
            uint64_t key = (uint64_t)o->tick << 32 | (uint64_t)chip << 2 | o->side;
            b->lat.late++;
            if (key < b->lat.first_late)
                b->lat.first_late = key;
        }
    }
    return NM_OK;
}

/* Group the transit records by destination rank (a counting sort, stable). */
static int group_by_rank(nm_board *b, transit **grouped)
{
    size_t *at = calloc((size_t)b->nranks + 1, sizeof *at), i;
    int r;
    *grouped = malloc((b->nsend ? b->nsend : 1) * sizeof **grouped);
    if (!at || !*grouped) {
        free(at);
        free(*grouped);
        return NM_ERR_NOMEM;
    }
    for (r = 0; r < b->nranks; r++)
        at[r + 1] = at[r] + b->scount[r];
    for (i = 0; i < b->nsend; i++)
        (*grouped)[at[b->owner[b->send[i].chip]]++] = b->send[i];
    free(at);
    return NM_OK;
}

/* Another backend's chip: each arriving packet that lands in it is sent to its host
 * port addressed to the landing core, with its own delay (nm_board_opts.make_chip). */
static int land_as_host(nm_board *b, unsigned i, const nm_ref_edge_pkt *v, size_t n, size_t *nleft)
{
    const int mx = (int)b->mx, my = (int)b->my;
    size_t k;
    int rc = NM_OK;
    *nleft = 0;
    for (k = 0; k < n && rc == NM_OK; k++) {
        nm_pkt p = v[k].pkt;
        int x = v[k].side == SIDE_E ? mx - 1 : v[k].side == SIDE_W ? 0 : v[k].pos;
        int y = v[k].side == SIDE_N ? my - 1 : v[k].side == SIDE_S ? 0 : v[k].pos;
        x += p.dx;
        y += p.dy;
        if (x < 0 || x >= mx || y < 0 || y >= my) { /* X then Y: it leaves the mesh */
            (*nleft)++;
            continue;
        }
        p.dx = (int16_t)x;
        p.dy = (int16_t)y;
        rc = b->be[i].host_send(b->be[i].impl, nm_flit_pack(&p));
    }
    return rc;
}

int nm_board_tick(nm_board *b, nm_board_comm *comm, nm_board_tick_out *out, char *err, size_t errlen)
{
    unsigned i, k;
    int rc = NM_OK, r;
    transit *grouped = NULL, *recv = NULL;
    size_t rlen = 0, n;
    double t0, tstart = nm_board_now();
    out->nspikes = out->noff = 0;
    out->cycles = 0;
    if (errlen)
        err[0] = 0;
    b->nsend = 0;
    memset(b->scount, 0, (size_t)b->nranks * sizeof *b->scount);
    memset(b->links, 0, (size_t)b->nchips * 4 * sizeof *b->links);
    for (i = 0; i < b->nlocal && rc == NM_OK; i++) {
        nm_chip_tick_out *co = &b->out[i];
        const unsigned chip = b->first + i;
        rc = b->chips ? nm_ref_chip_tick_unsorted(b->chips[i], co) : b->be[i].tick(b->be[i].impl, co);
        if (rc != NM_OK) {
            snprintf(err, errlen, "tick %u failed on chip (%u, %u)", b->tick, chip % b->bx, chip / b->bx);
            break;
        }
        if (co->cycles > out->cycles)
            out->cycles = co->cycles;
        b->meter[i].offchip += co->noff;
        if (grow((void **)&out->spikes, &out->spikes_cap, out->nspikes + co->nspikes, sizeof *out->spikes)) {
            rc = NM_ERR_NOMEM;
            break;
        }
        for (k = 0; k < co->nspikes; k++) {
            nm_board_spike *s = &out->spikes[out->nspikes++];
            s->chip = (uint16_t)chip;
            s->core = co->spikes[k].core;
            s->neuron = co->spikes[k].neuron;
        }
        for (k = 0; k < co->noff && rc == NM_OK; k++)
            rc = follow(b, chip, &co->off[k], co->cycles, out);
        if (b->tick % 32768 == 32767 && rc == NM_OK && nm_energy_meter_sample(&b->meter[i], &b->be[i]))
            rc = NM_ERR_CFG; /* before the 32-bit counters wrap */
    }
    if (rc == NM_OK && b->nranks > 1) {
        rc = group_by_rank(b, &grouped);
        for (r = 0; r < b->nranks; r++)
            b->scount[r] *= sizeof(transit);
    } else if (rc == NM_OK) {
        grouped = b->send;
        b->scount[0] = b->nsend * sizeof(transit);
    }
    if (rc != NM_OK) {
        if (!err[0] || rc == NM_ERR_NOMEM)
            snprintf(err, errlen, "tick %u: %s", b->tick, rc == NM_ERR_NOMEM ? "out of memory" : "a counter read failed");
        if (grouped != b->send)
            free(grouped);
        return rc;
    }
    /* the one exchange of the tick: every rank gets the packets that enter its chips */
    t0 = nm_board_now();
    comm->compute_s += t0 - tstart;
    rc = comm->alltoallv(comm->ctx, grouped, b->scount, (void **)&recv, &rlen);
    tstart = nm_board_now();
    comm->exchange_s += tstart - t0;
    if (grouped != b->send)
        free(grouped);
    if (rc != NM_OK) {
        snprintf(err, errlen, "tick %u: the exchange between ranks failed", b->tick);
        return rc;
    }
    n = rlen / sizeof(transit);
    /* bucket by chip (a counting sort), then each chip routes its packets at once */
    memset(b->in_at, 0, (b->nlocal + 1) * sizeof *b->in_at);
    for (k = 0; k < n; k++) {
        if (recv[k].chip < b->first || recv[k].chip >= b->first + b->nlocal) {
            snprintf(err, errlen, "tick %u: a packet for chip %u reached the rank that runs %u..%u", b->tick,
                     recv[k].chip, b->first, b->first + b->nlocal - 1);
            free(recv);
            return NM_ERR_ARG;
        }
        b->in_at[recv[k].chip - b->first + 1]++;
    }
    for (i = 0; i < b->nlocal; i++)
        b->in_at[i + 1] += b->in_at[i];
    if (grow((void **)&b->in, &b->in_cap, n, sizeof *b->in)) {
        free(recv);
        snprintf(err, errlen, "tick %u: out of memory", b->tick);
        return NM_ERR_NOMEM;
    }
    for (k = 0; k < n; k++) {
        nm_ref_edge_pkt *e = &b->in[b->in_at[recv[k].chip - b->first]++];
        e->side = recv[k].side;
        e->pos = recv[k].pos;
        e->pkt = recv[k].pkt;
    }
    for (i = 0; i < b->nlocal && rc == NM_OK; i++) {
        size_t lo = i ? b->in_at[i - 1] : 0, left = 0;
        /* each lands here or leaves again (the sender has accounted for where it goes) */
        if (b->chips)
            rc = nm_ref_chip_edge_inject_many(b->chips[i], b->in + lo, b->in_at[i] - lo, &left);
        else
            rc = land_as_host(b, i, b->in + lo, b->in_at[i] - lo, &left);
        b->meter[i].offchip += left;
        if (rc != NM_OK)
            snprintf(err, errlen, "tick %u: packets entering chip %u failed", b->tick, b->first + i);
    }
    free(recv);
    comm->compute_s += nm_board_now() - tstart;
    b->tick++;
    return rc;
}

const uint32_t *nm_board_links_tick(const nm_board *b)
{
    return b->links;
}

const nm_board_latency *nm_board_latency_stats(const nm_board *b)
{
    return &b->lat;
}

int nm_board_chip_counts(nm_board *b, uint64_t *counts)
{
    unsigned i, c;
    for (i = 0; i < b->nlocal; i++) {
        nm_energy_counts t;
        if (nm_energy_meter_sample(&b->meter[i], &b->be[i]))
            return NM_ERR_CFG;
        nm_energy_meter_total(&b->meter[i], &t);
        for (c = 0; c < NM_E_NCLASSES; c++)
            counts[(size_t)i * NM_E_NCLASSES + c] = t.n[c];
    }
    return NM_OK;
}

const nm_chip_backend *nm_board_chip_backend(const nm_board *b, unsigned chip)
{
    return chip >= b->first && chip < b->first + b->nlocal ? &b->be[chip - b->first] : NULL;
}

void nm_board_tick_out_free(nm_board_tick_out *o)
{
    free(o->spikes);
    free(o->off);
    memset(o, 0, sizeof *o);
}
