/* nm_lower_loihi.c - NIR graph onto Loihi-mode cores: the linear nodes (convolutions and pooling
 * too) composed into sparse connections by nm_compose.c, neuron discretization, weight quantization
 * into synapse formats, packing into cores in Morton order, axon-map fan-out, and the Loihi network
 * description (docs/import.md section 9). */
#include "nm_lower_loihi.h"

#include "nm_compose.h"
#include "nm_place.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Loihi 1 core limits (docs/loihi-core.md section 2, the "default" geometry). */
#define LL_NCOMP 1024u
#define LL_NAXIN 4096u
#define LL_NAXOUT 4096u
#define LL_NSYN 32768u
#define LL_NDPROF 32u
#define LL_NTPROF 8u
#define LL_MAXOUT 255u     /* axon-map entries per compartment (CX.AXMAP.LEN) */
#define LL_MAXDELAY 62

/* ------------------------------------------------------------------ strings */

typedef struct sb {
    char *s;
    size_t n, cap;
    int oom;
} sb;

static void sbf(sb *b, const char *fmt, ...)
{
    va_list ap;
    int k;
    if (b->oom)
        return;
    for (;;) {
        size_t room = b->cap - b->n;
        va_start(ap, fmt);
        k = vsnprintf(b->s ? b->s + b->n : NULL, b->s ? room : 0, fmt, ap);
        va_end(ap);
        if (k < 0) {
            b->oom = 1;
            return;
        }
        if (b->s && (size_t)k < room) {
            b->n += (size_t)k;
            return;
        }
        {
            size_t nc = b->cap ? b->cap * 2 : 4096;
            char *ns;
            while (nc < b->n + (size_t)k + 1)
                nc *= 2;
            ns = realloc(b->s, nc);
            if (!ns) {
                b->oom = 1;
                return;
            }
            b->s = ns;
            b->cap = nc;
        }
    }
}

/* ------------------------------------------------------------------ composition (nm_compose.c) */

typedef struct lower {
    const nm_graph *g;
    const nm_ll_opts *o;
    char *err;
    size_t errlen;
} lower;

static int lfail(lower *L, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(L->err, L->errlen, fmt, ap);
    va_end(ap);
    return -1;
}

static int is_neuron(nm_node_type t)
{
    return t == NM_N_LIF || t == NM_N_CUBALIF || t == NM_N_LI || t == NM_N_CUBALI || t == NM_N_IF;
}

static int is_pop(nm_node_type t)
{
    return t == NM_N_INPUT || is_neuron(t);
}

static double par(const nm_node *n, const char *name, size_t i)
{
    const nm_arr *a = nm_node_arr(n, name);
    if (!a || !a->n)
        return 0;
    return a->v[a->n == 1 ? 0 : i];
}

/* The input of neuron node v as nm_compose gives it: per element its terms over population
 * elements (pop, idx, delay, w); the bias terms are summed into *b and removed, zero weights
 * dropped. */
static int layer_input(lower *L, const nm_compose *C, size_t v, nm_expr **in, double **b)
{
    size_t rows = L->g->nodes[v].out_size, j;
    uint32_t t, m;
    *in = nm_compose_input(C, v, L->err, L->errlen);
    if (!*in)
        return -1;
    *b = calloc(rows ? rows : 1, sizeof **b);
    if (!*b)
        return lfail(L, "out of memory");
    for (j = 0; j < rows; j++) {
        nm_expr *e = &(*in)[j];
        for (t = m = 0; t < e->n; t++) {
            if (e->t[t].pop == NM_CONST_POP)
                (*b)[j] += e->t[t].w;
            else if (e->t[t].w != 0)
                e->t[m++] = e->t[t];
        }
        e->n = m;
    }
    return 0;
}

/* ------------------------------------------------------------------ layers */

typedef struct cxp {
    int du, dv;          /* decay profile */
    int vth;             /* threshold mantissa */
    int bias_mant, bias_exp;
    double gin;          /* v units (float) per unit of the node's input */
} cxp;

typedef struct layer {
    size_t node;
    nm_expr *in;         /* per element: terms (pop, idx, delay, w) over population elements */
    double *b;           /* per element: the bias (an input to u in the graph) */
    cxp *cx;
    double S;            /* chip units of v per 1.0 */
    int ep;              /* 6 + WGT_EXP */
    size_t core0, ncores;
    uint32_t *ord;       /* packing order: ord[p] = the element at position p (Morton order) */
    uint32_t *core_of, *comp_of; /* per element */
    /* report */
    double werr, wmax, therr, usum;
    size_t wclip, wzero, bclip, synapses, fanin;
    int ulimited;        /* S lowered so that u and the accumulators cannot wrap (1) or for --v-floor (2) */
} layer;

typedef struct llcore {
    size_t layer;
    size_t first, count;       /* positions [first, first + count) of the layer's packing order */
    size_t naxon;
    size_t nsyn;
    int x, y;
} llcore;

typedef struct srcid {
    size_t pop;
    size_t idx;
} srcid;

int nm_ll_prefers_loihi(const nm_graph *g)
{
    size_t i;
    for (i = 0; i < g->nnodes; i++) {
        nm_node_type t = g->nodes[i].type;
        if (t == NM_N_LIF || t == NM_N_CUBALIF || t == NM_N_LI || t == NM_N_CUBALI)
            return 1;
    }
    return 0;
}

static int clampi(long v, long lo, long hi)
{
    return (int)(v < lo ? lo : v > hi ? hi : v);
}

