/* nm_lower_tn.c - an import graph onto TrueNorth-mode cores: linear nodes composed into
 * one sparse matrix per neuron node, B-bit weight codes on B axon copies, partial-sum
 * neuron pairs for fan-in above a core's axons, splitter (relay) neurons for fan-out,
 * packing into cores (docs/import.md section "TrueNorth-mode lowering"). */
#include "nm_lower_tn.h"

#include "nm_compose.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ALPHA_MAX 262143
#define BETA_MAX 262143

typedef nm_term term;
typedef nm_expr expr;

typedef struct row {   /* one quantized input of a neuron: emitter and B-bit code */
    uint32_t em;
    int8_t code;
} row;

typedef struct lower {
    const nm_graph *g;
    nm_tn_opts o;
    nm_tn_net *net;
    char *err;
    size_t errlen;
    nm_compose comp;     /* the composition of the linear nodes */
    expr **in;           /* per neuron node: its input expressions */
    uint32_t **emit;     /* per population node: emitter id of each element */
    uint32_t **rank;     /* per population node: Morton rank of each element */
    row **rows;          /* per neuron node: all rows, neuron after neuron */
    size_t **rowoff;     /* per neuron node: offsets into rows (size+1) */
    int *split_node;     /* per node: 1 if some of its neurons are split */
    char *rep;
    size_t replen, repcap;
    size_t neur_cap, core_cap, tg_cap;
} lower;

static int lfail(lower *L, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(L->err, L->errlen, fmt, ap);
    va_end(ap);
    return -1;
}

static void rep(lower *L, const char *fmt, ...)
{
    va_list ap;
    int k;
    if (L->repcap - L->replen < 1024) {
        size_t nc = L->repcap * 2 + 4096;
        char *p = realloc(L->rep, nc);
        if (!p)
            return;
        L->rep = p;
        L->repcap = nc;
    }
    va_start(ap, fmt);
    k = vsnprintf(L->rep + L->replen, L->repcap - L->replen, fmt, ap);
    va_end(ap);
    if (k > 0)
        L->replen += (size_t)k < L->repcap - L->replen ? (size_t)k : L->repcap - L->replen - 1;
}

#define is_pop nm_compose_is_population
#define is_linear nm_compose_is_linear
#define par nm_node_param
#define CONST_POP NM_CONST_POP
/* ------------------------------------------------------------ checks of what TN can do */

/* The first node, along the graph, that TrueNorth-mode cores cannot take. */
static int check_types(lower *L, const size_t *order)
{
    size_t i;
    for (i = 0; i < L->g->nnodes; i++) {
        const nm_node *n = &L->g->nodes[order[i]];
        const char *tn = nm_node_type_name(n->type);
        switch (n->type) {
        case NM_N_CUBALIF: case NM_N_CUBALI:
            return lfail(L, "node '%s' (%s): needs Loihi-mode cores (a current-based synapse with its own decay, "
                            "tau_syn, and an exponential membrane decay); TrueNorth-mode neurons have neither, and "
                            "the Loihi-mode lowering is not in this build yet", n->name, tn);
        case NM_N_LI:
            return lfail(L, "node '%s' (LI): needs Loihi-mode cores (a leaky integrator that never spikes reports "
                            "its potential, which TrueNorth-mode cores cannot send)", n->name);
        case NM_N_LIF:
            if (!L->o.lif_linear)
                return lfail(L, "node '%s' (LIF): needs Loihi-mode cores (exponential membrane decay, tau = %g s); "
                                "--lif-leak linear approximates the decay on TrueNorth-mode cores by a constant leak",
                             n->name, par(n, "tau", 0));
            {
                size_t k;
                const nm_arr *vl = nm_node_arr(n, "v_leak");
                for (k = 0; k < vl->n; k++)
                    if (vl->v[k] != 0)
                        return lfail(L, "node '%s' (LIF): v_leak[%zu] = %g; the linear-leak approximation needs "
                                        "v_leak = 0", n->name, k, vl->v[k]);
            }
            break;
        case NM_N_THRESHOLD:
            return lfail(L, "node '%s' (Threshold): a memoryless threshold has no TrueNorth-mode equivalent "
                            "(TrueNorth-mode neurons keep V from tick to tick)", n->name);
        case NM_N_DELAY:
            return lfail(L, "node '%s' (Delay): not lowered onto TrueNorth-mode cores yet (it would become axon "
                            "delays of 1..15 ticks)", n->name);
        case NM_N_GRAPH:
            return lfail(L, "node '%s' (NIRGraph): nested graphs must be flattened first", n->name);
        default:
            break;
        }
        if (n->type == NM_N_IF || n->type == NM_N_LIF) {
            size_t k;
            for (k = 0; k < n->out_size; k++)
                if (!(par(n, "v_threshold", k) > 0))
                    return lfail(L, "node '%s' (%s): v_threshold[%zu] = %g; TrueNorth-mode thresholds must be "
                                    "positive", n->name, tn, k, par(n, "v_threshold", k));
        }
        (void)tn;
    }
    return 0;
}

/* ------------------------------------------------------------ neurons and cores */

static void disabled_cfg(nm_neuron_cfg *c)
{
    memset(c, 0, sizeof *c);
    c->alpha = ALPHA_MAX;
    c->beta = BETA_MAX;
    c->kappa = 1;
    c->dest_delay = 1;
}

