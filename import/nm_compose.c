/* nm_compose.c - the linear nodes of an import graph (Affine, Linear, Scale, Flatten,
 * Conv1d, Conv2d, SumPool2d, AvgPool2d) composed into sparse linear expressions over the
 * elements of population nodes: convolutions become connections, pool -> conv chains one
 * matrix (docs/import.md section 3, "Composition"); Delay nodes into the terms' delays when
 * the lowering gives a time step (docs/import.md section 9). Also Morton ranks of elements. */
#include "nm_compose.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int nm_compose_is_population(nm_node_type t)
{
    return t == NM_N_INPUT || t == NM_N_IF || t == NM_N_LIF || t == NM_N_CUBALIF || t == NM_N_LI ||
           t == NM_N_CUBALI || t == NM_N_THRESHOLD;
}

int nm_compose_is_linear(nm_node_type t)
{
    return t == NM_N_AFFINE || t == NM_N_LINEAR || t == NM_N_SCALE || t == NM_N_FLATTEN || t == NM_N_CONV1D ||
           t == NM_N_CONV2D || t == NM_N_SUMPOOL2D || t == NM_N_AVGPOOL2D;
}

double nm_node_param(const nm_node *n, const char *name, size_t i)
{
    const nm_arr *a = nm_node_arr(n, name);
    if (!a || !a->n)
        return 0;
    return a->v[a->n == 1 ? 0 : i];
}


/* ------------------------------------------------------------ sparse expressions */

static int term_cmp(const void *a, const void *b)
{
    const nm_term *x = a, *y = b;
    if (x->pop != y->pop)
        return x->pop < y->pop ? -1 : 1;
    if (x->idx != y->idx)
        return x->idx < y->idx ? -1 : 1;
    if (x->delay != y->delay)
        return x->delay < y->delay ? -1 : 1;
    return 0;
}

static void expr_merge(nm_expr *e)
{
    uint32_t i, k = 0;
    if (e->n < 2)
        return;
    qsort(e->t, e->n, sizeof *e->t, term_cmp);
    for (i = 0; i < e->n; i++) {
        if (k && e->t[k - 1].pop == e->t[i].pop && e->t[k - 1].idx == e->t[i].idx &&
            e->t[k - 1].delay == e->t[i].delay)
            e->t[k - 1].w += e->t[i].w;
        else
            e->t[k++] = e->t[i];
    }
    e->n = k;
}

static int expr_add(nm_expr *e, uint32_t *cap, uint32_t pop, uint32_t idx, int32_t delay, double w)
{
    if (e->n == *cap) {
        uint32_t nc = *cap ? *cap * 2 : 8;
        nm_term *t = realloc(e->t, nc * sizeof *t);
        if (!t)
            return -1;
        e->t = t;
        *cap = nc;
    }
    e->t[e->n].pop = pop;
    e->t[e->n].idx = idx;
    e->t[e->n].delay = pop == NM_CONST_POP ? 0 : delay;
    e->t[e->n].w = w;
    e->n++;
    return 0;
}

/* Add c * (output element i of node p) to e. */
static int expr_add_out(const nm_compose *C, nm_expr *e, uint32_t *cap, size_t p, size_t i, double c)
{
    uint32_t k;
    if (c == 0)
        return 0;
    if (nm_compose_is_population(C->g->nodes[p].type))
        return expr_add(e, cap, (uint32_t)p, (uint32_t)i, 0, c);
    for (k = 0; k < C->out[p][i].n; k++)
        if (expr_add(e, cap, C->out[p][i].t[k].pop, C->out[p][i].t[k].idx, C->out[p][i].t[k].delay,
                     c * C->out[p][i].t[k].w))
            return -1;
    return 0;
}

