/* nm_mixed_chip.c - the reference chip with chosen cores run as Verilated RTL cores (--rtl-cores). */
#include "nm_mixed_chip.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nm_chipmap.h"
#include "nm_core_prog.h"
#include "nm_regmap.h"
#include "nm_rtl_core.h"

struct nm_mixed_chip {
    nm_ref_chip *ref;
    unsigned mesh_x, mesh_y, ncores, naxons, nneurons, nrtl;
    int check;
    int *slot;             /* slot[core]: index into rtl[], or -1 */
    unsigned *core_of;     /* core_of[i]: the core of rtl[i] */
    nm_rtl_core **rtl;
    uint64_t rtl_cycles;
    uint32_t ticks;        /* ticks run */
    int fault;             /* NMEMU_RTL_FAULT: core index, or -1 */
    uint32_t fault_tick;
    pthread_mutex_t lock;  /* the hook runs on the model's worker threads */
    unsigned bad_core;     /* lowest core that diverged in the running tick, or ncores */
    char err[1024];
};

static int num(const char **p, unsigned *v)
{
    char *end;
    unsigned long x = strtoul(*p, &end, 10);
    if (end == *p || **p < '0' || **p > '9' || x > 4096)
        return -1;
    *v = (unsigned)x;
    *p = end;
    return 0;
}

int nm_mixed_chip_parse(const char *spec, unsigned mx, unsigned my, uint8_t *cores, char *err, size_t errlen)
{
    const char *p = spec;
    unsigned x, y, x1, y1, n = 0, i, j;
    memset(cores, 0, (size_t)mx * my);
    for (;;) {
        if (num(&p, &x) || *p++ != ',' || num(&p, &y))
            goto bad;
        x1 = x;
        y1 = y;
        if (*p == ':') {
            p++;
            if (num(&p, &x1) || *p++ != ',' || num(&p, &y1) || x1 < x || y1 < y)
                goto bad;
        }
        if (x1 >= mx || y1 >= my) {
            snprintf(err, errlen, "--rtl-cores '%s': core (%u, %u) is outside the %u x %u mesh", spec, x1, y1, mx, my);
            return -1;
        }
        for (j = y; j <= y1; j++)
            for (i = x; i <= x1; i++)
                if (!cores[j * mx + i]) {
                    cores[j * mx + i] = 1;
                    n++;
                }
        if (*p == '\0')
            return (int)n;
        if (*p++ != ';')
            goto bad;
    }
bad:
    snprintf(err, errlen, "--rtl-cores '%s': expected X,Y[;X,Y...] or a rectangle X0,Y0:X1,Y1 (e.g. 10,12;31,7 or 0,0:3,3)",
             spec);
    return -1;
}

static uint32_t core_paddr(unsigned core, uint32_t word)
{
    return nm_chip_paddr(NM_CHIP_REGION_CORE, core, word);
}

