/* gen_w.c - the peer benchmarks' fallback workload: a Merolla-style recurrent network
 * (Merolla et al., Science 2014: every neuron with a fixed number of synapses, firing at
 * a set mean rate) written as an nmemu image. Used by `make bench-brian2` and
 * `make bench-icarus` when `nmemu gen merolla` does not exist (docs/peers.md).
 *
 * Every core is 256 axons x 256 neurons. Each neuron's crossbar row has exactly SYN
 * synapses (a random subset of the 256 axons). Axon types are random; types 0 and 1
 * excite (s = +1), types 2 and 3 inhibit (s = -1), so the recurrent input is balanced.
 * Each neuron has leak +1, threshold alpha, normal reset to 0 and saturates at -alpha
 * (kappa 1), so it fires about every alpha ticks (alpha 50 = 20 Hz at 1 ms per tick),
 * jittered by its input. Its first V is random in 0 .. alpha-1, so the chip does not fire
 * in lockstep. The neurons drive the axons one to one: a random permutation of all
 * neurons of the chip onto all its axons, so every axon has exactly one source, with a
 * random delay 1..15. Nothing is stochastic and nothing leaves the chip.
 *
 * --modes makes a correctness workload instead: every neuron draws its weights, leak,
 * epsilon, thresholds, gamma, kappa, R and V at random, one in eight with large weights
 * and non-reset modes so V saturates at the 20-bit limits, and destinations are random
 * (several neurons may drive one axon in the same tick; one in ten leaves the chip).
 *
 * usage: gen-w OUT.nmi [--mesh MX MY] [--syn N] [--alpha A] [--seed S] [--modes]
 *        (defaults 64 64, 128, 50, 1)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nm_core_prog.h"
#include "nm_image.h"

static unsigned long long rs;
static unsigned rnd(void)
{
    rs ^= rs >> 12;
    rs ^= rs << 25;
    rs ^= rs >> 27;
    return (unsigned)((rs * 0x2545f4914f6cdd1dull) >> 32);
}

/* uniform in 0 .. n-1 (n small: the modulo bias is irrelevant here) */
static unsigned below(unsigned n)
{
    return rnd() % n;
}

/* --modes: every deterministic branch of docs/neuron-model.md section 4 */
static void random_modes(nm_neuron_cfg *n, unsigned k, unsigned mx, unsigned my)
{
    unsigned i, big = below(8) == 0;
    for (i = 0; i < 4; i++)
        n->s[i] = (int16_t)(big ? (below(2) ? 200 + (int)below(56) : -200 - (int)below(57)) : (int)below(17) - 8);
    n->lambda = (int16_t)((int)below(9) - 4);
    n->epsilon = (uint8_t)below(2);
    n->alpha = big ? 1000 + below(200000) : 1 + below(40);
    n->beta = big ? below(262144) : below(41);
    n->gamma = (uint8_t)(big ? 2 : below(3));
    n->kappa = (uint8_t)below(2);
    n->R = big ? (int32_t)below(262144) - 131072 : (int32_t)below(41) - 20;
    n->V = big ? (int32_t)below(1048576) - 524288 : (int32_t)below(101) - 50;
    if (below(10) == 0) { /* off the chip, on any side */
        n->dx = (int16_t)(below(2) ? (int)(mx - k % mx) + (int)below(3) : -(int)(k % mx) - 1 - (int)below(3));
        n->dy = (int16_t)((int)below(my) - (int)(k / mx));
    } else {
        n->dx = (int16_t)((int)below(mx) - (int)(k % mx));
        n->dy = (int16_t)((int)below(my) - (int)(k / mx));
    }
    n->dest_axon = (uint8_t)below(256);
}

static int usage(const char *argv0)
{
    fprintf(stderr, "usage: %s OUT.nmi [--mesh MX MY] [--syn N] [--alpha A] [--seed S] [--modes]\n", argv0);
    return 2;
}

