/* nm_graph.c - the import graph IR: parameter checks per NIR node type, nested-graph
 * flattening, shape inference and topological order (docs/import.md). */
#include "nm_graph.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const type_names[NM_N_COUNT] = {
    "Input", "Output", "Affine", "Linear", "Scale", "LIF", "CubaLIF", "IF", "LI", "CubaLI",
    "Threshold", "Delay", "Flatten", "Conv1d", "Conv2d", "SumPool2d", "AvgPool2d", "NIRGraph"};

/* The parameters each type must carry (NIR 0.x names), NULL-terminated. */
static const char *const *required(nm_node_type t)
{
    static const char *const io[] = {"shape", NULL};
    static const char *const aff[] = {"weight", "bias", NULL};
    static const char *const lin[] = {"weight", NULL};
    static const char *const scale[] = {"scale", NULL};
    static const char *const lif[] = {"tau", "r", "v_leak", "v_threshold", NULL};
    static const char *const cubalif[] = {"tau_mem", "tau_syn", "r", "v_leak", "v_threshold", NULL};
    static const char *const ifn[] = {"r", "v_threshold", NULL};
    static const char *const li[] = {"tau", "r", "v_leak", NULL};
    static const char *const cubali[] = {"tau_mem", "tau_syn", "r", "v_leak", NULL};
    static const char *const thr[] = {"threshold", NULL};
    static const char *const delay[] = {"delay", NULL};
    static const char *const flat[] = {"start_dim", "end_dim", NULL};
    static const char *const conv[] = {"weight", "stride", "padding", "dilation", "groups", "bias", NULL};
    static const char *const pool[] = {"kernel_size", "stride", "padding", NULL};
    static const char *const none[] = {NULL};
    switch (t) {
    case NM_N_INPUT: case NM_N_OUTPUT: return io;
    case NM_N_AFFINE: return aff;
    case NM_N_LINEAR: return lin;
    case NM_N_SCALE: return scale;
    case NM_N_LIF: return lif;
    case NM_N_CUBALIF: return cubalif;
    case NM_N_IF: return ifn;
    case NM_N_LI: return li;
    case NM_N_CUBALI: return cubali;
    case NM_N_THRESHOLD: return thr;
    case NM_N_DELAY: return delay;
    case NM_N_FLATTEN: return flat;
    case NM_N_CONV1D: case NM_N_CONV2D: return conv;
    case NM_N_SUMPOOL2D: case NM_N_AVGPOOL2D: return pool;
    default: return none;
    }
}

const char *nm_node_type_name(nm_node_type t)
{
    return t < NM_N_COUNT ? type_names[t] : "?";
}

nm_node_type nm_node_type_parse(const char *s)
{
    int i;
    for (i = 0; i < NM_N_COUNT; i++)
        if (!strcmp(s, type_names[i]))
            return (nm_node_type)i;
    return NM_N_COUNT;
}

static void node_clear(nm_node *n)
{
    size_t i;
    free(n->name);
    for (i = 0; i < n->narrs; i++) {
        free(n->arrs[i].name);
        free(n->arrs[i].v);
        free(n->arrs[i].str);
    }
    free(n->arrs);
    nm_graph_free(n->sub);
    memset(n, 0, sizeof *n);
}

void nm_graph_free(nm_graph *g)
{
    size_t i;
    if (!g)
        return;
    for (i = 0; i < g->nnodes; i++)
        node_clear(&g->nodes[i]);
    for (i = 0; i < g->nedges; i++) {
        free(g->edges[i].src);
        free(g->edges[i].dst);
    }
    free(g->nodes);
    free(g->edges);
    free(g->path);
    free(g);
}

const nm_arr *nm_node_arr(const nm_node *n, const char *name)
{
    size_t i;
    for (i = 0; i < n->narrs; i++)
        if (!strcmp(n->arrs[i].name, name))
            return &n->arrs[i];
    return NULL;
}

