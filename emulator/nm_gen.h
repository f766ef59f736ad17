/* nm_gen.h - network generators for benchmarks and the energy validation.
 *
 * nm_gen_merolla builds the benchmark network of Merolla et al. 2014 (Science 345:668,
 * supplement S7) that the TrueNorth power figures were measured on: every core of the
 * mesh in use, each neuron sending to a uniformly random core and axon with a delay
 * uniform in 1..15, a chosen number of active synapses per neuron and a chosen mean
 * firing rate. docs/energy-model.md s4 explains how the rate is set.
 */
#ifndef NM_GEN_H
#define NM_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "nm_image.h"

typedef struct nm_gen_merolla_opts {
    unsigned mesh_x, mesh_y;  /* 1..64 */
    double   rate_hz;         /* mean firing rate per neuron, >= 0 (0: an idle chip) */
    double   tick_hz;         /* ticks per second (TrueNorth: 1000) */
    unsigned synapses;        /* active synapses per neuron, 0..256 */
    uint64_t seed;
    int      stochastic;      /* stochastic synapses (b0 = b1 = 1): every event draws */
    unsigned board_x, board_y; /* a board of chips (1..64 each; 1 x 1: one chip): every
                                * chip its own cores, each neuron sending to a uniformly
                                * random core of the board within its 9-bit reach */
} nm_gen_merolla_opts;

/* What the generator chose: leak and threshold, and the rate they give. */
typedef struct nm_gen_merolla_info {
    int lambda;
    unsigned alpha;
    double rate_hz;           /* tick_hz * lambda / alpha: the rate without input noise */
} nm_gen_merolla_info;

/* Defaults: 64 x 64, 20 Hz, 1 kHz ticks, 128 synapses, seed 1, deterministic, one chip. */
void nm_gen_merolla_defaults(nm_gen_merolla_opts *o);

/* A new image, or NULL with a message in err (bad option or no memory). */
nm_image *nm_gen_merolla(const nm_gen_merolla_opts *o, nm_gen_merolla_info *info, char *err, size_t errlen);

#endif
