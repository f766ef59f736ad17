/* nm_test_netgen.c - random cores for the differential tests. */
#include "nm_test_netgen.h"

#include <string.h>

/* ------------------------------------------------------------------ rng */

uint64_t rng_next(rng *r) /* splitmix64 */
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* uniform in [lo, hi] */
int64_t rng_range(rng *r, int64_t lo, int64_t hi)
{
    return lo + (int64_t)(rng_next(r) % (uint64_t)(hi - lo + 1));
}

double rng_unit(rng *r)
{
    return (double)(rng_next(r) >> 11) / 9007199254740992.0;
}

/* A field value: its extremes and their neighbours over-sampled, else uniform. */
static int64_t rng_field(rng *r, int64_t lo, int64_t hi)
{
    switch (rng_next(r) % 10) {
    case 0: return lo;
    case 1: return hi;
    case 2: return lo + 1 <= hi ? lo + 1 : lo;
    case 3: return hi - 1 >= lo ? hi - 1 : hi;
    default: return rng_range(r, lo, hi);
    }
}

/* Small magnitudes make neurons fire; full ranges cover the widths. */
static int64_t rng_mixed(rng *r, int64_t lo, int64_t hi, int64_t small)
{
    int64_t slo = lo > -small ? lo : -small, shi = hi < small ? hi : small;
    return rng_unit(r) < 0.6 ? rng_range(r, slo, shi) : rng_field(r, lo, hi);
}

/* ------------------------------------------------------------------ network */

void gen_params(rng *r, unsigned seed, netgen *g)
{
    static const double dens[] = {0.0, 1.0, 0.02, 0.1, 0.3, 0.5};
    static const unsigned inmax[] = {0, 2, 8, 32, 128, 256};
    unsigned k = seed % 8;
    g->density = k < 6 ? dens[k] : rng_unit(r);
    /* Keep the mean events per tick within what the RTL runs quickly, except on
     * the dense extremes, which get few inputs but still run. */
    g->inputs_max = inmax[rng_next(r) % 6];
    if (g->density > 0.5 && g->inputs_max > 32)
        g->inputs_max = 32;
    g->p_stoch_syn = (seed % 3 == 0) ? 0.0 : rng_unit(r);
    g->p_stoch_leak = (seed % 3 == 0) ? 0.0 : rng_unit(r);
    g->p_loop = rng_unit(r);
    g->opts.loopback = 1;
    g->opts.stall_per_pkt = (unsigned)rng_range(r, 0, 3);
    g->dest_span = 0;
    /* the model's vector kernels: deterministic cores (seed % 6 == 0), and cores whose
     * neurons share one parameter set (seed % 6 == 3) */
    g->deterministic = seed % 3 == 0;
    g->uniform = seed % 6 == 3;
    /* the model's kernel for cores whose only draws are synapse draws (seed % 6 == 1),
     * also with one parameter set (seed % 12 == 7, workload W-stochastic's case) */
    g->synapse_draws_only = seed % 6 == 1;
    /* every stochastic mode mixed in one core (seed % 6 == 5), and in one parameter set
     * shared by every neuron (seed % 12 == 11) */
    g->mix_all = seed % 6 == 5;
    if (seed % 12 == 7 || seed % 12 == 11)
        g->uniform = 1;
    /* small weights with synapse draws only (seed % 24 == 1, and one parameter set:
     * seed % 24 == 7): the model's kernel that keeps only the draws that can add */
    g->small_weights = seed % 24 == 1 || seed % 24 == 7;
    g->seed_prng = (uint32_t)rng_next(r);
    if (seed % 17 == 0)
        g->seed_prng = 0; /* the register maps 0 to 1 */
}

