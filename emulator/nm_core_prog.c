/* nm_core_prog.c - packing of neuron words and whole-core programming. */
#include "nm_core_prog.h"

#include <stdio.h>

#include "nm_regmap.h"

#define PUT(w, reg, fld, v) ((uint32_t)((uint32_t)(v) & NM_NEURON_##reg##_##fld##_MASK) \
                             << NM_NEURON_##reg##_##fld##_LSB)
#define GET(w, reg, fld) (((w) >> NM_NEURON_##reg##_##fld##_LSB) & NM_NEURON_##reg##_##fld##_MASK)

int32_t nm_sext(uint32_t v, unsigned width)
{
    uint32_t m = 1u << (width - 1);
    v &= (width >= 32) ? 0xffffffffu : ((1u << width) - 1u);
    return (int32_t)((v ^ m) - m);
}

uint32_t nm_neuron_word_mask(unsigned w)
{
    static const uint32_t mask[NM_NEURON_WORDS] = {
        (NM_NEURON_SYN_S0_MASK << NM_NEURON_SYN_S0_LSB) | (NM_NEURON_SYN_S1_MASK << NM_NEURON_SYN_S1_LSB) |
            (NM_NEURON_SYN_S2_MASK << NM_NEURON_SYN_S2_LSB),
        0xffffffffu,
        NM_NEURON_ALPHA_ALPHA_MASK << NM_NEURON_ALPHA_ALPHA_LSB,
        NM_NEURON_BETA_BETA_MASK << NM_NEURON_BETA_BETA_LSB,
        NM_NEURON_RESET_R_MASK << NM_NEURON_RESET_R_LSB,
        (NM_NEURON_DEST_DX_MASK << NM_NEURON_DEST_DX_LSB) | (NM_NEURON_DEST_DY_MASK << NM_NEURON_DEST_DY_LSB) |
            (NM_NEURON_DEST_AXON_MASK << NM_NEURON_DEST_AXON_LSB) |
            (NM_NEURON_DEST_DELAY_MASK << NM_NEURON_DEST_DELAY_LSB),
        NM_NEURON_STATE_V_MASK << NM_NEURON_STATE_V_LSB,
    };
    return w < NM_NEURON_WORDS ? mask[w] : 0;
}

void nm_neuron_pack(const nm_neuron_cfg *n, uint32_t w[NM_NEURON_WORDS])
{
    w[NM_NEURON_SYN] = PUT(w, SYN, S0, n->s[0]) | PUT(w, SYN, S1, n->s[1]) | PUT(w, SYN, S2, n->s[2]);
    w[NM_NEURON_MODE] = PUT(w, MODE, S3, n->s[3]) |
                        PUT(w, MODE, B, (n->b[0] & 1u) | (n->b[1] & 1u) << 1 | (n->b[2] & 1u) << 2 |
                                            (n->b[3] & 1u) << 3) |
                        PUT(w, MODE, LAMBDA, n->lambda) | PUT(w, MODE, C_LAMBDA, n->c_lambda) |
                        PUT(w, MODE, EPSILON, n->epsilon) | PUT(w, MODE, GAMMA, n->gamma) |
                        PUT(w, MODE, KAPPA, n->kappa) | PUT(w, MODE, TM, n->tm);
    w[NM_NEURON_ALPHA] = PUT(w, ALPHA, ALPHA, n->alpha);
    w[NM_NEURON_BETA] = PUT(w, BETA, BETA, n->beta);
    w[NM_NEURON_RESET] = PUT(w, RESET, R, n->R);
    w[NM_NEURON_DEST] = PUT(w, DEST, DX, n->dx) | PUT(w, DEST, DY, n->dy) | PUT(w, DEST, AXON, n->dest_axon) |
                        PUT(w, DEST, DELAY, n->dest_delay);
    w[NM_NEURON_STATE] = PUT(w, STATE, V, n->V);
}