/* Discretize element j of neuron node n (docs/import.md section 9). */
static int neuron_params(lower *L, const nm_node *n, size_t j, cxp *c, double *vth_f, double *bias_per_input,
                         double *vleak_v)
{
    double dt = L->o->dt, tm, ts, r = par(n, "r", j);
    int has_th = n->type == NM_N_LIF || n->type == NM_N_CUBALIF || n->type == NM_N_IF;
    memset(c, 0, sizeof *c);
    *vth_f = has_th ? par(n, "v_threshold", j) : -1;
    *vleak_v = 0;
    if (n->type == NM_N_IF) {
        c->du = 4095;
        c->dv = 0;
        c->gin = r;
    } else if (n->type == NM_N_LIF || n->type == NM_N_LI) {
        tm = par(n, "tau", j);
        if (!(tm > 0))
            return lfail(L, "node '%s' (%s): tau[%zu] = %g must be > 0", n->name, nm_node_type_name(n->type), j, tm);
        c->du = 4095;
        c->dv = clampi((long)(dt / tm * 4096), 0, 4095);
        c->gin = dt / tm * r;
        *vleak_v = dt / tm * par(n, "v_leak", j);
    } else {
        tm = par(n, "tau_mem", j);
        ts = par(n, "tau_syn", j);
        if (!(tm > 0) || !(ts > 0))
            return lfail(L, "node '%s' (%s): tau_mem[%zu] = %g and tau_syn = %g must be > 0", n->name,
                         nm_node_type_name(n->type), j, tm, ts);
        c->du = clampi((long)(dt / ts * 4096), 0, 4095);
        c->dv = clampi((long)(dt / tm * 4096), 0, 4095);
        c->gin = dt / tm * r * (dt / ts) * (nm_node_arr(n, "w_in") ? par(n, "w_in", j) : 1);
        *vleak_v = dt / tm * par(n, "v_leak", j);
    }
    /* a constant input b per step into u settles at b * 4096 / (DU + 1) in u: put that in v's bias */
    *bias_per_input = c->gin * 4096.0 / (c->du + 1);
    if (has_th && !(*vth_f > 0))
        return lfail(L, "node '%s' (%s): v_threshold[%zu] = %g: Loihi's threshold is above 0", n->name,
                     nm_node_type_name(n->type), j, *vth_f);
    return 0;
}

static double wq(double q, int sign, int wbits, int *clipped)
{
    /* q: the weight in units before 2^(6 + WGT_EXP); returns the representable value */
    int k = sign == 1 ? 9 - wbits : 8 - wbits;
    double step = ldexp(1, k), lo, hi, v;
    if (sign == 1) {
        lo = -256;
        hi = 256 - step;
    } else if (sign == 2) {
        lo = 0;
        hi = 256 - step;
    } else {
        lo = -(256 - step);
        hi = 0;
    }
    v = floor(q / step + 0.5) * step;
    *clipped = 0;
    if (v < lo) {
        v = lo;
        *clipped = 1;
    }
    if (v > hi) {
        v = hi;
        *clipped = 1;
    }
    return v;
}