static long new_neuron(lower *L, uint32_t node, uint32_t index, uint8_t role)
{
    nm_tn_net *N = L->net;
    nm_tn_neuron *p;
    if (N->nneur == L->neur_cap) {
        size_t cap = L->neur_cap ? L->neur_cap * 2 : 4096;
        p = realloc(N->neur, cap * sizeof *p);
        if (!p)
            return -1;
        N->neur = p;
        L->neur_cap = cap;
    }
    p = &N->neur[N->nneur];
    memset(p, 0, sizeof *p);
    disabled_cfg(&p->cfg);
    p->node = node;
    p->index = index;
    p->role = role;
    p->core = -1;
    return (long)N->nneur++;
}

static int new_core(lower *L, uint8_t role, uint32_t node)
{
    nm_tn_net *N = L->net;
    nm_tn_core *c;
    if (N->ncores == L->core_cap) {
        size_t cap = L->core_cap ? L->core_cap * 2 : 64;
        nm_tn_core *p = realloc(N->cores, cap * sizeof *p);
        if (!p)
            return -1;
        N->cores = p;
        L->core_cap = cap;
    }
    c = &N->cores[N->ncores];
    memset(c, 0, sizeof *c);
    c->role = role;
    c->node = node;
    c->xbar = calloc(256 * 8, sizeof *c->xbar);
    if (!c->xbar)
        return -1;
    return (int)N->ncores++;
}

static int add_target(lower *L, uint32_t em, int32_t core, uint16_t axon, uint8_t extra)
{
    nm_tn_net *N = L->net;
    uint32_t n;
    if (em >= L->tg_cap) {
        size_t cap = L->tg_cap ? L->tg_cap : 4096, k;
        nm_tn_target **t;
        uint32_t *c;
        while (cap <= em)
            cap *= 2;
        t = realloc(N->tg, cap * sizeof *t);
        if (!t)
            return -1;
        N->tg = t;
        c = realloc(N->ntg, cap * sizeof *c);
        if (!c)
            return -1;
        N->ntg = c;
        for (k = L->tg_cap; k < cap; k++) {
            N->tg[k] = NULL;
            N->ntg[k] = 0;
        }
        L->tg_cap = cap;
        N->tg_alloc = cap;
    }
    n = N->ntg[em];
    if ((n & (n - 1)) == 0) {
        nm_tn_target *p = realloc(N->tg[em], (n ? n * 2 : 1) * sizeof *p);
        if (!p)
            return -1;
        N->tg[em] = p;
    }
    N->tg[em][n].core = core;
    N->tg[em][n].axon = axon;
    N->tg[em][n].extra = extra;
    N->ntg[em] = n + 1;
    return 0;
}

static unsigned copies_of(const lower *L, uint8_t role)
{
    return (role == NM_R_MAIN || role == NM_R_PPOS) ? (unsigned)L->o.wbits : 1u;
}

/* The first axon of emitter em in core c, or -1. */
static int core_find(const nm_tn_core *c, unsigned copies, uint32_t em)
{
    unsigned a;
    for (a = 0; a < c->naxon; a += copies)
        if (c->src[a] == em)
            return (int)a;
    return -1;
}

typedef struct item {
    uint32_t neur[2];     /* logical neurons (1 or 2) */
    unsigned nn;
    const row *r;         /* inputs (emitter + code) */
    size_t nr;
} item;

static uint8_t em_type(const lower *L, uint8_t core_role, uint32_t em)
{
    if (core_role == NM_R_FINAL)
        return L->net->neur[em - L->net->nhost].role == NM_R_PNEG ? 1 : 0;
    return 0;
}

/* Greedy packing: items go into the current core while its axons and neurons last. */
static int pack(lower *L, const item *it, size_t nit, uint8_t role, uint32_t node, uint8_t extra)
{
    nm_tn_net *N = L->net;
    unsigned cp = copies_of(L, role), k;
    int cur = -1;
    size_t i, r;
    for (i = 0; i < nit; i++) {
        unsigned need = 0;
        nm_tn_core *c = cur >= 0 ? &N->cores[cur] : NULL;
        if (c)
            for (r = 0; r < it[i].nr; r++)
                need += core_find(c, cp, it[i].r[r].em) < 0;
        if (!c || c->naxon + need * cp > L->o.naxons || c->nneur + it[i].nn > L->o.nneurons) {
            cur = new_core(L, role, node);
            if (cur < 0)
                return lfail(L, "out of memory");
            c = &N->cores[cur];
            if (it[i].nr * cp > L->o.naxons || it[i].nn > L->o.nneurons)
                return lfail(L, "node '%s' (%s): a neuron needs %zu axons, a core has %u", L->g->nodes[node].name,
                             nm_node_type_name(L->g->nodes[node].type), it[i].nr * cp, L->o.naxons);
        }
        for (r = 0; r < it[i].nr; r++) {
            uint32_t em = it[i].r[r].em;
            int a = core_find(c, cp, em);
            unsigned j;
            if (a < 0) {
                a = c->naxon;
                for (k = 0; k < cp; k++) {
                    c->src[a + (int)k] = em;
                    c->types[a + (int)k] = (uint8_t)(cp > 1 ? k : em_type(L, role, em));
                    if (add_target(L, em, cur, (uint16_t)(a + (int)k), extra))
                        return lfail(L, "out of memory");
                }
                c->naxon = (uint16_t)(c->naxon + cp);
            }
            for (j = 0; j < it[i].nn; j++) {
                unsigned slot = c->nneur + j;
                unsigned bits = (unsigned)(uint8_t)it[i].r[r].code & ((1u << cp) - 1u);
                if (cp == 1)
                    bits = 1;
                for (k = 0; k < cp; k++)
                    if (bits >> k & 1u)
                        c->xbar[slot * 8 + (unsigned)(a + (int)k) / 32] |= 1u << ((unsigned)(a + (int)k) % 32);
            }
        }
        for (k = 0; k < it[i].nn; k++) {
            nm_tn_neuron *nn = &N->neur[it[i].neur[k]];
            nn->core = cur;
            nn->slot = (uint16_t)(c->nneur + k);
        }
        c->nneur = (uint16_t)(c->nneur + it[i].nn);
    }
    return 0;
}

