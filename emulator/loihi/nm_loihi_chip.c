/* nm_loihi_chip.c - a mesh of Loihi-style reference cores with X-then-Y routing (docs/loihi-core.md s6). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nm_barrier.h"
#include "nm_loihi_chip.h"
#include "nm_loihi_ref_impl.h"

/* where the threads of a step meet: before the cores tick, between ticking and routing, after */
enum { BAR_GO, BAR_MID, BAR_DONE, NBARS };

/* One thread's share of a step: it ticks cores lo .. hi-1, then routes every packet whose
 * destination is one of them (reading all sources in order, so each queue receives its
 * packets in the same order as with one thread). */
typedef struct worker {
    nm_loihi_chip *chip;
    unsigned k, lo, hi;
    pthread_t tid;
    int rc;
    uint32_t maxcyc, nspk;
    uint64_t ew, ns, off;
} worker;

struct nm_loihi_chip {
    unsigned w, h, n;
    nm_loihi_ref **cores;
    void *arena; /* every core's arrays, one after another (nm_loihi_ref_new_in) */
    nm_loihi_out *outs;
    nm_loihi_chip_stats st;
    /* --rtl-cores: rtl[i] non-NULL runs core i on that backend (NULL: none attached) */
    nm_loihi_backend **rtl;
    nm_loihi_out *mouts; /* the model copies' outputs of the last step */
    /* threads (nm_loihi_chip_set_threads): wk[0] is the caller's share */
    unsigned nthreads;
    worker *wk;
    nm_barrier bar[NBARS];
    int quit;
};

nm_loihi_chip *nm_loihi_chip_new(unsigned w, unsigned h, const nm_loihi_geom *g, char *msg, size_t len)
{
    static const nm_loihi_geom def = NM_LOIHI_GEOM_DEFAULT;
    nm_loihi_chip *c;
    unsigned i;
    size_t per;
    if (!g)
        g = &def;
    if (nm_loihi_geom_check(g, msg, len) != NM_OK)
        return NULL;
    per = nm_loihi_ref_arena_bytes(g);
    if (w < 1 || h < 1 || w > 256 || h > 256) {
        if (msg && len)
            snprintf(msg, len, "chip: mesh %u x %u, expected 1 .. 256 each way", w, h);
        return NULL;
    }
    /* aligned: its barriers sit on cache lines of their own (nm_barrier.h) */
    if (posix_memalign((void **)&c, _Alignof(nm_loihi_chip), sizeof *c))
        c = NULL;
    if (!c)
        goto nomem;
    memset(c, 0, sizeof *c);
    c->w = w;
    c->h = h;
    c->n = w * h;
    c->cores = calloc(c->n, sizeof *c->cores);
    c->outs = calloc(c->n, sizeof *c->outs);
    c->arena = nm_loihi_arena_alloc(per * c->n);
    if (!c->cores || !c->outs || !c->arena) {
        nm_loihi_chip_free(c);
        goto nomem;
    }
    for (i = 0; i < c->n; i++) {
        c->cores[i] = nm_loihi_ref_new_in(g, NULL, (char *)c->arena + per * i, msg, len);
        if (!c->cores[i]) {
            nm_loihi_chip_free(c);
            return NULL;
        }
    }
    return c;
nomem:
    if (msg && len)
        snprintf(msg, len, "chip: out of memory");
    return NULL;
}

static void threads_stop(nm_loihi_chip *c);

void nm_loihi_chip_free(nm_loihi_chip *c)
{
    unsigned i;
    if (!c)
        return;
    threads_stop(c);
    if (c->cores)
        for (i = 0; i < c->n; i++)
            nm_loihi_ref_free(c->cores[i]);
    free(c->cores);
    nm_loihi_arena_free(c->arena);
    free(c->rtl);
    free(c->mouts);
    free(c->outs);
    free(c);
}

unsigned nm_loihi_chip_ncores(const nm_loihi_chip *c)
{
    return c->n;
}

nm_loihi_ref *nm_loihi_chip_core(nm_loihi_chip *c, unsigned i)
{
    return i < c->n ? c->cores[i] : NULL;
}

int nm_loihi_chip_inject(nm_loihi_chip *c, unsigned i, unsigned axon)
{
    int rc;
    if (i >= c->n)
        return NM_ERR_ARG;
    rc = nm_loihi_ref_inject(c->cores[i], axon);
    if (c->rtl && c->rtl[i]) {
        int r2 = c->rtl[i]->inject(c->rtl[i]->impl, axon);
        if (r2 != NM_OK && r2 != NM_ERR_FULL)
            return r2;
    }
    return rc;
}