void nm_neuron_unpack(const uint32_t w[NM_NEURON_WORDS], nm_neuron_cfg *n)
{
    uint32_t b = GET(w[NM_NEURON_MODE], MODE, B);
    unsigned k;
    n->s[0] = (int16_t)nm_sext(GET(w[NM_NEURON_SYN], SYN, S0), NM_NEURON_SYN_S0_WIDTH);
    n->s[1] = (int16_t)nm_sext(GET(w[NM_NEURON_SYN], SYN, S1), NM_NEURON_SYN_S1_WIDTH);
    n->s[2] = (int16_t)nm_sext(GET(w[NM_NEURON_SYN], SYN, S2), NM_NEURON_SYN_S2_WIDTH);
    n->s[3] = (int16_t)nm_sext(GET(w[NM_NEURON_MODE], MODE, S3), NM_NEURON_MODE_S3_WIDTH);
    for (k = 0; k < 4; k++)
        n->b[k] = (uint8_t)((b >> k) & 1u);
    n->lambda = (int16_t)nm_sext(GET(w[NM_NEURON_MODE], MODE, LAMBDA), NM_NEURON_MODE_LAMBDA_WIDTH);
    n->c_lambda = (uint8_t)GET(w[NM_NEURON_MODE], MODE, C_LAMBDA);
    n->epsilon = (uint8_t)GET(w[NM_NEURON_MODE], MODE, EPSILON);
    n->gamma = (uint8_t)GET(w[NM_NEURON_MODE], MODE, GAMMA);
    n->kappa = (uint8_t)GET(w[NM_NEURON_MODE], MODE, KAPPA);
    n->tm = (uint8_t)GET(w[NM_NEURON_MODE], MODE, TM);
    n->alpha = GET(w[NM_NEURON_ALPHA], ALPHA, ALPHA);
    n->beta = GET(w[NM_NEURON_BETA], BETA, BETA);
    n->R = nm_sext(GET(w[NM_NEURON_RESET], RESET, R), NM_NEURON_RESET_R_WIDTH);
    n->dx = (int16_t)nm_sext(GET(w[NM_NEURON_DEST], DEST, DX), NM_NEURON_DEST_DX_WIDTH);
    n->dy = (int16_t)nm_sext(GET(w[NM_NEURON_DEST], DEST, DY), NM_NEURON_DEST_DY_WIDTH);
    n->dest_axon = (uint8_t)GET(w[NM_NEURON_DEST], DEST, AXON);
    n->dest_delay = (uint8_t)GET(w[NM_NEURON_DEST], DEST, DELAY);
    n->V = nm_sext(GET(w[NM_NEURON_STATE], STATE, V), NM_NEURON_STATE_V_WIDTH);
}

static int range_err(char *err, size_t len, const char *name, long v, long lo, long hi)
{
    if (v >= lo && v <= hi)
        return 0;
    if (err && len)
        snprintf(err, len, "%s: %ld is outside %ld..%ld", name, v, lo, hi);
    return 1;
}

int nm_neuron_check(const nm_neuron_cfg *n, char *err, size_t errlen)
{
    static const char *const sname[4] = {"s0", "s1", "s2", "s3"};
    static const char *const bname[4] = {"b0", "b1", "b2", "b3"};
    unsigned k;
    for (k = 0; k < 4; k++)
        if (range_err(err, errlen, sname[k], n->s[k], -256, 255) ||
            range_err(err, errlen, bname[k], n->b[k], 0, 1))
            return NM_ERR_ARG;
    if (range_err(err, errlen, "lambda", n->lambda, -256, 255) ||
        range_err(err, errlen, "c_lambda", n->c_lambda, 0, 1) ||
        range_err(err, errlen, "epsilon", n->epsilon, 0, 1) ||
        range_err(err, errlen, "alpha", (long)n->alpha, 0, 262143) ||
        range_err(err, errlen, "beta", (long)n->beta, 0, 262143) ||
        range_err(err, errlen, "TM", n->tm, 0, 17) ||
        range_err(err, errlen, "gamma", n->gamma, 0, 2) ||
        range_err(err, errlen, "kappa", n->kappa, 0, 1) ||
        range_err(err, errlen, "VR", n->R, -131072, 131071) ||
        range_err(err, errlen, "V", n->V, -524288, 524287) ||
        range_err(err, errlen, "dx", n->dx, -256, 255) ||
        range_err(err, errlen, "dy", n->dy, -256, 255) ||
        range_err(err, errlen, "delay", n->dest_delay, 1, 15))
        return NM_ERR_ARG;
    return NM_OK;
}

static uint32_t neuron_addr(unsigned j, unsigned word)
{
    return NM_ADDR(NM_REGION_NEURON, j * NM_NEURON_STRIDE + word);
}

int nm_core_write_neuron(const nm_core_backend *b, unsigned j, const nm_neuron_cfg *n)
{
    uint32_t w[NM_NEURON_WORDS];
    unsigned k;
    int rc = NM_OK;
    nm_neuron_pack(n, w);
    for (k = 0; rc == NM_OK && k < NM_NEURON_WORDS; k++)
        rc = b->cfg_write(b->impl, neuron_addr(j, k), w[k]);
    return rc;
}