/* ------------------------------------------------------------ quantization */

static int dcmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

typedef struct qstat {
    double umin, umax, maxerr, maxw;
    size_t syn, clipped, zeroed, bias_clipped, capped;
    int first;
} qstat;

/* Weights, threshold and leak of neuron j of node v: fills cfg (s, alpha, lambda, ...),
 * its rows (emitter, code) and the per-node statistics. */
static int quantize_neuron(lower *L, size_t v, size_t j, const expr *in, nm_neuron_cfg *cfg, row **rows,
                           size_t *nrows, qstat *st)
{
    const nm_node *n = &L->g->nodes[v];
    int B = L->o.wbits;
    int cmax = (1 << (B - 1)) - 1, cmin = -(1 << (B - 1));
    double q = (double)(255 >> (B - 1));
    double theta = par(n, "v_threshold", j), f = par(n, "r", j), U, M = 0, bias = 0, *mag;
    long alpha;
    uint32_t t;
    size_t nr = 0;
    int k;
    if (n->type == NM_N_LIF)
        f *= L->o.dt / par(n, "tau", j);
    mag = malloc((in->n ? in->n : 1) * sizeof *mag);
    *rows = malloc((in->n ? in->n : 1) * sizeof **rows);
    if (!mag || !*rows) {
        free(mag);
        return lfail(L, "out of memory");
    }
    for (t = 0; t < in->n; t++) {
        if (in->t[t].pop == CONST_POP) {
            bias += f * in->t[t].w;
            mag[t] = 0;
        } else
            mag[t] = fabs(f * in->t[t].w);
    }
    if (L->o.range_pct >= 100) {
        for (t = 0; t < in->n; t++)
            if (mag[t] > M)
                M = mag[t];
    } else if (in->n) {
        qsort(mag, in->n, sizeof *mag, dcmp);
        M = mag[(size_t)floor((L->o.range_pct / 100.0) * (double)(in->n - 1))];
    }
    free(mag);
    U = M > 0 ? cmax * q / M : cmax * q / theta;
    if (theta * U > ALPHA_MAX)
        U = ALPHA_MAX / theta;
    /* the negative floor -beta (18 bits) must lie at or below -v_floor * v_threshold */
    if (theta * U * L->o.v_floor > BETA_MAX) {
        U = BETA_MAX / (theta * L->o.v_floor);
        st->capped++;
    }
    alpha = lround(theta * U);
    if (alpha < 1)
        alpha = 1;
    for (t = 0; t < in->n; t++) {
        double w, wq;
        long c;
        uint32_t em;
        if (in->t[t].pop == CONST_POP)
            continue;
        w = f * in->t[t].w;
        c = lround(w * U / q);
        if (c > cmax || c < cmin) {
            st->clipped++;
            c = c > cmax ? cmax : cmin;
        }
        wq = (double)c * q / U;
        if (fabs(wq - w) > st->maxerr)
            st->maxerr = fabs(wq - w);
        if (fabs(w) > st->maxw)
            st->maxw = fabs(w);
        if (c == 0) {
            st->zeroed += w != 0;
            continue;
        }
        em = L->emit[in->t[t].pop][in->t[t].idx];
        (*rows)[nr].em = em;
        (*rows)[nr].code = (int8_t)c;
        nr++;
    }
    st->syn += nr;
    *nrows = nr;
    if (st->first || U < st->umin)
        st->umin = U;
    if (st->first || U > st->umax)
        st->umax = U;
    st->first = 0;
    for (k = 0; k < B; k++)
        cfg->s[k] = (int16_t)(k < B - 1 ? (1 << k) * (int)q : -(1 << k) * (int)q);
    cfg->alpha = (uint32_t)alpha;
    cfg->beta = BETA_MAX;
    cfg->kappa = 1;
    cfg->gamma = L->o.reset_subtract ? 1 : 0;
    cfg->R = 0;
    if (n->type == NM_N_LIF) {
        long lam;
        if (bias != 0)
            return lfail(L, "node '%s' (LIF): a bias and the linear leak would share TrueNorth's one leak; the "
                            "approximation takes LIF without bias", n->name);
        lam = lround(L->o.dt / par(n, "tau", j) * theta / 2 * U);
        cfg->lambda = (int16_t)-(lam < 1 ? 1 : lam > 256 ? 256 : lam);
        cfg->epsilon = 1;
    } else {
        long lam = lround(bias * U);
        if (lam > 255 || lam < -256) {
            st->bias_clipped++;
            lam = lam > 255 ? 255 : -256;
        }
        cfg->lambda = (int16_t)lam;
    }
    return 0;
}

/* ------------------------------------------------------------ the lowering */

