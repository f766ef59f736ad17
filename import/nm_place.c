/* nm_place.c - placement of lowered TrueNorth-mode cores onto the mesh: cores in creation
 * order (layer after layer, splitters beside their sources) along a Hilbert curve, so cores
 * that talk sit close; destinations resolved to (dx, dy); hop figures; the chip image and
 * the input and neuron maps. */
#include "nm_lower_tn.h"
#include "nm_place.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int pfail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

/* Point d of the Hilbert curve over an n x n grid (n a power of two). */
static void hilbert_d2xy(unsigned n, unsigned d, unsigned *x, unsigned *y)
{
    unsigned rx, ry, s, t = d, tmp;
    *x = *y = 0;
    for (s = 1; s < n; s *= 2) {
        rx = 1u & (t / 2);
        ry = 1u & (t ^ rx);
        if (ry == 0) {
            if (rx == 1) {
                *x = s - 1 - *x;
                *y = s - 1 - *y;
            }
            tmp = *x;
            *x = *y;
            *y = tmp;
        }
        *x += s * rx;
        *y += s * ry;
        t /= 4;
    }
}

static uint64_t hilbert_xy2d(unsigned n, unsigned x, unsigned y)
{
    unsigned rx, ry, s, t;
    uint64_t d = 0;
    for (s = n / 2; s > 0; s /= 2) {
        rx = (x & s) > 0;
        ry = (y & s) > 0;
        d += (uint64_t)s * s * ((3u * rx) ^ ry);
        if (ry == 0) {
            if (rx == 1) {
                x = n - 1 - x;
                y = n - 1 - y;
            }
            t = x;
            x = y;
            y = t;
        }
    }
    return d;
}

typedef struct ckey {
    uint64_t key;
    size_t core;
} ckey;

static int ckey_cmp(const void *a, const void *b)
{
    const ckey *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->core < y->core ? -1 : x->core > y->core;
}

int nm_place_hilbert(size_t n, const double *cx, const double *cy, unsigned mx, unsigned my, int *x, int *y)
{
    unsigned pow2 = 1, d, k = 0;
    size_t i;
    ckey *ord = malloc((n ? n : 1) * sizeof *ord);
    if (!ord)
        return -1;
    while (pow2 < mx || pow2 < my)
        pow2 *= 2;
    for (i = 0; i < n; i++) {
        unsigned qx = (unsigned)(cx[i] * 65535.0), qy = (unsigned)(cy[i] * 65535.0);
        ord[i].key = hilbert_xy2d(65536, qx > 65535 ? 65535 : qx, qy > 65535 ? 65535 : qy);
        ord[i].core = i;
    }
    qsort(ord, n, sizeof *ord, ckey_cmp);
    for (d = 0; d < pow2 * pow2 && k < n; d++) {
        unsigned hx, hy;
        hilbert_d2xy(pow2, d, &hx, &hy);
        if (hx >= mx || hy >= my)
            continue;
        x[ord[k].core] = (int)hx;
        y[ord[k].core] = (int)hy;
        k++;
    }
    free(ord);
    return 0;
}

static int dist(const nm_tn_net *n, int a, int b)
{
    int dx = n->cores[a].x - n->cores[b].x, dy = n->cores[a].y - n->cores[b].y;
    return (dx < 0 ? -dx : dx) + (dy < 0 ? -dy : dy);
}

int nm_tn_place(nm_tn_net *n, char *err, size_t errlen)
{
    unsigned side = 1, mx, my;
    size_t i;
    double hops = 0, pk = 0;
    size_t ngraph = 0;
    double *rhops;
    uint32_t *rcnt;
    while ((size_t)side * side < n->ncores)
        side++;
    mx = side;
    my = (unsigned)((n->ncores + side - 1) / side);
    if (my == 0)
        my = 1;
    if (mx > 64 || my > 64)
        return pfail(err, errlen, "the network needs %zu cores; the largest mesh (64 x 64) holds 4096", n->ncores);
    {
        size_t nc = n->ncores ? n->ncores : 1;
        double *kx = malloc(nc * sizeof *kx), *ky = malloc(nc * sizeof *ky);
        int *px = malloc(nc * sizeof *px), *py = malloc(nc * sizeof *py);
        int bad = !kx || !ky || !px || !py;
        for (i = 0; !bad && i < n->ncores; i++) {
            kx[i] = n->cores[i].cx;
            ky[i] = n->cores[i].cy;
        }
        bad = bad || nm_place_hilbert(n->ncores, kx, ky, mx, my, px, py);
        for (i = 0; !bad && i < n->ncores; i++) {
            n->cores[i].x = px[i];
            n->cores[i].y = py[i];
        }
        free(kx), free(ky), free(px), free(py);
        if (bad)
            return pfail(err, errlen, "out of memory");
    }
    n->mesh_x = mx;
    n->mesh_y = my;
    /* destinations */
    for (i = 0; i < n->nneur; i++) {
        nm_tn_neuron *u = &n->neur[i];
        const nm_tn_core *c = &n->cores[u->core];
        if (u->tgt.core < 0) {
            u->cfg.dx = (int16_t)((int)mx - c->x);
            u->cfg.dy = 0;
        } else {
            u->cfg.dx = (int16_t)(n->cores[u->tgt.core].x - c->x);
            u->cfg.dy = (int16_t)(n->cores[u->tgt.core].y - c->y);
        }
        u->cfg.dest_axon = (uint8_t)u->tgt.axon;
    }
    /* hops: a graph neuron's packet, plus what its splitters send */
    rhops = calloc(n->nhost + n->nneur + 1, sizeof *rhops);
    rcnt = calloc(n->nhost + n->nneur + 1, sizeof *rcnt);
    if (!rhops || !rcnt) {
        free(rhops);
        free(rcnt);
        return pfail(err, errlen, "out of memory");
    }
    for (i = 0; i < n->nneur; i++) {
        const nm_tn_neuron *u = &n->neur[i];
        unsigned a;
        const nm_tn_core *c;
        if (u->role != NM_R_RELAY)
            continue;
        c = &n->cores[u->core];
        for (a = 0; a < c->naxon; a++)
            if (c->xbar[u->slot * 8u + a / 32u] >> (a % 32u) & 1u) {
                uint32_t em = c->src[a];
                rhops[em] += u->tgt.core < 0 ? (double)((int)mx - c->x) : (double)dist(n, u->core, u->tgt.core);
                rcnt[em]++;
            }
    }
    for (i = 0; i < n->nneur; i++) {
        const nm_tn_neuron *u = &n->neur[i];
        uint32_t em = (uint32_t)(n->nhost + i);
        if (u->role != NM_R_MAIN && u->role != NM_R_FINAL)
            continue;
        ngraph++;
        pk += 1 + rcnt[em];
        hops += (u->tgt.core < 0 ? (double)((int)mx - n->cores[u->core].x) : (double)dist(n, u->core, u->tgt.core)) +
                rhops[em];
    }
    free(rhops);
    free(rcnt);
    n->packets_per_spike = ngraph ? pk / (double)ngraph : 0;
    n->hops_per_spike = ngraph ? hops / (double)ngraph : 0;
    return 0;
}

