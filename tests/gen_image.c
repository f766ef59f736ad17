/* gen_image.c - write a test image: a wave ring across a MX x MY mesh of 256 x 256
 * cores. Neuron 0 of core k fires on axon 0 and excites axon 0 of core k+1 (the last
 * core sends one packet off the chip, east); every core's neuron 1 leaks toward a
 * negative saturation with a stochastic threshold, so stochastic draws run too.
 * usage: gen-image OUT.nmi [MX MY] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nm_core_prog.h"
#include "nm_image.h"

int main(int argc, char **argv)
{
    unsigned mx = 4, my = 4, k, j;
    char err[256];
    nm_image *im;
    if (argc != 2 && argc != 4) {
        fprintf(stderr, "usage: %s OUT.nmi [MX MY]\n", argv[0]);
        return 2;
    }
    if (argc == 4) {
        mx = (unsigned)atoi(argv[2]);
        my = (unsigned)atoi(argv[3]);
    }
    im = nm_image_new(mx, my, 256, 256);
    if (!im) {
        fprintf(stderr, "gen-image: bad geometry\n");
        return 2;
    }
    for (k = 0; k < mx * my; k++) {
        nm_image_core *c = &im->cores[k];
        c->prng_seed = 1000 + k;
        for (j = 0; j < 256; j++) {
            nm_neuron_cfg n;
            memset(&n, 0, sizeof n);
            n.alpha = 262143;
            n.beta = 100;
            n.kappa = 1;
            n.dest_delay = 1;
            if (j == 0) {
                unsigned nk = k + 1;
                c->xbar[0] |= 1u;          /* axon 0 -> neuron 0 */
                n.s[0] = 1;
                n.alpha = 1;
                n.dx = (int16_t)(nk % mx == 0 ? (k / mx + 1 < my ? -(int)(mx - 1) : 1) : 1);
                n.dy = (int16_t)(nk % mx == 0 && k / mx + 1 < my ? 1 : 0);
                n.dest_delay = 2;
            } else if (j == 1) {
                n.lambda = -3;
                n.tm = 5;
                n.alpha = 20;
            }
            nm_neuron_pack(&n, &c->neurons[j * NM_NEURON_WORDS]);
        }
    }
    if (nm_image_write(im, argv[1], err, sizeof err)) {
        fprintf(stderr, "gen-image: %s\n", err);
        return 1;
    }
    nm_image_free(im);
    return 0;
}