typedef struct pitem {
    uint64_t block;
    uint32_t rank, j;
    uint32_t r0, nr;  /* slice of the neuron's sorted rows */
} pitem;

static int pitem_cmp(const void *a, const void *b)
{
    const pitem *x = a, *y = b;
    if (x->block != y->block)
        return x->block < y->block ? -1 : 1;
    return x->rank < y->rank ? -1 : x->rank > y->rank;
}

static uint64_t row_block(const lower *L, uint32_t em)
{
    const nm_tn_net *N = L->net;
    uint32_t pop, idx;
    uint32_t bs = L->o.naxons / (unsigned)L->o.wbits;
    if (em < N->nhost) {
        pop = N->host_node[em];
        idx = N->host_index[em];
    } else {
        pop = N->neur[em - N->nhost].node;
        idx = N->neur[em - N->nhost].index;
    }
    return (uint64_t)pop << 32 | (L->rank[pop][idx] / bs);
}

static const lower *g_sort_L;
static int row_cmp(const void *a, const void *b)
{
    uint64_t x = row_block(g_sort_L, ((const row *)a)->em), y = row_block(g_sort_L, ((const row *)b)->em);
    if (x != y)
        return x < y ? -1 : 1;
    return ((const row *)a)->em < ((const row *)b)->em ? -1 : ((const row *)a)->em > ((const row *)b)->em;
}

