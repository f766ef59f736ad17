/* nm_test_netgen.h - random cores for the differential tests: every parameter across
 * its full range with the extremes over-sampled, every mode, crossbar densities from 0
 * to 100 percent, loopback and far destinations. Deterministic per seed. */
#ifndef NM_TEST_NETGEN_H
#define NM_TEST_NETGEN_H

#include <stdint.h>

#include "nm_core_if.h"
#include "nm_core_prog.h"

#define NAX NM_MAX_AXONS
#define NNE NM_MAX_NEURONS
#define XWORDS (NAX / 32)

typedef struct rng { uint64_t s; } rng;

uint64_t rng_next(rng *r);
int64_t  rng_range(rng *r, int64_t lo, int64_t hi);   /* uniform in [lo, hi] */
double   rng_unit(rng *r);

typedef struct netgen {
    nm_core_opts opts;
    double density;          /* crossbar */
    double p_stoch_syn, p_stoch_leak, p_loop;
    unsigned inputs_max;     /* host packets injected before each tick, up to */
    uint32_t seed_prng;
    int dest_span;           /* 0: any dx, dy; else mostly within +-dest_span */
    int deterministic;       /* no stochastic synapse, leak or threshold anywhere */
    int uniform;             /* every neuron has neuron 0's parameters (own V and DEST) */
    int synapse_draws_only;  /* stochastic synapses allowed, no stochastic leak or threshold */
    int mix_all;             /* every stochastic mode in one core: per neuron a coin for each
                              * synapse type, the leak and the threshold; 1 in 4 neurons
                              * deterministic */
    int small_weights;       /* every |s| in 1..15: the model's rare-draw kernel for synapse
                              * draws (only a draw with rho <= 15 can add) */
} netgen;

typedef struct core_image {
    uint8_t types[NAX];
    uint32_t xbar[NNE][XWORDS];
    nm_neuron_cfg n[NNE];
} core_image;

void gen_params(rng *r, unsigned seed, netgen *g);
void gen_core(rng *r, const netgen *g, core_image *im);
/* Program a core image and PRNG seed through any core backend. */
int  program_core(const nm_core_backend *b, const core_image *im, uint32_t seed);

#endif
