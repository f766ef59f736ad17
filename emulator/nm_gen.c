/* nm_gen.c - the Merolla benchmark network (nm_gen.h). */
#include "nm_gen.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "nm_core_prog.h"

/* splitmix64: a small, well-known generator; the image depends only on the seed. */
static uint64_t next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static unsigned below(uint64_t *s, unsigned n)
{
    return (unsigned)((next(s) >> 32) * n >> 32);
}

void nm_gen_merolla_defaults(nm_gen_merolla_opts *o)
{
    o->mesh_x = o->mesh_y = 64;
    o->rate_hz = 20.0;
    o->tick_hz = 1000.0;
    o->synapses = 128;
    o->seed = 1;
    o->stochastic = 0;
    o->board_x = o->board_y = 1;
}

/* lo .. hi of the cores a neuron at board coordinate g can reach along one axis of
 * `n` cores: dx is 9-bit signed, -256 .. 255 */
static void reach(unsigned g, unsigned n, unsigned *lo, unsigned *hi)
{
    *lo = g >= 256 ? g - 256 : 0;
    *hi = g + 255 < n - 1 ? g + 255 : n - 1;
}

/* The leak lambda (1..255) and threshold alpha (1..262143) with tick_hz * lambda / alpha
 * closest to the rate. alpha is kept at 100 or more where the rate allows, so the
 * +-1 synaptic input (zero on average) rarely drives V down to the floor at -alpha,
 * which would bias the rate upwards; among equally close choices the smallest lambda. */
static int pick_leak(double rate, double tick_hz, nm_gen_merolla_info *info)
{
    double best = HUGE_VAL;
    int lam, pass;
    for (pass = 0; pass < 2 && best == HUGE_VAL; pass++)
        for (lam = 1; lam <= 255; lam++) {
            double a = floor(tick_hz * lam / rate + 0.5), err;
            if (a < (pass == 0 ? 100 : 1) || a > 262143)
                continue;
            err = fabs(tick_hz * lam / a - rate) / rate;
            if (err < best - 1e-12) {
                best = err;
                info->lambda = lam;
                info->alpha = (unsigned)a;
                info->rate_hz = tick_hz * lam / a;
            }
            if (err < 1e-4)
                break;
        }
    return best < HUGE_VAL ? 0 : -1;
}

nm_image *nm_gen_merolla(const nm_gen_merolla_opts *o, nm_gen_merolla_info *info, char *err, size_t errlen)
{
    nm_gen_merolla_info inf;
    nm_image *im;
    uint64_t s = o->seed * 0x2545f4914f6cdd1dull + 1;
    unsigned g, j, i, ncores, nchips;
    uint8_t pool[2][128];

    if (o->mesh_x < 1 || o->mesh_x > 64 || o->mesh_y < 1 || o->mesh_y > 64) {
        snprintf(err, errlen, "mesh %ux%u: each side must be 1..64", o->mesh_x, o->mesh_y);
        return NULL;
    }
    if (o->synapses > 256) {
        snprintf(err, errlen, "synapses %u: must be 0..256", o->synapses);
        return NULL;
    }
    if (!(o->tick_hz > 0) || !(o->rate_hz >= 0) || o->rate_hz > o->tick_hz) {
        snprintf(err, errlen, "rate %g Hz at %g ticks/s: need 0 <= rate <= tick rate", o->rate_hz, o->tick_hz);
        return NULL;
    }
    if (o->rate_hz == 0) {
        /* an idle chip: no leak, V below threshold, and (with no input) never a spike */
        inf.lambda = 0;
        inf.alpha = 100;
        inf.rate_hz = 0;
    } else if (pick_leak(o->rate_hz, o->tick_hz, &inf)) {
        snprintf(err, errlen, "rate %g Hz: no leak and threshold in range give it", o->rate_hz);
        return NULL;
    }
    if (o->board_x < 1 || o->board_x > NM_IMAGE_MAX_BOARD || o->board_y < 1 || o->board_y > NM_IMAGE_MAX_BOARD) {
        snprintf(err, errlen, "board %ux%u: each side must be 1..%u", o->board_x, o->board_y, NM_IMAGE_MAX_BOARD);
        return NULL;
    }
    im = nm_image_new_board(o->mesh_x, o->mesh_y, 256, 256, o->board_x, o->board_y, 0);
    if (!im) {
        snprintf(err, errlen, "out of memory for a %ux%u image", o->mesh_x, o->mesh_y);
        return NULL;
    }
    ncores = o->mesh_x * o->mesh_y;
    nchips = o->board_x * o->board_y;
    for (g = 0; g < nchips * ncores; g++) {
        const unsigned chip = g / ncores, k = g % ncores;
        nm_image_core *c = &nm_image_chip(im, chip)[k];
        /* chip by chip, cores in index order; x, y: board coordinates of the core */
        unsigned x = chip % o->board_x * o->mesh_x + k % o->mesh_x, y = chip / o->board_x * o->mesh_y + k / o->mesh_x;
        unsigned xlo, xhi, ylo, yhi;
        reach(x, o->board_x * o->mesh_x, &xlo, &xhi);
        reach(y, o->board_y * o->mesh_y, &ylo, &yhi);
        c->prng_seed = (uint32_t)next(&s) | 1u;
        /* even axons excite (type 0, +1), odd axons inhibit (type 1, -1) */
        for (i = 0; i < 256 / 16; i++)
            c->types[i] = 0x44444444u;
        for (j = 0; j < 256; j++) {
            nm_neuron_cfg n;
            uint32_t *row = &c->xbar[j * 8];
            unsigned half, want[2], tx, ty;
            /* synapses / 2 distinct even and the rest distinct odd axons (partial
             * Fisher-Yates over each pool) */
            want[0] = (o->synapses + 1) / 2;
            want[1] = o->synapses / 2;
            for (half = 0; half < 2; half++) {
                for (i = 0; i < 128; i++)
                    pool[half][i] = (uint8_t)(2 * i + half);
                for (i = 0; i < want[half]; i++) {
                    unsigned r = i + below(&s, 128 - i);
                    uint8_t t = pool[half][i];
                    pool[half][i] = pool[half][r];
                    pool[half][r] = t;
                    row[pool[half][i] / 32] |= 1u << (pool[half][i] % 32);
                }
            }
            memset(&n, 0, sizeof n);
            n.s[0] = 1;
            n.s[1] = -1;
            n.b[0] = n.b[1] = (uint8_t)(o->stochastic != 0);
            n.lambda = (int16_t)inf.lambda;
            n.alpha = inf.alpha;
            n.beta = inf.alpha;      /* floor at -alpha: far below, rarely reached */
            n.kappa = 1;
            n.gamma = 1;             /* linear reset keeps the overshoot: rate = lambda/alpha */
            n.V = (int32_t)below(&s, inf.alpha);
            tx = xlo + below(&s, xhi - xlo + 1);
            ty = ylo + below(&s, yhi - ylo + 1);
            n.dx = (int16_t)((int)tx - (int)x);
            n.dy = (int16_t)((int)ty - (int)y);
            n.dest_axon = (uint8_t)below(&s, 256);
            n.dest_delay = (uint8_t)(1 + below(&s, 15));
            nm_neuron_pack(&n, &c->neurons[j * NM_NEURON_WORDS]);
        }
    }
    if (info)
        *info = inf;
    return im;
}