int main(int argc, char **argv)
{
    unsigned mx = 64, my = 64, syn = 128, alpha = 50, ncores, nn, k, j, i;
    unsigned long long seed = 1;
    unsigned *perm;
    const char *out = NULL;
    char err[256];
    nm_image *im;
    int a, modes = 0;
    for (a = 1; a < argc; a++) {
        if (!strcmp(argv[a], "--mesh") && a + 2 < argc) {
            mx = (unsigned)strtoul(argv[a + 1], NULL, 10);
            my = (unsigned)strtoul(argv[a + 2], NULL, 10);
            a += 2;
        } else if (!strcmp(argv[a], "--syn") && a + 1 < argc) {
            syn = (unsigned)strtoul(argv[++a], NULL, 10);
        } else if (!strcmp(argv[a], "--alpha") && a + 1 < argc) {
            alpha = (unsigned)strtoul(argv[++a], NULL, 10);
        } else if (!strcmp(argv[a], "--seed") && a + 1 < argc) {
            seed = strtoull(argv[++a], NULL, 10);
        } else if (!strcmp(argv[a], "--modes")) {
            modes = 1;
        } else if (argv[a][0] != '-' && !out) {
            out = argv[a];
        } else {
            return usage(argv[0]);
        }
    }
    if (!out || syn > 256 || alpha < 1 || alpha > 131071)
        return usage(argv[0]);
    im = nm_image_new(mx, my, 256, 256);
    if (!im) {
        fprintf(stderr, "gen-w: bad mesh %ux%u (1..64 each)\n", mx, my);
        return 2;
    }
    ncores = mx * my;
    nn = ncores * 256;
    perm = malloc(sizeof *perm * nn);
    if (!perm) {
        fprintf(stderr, "gen-w: out of memory\n");
        return 1;
    }
    rs = 0x9e3779b97f4a7c15ull ^ (seed * 0xbf58476d1ce4e5b9ull);
    if (!rs)
        rs = 1;
    /* perm[n] = the chip axon (core * 256 + axon) that neuron n drives */
    for (i = 0; i < nn; i++)
        perm[i] = i;
    for (i = nn - 1; i > 0; i--) {
        unsigned r = (unsigned)(((unsigned long long)rnd() << 32 | rnd()) % (i + 1)), t = perm[i];
        perm[i] = perm[r];
        perm[r] = t;
    }
    for (k = 0; k < ncores; k++) {
        nm_image_core *c = &im->cores[k];
        c->prng_seed = 1 + k;
        for (i = 0; i < 16; i++)
            c->types[i] = rnd();
        for (j = 0; j < 256; j++) {
            nm_neuron_cfg n;
            unsigned char pick[256];
            unsigned dst = perm[k * 256 + j], dk = dst / 256, left = syn;
            /* exactly `syn` of the 256 axons: selection sampling */
            for (i = 0; i < 256; i++) {
                pick[i] = below(256 - i) < left;
                left -= pick[i];
            }
            for (i = 0; i < 256; i++)
                if (pick[i])
                    c->xbar[j * 8 + i / 32] |= 1u << (i % 32);
            memset(&n, 0, sizeof n);
            n.s[0] = 1;
            n.s[1] = 1;
            n.s[2] = -1;
            n.s[3] = -1;
            n.lambda = 1;
            n.alpha = alpha;
            n.beta = alpha;
            n.kappa = 1;
            n.gamma = 0;
            n.R = 0;
            n.V = (int32_t)below(alpha);
            n.dx = (int16_t)((int)(dk % mx) - (int)(k % mx));
            n.dy = (int16_t)((int)(dk / mx) - (int)(k / mx));
            n.dest_axon = (uint8_t)(dst % 256);
            n.dest_delay = (uint8_t)(1 + below(15));
            if (modes)
                random_modes(&n, k, mx, my);
            if (nm_neuron_check(&n, err, sizeof err)) {
                fprintf(stderr, "gen-w: %s\n", err);
                return 1;
            }
            nm_neuron_pack(&n, &c->neurons[j * NM_NEURON_WORDS]);
        }
    }
    free(perm);
    if (nm_image_write(im, out, err, sizeof err)) {
        fprintf(stderr, "gen-w: %s\n", err);
        return 1;
    }
    nm_image_free(im);
    return 0;
}