static int lower_node(lower *L, size_t v)
{
    const nm_node *n = &L->g->nodes[v];
    nm_tn_net *N = L->net;
    size_t J = n->out_size, j, nsplit = 0, npairs = 0, maxfan = 0;
    qstat st;
    row **rows = calloc(J ? J : 1, sizeof *rows);
    size_t *nr = calloc(J ? J : 1, sizeof *nr);
    nm_neuron_cfg *cfg = calloc(J ? J : 1, sizeof *cfg);
    int rc = -1;
    unsigned B = (unsigned)L->o.wbits;
    item *items = NULL;
    pitem *pits = NULL;
    size_t npit = 0, capp = 0, nit = 0;
    uint32_t *order = NULL;
    memset(&st, 0, sizeof st);
    st.first = 1;
    if (!rows || !nr || !cfg)
        goto oom;
    for (j = 0; j < J; j++) {
        if (quantize_neuron(L, v, j, &L->in[v][j], &cfg[j], &rows[j], &nr[j], &st))
            goto out;
        if (nr[j] > maxfan)
            maxfan = nr[j];
        if (nr[j] * B > L->o.naxons)
            nsplit++;
    }
    /* one neuron over the limit splits the whole node: its neighbours' fan-in is nearly as
     * large, and unsplit they would take nearly a core each */
    L->split_node[v] = nsplit > 0;
    if (nsplit)
        nsplit = J;
    /* element order: Morton */
    order = malloc((J ? J : 1) * sizeof *order);
    if (!order)
        goto oom;
    for (j = 0; j < J; j++)
        order[L->rank[v][j]] = (uint32_t)j;
    /* the emitting neuron of each element (MAIN or FINAL) was made in lower_alloc */
    /* split neurons: partial pairs per input block */
    g_sort_L = L;
    for (j = 0; j < J; j++) {
        size_t a, b;
        if (!L->split_node[v])
            continue;
        qsort(rows[j], nr[j], sizeof *rows[j], row_cmp);
        for (a = 0; a < nr[j]; a = b) {
            uint64_t blk = row_block(L, rows[j][a].em);
            for (b = a; b < nr[j] && row_block(L, rows[j][b].em) == blk; b++)
                ;
            if (npit == capp) {
                pitem *p = realloc(pits, (capp = capp ? capp * 2 : 256) * sizeof *p);
                if (!p)
                    goto oom;
                pits = p;
            }
            pits[npit].block = blk;
            pits[npit].rank = L->rank[v][j];
            pits[npit].j = (uint32_t)j;
            pits[npit].r0 = (uint32_t)a;
            pits[npit].nr = (uint32_t)(b - a);
            npit++;
        }
    }
    if (npit) {
        double delta_frac = 0.25; /* the step of a partial-sum pair, docs/import.md */
        uint32_t *npj = calloc(J, sizeof *npj);
        if (!npj)
            goto oom;
        qsort(pits, npit, sizeof *pits, pitem_cmp);
        items = malloc(npit * sizeof *items);
        if (!items) {
            free(npj);
            goto oom;
        }
        for (j = 0; j < npit; j++) {
            uint32_t jj = pits[j].j;
            long pp = new_neuron(L, (uint32_t)v, jj, NM_R_PPOS), pn = new_neuron(L, (uint32_t)v, jj, NM_R_PNEG);
            nm_tn_neuron *a, *b;
            long d;
            int k;
            if (pp < 0 || pn < 0) {
                free(npj);
                goto oom;
            }
            a = &N->neur[pp];
            b = &N->neur[pn];
            d = lround(cfg[jj].alpha * delta_frac);
            d = d < 1 ? 1 : d > 255 ? 255 : d;
            a->cfg = cfg[jj];
            a->cfg.lambda = 0;
            a->cfg.epsilon = 0;
            a->cfg.alpha = (uint32_t)d;
            a->cfg.beta = (uint32_t)d;
            a->cfg.kappa = 0;
            a->cfg.gamma = 1;
            /* start a quarter step up: what stays behind in a pair is neither truncated nor
             * rounded up (measured on cnn_sinabs, docs/import.md) */
            a->cfg.V = (int32_t)(d / 4);
            b->cfg = a->cfg;
            b->cfg.V = -1 - a->cfg.V; /* the twin mirrors V - 1: see docs/import.md */
            for (k = 0; k < 4; k++)
                b->cfg.s[k] = (int16_t)-a->cfg.s[k];
            items[nit].neur[0] = (uint32_t)pp;
            items[nit].neur[1] = (uint32_t)pn;
            items[nit].nn = 2;
            items[nit].r = rows[jj] + pits[j].r0;
            items[nit].nr = pits[j].nr;
            nit++;
            npj[jj]++;
            npairs++;
        }
        for (j = 0; j < J; j++)
            if (npj[j] * 2 > L->o.naxons) {
                lfail(L, "node '%s' (%s): neuron %zu needs %u partial-sum pairs, more than a core's %u axons "
                         "can gather", n->name, nm_node_type_name(n->type), j, npj[j], L->o.naxons);
                free(npj);
                goto out;
            }
        free(npj);
        if (pack(L, items, nit, NM_R_PPOS, (uint32_t)v, 0))
            goto out;
        /* the final neurons: inputs are their partial pairs, +delta on type 0, -delta on type 1 */
        {
            row *fr = malloc(npit * 2 * sizeof *fr);
            item *fit = malloc((nsplit ? nsplit : 1) * sizeof *fit);
            size_t nf = 0, nfit = 0, o2, p, *first = calloc(J, sizeof *first), *cnt = calloc(J, sizeof *cnt);
            size_t *pos = malloc((nit ? nit : 1) * sizeof *pos);
            if (!fr || !fit || !first || !cnt || !pos) {
                free(fr);
                free(fit);
                free(first);
                free(cnt);
                free(pos);
                goto oom;
            }
            /* the pairs of each neuron, gathered by neuron (counting sort over items) */
            for (p = 0; p < nit; p++)
                cnt[N->neur[items[p].neur[0]].index]++;
            for (o2 = 0, p = 0; o2 < J; o2++) {
                first[o2] = p;
                p += cnt[o2];
                cnt[o2] = 0;
            }
            for (p = 0; p < nit; p++) {
                size_t jj = N->neur[items[p].neur[0]].index;
                pos[first[jj] + cnt[jj]++] = p;
            }
            for (o2 = 0; o2 < J; o2++) {
                size_t jj = order[o2], f0 = nf;
                uint32_t fin;
                long d;
                if (!L->split_node[v])
                    continue;
                fin = L->emit[v][jj] - (uint32_t)N->nhost;
                N->neur[fin].role = NM_R_FINAL;
                for (p = 0; p < cnt[jj]; p++) {
                    const item *ip = &items[pos[first[jj] + p]];
                    fr[nf].em = (uint32_t)N->nhost + ip->neur[0];
                    fr[nf++].code = 1;
                    fr[nf].em = (uint32_t)N->nhost + ip->neur[1];
                    fr[nf++].code = 1;
                }
                N->neur[fin].cfg = cfg[jj];
                d = lround(cfg[jj].alpha * delta_frac);
                d = d < 1 ? 1 : d > 255 ? 255 : d;
                N->neur[fin].cfg.s[0] = (int16_t)d;
                N->neur[fin].cfg.s[1] = (int16_t)-d;
                N->neur[fin].cfg.s[2] = 0;
                N->neur[fin].cfg.s[3] = 0;
                fit[nfit].nn = 1;
                fit[nfit].neur[0] = fin;
                fit[nfit].r = fr + f0;
                fit[nfit].nr = nf - f0;
                nfit++;
            }
            N->finals += nfit;
            rc = pack(L, fit, nfit, NM_R_FINAL, (uint32_t)v, 0);
            free(fit);
            free(fr);
            free(first);
            free(cnt);
            free(pos);
            if (rc)
                goto out;
            rc = -1;
        }
    }
    /* unsplit neurons */
    free(items);
    items = malloc((J ? J : 1) * sizeof *items);
    if (!items)
        goto oom;
    nit = 0;
    for (j = 0; j < J; j++) {
        size_t jj = order[j];
        uint32_t m;
        if (L->split_node[v])
            continue;
        m = L->emit[v][jj] - (uint32_t)N->nhost;
        N->neur[m].cfg = cfg[jj];
        items[nit].neur[0] = m;
        items[nit].nn = 1;
        items[nit].r = rows[jj];
        items[nit].nr = nr[jj];
        nit++;
    }
    if (pack(L, items, nit, NM_R_MAIN, (uint32_t)v, (uint8_t)(nsplit > 0)))
        goto out;
    N->partials += npairs * 2;
    rep(L, "  %-10s %-7s %6zu neurons  synapses %8zu  scale %.4g..%.4g units/1.0  largest error %.4g (%.1f%% of max "
           "|w| %.4g)  clipped %zu  rounded to 0: %zu  bias clipped %zu  scale capped by --v-floor %zu  fan-in max %zu%s\n",
        n->name, nm_node_type_name(n->type), J, st.syn, st.umin, st.umax, st.maxerr,
        st.maxw > 0 ? 100 * st.maxerr / st.maxw : 0.0, st.maxw, st.clipped, st.zeroed, st.bias_clipped, st.capped, maxfan, "");
    if (nsplit)
        rep(L, "  %-10s         %zu neurons split over %zu partial-sum pairs (fan-in x %u copies > %u axons)\n", "",
            nsplit, npairs, B, L->o.naxons);
    rc = 0;
    goto out;
oom:
    lfail(L, "out of memory");
out:
    if (rows)
        for (j = 0; j < J; j++)
            free(rows[j]);
    free(rows);
    free(nr);
    free(cfg);
    free(items);
    free(pits);
    free(order);
    return rc;
}