nm_ll_net *nm_lower_loihi(const nm_graph *g, const nm_ll_opts *o, char *err, size_t errlen)
{
    lower Ls = {g, o, err, errlen}, *L = &Ls;
    nm_compose C;
    layer *ly = NULL;
    llcore *cores = NULL;
    size_t nly = 0, ncores = 0, i, j, k, t, c, p;
    size_t *pop_base = NULL, nelem = 0, *lay_of = NULL;
    nm_ll_net *net = NULL;
    sb js = {0}, rep = {0}, im = {0}, nm = {0};
    unsigned mx, my;
    int32_t *mark = NULL;
    size_t *order = NULL;
    int cyclic = 0;
    size_t tot_syn = 0, tot_ent = 0, tot_comp = 0;
    double hop_sum = 0, pkt_sum = 0;
    size_t nsrc_spk = 0;

    memset(&C, 0, sizeof C);
    if (!(o->dt > 0)) {
        snprintf(err, errlen, "--dt must be > 0");
        return NULL;
    }
    order = nm_graph_topo_order(g, &cyclic);
    pop_base = calloc(g->nnodes + 1, sizeof *pop_base);
    lay_of = calloc(g->nnodes + 1, sizeof *lay_of);
    if (!order || !pop_base || !lay_of) {
        lfail(L, "out of memory");
        goto fail;
    }
    /* every node must be one this lowering takes */
    for (i = 0; i < g->nnodes; i++) {
        const nm_node *n = &g->nodes[order[i]];
        if (n->type == NM_N_THRESHOLD) {
            lfail(L, "node '%s' (Threshold): a memoryless threshold has no Loihi compartment form", n->name);
            goto fail;
        }
        if (!is_pop(n->type) && !nm_compose_is_linear(n->type) && n->type != NM_N_DELAY && n->type != NM_N_OUTPUT) {
            lfail(L, "node '%s' (%s): not lowered onto Loihi-mode cores", n->name, nm_node_type_name(n->type));
            goto fail;
        }
    }
    /* element ids of every population, layers in graph order */
    for (i = 0; i < g->nnodes; i++) {
        pop_base[i] = nelem;
        if (is_pop(g->nodes[i].type))
            nelem += g->nodes[i].out_size;
        lay_of[i] = (size_t)-1;
    }
    for (i = 0; i < g->nnodes; i++)
        if (is_neuron(g->nodes[order[i]].type))
            nly++;
    ly = calloc(nly ? nly : 1, sizeof *ly);
    mark = malloc((nelem ? nelem : 1) * sizeof *mark);
    if (!ly || !mark) {
        lfail(L, "out of memory");
        goto fail;
    }
    for (i = 0; i < nelem; i++)
        mark[i] = -1;
    nly = 0;
    for (i = 0; i < g->nnodes; i++)
        if (is_neuron(g->nodes[order[i]].type)) {
            lay_of[order[i]] = nly;
            ly[nly++].node = order[i];
        }
    if (!nly) {
        lfail(L, "the graph has no neuron node (LIF, CubaLIF, LI, CubaLI, IF) to put on Loihi-mode cores");
        goto fail;
    }
    /* the linear nodes (Affine, Linear, Scale, Flatten, Conv1d, Conv2d, SumPool2d, AvgPool2d) and
     * Delay composed into sparse expressions: nm_compose.c, shared with the TrueNorth path */
    if (nm_compose_init_delays(&C, g, order, o->dt, err, errlen))
        goto fail;

    sbf(&rep, "discretization: --target loihi, --dt %g s, reset to 0 after a spike (Loihi's only reset), "
              "refractory 1 step, --weight-bits %d, ",
        o->dt, o->wbits);
    if (o->vscale > 0)
        sbf(&rep, "--v-scale %g, ", o->vscale);
    else
        sbf(&rep, "--v-scale auto (threshold = 2^17 units, less if a bias needs it or u could wrap), ");
    if (o->wexp_set)
        sbf(&rep, "--wgt-exp %d", o->wexp);
    else
        sbf(&rep, "--wgt-exp auto (largest weight in the top code)");
    if (o->vfloor > 0)
        sbf(&rep, ", --v-floor %g (an automatic scale keeps -%g x the threshold above v's saturation)", o->vfloor,
            o->vfloor);
    sbf(&rep, "\n");
    sbf(&rep, "equations per step: u = u * (1 - dt/tau_syn) + sum w x; v = v * (1 - dt/tau_mem) + u + bias; "
              "spike when v > threshold, then v = 0\n");
    sbf(&rep, "quantization per layer:\n");

    /* ---- per layer: composition, discretization, scale, exponent */
    for (k = 0; k < nly; k++) {
        layer *y = &ly[k];
        const nm_node *n = &g->nodes[y->node];
        size_t rows = n->out_size;
        double maxth = 0, maxw = 0, maxsu = 0;
        double *vthf = NULL, *bpi = NULL, *vlk = NULL;
        if (layer_input(L, &C, y->node, &y->in, &y->b))
            goto fail;
        y->cx = calloc(rows ? rows : 1, sizeof *y->cx);
        y->core_of = calloc(rows ? rows : 1, sizeof *y->core_of);
        y->comp_of = calloc(rows ? rows : 1, sizeof *y->comp_of);
        vthf = calloc(rows ? rows : 1, sizeof *vthf);
        bpi = calloc(rows ? rows : 1, sizeof *bpi);
        vlk = calloc(rows ? rows : 1, sizeof *vlk);
        if (!y->cx || !y->core_of || !y->comp_of || !vthf || !bpi || !vlk) {
            free(vthf), free(bpi), free(vlk);
            lfail(L, "out of memory");
            goto fail;
        }
        for (j = 0; j < rows; j++) {
            double su = 0;
            if (neuron_params(L, n, j, &y->cx[j], &vthf[j], &bpi[j], &vlk[j])) {
                free(vthf), free(bpi), free(vlk);
                goto fail;
            }
            if (vthf[j] > maxth)
                maxth = vthf[j];
            for (t = 0; t < y->in[j].n; t++) {
                const nm_term *tm = &y->in[j].t[t];
                double w = fabs(tm->w * y->cx[j].gin);
                if (tm->delay > LL_MAXDELAY) {
                    free(vthf), free(bpi), free(vlk);
                    lfail(L, "node '%s' (%s): a synaptic delay of %d steps; Loihi takes 0..%d", n->name,
                          nm_node_type_name(n->type), (int)tm->delay, LL_MAXDELAY);
                    goto fail;
                }
                if (w > maxw)
                    maxw = w;
                su += w;
            }
            if (su > maxsu)
                maxsu = su;
            if (y->in[j].n > y->fanin)
                y->fanin = y->in[j].n;
        }
        y->wmax = maxw;
        y->usum = maxsu;
        if (o->vscale > 0)
            y->S = o->vscale;
        else if (maxth > 0) {
            /* the threshold at 2^17 units, unless a bias would not fit (|bias| <= 4095 << 7): then
             * smaller, down to a threshold of 2^12 units (vth_mant 64) */
            double maxb = 0;
            for (j = 0; j < rows; j++) {
                double b = fabs(y->b[j] * bpi[j] + vlk[j]);
                if (b > maxb)
                    maxb = b;
            }
            y->S = 131072.0 / maxth;
            if (maxb > 0 && maxb * y->S > 524160.0)
                y->S = fmax(524160.0 / maxb, 4096.0 / maxth);
            /* u and the dendritic accumulators are 24-bit and wrap: the largest input one step can
             * bring (every input spiking, all weights of one sign at their largest) must stay
             * below 2^23 (the largest weight rounds up by at most 1/254) */
            if (maxsu > 0 && maxsu * (1 + 1.0 / 254) * y->S > 8388607.0) {
                y->S = 8388607.0 / (maxsu * (1 + 1.0 / 254));
                y->ulimited = 1;
            }
            /* --v-floor F: v saturates at -(2^23 - 1) units; -F thresholds must stay above it */
            if (o->vfloor > 0 && o->vfloor * maxth * y->S > 8388607.0) {
                y->S = 8388607.0 / (o->vfloor * maxth);
                y->ulimited = 2;
            }
        }
        else
            y->S = maxw > 0 ? 254.0 * 64 / maxw : 1;
        if (o->wexp_set)
            y->ep = 6 + o->wexp;
        else {
            y->ep = 0;
            while (y->ep < 13 && maxw * y->S / ldexp(1, y->ep) > 254)
                y->ep++;
        }
        for (j = 0; j < rows; j++) {
            cxp *cx = &y->cx[j];
            double bv = (y->b[j] * bpi[j] + vlk[j]) * y->S, th;
            long bi = (long)floor(bv + 0.5);
            int e = 0;
            if (vthf[j] > 0) {
                double vm = floor(vthf[j] * y->S / 64);
                cx->vth = clampi((long)vm, 0, 131071);
                th = fabs(cx->vth * 64.0 / y->S - vthf[j]) / vthf[j];
                if (th > y->therr)
                    y->therr = th;
            } else
                cx->vth = 131071; /* LI, CubaLI: no spike below v's clamp range in practice */
            while (e < 7 && labs(bi) > 4095L * (1L << e))
                e++;
            {
                long m = (long)floor(bi / ldexp(1, e) + 0.5);
                if (m > 4095 || m < -4096) {
                    y->bclip++;
                    m = m > 4095 ? 4095 : -4096;
                }
                cx->bias_mant = (int)m;
                cx->bias_exp = e;
            }
        }
        free(vthf), free(bpi), free(vlk);
    }

    /* ---- packing: a core holds elements of one layer, taken in Morton order of their positions
     * (channels innermost: a core holds every channel of a compact patch, so a source element
     * reaches few cores), within every limit */
    for (k = 0; k < nly; k++) {
        layer *y = &ly[k];
        const nm_node *n = &g->nodes[y->node];
        size_t rows = n->out_size;
        int32_t cur = -1;
        int dprof[LL_NDPROF][2], ndp = 0, tprof[LL_NTPROF], ntp = 0;
        uint32_t *rank = nm_morton_rank(n);
        y->ord = malloc((rows ? rows : 1) * sizeof *y->ord);
        if (!rank || !y->ord) {
            free(rank);
            lfail(L, "out of memory");
            goto fail;
        }
        for (j = 0; j < rows; j++)
            y->ord[rank[j]] = (uint32_t)j;
        free(rank);
        y->core0 = ncores;
        for (p = 0; p < rows; p++) {
            const nm_expr *e;
            size_t newax = 0, nsrc = 0, nsyn;
            int d, found_d = 0, found_t = 0;
            j = y->ord[p];
            e = &y->in[j];
            nsyn = e->n;
            for (t = 0; t < e->n; t++) {
                if (t && e->t[t].pop == e->t[t - 1].pop && e->t[t].idx == e->t[t - 1].idx)
                    continue; /* the same source at another delay: the same axon */
                nsrc++;
                if (cur < 0 || mark[pop_base[e->t[t].pop] + e->t[t].idx] != cur)
                    newax++;
            }
            if (nsrc > LL_NAXIN) {
                lfail(L, "node '%s' (%s): element %zu reads %zu source elements; a Loihi core has %u input axons "
                         "(one per source element), so its inputs cannot meet in one core",
                      n->name, nm_node_type_name(n->type), j, nsrc, LL_NAXIN);
                goto fail;
            }
            if (nsyn > LL_NSYN) {
                lfail(L, "node '%s' (%s): element %zu has %zu synapses; a Loihi core holds %u synapse words", n->name,
                      nm_node_type_name(n->type), j, nsyn, LL_NSYN);
                goto fail;
            }
            if (cur >= 0) {
                for (d = 0; d < ndp; d++)
                    if (dprof[d][0] == y->cx[j].du && dprof[d][1] == y->cx[j].dv)
                        found_d = 1;
                for (d = 0; d < ntp; d++)
                    if (tprof[d] == y->cx[j].vth)
                        found_t = 1;
            }
            if (cur < 0 || cores[cur].count >= LL_NCOMP || cores[cur].naxon + newax > LL_NAXIN ||
                cores[cur].nsyn + nsyn > LL_NSYN || (!found_d && ndp >= (int)LL_NDPROF) ||
                (!found_t && ntp >= (int)LL_NTPROF)) {
                llcore *nc = realloc(cores, (ncores + 1) * sizeof *nc);
                if (!nc) {
                    lfail(L, "out of memory");
                    goto fail;
                }
                cores = nc;
                memset(&cores[ncores], 0, sizeof cores[ncores]);
                cores[ncores].layer = k;
                cores[ncores].first = p;
                cur = (int32_t)ncores++;
                ndp = ntp = 0;
                found_d = found_t = 0;
                newax = nsrc;
            }
            for (t = 0; t < e->n; t++)
                mark[pop_base[e->t[t].pop] + e->t[t].idx] = cur;
            if (!found_d) {
                dprof[ndp][0] = y->cx[j].du;
                dprof[ndp++][1] = y->cx[j].dv;
            }
            if (!found_t)
                tprof[ntp++] = y->cx[j].vth;
            cores[cur].naxon += newax;
            cores[cur].nsyn += nsyn;
            y->core_of[j] = (uint32_t)cur;
            y->comp_of[j] = (uint32_t)cores[cur].count++;
        }
        y->ncores = ncores - y->core0;
    }
    mx = 1;
    while ((size_t)mx * mx < ncores)
        mx++;
    my = (unsigned)((ncores + mx - 1) / mx);
    if (mx > 64 || my > 64) {
        lfail(L, "%zu Loihi cores need a %ux%u mesh; the largest is 64x64", ncores, mx, my);
        goto fail;
    }
    /* cores sorted by where their elements sit in their layer's image (the mean position, 0..1; 1-D
     * layers at the centre) along a Hilbert curve and laid on the mesh along the same curve
     * (nm_place.c, as on the TrueNorth path): the cores that see one patch of the image sit together */
    {
        size_t nc = ncores ? ncores : 1;
        double *kx = calloc(nc, sizeof *kx), *ky = calloc(nc, sizeof *ky);
        int *px = malloc(nc * sizeof *px), *py = malloc(nc * sizeof *py), bad = !kx || !ky || !px || !py;
        for (c = 0; !bad && c < ncores; c++) {
            layer *y = &ly[cores[c].layer];
            const nm_node *nd = &g->nodes[y->node];
            for (p = cores[c].first; p < cores[c].first + cores[c].count; p++) {
                size_t e = y->ord[p];
                double qx = 0.5, qy = 0.5;
                if (nd->out_ndim == 3) {
                    size_t H = nd->out_shape[1], W = nd->out_shape[2];
                    qy = ((double)((e / W) % H) + 0.5) / (double)H;
                    qx = ((double)(e % W) + 0.5) / (double)W;
                } else if (nd->out_ndim == 2)
                    qx = ((double)(e % nd->out_shape[1]) + 0.5) / (double)nd->out_shape[1];
                kx[c] += qx / (double)cores[c].count;
                ky[c] += qy / (double)cores[c].count;
            }
        }
        bad = bad || nm_place_hilbert(ncores, kx, ky, mx, my, px, py);
        for (c = 0; !bad && c < ncores; c++) {
            cores[c].x = px[c];
            cores[c].y = py[c];
        }
        free(kx), free(ky), free(px), free(py);
        if (bad) {
            lfail(L, "out of memory");
            goto fail;
        }
    }

    /* ---- emit: per core, its axons (distinct source elements), formats, synapses */
    {
        /* per source element: the target cores it reaches and the axon in each */
        size_t *nt_of = calloc(nelem ? nelem : 1, sizeof *nt_of);
        size_t *tcore = NULL, *taxon = NULL, *tstart = calloc(nelem + 1, sizeof *tstart), ntgt = 0;
        int32_t *axon_of = malloc((nelem ? nelem : 1) * sizeof *axon_of);
        if (!nt_of || !tstart || !axon_of) {
            free(nt_of), free(tstart), free(axon_of);
            lfail(L, "out of memory");
            goto fail;
        }
        /* count targets per source */
        for (i = 0; i < nelem; i++) {
            mark[i] = -1;
            axon_of[i] = -1;
        }
        for (c = 0; c < ncores; c++) {
            layer *y = &ly[cores[c].layer];
            for (p = cores[c].first; p < cores[c].first + cores[c].count; p++) {
                const nm_expr *e = &y->in[y->ord[p]];
                for (t = 0; t < e->n; t++) {
                    size_t x = pop_base[e->t[t].pop] + e->t[t].idx;
                    if (mark[x] != (int32_t)c) {
                        mark[x] = (int32_t)c;
                        nt_of[x]++;
                        ntgt++;
                    }
                }
            }
        }
        for (i = 0; i < nelem; i++)
            tstart[i + 1] = tstart[i] + nt_of[i];
        tcore = malloc((ntgt ? ntgt : 1) * sizeof *tcore);
        taxon = malloc((ntgt ? ntgt : 1) * sizeof *taxon);
        if (!tcore || !taxon) {
            free(nt_of), free(tstart), free(axon_of), free(tcore), free(taxon);
            lfail(L, "out of memory");
            goto fail;
        }
        memset(nt_of, 0, nelem * sizeof *nt_of);

        sbf(&js, "{\n  \"core_type\": \"loihi\",\n  \"comment\": \"@@COMMENT@@\",\n  \"mesh\": [%u, %u],\n"
                 "  \"geometry\": \"default\",\n  \"cores\": [",
            mx, my);
        for (c = 0; c < ncores; c++) {
            layer *y = &ly[cores[c].layer];
            const nm_node *n = &g->nodes[y->node];
            int dp[LL_NDPROF][2], ndp = 0, tp[LL_NTPROF], ntp = 0, fmt_sign[3] = {0, 0, 0};
            size_t na = 0, s, pend = cores[c].first + cores[c].count, ns = cores[c].nsyn;
            srcid *ax = malloc(((cores[c].naxon ? cores[c].naxon : 1) + 1) * sizeof *ax);
            size_t *sstart = calloc(cores[c].naxon + 2, sizeof *sstart), *sfill = NULL;
            uint32_t *scomp = malloc((ns ? ns : 1) * sizeof *scomp);
            int32_t *sdel = malloc((ns ? ns : 1) * sizeof *sdel);
            double *sw = malloc((ns ? ns : 1) * sizeof *sw);
            int *axsign = NULL;
            if (!ax || !sstart || !scomp || !sdel || !sw) {
                free(ax), free(sstart), free(scomp), free(sdel), free(sw);
                lfail(L, "out of memory");
                goto emit_fail;
            }
            /* the core's axons in order of first use; synapses bucketed per axon, compartments in order */
            for (p = cores[c].first; p < pend; p++) {
                const nm_expr *e = &y->in[y->ord[p]];
                for (t = 0; t < e->n; t++) {
                    size_t x = pop_base[e->t[t].pop] + e->t[t].idx;
                    if (axon_of[x] < 0) {
                        axon_of[x] = (int32_t)na;
                        ax[na].pop = e->t[t].pop;
                        ax[na].idx = e->t[t].idx;
                        na++;
                    }
                    sstart[axon_of[x] + 1]++;
                }
            }
            for (s = 0; s < na; s++)
                sstart[s + 1] += sstart[s];
            sfill = malloc((na ? na : 1) * sizeof *sfill);
            axsign = calloc(na ? na : 1, sizeof *axsign);
            if (!sfill || !axsign) {
                free(ax), free(sstart), free(scomp), free(sdel), free(sw), free(sfill), free(axsign);
                lfail(L, "out of memory");
                goto emit_fail;
            }
            memcpy(sfill, sstart, (na ? na : 1) * sizeof *sfill);
            for (p = cores[c].first; p < pend; p++) {
                size_t jj = y->ord[p];
                const nm_expr *e = &y->in[jj];
                for (t = 0; t < e->n; t++) {
                    size_t q = sfill[axon_of[pop_base[e->t[t].pop] + e->t[t].idx]]++;
                    scomp[q] = (uint32_t)(p - cores[c].first);
                    sdel[q] = e->t[t].delay;
                    sw[q] = e->t[t].w * y->cx[jj].gin;
                }
            }
            /* sign mode per axon: 1 mixed, 2 excitatory, 3 inhibitory */
            for (s = 0; s < na; s++) {
                int pos = 0, neg = 0;
                size_t q;
                for (q = sstart[s]; q < sstart[s + 1]; q++) {
                    pos |= sw[q] > 0;
                    neg |= sw[q] < 0;
                }
                axsign[s] = pos && neg ? 1 : neg ? 3 : 2;
                fmt_sign[axsign[s] - 1] = 1;
                /* the source's target list; the axon free for the next core */
                {
                    size_t e = pop_base[ax[s].pop] + ax[s].idx;
                    tcore[tstart[e] + nt_of[e]] = c;
                    taxon[tstart[e] + nt_of[e]] = s;
                    nt_of[e]++;
                    axon_of[e] = -1;
                }
            }
            sbf(&js, "%s\n    {\"x\": %d, \"y\": %d, \"comment\": \"%s positions %zu..%zu\",\n     \"decay_profiles\": [",
                c ? "," : "", cores[c].x, cores[c].y, n->name, cores[c].first, pend - 1);
            for (p = cores[c].first; p < pend; p++) {
                int d, f = 0;
                j = y->ord[p];
                for (d = 0; d < ndp; d++)
                    f |= dp[d][0] == y->cx[j].du && dp[d][1] == y->cx[j].dv;
                if (!f) {
                    dp[ndp][0] = y->cx[j].du;
                    dp[ndp][1] = y->cx[j].dv;
                    sbf(&js, "%s{\"du\": %d, \"dv\": %d, \"refract_delay\": 1}", ndp ? ", " : "", dp[ndp][0], dp[ndp][1]);
                    ndp++;
                }
                f = 0;
                for (d = 0; d < ntp; d++)
                    f |= tp[d] == y->cx[j].vth;
                if (!f)
                    tp[ntp++] = y->cx[j].vth;
            }
            sbf(&js, "],\n     \"threshold_profiles\": [");
            for (i = 0; i < (size_t)ntp; i++)
                sbf(&js, "%s{\"vth_mant\": %d}", i ? ", " : "", tp[i]);
            sbf(&js, "],\n     \"synapse_formats\": [");
            {
                int f, nf = 0;
                static const char *const sn[] = {"mixed", "excitatory", "inhibitory"};
                int fidx[3];
                for (f = 0; f < 3; f++) {
                    fidx[f] = nf;
                    if (fmt_sign[f])
                        sbf(&js, "%s{\"weight_bits\": %d, \"sign_mode\": \"%s\", \"wgt_exp\": %d}", nf++ ? ", " : "",
                            o->wbits, sn[f], y->ep - 6);
                }
                sbf(&js, "],\n     \"compartments\": [");
                for (p = cores[c].first; p < pend; p++) {
                    int d, dpi = 0, tpi = 0;
                    j = y->ord[p];
                    for (d = 0; d < ndp; d++)
                        if (dp[d][0] == y->cx[j].du && dp[d][1] == y->cx[j].dv)
                            dpi = d;
                    for (d = 0; d < ntp; d++)
                        if (tp[d] == y->cx[j].vth)
                            tpi = d;
                    sbf(&js, "%s\n      {\"decay_profile\": %d, \"threshold_profile\": %d, \"bias_mant\": %d, "
                             "\"bias_exp\": %d, \"outputs\": [@@OUT%zu@@]}",
                        p > cores[c].first ? "," : "", dpi, tpi, y->cx[j].bias_mant, y->cx[j].bias_exp,
                        pop_base[y->node] + j);
                }
                sbf(&js, "],\n     \"axons\": [");
                for (s = 0; s < na; s++) {
                    int first = 1;
                    size_t q;
                    sbf(&js, "%s\n      {\"format\": %d, \"synapses\": [", s ? "," : "", fidx[axsign[s] - 1]);
                    for (q = sstart[s]; q < sstart[s + 1]; q++) {
                        double w = sw[q], qv, v, e2;
                        int clip;
                        qv = w * y->S / ldexp(1, y->ep);
                        v = wq(qv, axsign[s], o->wbits, &clip);
                        y->wclip += (size_t)clip;
                        e2 = fabs(v * ldexp(1, y->ep) / y->S - w);
                        if (e2 > y->werr)
                            y->werr = e2;
                        if (v == 0) {
                            y->wzero++;
                            continue;
                        }
                        sbf(&js, "%s{\"compartment\": %u, \"weight\": %.0f, \"delay\": %d}", first ? "" : ", ",
                            scomp[q], v, (int)sdel[q]);
                        first = 0;
                        y->synapses++;
                    }
                    sbf(&js, "]}");
                }
                sbf(&js, "]}");
            }
            free(ax), free(sstart), free(scomp), free(sdel), free(sw), free(sfill), free(axsign);
            continue;
        emit_fail:
            free(nt_of), free(tstart), free(axon_of), free(tcore), free(taxon);
            goto fail;
        }
        sbf(&js, "\n  ]\n}\n");
        /* fill in each compartment's outputs, check the axon-map limits, hops */
        {
            sb out = {0};
            const char *p = js.s;
            size_t *ent_core = calloc(ncores ? ncores : 1, sizeof *ent_core);
            if (!ent_core || js.oom) {
                free(ent_core);
                free(nt_of), free(tstart), free(axon_of), free(tcore), free(taxon);
                lfail(L, "out of memory");
                goto fail;
            }
            while (*p) {
                const char *q = strstr(p, "@@OUT");
                size_t e, x, len;
                char *end;
                if (!q) {
                    sbf(&out, "%s", p);
                    break;
                }
                len = (size_t)(q - p);
                sbf(&out, "%.*s", (int)len, p);
                e = strtoul(q + 5, &end, 10);
                p = end + 2;
                {
                    /* which core holds this source element */
                    size_t sp = 0, li;
                    for (li = 0; li < g->nnodes; li++)
                        if (is_neuron(g->nodes[li].type) && pop_base[li] <= e && e < pop_base[li] + g->nodes[li].out_size)
                            sp = li;
                    {
                        layer *y = &ly[lay_of[sp]];
                        size_t sc = y->core_of[e - pop_base[sp]];
                        if (tstart[e + 1] - tstart[e] > LL_MAXOUT) {
                            lfail(L, "node '%s' (%s): element %zu reaches %zu cores; a compartment has at most %u "
                                     "axon-map entries",
                                  g->nodes[sp].name, nm_node_type_name(g->nodes[sp].type), e - pop_base[sp],
                                  tstart[e + 1] - tstart[e], LL_MAXOUT);
                            free(out.s);
                            free(ent_core);
                            free(nt_of), free(tstart), free(axon_of), free(tcore), free(taxon);
                            goto fail;
                        }
                        ent_core[sc] += tstart[e + 1] - tstart[e];
                        if (tstart[e + 1] > tstart[e]) {
                            double h = 0;
                            for (x = tstart[e]; x < tstart[e + 1]; x++) {
                                sbf(&out, "%s{\"core\": [%d, %d], \"axon\": %zu}", x > tstart[e] ? ", " : "",
                                    cores[tcore[x]].x, cores[tcore[x]].y, taxon[x]);
                                h += abs(cores[tcore[x]].x - cores[sc].x) + abs(cores[tcore[x]].y - cores[sc].y);
                            }
                            hop_sum += h;
                            pkt_sum += (double)(tstart[e + 1] - tstart[e]);
                            nsrc_spk++;
                        }
                    }
                }
            }
            for (c = 0; c < ncores; c++)
                if (ent_core[c] > LL_NAXOUT) {
                    lfail(L, "core %zu (%s): %zu axon-map entries; a Loihi core holds %u", c,
                          g->nodes[ly[cores[c].layer].node].name, ent_core[c], LL_NAXOUT);
                    free(out.s);
                    free(ent_core);
                    free(nt_of), free(tstart), free(axon_of), free(tcore), free(taxon);
                    goto fail;
                }
            for (c = 0; c < ncores; c++)
                tot_ent += ent_core[c];
            free(ent_core);
            free(js.s);
            js = out;
        }

        /* input map: host elements */
        sbf(&im, "# input element -> host spike: send 'tick + tick_offset,x,y,axon' for a spike of the element "
                 "in graph step tick (Loihi-mode cores)\ninput,node,index,x,y,axon,tick_offset\n");
        {
            size_t h = 0;
            for (i = 0; i < g->nnodes; i++) {
                if (g->nodes[i].type != NM_N_INPUT)
                    continue;
                for (j = 0; j < g->nodes[i].out_size; j++, h++) {
                    size_t e = pop_base[i] + j, x;
                    for (x = tstart[e]; x < tstart[e + 1]; x++)
                        sbf(&im, "%zu,%s,%zu,%d,%d,%zu,1\n", h, g->nodes[i].name, j, cores[tcore[x]].x,
                            cores[tcore[x]].y, taxon[x]);
                }
            }
        }
        free(nt_of), free(tstart), free(axon_of), free(tcore), free(taxon);
    }
    /* neuron map */
    sbf(&nm, "# chip compartment -> graph element (Loihi-mode cores)\nnode,index,role,x,y,neuron\n");
    for (k = 0; k < nly; k++) {
        layer *y = &ly[k];
        for (j = 0; j < g->nodes[y->node].out_size; j++)
            sbf(&nm, "%s,%zu,main,%d,%d,%u\n", g->nodes[y->node].name, j, cores[y->core_of[j]].x,
                cores[y->core_of[j]].y, y->comp_of[j]);
    }

    /* report */
    for (k = 0; k < nly; k++) {
        layer *y = &ly[k];
        const nm_node *n = &g->nodes[y->node];
        int dumin = 4095, dumax = 0, dvmin = 4095, dvmax = 0, vtmin = 131071, vtmax = 0;
        for (j = 0; j < n->out_size; j++) {
            cxp *x = &y->cx[j];
            dumin = x->du < dumin ? x->du : dumin;
            dumax = x->du > dumax ? x->du : dumax;
            dvmin = x->dv < dvmin ? x->dv : dvmin;
            dvmax = x->dv > dvmax ? x->dv : dvmax;
            vtmin = x->vth < vtmin ? x->vth : vtmin;
            vtmax = x->vth > vtmax ? x->vth : vtmax;
        }
        sbf(&rep,
            "  %s (%s): %zu compartments on %zu core(s); scale %.6g units of v per 1.0; wgt_exp %d "
            "(x = weight << %d); DU %d..%d, DV %d..%d, vth_mant %d..%d (threshold error <= %.3g %%); "
            "%zu synapses, largest |w| %.6g, largest weight error %.4g (%.3g %% of the largest |w|), %zu clipped, "
            "%zu rounded to 0; %zu biases clipped; fan-in up to %zu; one step's input at most %.3g x the "
            "largest threshold (u and the accumulators wrap at 2^23 units: %.3g x; v saturates there)%s\n",
            n->name, nm_node_type_name(n->type), n->out_size, y->ncores, y->S, y->ep - 6, y->ep, dumin, dumax,
            dvmin, dvmax, vtmin, vtmax, 100 * y->therr, y->synapses, y->wmax, y->werr,
            y->wmax > 0 ? 100 * y->werr / y->wmax : 0.0, y->wclip, y->wzero, y->bclip, y->fanin,
            vtmax > 0 ? y->usum * y->S / (vtmax * 64.0) : 0.0, vtmax > 0 ? 8388607.0 / (vtmax * 64.0) : 0.0,
            y->ulimited == 2 ? " (scale lowered for --v-floor)" : y->ulimited ? " (scale lowered for it)" : "");
        if (n->type == NM_N_CUBALIF || n->type == NM_N_CUBALI) {
            for (j = 0; j < n->out_size && y->b[j] == 0; j++)
                ;
            if (j < n->out_size)
                sbf(&rep, "    bias: Affine biases enter u in the graph; Loihi's bias enters v, so each is given as "
                          "its steady state in u (b * 4096 / (DU + 1)): exact after u settles, not in the first "
                          "steps\n");
        }
        if (n->type == NM_N_LI || n->type == NM_N_CUBALI)
            sbf(&rep, "    no threshold (LI): vth_mant 131071, read v from the compartments\n");
        tot_syn += y->synapses;
        tot_comp += n->out_size;
    }
    sbf(&rep, "placement: %zu Loihi cores on a %u x %u mesh (default geometry: 1,024 compartments, 4,096 input axons, "
              "4,096 axon-map entries, 32,768 synapse words per core), %zu compartments, %zu synapses, %zu axon-map "
              "entries; per spike %.3g packets and %.3g hops (X then Y; mean over source elements); fan-out through "
              "the axon map, no relays; elements packed in Morton order of their positions (channels innermost; "
              "index order for 1-D nodes), cores placed by image position along a Hilbert curve; every layer "
              "adds one step (a spike hop), input map tick_offset 1%s\n",
        ncores, mx, my, tot_comp, tot_syn, tot_ent, nsrc_spk ? pkt_sum / nsrc_spk : 0.0,
        nsrc_spk ? hop_sum / nsrc_spk : 0.0,
        cyclic ? "; recurrent edges take one step, as in the graph" : "");
    for (c = 0; c < ncores; c++)
        sbf(&rep, "  core (%d, %d): %s positions %zu..%zu (%zu compartments), %zu input axons, %zu nonzero float "
                  "weights\n", cores[c].x, cores[c].y, g->nodes[ly[cores[c].layer].node].name, cores[c].first,
            cores[c].first + cores[c].count - 1, cores[c].count, cores[c].naxon, cores[c].nsyn);
    if (rep.oom || js.oom || im.oom || nm.oom) {
        lfail(L, "out of memory");
        goto fail;
    }
    net = calloc(1, sizeof *net);
    if (!net) {
        lfail(L, "out of memory");
        goto fail;
    }
    /* the comment: the report, escaped for JSON */
    {
        sb fin = {0};
        const char *q = strstr(js.s, "@@COMMENT@@");
        size_t ci;
        sbf(&fin, "%.*s", (int)(q - js.s), js.s);
        for (ci = 0; rep.s[ci]; ci++) {
            unsigned char ch = (unsigned char)rep.s[ci];
            if (ch == '"' || ch == '\\')
                sbf(&fin, "\\%c", ch);
            else if (ch == '\n')
                sbf(&fin, "\\n");
            else if (ch < 32)
                sbf(&fin, "\\u%04x", ch);
            else
                sbf(&fin, "%c", ch);
        }
        sbf(&fin, "%s", q + strlen("@@COMMENT@@"));
        if (fin.oom) {
            free(fin.s);
            free(net);
            net = NULL;
            lfail(L, "out of memory");
            goto fail;
        }
        free(js.s);
        js = fin;
    }
    net->json = js.s;
    net->report = rep.s;
    net->input_map = im.s;
    net->neuron_map = nm.s;
    net->cores = ncores;
    net->compartments = tot_comp;
    net->synapses = tot_syn;
    net->axmap_entries = tot_ent;
    net->mesh_x = mx;
    net->mesh_y = my;
    net->hops_per_spike = nsrc_spk ? hop_sum / nsrc_spk : 0;
    js.s = rep.s = im.s = nm.s = NULL;
fail:
    for (k = 0; ly && k < nly; k++) {
        nm_exprs_free(ly[k].in, g->nodes[ly[k].node].out_size);
        free(ly[k].b);
        free(ly[k].ord);
        free(ly[k].cx);
        free(ly[k].core_of);
        free(ly[k].comp_of);
    }
    free(ly);
    nm_compose_free(&C);
    free(cores);
    free(pop_base);
    free(lay_of);
    free(mark);
    free(order);
    free(js.s);
    free(rep.s);
    free(im.s);
    free(nm.s);
    return net;
}

void nm_ll_net_free(nm_ll_net *n)
{
    if (!n)
        return;
    free(n->json);
    free(n->report);
    free(n->input_map);
    free(n->neuron_map);
    free(n);
}