static void gen_neuron(rng *r, const netgen *g, nm_neuron_cfg *n)
{
    int k;
    memset(n, 0, sizeof *n);
    for (k = 0; k < 4; k++) {
        n->s[k] = (int16_t)rng_field(r, -256, 255);
        n->b[k] = rng_unit(r) < g->p_stoch_syn;
    }
    if (g->small_weights)
        for (k = 0; k < 4; k++)
            n->s[k] = (int16_t)(rng_range(r, 1, 15) * (rng_next(r) & 1 ? -1 : 1));
    n->lambda = (int16_t)rng_mixed(r, -256, 255, 8);
    n->c_lambda = rng_unit(r) < g->p_stoch_leak;
    n->epsilon = rng_next(r) & 1;
    n->alpha = (uint32_t)rng_mixed(r, 0, 262143, 600);
    n->beta = (uint32_t)rng_mixed(r, 0, 262143, 600);
    n->tm = (uint8_t)(rng_unit(r) < 0.5 ? 0 : rng_range(r, 0, 31));
    if (g->mix_all) {
        const int stoch = rng_next(r) % 4 != 0;
        for (k = 0; k < 4; k++)
            n->b[k] = stoch && (rng_next(r) & 1);
        n->c_lambda = stoch && (rng_next(r) & 1);
        n->tm = (uint8_t)(stoch && (rng_next(r) & 1) ? rng_range(r, 1, 31) : 0);
    }
    if (g->deterministic || g->synapse_draws_only)
        n->tm = 0;
    if (g->synapse_draws_only)
        n->c_lambda = 0;
    n->gamma = (uint8_t)rng_range(r, 0, 3);
    n->kappa = rng_next(r) & 1;
    n->R = (int32_t)rng_mixed(r, -131072, 131071, 200);
    n->V = (int32_t)rng_mixed(r, -524288, 524287, 400);
    if (rng_unit(r) < g->p_loop) {
        n->dx = 0;
        n->dy = 0;
    } else if (g->dest_span && rng_unit(r) < 0.9) {
        n->dx = (int16_t)rng_range(r, -g->dest_span, g->dest_span);
        n->dy = (int16_t)rng_range(r, -g->dest_span, g->dest_span);
    } else {
        n->dx = (int16_t)rng_field(r, -256, 255);
        n->dy = (int16_t)rng_field(r, -256, 255);
    }
    n->dest_axon = (uint8_t)rng_range(r, 0, 255);
    n->dest_delay = (uint8_t)rng_range(r, 1, 15);
}

void gen_core(rng *r, const netgen *g, core_image *im)
{
    unsigned i, j;
    for (i = 0; i < NAX; i++)
        im->types[i] = (uint8_t)(rng_next(r) & 3);
    for (j = 0; j < NNE; j++) {
        /* rows vary around the core's density so some rows are full or empty */
        double d = g->density;
        if (d > 0.0 && d < 1.0)
            d = rng_unit(r) * 2.0 * d > 1.0 ? 1.0 : rng_unit(r) * 2.0 * d;
        memset(im->xbar[j], 0, sizeof im->xbar[j]);
        for (i = 0; i < NAX; i++)
            if (d >= 1.0 || rng_unit(r) < d)
                im->xbar[j][i / 32] |= 1u << (i % 32);
        gen_neuron(r, g, &im->n[j]);
        if (j == 0 && g->uniform && !g->deterministic) {
            /* the shared set is stochastic: a stochastic and a deterministic synapse
             * type, and under mix_all a stochastic leak and threshold too */
            im->n[0].b[0] = 1;
            im->n[0].b[1] = 0;
            if (g->mix_all) {
                im->n[0].c_lambda = 1;
                im->n[0].tm = (uint8_t)rng_range(r, 1, 31);
            }
        }
        if (g->uniform && j > 0) {
            nm_neuron_cfg own = im->n[j];
            im->n[j] = im->n[0];
            im->n[j].V = own.V;
            im->n[j].dx = own.dx;
            im->n[j].dy = own.dy;
            im->n[j].dest_axon = own.dest_axon;
            im->n[j].dest_delay = own.dest_delay;
        }
    }
}

int program_core(const nm_core_backend *b, const core_image *im, uint32_t seed)
{
    unsigned j;
    int rc = nm_core_write_axon_types(b, im->types);
    for (j = 0; rc == NM_OK && j < NNE; j++) {
        rc = nm_core_write_xbar_row(b, j, im->xbar[j]);
        if (rc == NM_OK)
            rc = nm_core_write_neuron(b, j, &im->n[j]);
    }
    if (rc == NM_OK)
        rc = nm_core_write_prng(b, seed);
    return rc;
}