int nm_core_read_neuron(const nm_core_backend *b, unsigned j, nm_neuron_cfg *n)
{
    uint32_t w[NM_NEURON_WORDS];
    unsigned k;
    int rc = NM_OK;
    for (k = 0; rc == NM_OK && k < NM_NEURON_WORDS; k++)
        rc = b->cfg_read(b->impl, neuron_addr(j, k), &w[k]);
    if (rc == NM_OK)
        nm_neuron_unpack(w, n);
    return rc;
}

static int row_io(const nm_core_backend *b, unsigned region, unsigned stride, unsigned e, uint32_t *bits,
                  int write)
{
    unsigned k;
    int rc = NM_OK;
    for (k = 0; rc == NM_OK && k < b->naxons / 32; k++) {
        uint32_t a = NM_ADDR(region, e * stride + k);
        rc = write ? b->cfg_write(b->impl, a, bits[k]) : b->cfg_read(b->impl, a, &bits[k]);
    }
    return rc;
}

int nm_core_write_xbar_row(const nm_core_backend *b, unsigned j, const uint32_t *bits)
{
    return row_io(b, NM_REGION_XBAR, NM_XBAR_STRIDE, j, (uint32_t *)bits, 1);
}

int nm_core_read_xbar_row(const nm_core_backend *b, unsigned j, uint32_t *bits)
{
    return row_io(b, NM_REGION_XBAR, NM_XBAR_STRIDE, j, bits, 0);
}

int nm_core_write_sched_row(const nm_core_backend *b, unsigned row, const uint32_t *bits)
{
    return row_io(b, NM_REGION_SCHED, NM_SCHED_STRIDE, row, (uint32_t *)bits, 1);
}

int nm_core_read_sched_row(const nm_core_backend *b, unsigned row, uint32_t *bits)
{
    return row_io(b, NM_REGION_SCHED, NM_SCHED_STRIDE, row, bits, 0);
}

int nm_core_write_axon_types(const nm_core_backend *b, const uint8_t *types)
{
    unsigned k, i;
    int rc = NM_OK;
    for (k = 0; rc == NM_OK && k < b->naxons / 16; k++) {
        uint32_t w = 0;
        for (i = 0; i < 16; i++)
            w |= (uint32_t)(types[k * 16 + i] & 3u) << (2 * i);
        rc = b->cfg_write(b->impl, NM_ADDR(NM_REGION_AXTYPE, k), w);
    }
    return rc;
}

int nm_core_read_axon_types(const nm_core_backend *b, uint8_t *types)
{
    unsigned k, i;
    int rc = NM_OK;
    for (k = 0; rc == NM_OK && k < b->naxons / 16; k++) {
        uint32_t w = 0;
        rc = b->cfg_read(b->impl, NM_ADDR(NM_REGION_AXTYPE, k), &w);
        for (i = 0; i < 16; i++)
            types[k * 16 + i] = (uint8_t)((w >> (2 * i)) & 3u);
    }
    return rc;
}

int nm_core_write_prng(const nm_core_backend *b, uint32_t seed)
{
    return b->cfg_write(b->impl, NM_ADDR(NM_REGION_CTRL, NM_CTRL_PRNG), seed);
}

int nm_core_read_prng(const nm_core_backend *b, uint32_t *state)
{
    return b->cfg_read(b->impl, NM_ADDR(NM_REGION_CTRL, NM_CTRL_PRNG), state);
}

int nm_core_read_counters(const nm_core_backend *b, uint32_t c[8])
{
    unsigned k;
    int rc = NM_OK;
    for (k = 0; rc == NM_OK && k < NM_COUNTER_NREGS; k++)
        rc = b->cfg_read(b->impl, NM_ADDR(NM_REGION_COUNTER, k), &c[k]);
    return rc;
}

int nm_core_clear_counters(const nm_core_backend *b)
{
    unsigned k;
    int rc = NM_OK;
    for (k = 0; rc == NM_OK && k < NM_COUNTER_NREGS; k++)
        rc = b->cfg_write(b->impl, NM_ADDR(NM_REGION_COUNTER, k), 0);
    return rc;
}

int nm_core_read_tickptr(const nm_core_backend *b, unsigned *cur)
{
    uint32_t v = 0;
    int rc = b->cfg_read(b->impl, NM_ADDR(NM_REGION_CTRL, NM_CTRL_TICKPTR), &v);
    *cur = v & NM_CTRL_TICKPTR_CUR_MASK;
    return rc;
}

int nm_core_read_v(const nm_core_backend *b, unsigned j, int32_t *v)
{
    uint32_t w = 0;
    int rc = b->cfg_read(b->impl, neuron_addr(j, NM_NEURON_STATE), &w);
    *v = nm_sext(w & NM_NEURON_STATE_V_MASK, NM_NEURON_STATE_V_WIDTH);
    return rc;
}