int nm_loihi_chip_attach(nm_loihi_chip *c, unsigned i, nm_loihi_backend *b)
{
    if (i >= c->n || !b)
        return NM_ERR_ARG;
    if (!c->rtl) {
        c->rtl = calloc(c->n, sizeof *c->rtl);
        c->mouts = calloc(c->n, sizeof *c->mouts);
        if (!c->rtl || !c->mouts)
            return NM_ERR_NOMEM;
    }
    c->rtl[i] = b;
    return NM_OK;
}

const nm_loihi_out *nm_loihi_chip_model_out(const nm_loihi_chip *c, unsigned i)
{
    if (i >= c->n)
        return NULL;
    return c->rtl && c->rtl[i] ? &c->mouts[i] : &c->outs[i];
}

const nm_loihi_out *nm_loihi_chip_core_out(const nm_loihi_chip *c, unsigned i)
{
    return i < c->n ? &c->outs[i] : NULL;
}

const nm_loihi_chip_stats *nm_loihi_chip_stats_get(const nm_loihi_chip *c)
{
    return &c->st;
}

/* Phase 1 of a step for cores lo .. hi-1: each ticks (the next one's data prefetched). */
static void tick_range(nm_loihi_chip *c, worker *wk)
{
    unsigned i;
    wk->rc = NM_OK;
    wk->maxcyc = 0;
    wk->nspk = 0;
    if (wk->lo < wk->hi)
        nm_loihi_ref_prefetch(c->cores[wk->lo]);
    for (i = wk->lo; i < wk->hi; i++) {
        int rc;
        if (i + 1 < wk->hi)
            nm_loihi_ref_prefetch(c->cores[i + 1]);
        if ((rc = nm_loihi_ref_tick(c->cores[i], &c->outs[i])) != NM_OK) {
            wk->rc = rc;
            return;
        }
        if (c->rtl && c->rtl[i]) { /* the RTL core's step is the one the chip sees */
            c->mouts[i] = c->outs[i];
            if ((rc = c->rtl[i]->tick(c->rtl[i]->impl, &c->outs[i])) != NM_OK) {
                wk->rc = rc;
                return;
            }
        }
        if (c->outs[i].cycles > wk->maxcyc)
            wk->maxcyc = c->outs[i].cycles;
        wk->nspk += c->outs[i].nspikes;
    }
}

/* Phase 2: the packets of every core, in source-core and send order, that land in cores
 * lo .. hi-1 (all of them with one thread); off-mesh packets are counted by share 0. */
static void route_range(nm_loihi_chip *c, worker *wk)
{
    const unsigned lo = wk->lo, span = wk->hi - wk->lo, w = c->w, h = c->h;
    nm_loihi_ref *const *cores = c->cores;
    unsigned i;
    uint64_t ew = 0, ns = 0, off = 0;
    for (i = 0; i < c->n; i++) {
        const nm_loihi_out *o = &c->outs[i];
        const nm_loihi_pkt *p = o->pkts, *pe = o->pkts + o->npkts;
        const unsigned x = i % w, y = i / w;
        for (; p < pe; p++) {
            /* off the mesh on either side: the unsigned sum wraps past w or h */
            unsigned dx = x + (unsigned)(int)p->dx, dy = y + (unsigned)(int)p->dy, d;
            if (dx >= w || dy >= h) {
                off++;
                continue;
            }
            d = dy * w + dx;
            if (d - lo >= span)
                continue;
            ew += (uint64_t)(p->dx < 0 ? -p->dx : p->dx);
            ns += (uint64_t)(p->dy < 0 ? -p->dy : p->dy);
            nm_loihi_ref_push_inline(cores[d], p->axon);
            if (c->rtl && c->rtl[d]) {
                nm_loihi_backend *b = c->rtl[d];
                int rc = b->inject(b->impl, p->axon);
                if (rc != NM_OK && rc != NM_ERR_FULL) {
                    wk->rc = rc;
                    return;
                }
            }
        }
    }
    wk->ew = ew;
    wk->ns = ns;
    wk->off = wk->k == 0 ? off : 0;
}

static void *worker_main(void *arg)
{
    worker *wk = arg;
    nm_loihi_chip *c = wk->chip;
    for (;;) {
        nm_barrier_wait(&c->bar[BAR_GO]);
        if (c->quit)
            return NULL;
        tick_range(c, wk);
        nm_barrier_wait(&c->bar[BAR_MID]);
        route_range(c, wk);
        nm_barrier_wait(&c->bar[BAR_DONE]);
    }
}