/* Input expressions of node v: the sum of its predecessors' outputs. */
static nm_expr *node_input(const nm_compose *C, size_t v, size_t nin, char *err, size_t errlen)
{
    nm_expr *in = calloc(nin ? nin : 1, sizeof *in);
    size_t e, i;
    if (!in)
        return NULL;
    for (e = 0; e < C->g->nedges; e++) {
        size_t p = C->g->edges[e].s;
        if (C->g->edges[e].d != v)
            continue;
        if (C->g->nodes[p].out_size != nin) {
            snprintf(err, errlen, "edge '%s' -> '%s': '%s' gives %zu values, '%s' (%s) takes %zu", C->g->nodes[p].name,
                  C->g->nodes[v].name, C->g->nodes[p].name, C->g->nodes[p].out_size, C->g->nodes[v].name,
                  nm_node_type_name(C->g->nodes[v].type), nin);
            goto bad;
        }
        if (!nm_compose_is_population(C->g->nodes[p].type) && !C->out[p]) {
            snprintf(err, errlen, "edge '%s' -> '%s': '%s' (%s) is not composed before '%s' (a cycle through linear "
                     "nodes only, with no neuron on it, or a node this lowering does not compose)", C->g->nodes[p].name,
                     C->g->nodes[v].name, C->g->nodes[p].name, nm_node_type_name(C->g->nodes[p].type),
                     C->g->nodes[v].name);
            goto bad;
        }
        for (i = 0; i < nin; i++) {
            uint32_t cap = in[i].n;
            if (expr_add_out(C, &in[i], &cap, p, i, 1.0))
                goto oom;
        }
    }
    for (i = 0; i < nin; i++)
        expr_merge(&in[i]);
    return in;
oom:
    snprintf(err, errlen, "out of memory");
bad:
    for (i = 0; i < nin; i++)
        free(in[i].t);
    free(in);
    return NULL;
}

void nm_exprs_free(nm_expr *x, size_t n)
{
    size_t i;
    if (!x)
        return;
    for (i = 0; i < n; i++)
        free(x[i].t);
    free(x);
}

static size_t pk(const nm_arr *a, int k)
{
    return (size_t)(a->n == 1 ? a->v[0] : a->v[k]);
}