/* Record a divergence (the lowest core of the tick wins). */
static int diverge(nm_mixed_chip *m, unsigned core, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int diverge(nm_mixed_chip *m, unsigned core, const char *fmt, ...)
{
    va_list ap;
    pthread_mutex_lock(&m->lock);
    if (core < m->bad_core) {
        m->bad_core = core;
        va_start(ap, fmt);
        vsnprintf(m->err, sizeof m->err, fmt, ap);
        va_end(ap);
    }
    pthread_mutex_unlock(&m->lock);
    return NM_ERR_PROTO;
}

/* The model has run core `core` for tick `tick` into *o: run the RTL core, compare it
 * with the model (check), and let the chip route the RTL core's output. */
static int hook(void *ctx, unsigned core, uint32_t tick, nm_ref_core *model, nm_tick_out *o)
{
    nm_mixed_chip *m = ctx;
    nm_rtl_core *r = m->rtl[m->slot[core]];
    nm_tick_out ro;
    unsigned x = core % m->mesh_x, y = core / m->mesh_x, k, j;
    int rc = nm_rtl_core_tick(r, &ro);
    if (rc != NM_OK)
        return diverge(m, core, "tick %" PRIu32 ", RTL core (%u, %u): %s%s%s", tick, x, y, nm_strerror(rc),
                       nm_rtl_core_error(r)[0] ? ": " : "", nm_rtl_core_error(r));
    pthread_mutex_lock(&m->lock);
    m->rtl_cycles += ro.cycles;
    pthread_mutex_unlock(&m->lock);
    if (m->check) {
        for (k = 0; k < o->nspikes || k < ro.nspikes; k++) {
            int in_ref = k < o->nspikes, in_rtl = k < ro.nspikes;
            unsigned n = in_ref && (!in_rtl || o->spikes[k] <= ro.spikes[k]) ? o->spikes[k] : ro.spikes[k];
            if (!in_ref || !in_rtl || o->spikes[k] != ro.spikes[k])
                return diverge(m, core, "divergence at tick %" PRIu32 ", core (%u, %u), neuron %u: spike: ref=%d rtl=%d",
                               tick, x, y, n, in_ref && o->spikes[k] == n, in_rtl && ro.spikes[k] == n);
            if (memcmp(&o->pkts[k], &ro.pkts[k], sizeof o->pkts[k]))
                return diverge(m, core,
                               "divergence at tick %" PRIu32 ", core (%u, %u), neuron %u: packet: ref=(%d,%d,%u,%u) "
                               "rtl=(%d,%d,%u,%u)", tick, x, y, n, o->pkts[k].dx, o->pkts[k].dy, o->pkts[k].axon,
                               o->pkts[k].delay, ro.pkts[k].dx, ro.pkts[k].dy, ro.pkts[k].axon, ro.pkts[k].delay);
        }
        if (o->cycles != ro.cycles)
            return diverge(m, core, "divergence at tick %" PRIu32 ", core (%u, %u): cycles: ref=%" PRIu32 " rtl=%" PRIu32,
                           tick, x, y, o->cycles, ro.cycles);
        for (j = 0; j < m->nneurons; j++) {
            uint32_t a = NM_ADDR(NM_REGION_NEURON, j * NM_NEURON_STRIDE + NM_NEURON_STATE), va = 0, vb = 0;
            if (nm_ref_core_cfg_read(model, a, &va) != NM_OK || nm_rtl_core_cfg_read(r, a, &vb) != NM_OK)
                return diverge(m, core, "tick %" PRIu32 ", core (%u, %u): cannot read V of neuron %u", tick, x, y, j);
            if (va != vb)
                return diverge(m, core, "divergence at tick %" PRIu32 ", core (%u, %u), neuron %u: V: ref=%d rtl=%d",
                               tick, x, y, j, nm_sext(va, 20), nm_sext(vb, 20));
        }
    }
    *o = ro; /* the chip routes the RTL core's spikes and packets */
    return NM_OK;
}

/* Before a tick: every packet the model's routing delivered to a chosen core since the
 * last tick (its scheduler rows) enters the RTL core through its packet input. */
static int deliver(nm_mixed_chip *m)
{
    unsigned i, row, w, words = m->naxons / 32;
    for (i = 0; i < m->nrtl; i++) {
        unsigned core = m->core_of[i], x = core % m->mesh_x, y = core / m->mesh_x;
        uint32_t cur = 0, rcur = 0;
        int rc = nm_ref_chip_apb_read(m->ref, core_paddr(core, NM_ADDR(NM_REGION_CTRL, NM_CTRL_TICKPTR)), &cur);
        if (rc == NM_OK)
            rc = nm_rtl_core_cfg_read(m->rtl[i], NM_ADDR(NM_REGION_CTRL, NM_CTRL_TICKPTR), &rcur);
        if (rc != NM_OK)
            return diverge(m, core, "core (%u, %u): cannot read the tick pointer: %s", x, y, nm_strerror(rc));
        if (cur != rcur)
            return diverge(m, core, "divergence at core (%u, %u): tick pointer: ref=%" PRIu32 " rtl=%" PRIu32, x, y,
                           cur, rcur);
        for (row = 0; row < 16; row++)
            for (w = 0; w < words; w++) {
                uint32_t a = NM_ADDR(NM_REGION_SCHED, row * 8 + w), mv = 0, rv = 0, miss;
                rc = nm_ref_chip_apb_read(m->ref, core_paddr(core, a), &mv);
                if (rc == NM_OK)
                    rc = nm_rtl_core_cfg_read(m->rtl[i], a, &rv);
                if (rc != NM_OK)
                    return diverge(m, core, "core (%u, %u): cannot read scheduler row %u: %s", x, y, row,
                                   nm_strerror(rc));
                if (m->check && (rv & ~mv))
                    return diverge(m, core, "divergence at core (%u, %u): scheduler row %u word %u: ref=%08" PRIx32
                                   " rtl=%08" PRIx32, x, y, row, w, mv, rv);
                for (miss = mv & ~rv; miss; miss &= miss - 1) {
                    unsigned axon = 32 * w + (unsigned)__builtin_ctz(miss), delay = (row - cur) & 15u;
                    if (delay == 0)
                        return diverge(m, core, "core (%u, %u): a packet for the running row %u", x, y, row);
                    if ((rc = nm_rtl_core_inject(m->rtl[i], axon, delay)) != NM_OK)
                        return diverge(m, core, "core (%u, %u): packet input: %s", x, y, nm_strerror(rc));
                }
            }
    }
    return NM_OK;
}

static int be_write(void *i, uint32_t a, uint32_t d)
{
    nm_mixed_chip *m = i;
    unsigned space = a >> 30, index = (a >> 18) & 0xfffu;
    int rc = nm_ref_chip_apb_write(m->ref, a, d);
    if (space == NM_CHIP_REGION_CORE && index < m->ncores && m->slot[index] >= 0 && (a & 3u) == 0) {
        int rr = nm_rtl_core_cfg_write(m->rtl[m->slot[index]], (a >> 2) & 0xffffu, d);
        if (rr != rc)
            return diverge(m, index, "core (%u, %u): config write %08" PRIx32 ": ref %s, rtl %s", index % m->mesh_x,
                           index / m->mesh_x, a, nm_strerror(rc), nm_strerror(rr));
    }
    return rc;
}

static int be_read(void *i, uint32_t a, uint32_t *d)
{
    nm_mixed_chip *m = i;
    unsigned space = a >> 30, index = (a >> 18) & 0xfffu;
    if (space == NM_CHIP_REGION_CORE && index < m->ncores && m->slot[index] >= 0 && (a & 3u) == 0)
        return nm_rtl_core_cfg_read(m->rtl[m->slot[index]], (a >> 2) & 0xffffu, d);
    return nm_ref_chip_apb_read(m->ref, a, d);
}

static int be_send(void *i, uint32_t f)
{
    nm_mixed_chip *m = i;
    return nm_ref_chip_host_send(m->ref, f);
}

static int be_tick(void *i, nm_chip_tick_out *o)
{
    nm_mixed_chip *m = i;
    int rc;
    m->bad_core = m->ncores;
    if ((rc = deliver(m)) != NM_OK)
        return rc;
    if (m->fault >= 0 && m->ticks == m->fault_tick) {
        /* the test knob: neuron 0 of the RTL copy gets V = 100000 before this tick */
        rc = nm_rtl_core_cfg_write(m->rtl[m->slot[m->fault]],
                                   NM_ADDR(NM_REGION_NEURON, NM_NEURON_STATE), 100000u);
        if (rc != NM_OK)
            return rc;
    }
    m->ticks++;
    return nm_ref_chip_tick(m->ref, o);
}

static void be_free(void *i)
{
    nm_mixed_chip_free(i);
}

/* a dropped packet (fault injection): the model routes every core's packets, the RTL
 * cores' included */
static int be_drop(void *i, unsigned core, unsigned neuron)
{
    nm_mixed_chip *m = i;
    return nm_ref_chip_drop_packet(m->ref, core, neuron);
}

void nm_mixed_chip_backend(nm_chip_backend *b, nm_mixed_chip *m)
{
    b->name = "ref";
    b->impl = m;
    b->mesh_x = m->mesh_x;
    b->mesh_y = m->mesh_y;
    b->naxons = m->naxons;
    b->nneurons = m->nneurons;
    b->apb_write = be_write;
    b->apb_read = be_read;
    b->host_send = be_send;
    b->tick = be_tick;
    b->free = be_free;
    b->drop_packet = be_drop;
}

nm_mixed_chip *nm_mixed_chip_new(nm_ref_chip *ref, unsigned mx, unsigned my, unsigned na, unsigned nn,
                                 const uint8_t *cores, int check, char *err, size_t errlen)
{
    nm_mixed_chip *m = calloc(1, sizeof *m);
    nm_core_opts opts = {0, 0};
    unsigned k;
    if (!m) {
        nm_ref_chip_free(ref);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    m->ref = ref;
    m->mesh_x = mx;
    m->mesh_y = my;
    m->ncores = mx * my;
    m->naxons = na;
    m->nneurons = nn;
    m->check = check;
    pthread_mutex_init(&m->lock, NULL);
    if (na != 256 || nn != 256) {
        snprintf(err, errlen, "--rtl-cores needs cores of 256 axons x 256 neurons, the RTL core nmemu links (this "
                 "image: %u x %u)", na, nn);
        nm_mixed_chip_free(m);
        return NULL;
    }
    m->slot = malloc(m->ncores * sizeof *m->slot);
    m->core_of = malloc(m->ncores * sizeof *m->core_of);
    m->rtl = calloc(m->ncores, sizeof *m->rtl);
    if (!m->slot || !m->core_of || !m->rtl) {
        snprintf(err, errlen, "out of memory");
        nm_mixed_chip_free(m);
        return NULL;
    }
    for (k = 0; k < m->ncores; k++) {
        m->slot[k] = -1;
        if (!cores[k])
            continue;
        m->slot[k] = (int)m->nrtl;
        m->core_of[m->nrtl] = k;
        if (!(m->rtl[m->nrtl] = nm_rtl_core_new(&opts, NULL))) {
            snprintf(err, errlen, "cannot build the RTL core for (%u, %u)", k % mx, k / mx);
            nm_mixed_chip_free(m);
            return NULL;
        }
        m->nrtl++;
    }
    m->fault = -1;
    {
        /* NMEMU_RTL_FAULT=X,Y,T (tests): corrupt the RTL copy of core (X, Y) before tick T */
        const char *f = getenv("NMEMU_RTL_FAULT");
        unsigned fx, fy, ft;
        if (f && sscanf(f, "%u,%u,%u", &fx, &fy, &ft) == 3 && fx < mx && fy < my && m->slot[fy * mx + fx] >= 0) {
            m->fault = (int)(fy * mx + fx);
            m->fault_tick = ft;
        }
    }
    if (nm_ref_chip_set_core_hook(ref, cores, hook, m) != NM_OK) {
        snprintf(err, errlen, "out of memory");
        nm_mixed_chip_free(m);
        return NULL;
    }
    return m;
}

void nm_mixed_chip_free(nm_mixed_chip *m)
{
    unsigned i;
    if (!m)
        return;
    for (i = 0; m->rtl && i < m->nrtl; i++)
        nm_rtl_core_free(m->rtl[i]);
    nm_ref_chip_free(m->ref);
    free(m->rtl);
    free(m->slot);
    free(m->core_of);
    pthread_mutex_destroy(&m->lock);
    free(m);
}

const char *nm_mixed_chip_error(const nm_mixed_chip *m)
{
    return m->err;
}

unsigned nm_mixed_chip_count(const nm_mixed_chip *m)
{
    return m->nrtl;
}

uint64_t nm_mixed_chip_rtl_cycles(const nm_mixed_chip *m)
{
    return m->rtl_cycles;
}