nm_image *nm_tn_image(const nm_tn_net *n, char *err, size_t errlen)
{
    nm_image *im = nm_image_new(n->mesh_x, n->mesh_y, n->opts.naxons, n->opts.nneurons);
    nm_neuron_cfg dis;
    uint32_t w[NM_NEURON_WORDS];
    size_t c, i;
    unsigned j, a, words = n->opts.naxons / 32;
    if (!im) {
        pfail(err, errlen, "cannot make a %u x %u image", n->mesh_x, n->mesh_y);
        return NULL;
    }
    memset(&dis, 0, sizeof dis);
    dis.alpha = 262143;
    dis.beta = 262143;
    dis.kappa = 1;
    dis.dest_delay = 1;
    nm_neuron_pack(&dis, w);
    for (c = 0; c < (size_t)n->mesh_x * n->mesh_y; c++) {
        im->cores[c].prng_seed = 1;
        for (j = 0; j < n->opts.nneurons; j++)
            memcpy(im->cores[c].neurons + j * NM_NEURON_WORDS, w, sizeof w);
    }
    for (c = 0; c < n->ncores; c++) {
        const nm_tn_core *lc = &n->cores[c];
        nm_image_core *ic = &im->cores[(size_t)lc->y * n->mesh_x + (size_t)lc->x];
        for (a = 0; a < lc->naxon; a++)
            ic->types[a / 16] |= (uint32_t)lc->types[a] << (2 * (a % 16));
        for (j = 0; j < lc->nneur; j++)
            memcpy(ic->xbar + (size_t)j * words, lc->xbar + (size_t)j * 8, words * sizeof(uint32_t));
    }
    for (i = 0; i < n->nneur; i++) {
        const nm_tn_neuron *u = &n->neur[i];
        const nm_tn_core *lc = &n->cores[u->core];
        nm_image_core *ic = &im->cores[(size_t)lc->y * n->mesh_x + (size_t)lc->x];
        char e2[200];
        if (nm_neuron_check(&u->cfg, e2, sizeof e2)) {
            pfail(err, errlen, "internal: neuron %u of core (%d, %d): %s", u->slot, lc->x, lc->y, e2);
            nm_image_free(im);
            return NULL;
        }
        nm_neuron_pack(&u->cfg, ic->neurons + (size_t)u->slot * NM_NEURON_WORDS);
    }
    return im;
}

static const char *role_name(uint8_t r)
{
    static const char *const names[] = {"main", "final", "partial+", "partial-", "splitter"};
    return r < 5 ? names[r] : "?";
}

int nm_tn_write_input_map(const nm_tn_net *n, const nm_graph *g, FILE *f)
{
    size_t h;
    uint32_t k;
    fprintf(f, "# input element -> host spike: send 'tick + tick_offset,x,y,axon' for a spike of the element "
               "in tick\ninput,node,index,x,y,axon,tick_offset\n");
    for (h = 0; h < n->nhost; h++)
        for (k = 0; k < n->ntg[h]; k++) {
            const nm_tn_target *t = &n->tg[h][k];
            if (t->core < 0)
                continue;
            fprintf(f, "%zu,%s,%u,%d,%d,%u,%u\n", h, g->nodes[n->host_node[h]].name, n->host_index[h],
                    n->cores[t->core].x, n->cores[t->core].y, t->axon, t->extra);
        }
    return ferror(f) ? -1 : 0;
}

int nm_tn_write_neuron_map(const nm_tn_net *n, const nm_graph *g, FILE *f)
{
    size_t i;
    fprintf(f, "# chip neuron -> graph element; role main/final stand for the element itself\n"
               "node,index,role,x,y,neuron\n");
    for (i = 0; i < n->nneur; i++) {
        const nm_tn_neuron *u = &n->neur[i];
        fprintf(f, "%s,%u,%s,%d,%d,%u\n", g->nodes[u->node].name, u->index, role_name(u->role),
                n->cores[u->core].x, n->cores[u->core].y, u->slot);
    }
    return ferror(f) ? -1 : 0;
}