static void threads_stop(nm_loihi_chip *c)
{
    unsigned k;
    if (c->nthreads > 1) {
        c->quit = 1;
        nm_barrier_wait(&c->bar[BAR_GO]);
        for (k = 1; k < c->nthreads; k++)
            pthread_join(c->wk[k].tid, NULL);
        nm_barrier_destroy_array(c->bar, NBARS);
    }
    free(c->wk);
    c->wk = NULL;
    c->nthreads = 0;
    c->quit = 0;
}

int nm_loihi_chip_set_threads(nm_loihi_chip *c, unsigned n, char *msg, size_t len)
{
    unsigned k;
    if (n < 1 || n > 64) {
        if (msg && len)
            snprintf(msg, len, "chip: %u threads, expected 1 .. 64", n);
        return NM_ERR_ARG;
    }
    threads_stop(c);
    if (n > c->n)
        n = c->n; /* a thread per core at most */
    c->wk = calloc(n, sizeof *c->wk);
    if (!c->wk)
        goto fail;
    for (k = 0; k < n; k++) {
        c->wk[k].chip = c;
        c->wk[k].k = k;
        c->wk[k].lo = (unsigned)((uint64_t)c->n * k / n);
        c->wk[k].hi = (unsigned)((uint64_t)c->n * (k + 1) / n);
    }
    if (n == 1) {
        c->nthreads = 1;
        return NM_OK;
    }
    if (nm_barrier_init_array(c->bar, NBARS, n))
        goto fail;
    for (k = 1; k < n; k++)
        if (pthread_create(&c->wk[k].tid, NULL, worker_main, &c->wk[k])) {
            /* stop the k - 1 threads that started (they wait at BAR_GO) and stay on one */
            c->nthreads = k;
            nm_barrier_set_parties(&c->bar[BAR_GO], k);
            threads_stop(c);
            if (msg && len)
                snprintf(msg, len, "chip: cannot start thread %u of %u", k + 1, n);
            return NM_ERR_NOMEM;
        }
    c->nthreads = n;
    return NM_OK;
fail:
    free(c->wk);
    c->wk = NULL;
    c->nthreads = 0;
    if (msg && len)
        snprintf(msg, len, "chip: out of memory for %u threads", n);
    return NM_ERR_NOMEM;
}

unsigned nm_loihi_chip_threads(const nm_loihi_chip *c)
{
    return c->nthreads ? c->nthreads : 1u;
}

int nm_loihi_chip_step(nm_loihi_chip *c, nm_loihi_chip_out *out)
{
    unsigned k, nt;
    uint32_t maxcyc = 0, nspk = 0, npkts = 0;
    uint64_t ew = 0, ns = 0, off = 0;
    worker one;
    worker *wk = c->wk;
    nt = c->nthreads;
    if (c->rtl)
        nt = 1; /* --rtl-cores: the Verilated cores step on the caller's thread, in core order */
    if (nt <= 1) {
        one.chip = c;
        one.k = 0;
        one.lo = 0;
        one.hi = c->n;
        wk = &one;
        nt = 1;
        tick_range(c, wk);
        if (wk->rc != NM_OK)
            return wk->rc;
        route_range(c, wk);
        if (wk->rc != NM_OK)
            return wk->rc;
    } else {
        /* every core steps (its packets wait in its output buffer), then the packets land */
        nm_barrier_wait(&c->bar[BAR_GO]);
        tick_range(c, &wk[0]);
        nm_barrier_wait(&c->bar[BAR_MID]);
        route_range(c, &wk[0]);
        nm_barrier_wait(&c->bar[BAR_DONE]);
        for (k = 0; k < nt; k++)
            if (wk[k].rc != NM_OK)
                return wk[k].rc;
    }
    for (k = 0; k < nt; k++) {
        if (wk[k].maxcyc > maxcyc)
            maxcyc = wk[k].maxcyc;
        nspk += wk[k].nspk;
        ew += wk[k].ew;
        ns += wk[k].ns;
        off += wk[k].off;
    }
    for (k = 0; k < c->n; k++)
        npkts += c->outs[k].npkts;
    c->st.steps++;
    c->st.pkts += npkts;
    c->st.offmesh += off;
    c->st.hops_ew += ew;
    c->st.hops_ns += ns;
    c->st.cycles += maxcyc;
    if (out) {
        out->cycles = maxcyc;
        out->nspikes = nspk;
        out->npkts = npkts;
    }
    return NM_OK;
}