size_t nm_graph_find(const nm_graph *g, const char *name)
{
    size_t i;
    for (i = 0; i < g->nnodes; i++)
        if (!strcmp(g->nodes[i].name, name))
            return i;
    return (size_t)-1;
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

static char *dupcat(const char *a, const char *sep, const char *b)
{
    size_t la = strlen(a), ls = strlen(sep), lb = strlen(b);
    char *s = malloc(la + ls + lb + 1);
    if (!s)
        return NULL;
    memcpy(s, a, la);
    memcpy(s + la, sep, ls);
    memcpy(s + la + ls, b, lb + 1);
    return s;
}

/* Names of the nodes of g, for "no node named X" messages. */
static void list_nodes(const nm_graph *g, char *buf, size_t len)
{
    size_t i, o = 0;
    buf[0] = 0;
    for (i = 0; i < g->nnodes && o + 1 < len; i++) {
        int k = snprintf(buf + o, len - o, "%s%s", i ? ", " : "", g->nodes[i].name);
        if (k < 0)
            break;
        o += (size_t)k;
    }
}

static int check_params(const nm_graph *g, const nm_node *n, char *err, size_t errlen)
{
    const char *const *r = required(n->type);
    const nm_arr *w;
    size_t i;
    for (; *r; r++) {
        const nm_arr *a = nm_node_arr(n, *r);
        if (!a)
            return fail(err, errlen, "%s/nodes/%s: %s node needs the parameter '%s'", g->path, n->name,
                        nm_node_type_name(n->type), *r);
        if (a->str)
            return fail(err, errlen, "%s/nodes/%s/%s: '%s' is text; this reader takes %s as numbers", g->path,
                        n->name, *r, a->str, *r);
    }
    for (i = 0; i < n->narrs; i++)
        if (n->arrs[i].str && (!strcmp(n->arrs[i].name, "input_shape") || !strcmp(n->arrs[i].name, "shape")))
            return fail(err, errlen, "%s/nodes/%s/%s: '%s' is text, expected numbers", g->path, n->name,
                        n->arrs[i].name, n->arrs[i].str);
    w = nm_node_arr(n, "weight");
    if (n->type == NM_N_AFFINE || n->type == NM_N_LINEAR) {
        if (w->ndim != 2)
            return fail(err, errlen, "%s/nodes/%s/weight: %s weight must be 2-D (out x in), it has %d dimensions",
                        g->path, n->name, nm_node_type_name(n->type), w->ndim);
        if (n->type == NM_N_AFFINE && nm_node_arr(n, "bias")->n != w->shape[0])
            return fail(err, errlen, "%s/nodes/%s/bias: %zu values for %zu outputs", g->path, n->name,
                        nm_node_arr(n, "bias")->n, w->shape[0]);
    }
    if (n->type == NM_N_CONV2D || n->type == NM_N_CONV1D) {
        int sd = n->type == NM_N_CONV2D ? 2 : 1;
        const char *const f[] = {"stride", "padding", "dilation"};
        int k;
        if (w->ndim != sd + 2)
            return fail(err, errlen, "%s/nodes/%s/weight: %s weight must be %d-D, it has %d dimensions", g->path,
                        n->name, nm_node_type_name(n->type), sd + 2, w->ndim);
        for (k = 0; k < 3; k++) {
            const nm_arr *a = nm_node_arr(n, f[k]);
            if (a->n != (size_t)sd && a->n != 1)
                return fail(err, errlen, "%s/nodes/%s/%s: %zu values, expected %d", g->path, n->name, f[k], a->n, sd);
        }
        if (nm_node_arr(n, "groups")->v[0] < 1)
            return fail(err, errlen, "%s/nodes/%s/groups: must be at least 1", g->path, n->name);
    }
    if (n->type == NM_N_SUMPOOL2D || n->type == NM_N_AVGPOOL2D) {
        const char *const f[] = {"kernel_size", "stride", "padding"};
        int k;
        for (k = 0; k < 3; k++) {
            const nm_arr *a = nm_node_arr(n, f[k]);
            if (a->n != 2 && a->n != 1)
                return fail(err, errlen, "%s/nodes/%s/%s: %zu values, expected 2", g->path, n->name, f[k], a->n);
        }
    }
    return 0;
}

/* Resolve an edge end in g: a node name, or "sub.io" naming an Input/Output of a nested
 * graph. want_input: the end is a destination (so a nested graph resolves to its Input). */
static int resolve_end(const nm_graph *g, const char *name, int want_input, char **out)
{
    size_t i = nm_graph_find(g, name), k, found = (size_t)-1, cnt = 0;
    if (i != (size_t)-1 && g->nodes[i].type != NM_N_GRAPH) {
        *out = strdup(name);
        return *out ? 0 : -1;
    }
    if (i != (size_t)-1) {
        const nm_graph *s = g->nodes[i].sub;
        for (k = 0; k < s->nnodes; k++)
            if (s->nodes[k].type == (want_input ? NM_N_INPUT : NM_N_OUTPUT)) {
                found = k;
                cnt++;
            }
        if (cnt != 1)
            return -2;
        *out = dupcat(name, ".", s->nodes[found].name);
        return *out ? 0 : -1;
    }
    /* "sub.io" */
    {
        const char *dot = strrchr(name, '.');
        if (dot) {
            size_t len = (size_t)(dot - name);
            for (i = 0; i < g->nnodes; i++)
                if (g->nodes[i].type == NM_N_GRAPH && strlen(g->nodes[i].name) == len &&
                    !strncmp(g->nodes[i].name, name, len) && nm_graph_find(g->nodes[i].sub, dot + 1) != (size_t)-1) {
                    *out = strdup(name);
                    return *out ? 0 : -1;
                }
        }
    }
    return -3;
}

static int check_edges(const nm_graph *g, char *err, size_t errlen)
{
    size_t e;
    char names[512];
    for (e = 0; e < g->nedges; e++) {
        int end;
        for (end = 0; end < 2; end++) {
            const char *nm = end ? g->edges[e].dst : g->edges[e].src;
            char *res = NULL;
            int rc = resolve_end(g, nm, end, &res);
            free(res);
            if (rc == -1)
                return fail(err, errlen, "out of memory");
            if (rc == -2)
                return fail(err, errlen, "%s/edges[%zu]: '%s' -> '%s': nested graph '%s' needs exactly one %s node",
                            g->path, e, g->edges[e].src, g->edges[e].dst, nm, end ? "Input" : "Output");
            if (rc == -3) {
                list_nodes(g, names, sizeof names);
                return fail(err, errlen, "%s/edges[%zu]: '%s' -> '%s': no node named '%s' in this graph (its nodes: %s)",
                            g->path, e, g->edges[e].src, g->edges[e].dst, nm, names);
            }
        }
    }
    return 0;
}

static int check_graph(const nm_graph *g, char *err, size_t errlen)
{
    size_t i;
    for (i = 0; i < g->nnodes; i++) {
        if (g->nodes[i].type == NM_N_GRAPH) {
            if (check_graph(g->nodes[i].sub, err, errlen))
                return -1;
        } else if (check_params(g, &g->nodes[i], err, errlen))
            return -1;
    }
    return check_edges(g, err, errlen);
}

static int push_edge(nm_graph *g, char *src, char *dst)
{
    nm_edge *ne = realloc(g->edges, (g->nedges + 1) * sizeof *ne);
    if (!ne || !src || !dst) {
        free(src);
        free(dst);
        if (ne)
            g->edges = ne;
        return -1;
    }
    g->edges = ne;
    memset(&ne[g->nedges], 0, sizeof *ne);
    ne[g->nedges].src = src;
    ne[g->nedges].dst = dst;
    g->nedges++;
    return 0;
}

/* Replace nested graphs by their (already flat) nodes. */
static int splice(nm_graph *g)
{
    size_t i, k;
    for (i = 0; i < g->nnodes; i++) {
        nm_graph *s;
        nm_node *nn;
        nm_edge *ee;
        char *prefix;
        if (g->nodes[i].type != NM_N_GRAPH)
            continue;
        s = g->nodes[i].sub;
        if (splice(s))
            return -1;
        /* rewrite outer edges that name the graph node or "node.io" */
        for (k = 0; k < g->nedges; k++) {
            int end;
            for (end = 0; end < 2; end++) {
                char **p = end ? &g->edges[k].dst : &g->edges[k].src, *res = NULL;
                if (resolve_end(g, *p, end, &res))
                    return -1;
                free(*p);
                *p = res;
            }
        }
        prefix = g->nodes[i].name;
        nn = realloc(g->nodes, (g->nnodes + s->nnodes) * sizeof *nn);
        if (!nn)
            return -1;
        g->nodes = nn;
        for (k = 0; k < s->nnodes; k++) {
            nm_node *d = &g->nodes[g->nnodes + k];
            *d = s->nodes[k];
            d->name = dupcat(prefix, ".", s->nodes[k].name);
            free(s->nodes[k].name);
            if (!d->name)
                return -1;
            if (d->type == NM_N_INPUT || d->type == NM_N_OUTPUT)
                d->inner_io = 1;
        }
        ee = realloc(g->edges, (g->nedges + s->nedges) * sizeof *ee);
        if (!ee)
            return -1;
        g->edges = ee;
        for (k = 0; k < s->nedges; k++) {
            nm_edge *d = &g->edges[g->nedges + k];
            memset(d, 0, sizeof *d);
            d->src = dupcat(prefix, ".", s->edges[k].src);
            d->dst = dupcat(prefix, ".", s->edges[k].dst);
            if (!d->src || !d->dst)
                return -1;
        }
        g->nnodes += s->nnodes;
        g->nedges += s->nedges;
        /* drop the graph node itself */
        free(s->nodes);
        s->nodes = NULL;
        s->nnodes = 0;
        nm_graph_free(s);
        free(g->nodes[i].name);
        g->nodes[i] = g->nodes[--g->nnodes];
        i = (size_t)-1; /* rescan: the moved node may be a graph */
    }
    return 0;
}

/* Drop the Input/Output nodes of former nested graphs, joining their edges through. */
static int bypass_inner_io(nm_graph *g)
{
    size_t i, a, b;
    for (i = 0; i < g->nnodes; i++) {
        const char *x;
        size_t ne0;
        if (!g->nodes[i].inner_io)
            continue;
        x = g->nodes[i].name;
        ne0 = g->nedges;
        for (a = 0; a < ne0; a++)
            if (!strcmp(g->edges[a].dst, x))
                for (b = 0; b < ne0; b++)
                    if (!strcmp(g->edges[b].src, x))
                        if (push_edge(g, strdup(g->edges[a].src), strdup(g->edges[b].dst)))
                            return -1;
        for (a = 0; a < g->nedges;) {
            if (!strcmp(g->edges[a].src, x) || !strcmp(g->edges[a].dst, x)) {
                free(g->edges[a].src);
                free(g->edges[a].dst);
                g->edges[a] = g->edges[--g->nedges];
            } else
                a++;
        }
        node_clear(&g->nodes[i]);
        g->nodes[i] = g->nodes[--g->nnodes];
        i--;
    }
    return 0;
}

int nm_graph_validate_flatten(nm_graph *g, char *err, size_t errlen)
{
    size_t i, nin = 0, nout = 0;
    if (check_graph(g, err, errlen))
        return -1;
    if (splice(g) || bypass_inner_io(g))
        return fail(err, errlen, "out of memory while flattening nested graphs");
    for (i = 0; i < g->nedges; i++) {
        g->edges[i].s = nm_graph_find(g, g->edges[i].src);
        g->edges[i].d = nm_graph_find(g, g->edges[i].dst);
        if (g->edges[i].s == (size_t)-1 || g->edges[i].d == (size_t)-1)
            return fail(err, errlen, "%s: edge '%s' -> '%s' does not resolve after flattening", g->path,
                        g->edges[i].src, g->edges[i].dst);
    }
    for (i = 0; i < g->nnodes; i++) {
        nin += g->nodes[i].type == NM_N_INPUT;
        nout += g->nodes[i].type == NM_N_OUTPUT;
    }
    if (!nin || !nout)
        return fail(err, errlen, "%s: the graph needs at least one Input and one Output node (it has %zu and %zu)",
                    g->path, nin, nout);
    return 0;
}

size_t *nm_graph_topo_order(const nm_graph *g, int *cyclic)
{
    size_t n = g->nnodes, i, e, k = 0;
    size_t *indeg = calloc(n ? n : 1, sizeof *indeg), *order = malloc((n ? n : 1) * sizeof *order);
    unsigned char *done = calloc(n ? n : 1, 1);
    *cyclic = 0;
    if (!indeg || !order || !done) {
        free(indeg);
        free(order);
        free(done);
        return NULL;
    }
    for (e = 0; e < g->nedges; e++)
        indeg[g->edges[e].d]++;
    while (k < n) {
        size_t pick = (size_t)-1;
        for (i = 0; i < n; i++)
            if (!done[i] && indeg[i] == 0) {
                pick = i;
                break;
            }
        if (pick == (size_t)-1) { /* a cycle: enter it where the earliest placed node leads */
            size_t a;
            *cyclic = 1;
            for (a = 0; a < k && pick == (size_t)-1; a++)
                for (e = 0; e < g->nedges; e++)
                    if (g->edges[e].s == order[a] && !done[g->edges[e].d]) {
                        pick = g->edges[e].d;
                        break;
                    }
            for (i = 0; i < n && pick == (size_t)-1; i++)
                if (!done[i])
                    pick = i;
        }
        done[pick] = 1;
        order[k++] = pick;
        for (e = 0; e < g->nedges; e++)
            if (g->edges[e].s == pick && indeg[g->edges[e].d])
                indeg[g->edges[e].d]--;
    }
    free(indeg);
    free(done);
    return order;
}

static size_t arr_prod(const size_t *s, int nd)
{
    size_t p = 1;
    int i;
    for (i = 0; i < nd; i++)
        p *= s[i];
    return p;
}

static size_t pick2(const nm_arr *a, int k)
{
    return (size_t)(a->n == 1 ? a->v[0] : a->v[k]);
}

/* The size of a node's own state, from its parameters (neuron nodes). */
static size_t param_size(const nm_node *n)
{
    const char *f = n->type == NM_N_IF ? "v_threshold" : n->type == NM_N_THRESHOLD ? "threshold"
                   : n->type == NM_N_SCALE ? "scale" : n->type == NM_N_DELAY ? "delay"
                   : (n->type == NM_N_CUBALIF || n->type == NM_N_CUBALI) ? "tau_mem" : "tau";
    const nm_arr *a = nm_node_arr(n, f);
    return a ? a->n : 0;
}

int nm_graph_infer_shapes(nm_graph *g, char *err, size_t errlen)
{
    int cyclic;
    size_t *order = nm_graph_topo_order(g, &cyclic), oi, e;
    if (!order)
        return fail(err, errlen, "out of memory");
    for (oi = 0; oi < g->nnodes; oi++) {
        nm_node *n = &g->nodes[order[oi]];
        const nm_node *pred = NULL;
        for (e = 0; e < g->nedges; e++)
            if (g->edges[e].d == order[oi] && g->nodes[g->edges[e].s].out_size) {
                pred = &g->nodes[g->edges[e].s];
                break;
            }
        n->in_size = pred ? pred->out_size : 0;
        switch (n->type) {
        case NM_N_INPUT: case NM_N_OUTPUT: {
            const nm_arr *s = nm_node_arr(n, "shape");
            int k;
            n->out_ndim = (int)s->n;
            for (k = 0; k < n->out_ndim && k < NM_MAXDIM; k++)
                n->out_shape[k] = (size_t)s->v[k];
            n->out_size = arr_prod(n->out_shape, n->out_ndim);
            if (n->type == NM_N_INPUT)
                n->in_size = n->out_size;
            break;
        }
        case NM_N_AFFINE: case NM_N_LINEAR: {
            const nm_arr *w = nm_node_arr(n, "weight");
            n->out_ndim = 1;
            n->out_shape[0] = n->out_size = w->shape[0];
            if (pred && pred->out_size != w->shape[1]) {
                free(order);
                return fail(err, errlen, "node '%s' (%s): weight has %zu inputs but '%s' gives %zu values", n->name,
                            nm_node_type_name(n->type), w->shape[1], pred->name, pred->out_size);
            }
            n->in_size = w->shape[1];
            break;
        }
        case NM_N_CONV1D: case NM_N_CONV2D: {
            const nm_arr *w = nm_node_arr(n, "weight"), *is = nm_node_arr(n, "input_shape");
            int sd = n->type == NM_N_CONV2D ? 2 : 1, k;
            size_t cin = w->shape[1] * (size_t)nm_node_arr(n, "groups")->v[0], in[2] = {1, 1};
            if (is && is->n == (size_t)sd)
                for (k = 0; k < sd; k++)
                    in[k] = (size_t)is->v[k];
            else if (pred && pred->out_ndim == sd + 1)
                for (k = 0; k < sd; k++)
                    in[k] = pred->out_shape[k + 1];
            else {
                free(order);
                return fail(err, errlen, "node '%s' (%s): cannot tell its input shape (no input_shape, and no "
                            "predecessor with a (C, ...) shape)", n->name, nm_node_type_name(n->type));
            }
            n->out_ndim = sd + 1;
            n->out_shape[0] = w->shape[0];
            for (k = 0; k < sd; k++) {
                long s = (long)pick2(nm_node_arr(n, "stride"), k), p = (long)pick2(nm_node_arr(n, "padding"), k);
                long d = (long)pick2(nm_node_arr(n, "dilation"), k), ks = (long)w->shape[2 + k];
                long o = ((long)in[k] + 2 * p - d * (ks - 1) - 1) / (s ? s : 1) + 1;
                if (o < 1 || s < 1) {
                    free(order);
                    return fail(err, errlen, "node '%s' (%s): output dimension %d would be %ld", n->name,
                                nm_node_type_name(n->type), k, o);
                }
                n->out_shape[1 + k] = (size_t)o;
            }
            n->out_size = arr_prod(n->out_shape, n->out_ndim);
            n->in_size = cin * in[0] * in[1];
            if (pred && pred->out_size != n->in_size) {
                free(order);
                return fail(err, errlen, "node '%s' (%s): expects %zu input values, '%s' gives %zu", n->name,
                            nm_node_type_name(n->type), n->in_size, pred->name, pred->out_size);
            }
            break;
        }
        case NM_N_SUMPOOL2D: case NM_N_AVGPOOL2D: {
            int k;
            if (!pred || pred->out_ndim != 3) {
                free(order);
                return fail(err, errlen, "node '%s' (%s): its input must have a (C, H, W) shape", n->name,
                            nm_node_type_name(n->type));
            }
            n->out_ndim = 3;
            n->out_shape[0] = pred->out_shape[0];
            for (k = 0; k < 2; k++) {
                long ks = (long)pick2(nm_node_arr(n, "kernel_size"), k), s = (long)pick2(nm_node_arr(n, "stride"), k);
                long p = (long)pick2(nm_node_arr(n, "padding"), k);
                long o = ((long)pred->out_shape[1 + k] + 2 * p - ks) / (s ? s : 1) + 1;
                if (o < 1 || s < 1 || ks < 1) {
                    free(order);
                    return fail(err, errlen, "node '%s' (%s): output dimension %d would be %ld", n->name,
                                nm_node_type_name(n->type), k, o);
                }
                n->out_shape[1 + k] = (size_t)o;
            }
            n->out_size = arr_prod(n->out_shape, 3);
            break;
        }
        case NM_N_FLATTEN:
            n->out_ndim = 1;
            n->out_size = n->out_shape[0] = n->in_size;
            break;
        default: { /* neuron-like and elementwise nodes keep their input's shape */
            size_t ps = param_size(n);
            if (pred) {
                int k;
                n->out_ndim = pred->out_ndim;
                for (k = 0; k < pred->out_ndim; k++)
                    n->out_shape[k] = pred->out_shape[k];
                n->out_size = pred->out_size;
            } else {
                n->out_ndim = 1;
                n->out_size = n->out_shape[0] = ps;
            }
            n->in_size = n->out_size;
            if (ps != n->out_size && ps != 1) {
                free(order);
                return fail(err, errlen, "node '%s' (%s): has %zu parameter values but %zu inputs", n->name,
                            nm_node_type_name(n->type), ps, n->out_size);
            }
        }
        }
    }
    free(order);
    return 0;
}