/* out[o] = sum of c * in[i] for one linear node. */
static int linear_apply(const nm_compose *C, size_t v, nm_expr *in, nm_expr *out, char *err, size_t errlen)
{
    const nm_node *n = &C->g->nodes[v];
    size_t o, i;
    int32_t dl_ = 0; /* steps added by a Delay node */
    uint32_t *cap = calloc(n->out_size ? n->out_size : 1, sizeof *cap);
    if (!cap) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
#define ADDIN(oo, ii, c)                                                                                     \
    do {                                                                                                     \
        uint32_t k_;                                                                                         \
        for (k_ = 0; k_ < in[ii].n; k_++)                                                                    \
            if ((c) != 0 && expr_add(&out[oo], &cap[oo], in[ii].t[k_].pop, in[ii].t[k_].idx,             \
                                     in[ii].t[k_].delay + dl_, (c) * in[ii].t[k_].w))                        \
                goto oom;                                                                                    \
    } while (0)
    switch (n->type) {
    case NM_N_DELAY: {
        const nm_arr *a = nm_node_arr(n, "delay");
        double d0 = a && a->n ? a->v[0] : 0, st;
        for (i = 0; a && i < a->n; i++)
            if (a->v[i] != d0) {
                free(cap);
                snprintf(err, errlen, "node '%s' (Delay): its elements' delays differ (%g s and %g s); the Loihi "
                         "lowering takes one delay per Delay node", n->name, d0, a->v[i]);
                return -1;
            }
        st = d0 / C->dt;
        if (!(st >= 0) || st > 1e6 || fabs(st - floor(st + 0.5)) > 1e-6 * (st + 1)) {
            free(cap);
            snprintf(err, errlen, "node '%s' (Delay): %g s is not a whole number of --dt %g s steps", n->name, d0,
                     C->dt);
            return -1;
        }
        dl_ = (int32_t)floor(st + 0.5);
        for (o = 0; o < n->out_size; o++)
            ADDIN(o, o, 1.0);
        break;
    }
    case NM_N_FLATTEN:
        for (o = 0; o < n->out_size; o++)
            ADDIN(o, o, 1.0);
        break;
    case NM_N_SCALE:
        for (o = 0; o < n->out_size; o++)
            ADDIN(o, o, nm_node_param(n, "scale", o));
        break;
    case NM_N_AFFINE: case NM_N_LINEAR: {
        const nm_arr *w = nm_node_arr(n, "weight");
        size_t nin = w->shape[1];
        for (o = 0; o < n->out_size; o++) {
            for (i = 0; i < nin; i++)
                ADDIN(o, i, w->v[o * nin + i]);
            if (n->type == NM_N_AFFINE && nm_node_param(n, "bias", o) != 0 &&
                expr_add(&out[o], &cap[o], NM_CONST_POP, 0, 0, nm_node_param(n, "bias", o)))
                goto oom;
        }
        break;
    }
    case NM_N_CONV1D: case NM_N_CONV2D: {
        const nm_arr *w = nm_node_arr(n, "weight");
        int sd = n->type == NM_N_CONV2D ? 2 : 1;
        size_t groups = (size_t)nm_node_param(n, "groups", 0), cout = w->shape[0], cpg = w->shape[1];
        size_t kh = sd == 2 ? w->shape[2] : 1, kw = w->shape[sd == 2 ? 3 : 2];
        size_t oh = sd == 2 ? n->out_shape[1] : 1, ow = n->out_shape[sd == 2 ? 2 : 1];
        size_t cin = cpg * groups, ih, iw, co;
        long sh = sd == 2 ? (long)pk(nm_node_arr(n, "stride"), 0) : 1, sw = (long)pk(nm_node_arr(n, "stride"), sd - 1);
        long ph = sd == 2 ? (long)pk(nm_node_arr(n, "padding"), 0) : 0, pw = (long)pk(nm_node_arr(n, "padding"), sd - 1);
        long dh = sd == 2 ? (long)pk(nm_node_arr(n, "dilation"), 0) : 1, dw = (long)pk(nm_node_arr(n, "dilation"), sd - 1);
        iw = n->in_size / cin;
        ih = sd == 2 ? 0 : 1;
        if (sd == 2) {
            const nm_arr *is = nm_node_arr(n, "input_shape");
            ih = is && is->n == 2 ? (size_t)is->v[0] : (size_t)sqrt((double)iw);
            iw = iw / ih;
        }
        for (co = 0; co < cout; co++) {
            size_t g = co / (cout / groups), y, x, ci, a, b;
            for (y = 0; y < oh; y++)
                for (x = 0; x < ow; x++) {
                    o = (co * oh + y) * ow + x;
                    for (ci = 0; ci < cpg; ci++)
                        for (a = 0; a < kh; a++)
                            for (b = 0; b < kw; b++) {
                                long yy = (long)y * sh - ph + (long)a * dh, xx = (long)x * sw - pw + (long)b * dw;
                                double c = w->v[((co * cpg + ci) * kh + a) * kw + b];
                                if (yy < 0 || xx < 0 || yy >= (long)ih || xx >= (long)iw)
                                    continue;
                                i = ((g * cpg + ci) * ih + (size_t)yy) * iw + (size_t)xx;
                                ADDIN(o, i, c);
                            }
                    if (nm_node_param(n, "bias", co) != 0 &&
                        expr_add(&out[o], &cap[o], NM_CONST_POP, 0, 0, nm_node_param(n, "bias", co)))
                        goto oom;
                }
        }
        break;
    }
    case NM_N_SUMPOOL2D: case NM_N_AVGPOOL2D: {
        const nm_arr *ks = nm_node_arr(n, "kernel_size"), *st = nm_node_arr(n, "stride"), *pd = nm_node_arr(n, "padding");
        size_t nch = n->out_shape[0], oh = n->out_shape[1], ow = n->out_shape[2], ih, iw, c, y, x, a, b;
        size_t kh = pk(ks, 0), kw = pk(ks, 1);
        double scale = n->type == NM_N_AVGPOOL2D ? 1.0 / (double)(kh * kw) : 1.0;
        ih = (size_t)sqrt((double)(n->in_size / nch));
        {
            /* the predecessor's shape */
            size_t e;
            for (e = 0; e < C->g->nedges; e++)
                if (C->g->edges[e].d == v && C->g->nodes[C->g->edges[e].s].out_ndim == 3)
                    ih = C->g->nodes[C->g->edges[e].s].out_shape[1];
        }
        iw = n->in_size / nch / ih;
        for (c = 0; c < nch; c++)
            for (y = 0; y < oh; y++)
                for (x = 0; x < ow; x++) {
                    o = (c * oh + y) * ow + x;
                    for (a = 0; a < kh; a++)
                        for (b = 0; b < kw; b++) {
                            long yy = (long)(y * pk(st, 0) + a) - (long)pk(pd, 0);
                            long xx = (long)(x * pk(st, 1) + b) - (long)pk(pd, 1);
                            if (yy < 0 || xx < 0 || yy >= (long)ih || xx >= (long)iw)
                                continue;
                            i = (c * ih + (size_t)yy) * iw + (size_t)xx;
                            ADDIN(o, i, scale);
                        }
                }
        break;
    }
    default:
        free(cap);
        snprintf(err, errlen, "node '%s' (%s): not a linear node", n->name, nm_node_type_name(n->type));
        return -1;
    }
#undef ADDIN
    for (o = 0; o < n->out_size; o++)
        expr_merge(&out[o]);
    free(cap);
    return 0;
oom:
    free(cap);
    snprintf(err, errlen, "out of memory");
    return -1;
}