static const nm_tn_net *g_sort_net;
static int by_core(const void *a, const void *b)
{
    const nm_tn_neuron *x = &g_sort_net->neur[*(const uint32_t *)a], *y = &g_sort_net->neur[*(const uint32_t *)b];
    if (x->core != y->core)
        return x->core < y->core ? -1 : 1;
    return x->slot < y->slot ? -1 : x->slot > y->slot;
}

/* Splitters: every neuron with more than one target sends to a relay neuron per target,
 * in splitter cores filled in the order of the source cores (so they stay compact). */
static int relay_fanout(lower *L)
{
    nm_tn_net *N = L->net;
    size_t ei, nl = N->nneur;
    int cur = -1;
    uint32_t *ord = malloc((nl ? nl : 1) * sizeof *ord);
    if (!ord)
        return lfail(L, "out of memory");
    for (ei = 0; ei < nl; ei++)
        ord[ei] = (uint32_t)ei;
    g_sort_net = N;
    qsort(ord, nl, sizeof *ord, by_core);
    for (ei = 0; ei < nl; ei++) {
        size_t e = ord[ei];
        uint32_t em = (uint32_t)(N->nhost + e), T = em < L->tg_cap ? N->ntg[em] : 0, k;
        nm_tn_target *old;
        nm_tn_core *c;
        uint8_t role = N->neur[e].role;
        if (T <= 1 || role == NM_R_RELAY)
            continue;
        if (T > L->o.nneurons) {
            free(ord);
            return lfail(L, "node '%s' (%s): neuron %u reaches %u axons, more than one splitter core's %u neurons "
                            "(splitter trees are not implemented)", L->g->nodes[N->neur[e].node].name,
                         nm_node_type_name(L->g->nodes[N->neur[e].node].type), N->neur[e].index, T, L->o.nneurons);
        }
        if (cur < 0 || N->cores[cur].naxon + 1u > L->o.naxons || N->cores[cur].nneur + T > L->o.nneurons ||
            N->cores[cur].node != N->neur[e].node) {
            cur = new_core(L, NM_R_RELAY, N->neur[e].node);
            if (cur < 0) {
                free(ord);
                return lfail(L, "out of memory");
            }
        }
        c = &N->cores[cur];
        old = N->tg[em];
        N->tg[em] = NULL;
        N->ntg[em] = 0;
        if (add_target(L, em, cur, c->naxon, 0)) {
            free(old);
            free(ord);
            return lfail(L, "out of memory");
        }
        c->src[c->naxon] = em;
        c->types[c->naxon] = 0;
        for (k = 0; k < T; k++) {
            long r = new_neuron(L, N->neur[e].node, N->neur[e].index, NM_R_RELAY);
            nm_tn_neuron *rn;
            if (r < 0) {
                free(old);
                free(ord);
                return lfail(L, "out of memory");
            }
            rn = &N->neur[r];
            rn->cfg.s[0] = 1;
            rn->cfg.alpha = 1;
            rn->cfg.gamma = 0;
            rn->cfg.R = 0;
            rn->core = cur;
            rn->slot = c->nneur;
            rn->tgt = old[k];
            c->xbar[c->nneur * 8u + c->naxon / 32u] |= 1u << (c->naxon % 32u);
            c->nneur++;
            N->relays++;
        }
        c->naxon++;
        free(old);
    }
    free(ord);
    return 0;
}

/* Delays that keep every layer's inputs arriving in one tick (docs/import.md). */
static void set_delays(lower *L, const unsigned char *relayed)
{
    nm_tn_net *N = L->net;
    size_t e;
    for (e = 0; e < N->nneur; e++) {
        nm_tn_neuron *n = &N->neur[e];
        uint32_t em = (uint32_t)(N->nhost + e);
        if (n->role != NM_R_RELAY)
            n->tgt = N->tg[em][0];
        if (n->tgt.core < 0) {
            n->cfg.dest_delay = 1;
            continue;
        }
        switch (n->role) {
        case NM_R_PPOS: case NM_R_PNEG:
            n->cfg.dest_delay = 1;
            break;
        case NM_R_RELAY:
            n->cfg.dest_delay = (uint8_t)(1 + n->tgt.extra);
            break;
        default:
            if (N->ntg[em] == 1 && N->cores[n->tgt.core].role == NM_R_RELAY)
                n->cfg.dest_delay = 1;
            else
                n->cfg.dest_delay = (uint8_t)(1 + relayed[n->node] + n->tgt.extra);
        }
    }
}

