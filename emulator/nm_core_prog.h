/* nm_core_prog.h - program and inspect a core through its config port.
 *
 * The one place that packs neuron parameters into the NEURON words of the register
 * map (nm_regmap.h) and unpacks them again. Works on any nm_core_backend.
 */
#ifndef NM_CORE_PROG_H
#define NM_CORE_PROG_H

#include <stddef.h>
#include <stdint.h>

#include "nm_core_if.h"

/* One neuron's parameters and state, TrueNorth names (docs/neuron-model.md). */
typedef struct nm_neuron_cfg {
    int16_t  s[4];        /* weights, 9-bit signed */
    uint8_t  b[4];        /* stochastic synapse bits */
    int16_t  lambda;      /* leak, 9-bit signed */
    uint8_t  c_lambda;    /* stochastic leak */
    uint8_t  epsilon;     /* leak reversal */
    uint32_t alpha, beta; /* thresholds, 18-bit unsigned */
    uint8_t  tm;          /* threshold mask width 0..17 */
    uint8_t  gamma;       /* reset mode 0..2 */
    uint8_t  kappa;       /* negative threshold: 0 reset, 1 saturate */
    int32_t  R;           /* reset potential, 18-bit signed */
    int32_t  V;           /* membrane potential, 20-bit signed */
    int16_t  dx, dy;      /* destination offset, 9-bit signed */
    uint8_t  dest_axon;
    uint8_t  dest_delay;  /* 1..15 */
} nm_neuron_cfg;

#define NM_NEURON_WORDS 7u

/* Sign-extend the low `width` bits of v. */
int32_t nm_sext(uint32_t v, unsigned width);

/* The bits of NEURON word w (0..6) that hold fields; the rest are reserved. */
uint32_t nm_neuron_word_mask(unsigned w);

void nm_neuron_pack(const nm_neuron_cfg *n, uint32_t w[NM_NEURON_WORDS]);
void nm_neuron_unpack(const uint32_t w[NM_NEURON_WORDS], nm_neuron_cfg *n);
/* NM_OK, or NM_ERR_ARG with a message naming the field and its range. */
int  nm_neuron_check(const nm_neuron_cfg *n, char *err, size_t errlen);

int nm_core_write_neuron(const nm_core_backend *b, unsigned j, const nm_neuron_cfg *n);
int nm_core_read_neuron(const nm_core_backend *b, unsigned j, nm_neuron_cfg *n);
int nm_core_write_xbar_row(const nm_core_backend *b, unsigned j, const uint32_t *bits); /* naxons/32 words */
int nm_core_read_xbar_row(const nm_core_backend *b, unsigned j, uint32_t *bits);
int nm_core_write_axon_types(const nm_core_backend *b, const uint8_t *types);          /* naxons, 0..3 */
int nm_core_read_axon_types(const nm_core_backend *b, uint8_t *types);
int nm_core_write_prng(const nm_core_backend *b, uint32_t seed);
int nm_core_read_prng(const nm_core_backend *b, uint32_t *state);
int nm_core_read_counters(const nm_core_backend *b, uint32_t c[8]);   /* COUNTER region order */
int nm_core_clear_counters(const nm_core_backend *b);
int nm_core_read_sched_row(const nm_core_backend *b, unsigned row, uint32_t *bits);
int nm_core_write_sched_row(const nm_core_backend *b, unsigned row, const uint32_t *bits);
int nm_core_read_tickptr(const nm_core_backend *b, unsigned *cur);
int nm_core_read_v(const nm_core_backend *b, unsigned j, int32_t *v);

#endif