int nm_compose_init(nm_compose *C, const nm_graph *g, const size_t *order, char *err, size_t errlen)
{
    return nm_compose_init_delays(C, g, order, 0, err, errlen);
}

static int composes(const nm_compose *C, nm_node_type t)
{
    return nm_compose_is_linear(t) || (t == NM_N_DELAY && C->dt > 0);
}

/* Compose node v after the linear nodes it reads (state: 0 not yet, 1 in progress, 2 done), so
 * the result does not depend on the order's treatment of cycles; a cycle of linear nodes only
 * (no neuron on it) has no meaning and is refused. */
static int compose_node(nm_compose *C, size_t v, unsigned char *state, char *err, size_t errlen)
{
    const nm_graph *g = C->g;
    const nm_node *n = &g->nodes[v];
    nm_expr *in;
    size_t e;
    if (state[v] == 2)
        return 0;
    if (state[v] == 1) {
        snprintf(err, errlen, "node '%s' (%s): on a cycle of linear nodes only (no neuron on it)", n->name,
                 nm_node_type_name(n->type));
        return -1;
    }
    state[v] = 1;
    for (e = 0; e < g->nedges; e++)
        if (g->edges[e].d == v && composes(C, g->nodes[g->edges[e].s].type) &&
            compose_node(C, g->edges[e].s, state, err, errlen))
            return -1;
    in = node_input(C, v, n->in_size, err, errlen);
    if (!in)
        return -1;
    C->out[v] = calloc(n->out_size ? n->out_size : 1, sizeof **C->out);
    if (!C->out[v] || linear_apply(C, v, in, C->out[v], err, errlen)) {
        if (!C->out[v])
            snprintf(err, errlen, "out of memory");
        nm_exprs_free(in, n->in_size);
        return -1;
    }
    nm_exprs_free(in, n->in_size);
    state[v] = 2;
    return 0;
}

int nm_compose_init_delays(nm_compose *C, const nm_graph *g, const size_t *order, double dt, char *err,
                           size_t errlen)
{
    size_t oi;
    unsigned char *state;
    C->g = g;
    C->dt = dt;
    C->out = calloc(g->nnodes ? g->nnodes : 1, sizeof *C->out);
    state = calloc(g->nnodes ? g->nnodes : 1, 1);
    if (!C->out || !state) {
        free(state);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (oi = 0; oi < g->nnodes; oi++)
        if (composes(C, g->nodes[order[oi]].type) && compose_node(C, order[oi], state, err, errlen)) {
            free(state);
            return -1;
        }
    free(state);
    return 0;
}

nm_expr *nm_compose_input(const nm_compose *C, size_t v, char *err, size_t errlen)
{
    return node_input(C, v, C->g->nodes[v].out_size, err, errlen);
}

void nm_compose_free(nm_compose *C)
{
    size_t v;
    if (!C->out)
        return;
    for (v = 0; v < C->g->nnodes; v++)
        nm_exprs_free(C->out[v], C->g->nodes[v].out_size);
    free(C->out);
    C->out = NULL;
}

/* ------------------------------------------------------------ Morton ranks */

typedef struct kv {
    uint64_t key;
    uint32_t idx;
} kv;

static int kv_cmp(const void *a, const void *b)
{
    const kv *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static uint64_t spread(uint32_t v)
{
    uint64_t x = v & 0xFFFFu, r = 0;
    int b;
    for (b = 0; b < 16; b++)
        r |= ((x >> b) & 1u) << (2 * b);
    return r;
}

uint32_t *nm_morton_rank(const nm_node *n)
{
    size_t N = n->out_size, i;
    kv *a = malloc((N ? N : 1) * sizeof *a);
    uint32_t *r = malloc((N ? N : 1) * sizeof *r);
    if (!a || !r) {
        free(a);
        free(r);
        return NULL;
    }
    for (i = 0; i < N; i++) {
        uint64_t key = i;
        if (n->out_ndim == 3) {
            size_t C = n->out_shape[0], H = n->out_shape[1], W = n->out_shape[2];
            size_t c = i / (H * W), y = (i / W) % H, x = i % W;
            (void)C;
            key = (spread((uint32_t)y) << 1 | spread((uint32_t)x)) << 16 | c;
        } else if (n->out_ndim == 2) {
            size_t L = n->out_shape[1];
            key = (uint64_t)(i % L) << 16 | (i / L);
        }
        a[i].key = key;
        a[i].idx = (uint32_t)i;
    }
    qsort(a, N, sizeof *a, kv_cmp);
    for (i = 0; i < N; i++)
        r[a[i].idx] = (uint32_t)i;
    free(a);
    return r;
}