nm_tn_net *nm_lower_tn(const nm_graph *g, const nm_tn_opts *o, char *err, size_t errlen)
{
    lower L;
    nm_tn_net *N = calloc(1, sizeof *N);
    size_t *order = NULL, oi, v, e, i;
    int cyclic = 0;
    unsigned char *relayed = NULL;
    memset(&L, 0, sizeof L);
    L.g = g;
    L.o = *o;
    L.net = N;
    L.err = err;
    L.errlen = errlen;
    if (!N)
        return NULL;
    N->opts = *o;
    if (o->wbits < 2 || o->wbits > 4 || o->naxons > 256 || o->nneurons > 256 || o->naxons < (unsigned)o->wbits) {
        lfail(&L, "--quant must be int2, int3 or int4");
        goto bad;
    }
    order = nm_graph_topo_order(g, &cyclic);
    if (!order) {
        lfail(&L, "out of memory");
        goto bad;
    }
    if (check_types(&L, order))
        goto bad;
    L.in = calloc(g->nnodes, sizeof *L.in);
    L.emit = calloc(g->nnodes, sizeof *L.emit);
    L.rank = calloc(g->nnodes, sizeof *L.rank);
    L.split_node = calloc(g->nnodes, sizeof *L.split_node);
    relayed = calloc(g->nnodes, 1);
    if (!order || !L.in || !L.emit || !L.rank || !L.split_node || !relayed) {
        lfail(&L, "out of memory");
        goto bad;
    }
    if (cyclic) {
        size_t *pos = calloc(g->nnodes, sizeof *pos);
        if (pos) {
            for (oi = 0; oi < g->nnodes; oi++)
                pos[order[oi]] = oi;
            for (e = 0; e < g->nedges; e++)
                if (pos[g->edges[e].s] >= pos[g->edges[e].d])
                    break;
        }
        lfail(&L, "edge '%s' -> '%s' closes a cycle (recurrence): the TrueNorth-mode lowering takes feed-forward "
                  "graphs (splitter and partial-sum stages would change a loop's timing)",
              pos && e < g->nedges ? g->edges[e].src : "?", pos && e < g->nedges ? g->edges[e].dst : "?");
        free(pos);
        goto bad;
    }
    if (nm_compose_init(&L.comp, g, order, err, errlen))
        goto bad;
    {
        char range[64];
        if (o->range_pct >= 100)
            snprintf(range, sizeof range, "max |w|");
        else
            snprintf(range, sizeof range, "p%g of |w|", o->range_pct);
        rep(&L, "discretization: dt %g s, reset %s, weights int%d (%d axon copies per input, codes %d..%d), scale "
                "range %s, partial-sum step alpha/4, potential floor -%g x v_threshold\n",
            o->dt, o->reset_subtract ? "subtract (V -= alpha)" : "zero (V = 0)", o->wbits, o->wbits,
            -(1 << (o->wbits - 1)), (1 << (o->wbits - 1)) - 1, range, o->v_floor);
    }
    rep(&L, "  IF: V += r * I per tick; LIF (--lif-leak linear): V += dt/tau * r * I, leak -dt/tau * v_threshold/2 "
            "toward 0; a neuron fires when V >= alpha = round(v_threshold * scale)\n");
    rep(&L, "quantization per neuron node (scale = integer units per 1.0 of potential):\n");
    /* host emitters */
    for (v = 0; v < g->nnodes; v++)
        if (g->nodes[v].type == NM_N_INPUT)
            N->nhost += g->nodes[v].out_size;
    N->host_node = malloc((N->nhost ? N->nhost : 1) * sizeof *N->host_node);
    N->host_index = malloc((N->nhost ? N->nhost : 1) * sizeof *N->host_index);
    if (!N->host_node || !N->host_index) {
        lfail(&L, "out of memory");
        goto bad;
    }
    {
        size_t h = 0;
        for (v = 0; v < g->nnodes; v++)
            if (g->nodes[v].type == NM_N_INPUT) {
                L.emit[v] = malloc((g->nodes[v].out_size ? g->nodes[v].out_size : 1) * sizeof **L.emit);
                if (!L.emit[v]) {
                    lfail(&L, "out of memory");
                    goto bad;
                }
                for (i = 0; i < g->nodes[v].out_size; i++, h++) {
                    N->host_node[h] = (uint32_t)v;
                    N->host_index[h] = (uint32_t)i;
                    L.emit[v][i] = (uint32_t)h;
                }
            }
    }
    for (oi = 0; oi < g->nnodes; oi++) {
        const nm_node *n;
        v = order[oi];
        n = &g->nodes[v];
        if (is_pop(n->type)) {
            L.rank[v] = nm_morton_rank(n);
            if (!L.rank[v]) {
                lfail(&L, "out of memory");
                goto bad;
            }
        }
        if (is_linear(n->type)) {
            /* composed by nm_compose_init */
        } else if (n->type == NM_N_IF || n->type == NM_N_LIF) {
            L.in[v] = nm_compose_input(&L.comp, v, err, errlen);
            if (!L.in[v])
                goto bad;
            L.emit[v] = malloc((n->out_size ? n->out_size : 1) * sizeof **L.emit);
            if (!L.emit[v]) {
                lfail(&L, "out of memory");
                goto bad;
            }
            for (i = 0; i < n->out_size; i++) {
                long m = new_neuron(&L, (uint32_t)v, (uint32_t)i, NM_R_MAIN);
                if (m < 0) {
                    lfail(&L, "out of memory");
                    goto bad;
                }
                L.emit[v][i] = (uint32_t)(N->nhost + (size_t)m);
            }
            if (lower_node(&L, v))
                goto bad;
            nm_exprs_free(L.in[v], n->out_size);
            L.in[v] = NULL;
        } else if (n->type == NM_N_OUTPUT) {
            for (e = 0; e < g->nedges; e++) {
                size_t p = g->edges[e].s;
                if (g->edges[e].d != v)
                    continue;
                if (g->nodes[p].type != NM_N_IF && g->nodes[p].type != NM_N_LIF) {
                    lfail(&L, "node '%s' (Output) reads '%s' (%s): TrueNorth-mode cores send only spikes, so an "
                              "Output must read a neuron node", n->name, g->nodes[p].name,
                          nm_node_type_name(g->nodes[p].type));
                    goto bad;
                }
                for (i = 0; i < g->nodes[p].out_size; i++)
                    if (add_target(&L, L.emit[p][i], -1, (uint16_t)(i % 256), 0)) {
                        lfail(&L, "out of memory");
                        goto bad;
                    }
            }
        }
    }
    /* emitters nobody reads leave the chip */
    for (i = 0; i < N->nneur; i++) {
        uint32_t em = (uint32_t)(N->nhost + i);
        if (em >= L.tg_cap || N->ntg[em] == 0)
            if (add_target(&L, em, -1, 0, 0)) {
                lfail(&L, "out of memory");
                goto bad;
            }
    }
    for (i = 0; i < N->nneur; i++)
        if (N->ntg[N->nhost + i] > 1 && (N->neur[i].role == NM_R_MAIN || N->neur[i].role == NM_R_FINAL))
            relayed[N->neur[i].node] = 1;
    if (relay_fanout(&L))
        goto bad;
    if (add_target(&L, (uint32_t)(N->nhost + N->nneur), -1, 0, 0)) { /* make tg cover every emitter */
        lfail(&L, "out of memory");
        goto bad;
    }
    set_delays(&L, relayed);
    for (i = 0; i < N->nneur; i++)
        N->mains += N->neur[i].role == NM_R_MAIN;
    for (i = 0; i < N->ncores; i++) {
        unsigned k;
        for (k = 0; k < 256 * 8; k++)
            N->synapses += (size_t)__builtin_popcount(N->cores[i].xbar[k]);
    }
    /* placement keys: the mean position of each core's neurons in their node's image */
    {
        double *cnt = calloc(N->ncores ? N->ncores : 1, sizeof *cnt);
        if (!cnt) {
            lfail(&L, "out of memory");
            goto bad;
        }
        for (i = 0; i < N->nneur; i++) {
            const nm_tn_neuron *u = &N->neur[i];
            const nm_node *nd = &g->nodes[u->node];
            double px = 0.5, py = 0.5;
            if (nd->out_ndim == 3) {
                size_t H = nd->out_shape[1], W = nd->out_shape[2];
                py = ((double)((u->index / W) % H) + 0.5) / (double)H;
                px = ((double)(u->index % W) + 0.5) / (double)W;
            } else if (nd->out_ndim == 2) {
                px = ((double)(u->index % nd->out_shape[1]) + 0.5) / (double)nd->out_shape[1];
            }
            N->cores[u->core].cx += px;
            N->cores[u->core].cy += py;
            cnt[u->core]++;
        }
        for (i = 0; i < N->ncores; i++)
            if (cnt[i] > 0) {
                N->cores[i].cx /= cnt[i];
                N->cores[i].cy /= cnt[i];
            }
        free(cnt);
    }
    if (nm_tn_place(N, err, errlen))
        goto bad;
    rep(&L, "placement: %zu cores on a %u x %u mesh (%zu neurons: %zu from the graph, %zu final + %zu partial-sum, "
            "%zu splitters), %zu synapses\n",
        N->ncores, N->mesh_x, N->mesh_y, N->nneur, N->mains + N->finals, N->finals, N->partials, N->relays,
        N->synapses);
    rep(&L, "  per spike of a graph neuron: %.2f packets, %.2f hops (mesh routing, X then Y)\n", N->packets_per_spike,
        N->hops_per_spike);
    {
        size_t cnt[5] = {0, 0, 0, 0, 0};
        for (i = 0; i < N->ncores; i++)
            cnt[N->cores[i].role]++;
        rep(&L, "  cores: %zu with graph neurons, %zu with final neurons, %zu with partial-sum pairs, %zu splitter "
                "cores\n", cnt[NM_R_MAIN], cnt[NM_R_FINAL], cnt[NM_R_PPOS], cnt[NM_R_RELAY]);
    }
    N->report = L.rep;
    L.rep = NULL;
    goto done;
bad:
    nm_tn_net_free(N);
    N = NULL;
done:
    nm_compose_free(&L.comp);
    if (L.in)
        for (v = 0; v < g->nnodes; v++)
            nm_exprs_free(L.in[v], g->nodes[v].out_size);
    if (L.emit)
        for (v = 0; v < g->nnodes; v++)
            free(L.emit[v]);
    if (L.rank)
        for (v = 0; v < g->nnodes; v++)
            free(L.rank[v]);
    free(L.in);
    free(L.emit);
    free(L.rank);
    free(L.split_node);
    free(L.rep);
    free(relayed);
    free(order);
    return N;
}

void nm_tn_net_free(nm_tn_net *n)
{
    size_t i;
    if (!n)
        return;
    for (i = 0; i < n->ncores; i++)
        free(n->cores[i].xbar);
    free(n->cores);
    if (n->tg)
        for (i = 0; i < n->tg_alloc; i++)
            free(n->tg[i]);
    free(n->tg);
    free(n->ntg);
    free(n->neur);
    free(n->host_node);
    free(n->host_index);
    free(n->report);
    free(n);
}
