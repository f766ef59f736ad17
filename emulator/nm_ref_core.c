/* nm_ref_core.c - the reference model of one core (docs/neuron-model.md). */
#include "nm_ref_core.h"

#include <stdlib.h>
#include <string.h>

#include "nm_core_prog.h"
#include "nm_regmap.h"

#define ROWW 4u                 /* 64-bit words per row at the largest geometry */
#define V_MAX 524287
#define V_MIN (-524288)

/* A neuron's parameters, decoded once when its words are written. */
typedef struct neuron {
    int32_t s[4];
    uint32_t bmask;   /* stochastic synapse bits b0..b3 */
    int32_t lambda;
    uint32_t c_lambda, epsilon, gamma, kappa, tm;
    uint32_t mask;    /* 2^min(tm,17) - 1 */
    int32_t alpha, beta, R;
    int16_t dx, dy;
    uint8_t axon, delay;
} neuron;

struct nm_ref_core {
    unsigned naxons, nneurons, rowwords;
    nm_core_opts opts;
    uint32_t prng;
    unsigned cur;
    uint32_t cnt[NM_COUNTER_NREGS];
    uint64_t sched[16][ROWW];
    uint64_t typemask[4][ROWW];  /* axons of each type */
    uint8_t  types[NM_MAX_AXONS];
    uint64_t xbar[NM_MAX_NEURONS][ROWW];
    uint32_t words[NM_MAX_NEURONS][6]; /* NEURON words 0..5 as written (masked) */
    int32_t  V[NM_MAX_NEURONS];
    neuron   n[NM_MAX_NEURONS];
};

/* ------------------------------------------------------------------ helpers */

static int32_t sext(uint32_t v, unsigned width)
{
    uint32_t m = 1u << (width - 1);
    v &= (width >= 32) ? 0xffffffffu : ((1u << width) - 1u);
    return (int32_t)((v ^ m) - m);
}

static uint32_t field(uint32_t w, unsigned lsb, uint32_t mask)
{
    return (w >> lsb) & mask;
}

static int32_t clamp20(int32_t v)
{
    return v > V_MAX ? V_MAX : (v < V_MIN ? V_MIN : v);
}

static int32_t sgn(int32_t v)
{
    return (v > 0) - (v < 0);
}

static uint32_t draw(nm_ref_core *c)
{
    uint32_t x = c->prng;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    c->prng = x;
    return x;
}

/* sgn(w) if |w| >= rho, else 0 (Cassidy's F for stochastic synapses and leak). */
static int32_t stoch_step(int32_t w, uint32_t rho)
{
    int32_t mag = w < 0 ? -w : w;
    return (mag >= (int32_t)rho) ? sgn(w) : 0;
}

static unsigned popcount64(uint64_t x)
{
    return (unsigned)__builtin_popcountll(x);
}

static unsigned ctz64(uint64_t x)
{
    return (unsigned)__builtin_ctzll(x);
}

static void decode_neuron(nm_ref_core *c, unsigned j)
{
    const uint32_t *w = c->words[j];
    neuron *n = &c->n[j];
    unsigned tm;
    n->s[0] = sext(field(w[0], NM_NEURON_SYN_S0_LSB, NM_NEURON_SYN_S0_MASK), 9);
    n->s[1] = sext(field(w[0], NM_NEURON_SYN_S1_LSB, NM_NEURON_SYN_S1_MASK), 9);
    n->s[2] = sext(field(w[0], NM_NEURON_SYN_S2_LSB, NM_NEURON_SYN_S2_MASK), 9);
    n->s[3] = sext(field(w[1], NM_NEURON_MODE_S3_LSB, NM_NEURON_MODE_S3_MASK), 9);
    n->bmask = field(w[1], NM_NEURON_MODE_B_LSB, NM_NEURON_MODE_B_MASK);
    n->lambda = sext(field(w[1], NM_NEURON_MODE_LAMBDA_LSB, NM_NEURON_MODE_LAMBDA_MASK), 9);
    n->c_lambda = field(w[1], NM_NEURON_MODE_C_LAMBDA_LSB, NM_NEURON_MODE_C_LAMBDA_MASK);
    n->epsilon = field(w[1], NM_NEURON_MODE_EPSILON_LSB, NM_NEURON_MODE_EPSILON_MASK);
    n->gamma = field(w[1], NM_NEURON_MODE_GAMMA_LSB, NM_NEURON_MODE_GAMMA_MASK);
    n->kappa = field(w[1], NM_NEURON_MODE_KAPPA_LSB, NM_NEURON_MODE_KAPPA_MASK);
    n->tm = field(w[1], NM_NEURON_MODE_TM_LSB, NM_NEURON_MODE_TM_MASK);
    tm = n->tm > 17 ? 17 : n->tm;
    n->mask = (1u << tm) - 1u;
    n->alpha = (int32_t)field(w[2], NM_NEURON_ALPHA_ALPHA_LSB, NM_NEURON_ALPHA_ALPHA_MASK);
    n->beta = (int32_t)field(w[3], NM_NEURON_BETA_BETA_LSB, NM_NEURON_BETA_BETA_MASK);
    n->R = sext(field(w[4], NM_NEURON_RESET_R_LSB, NM_NEURON_RESET_R_MASK), 18);
    n->dx = (int16_t)sext(field(w[5], NM_NEURON_DEST_DX_LSB, NM_NEURON_DEST_DX_MASK), 9);
    n->dy = (int16_t)sext(field(w[5], NM_NEURON_DEST_DY_LSB, NM_NEURON_DEST_DY_MASK), 9);
    n->axon = (uint8_t)field(w[5], NM_NEURON_DEST_AXON_LSB, NM_NEURON_DEST_AXON_MASK);
    n->delay = (uint8_t)field(w[5], NM_NEURON_DEST_DELAY_LSB, NM_NEURON_DEST_DELAY_MASK);
}

static void rebuild_typemasks(nm_ref_core *c)
{
    unsigned i;
    memset(c->typemask, 0, sizeof c->typemask);
    for (i = 0; i < c->naxons; i++)
        c->typemask[c->types[i]][i / 64] |= 1ull << (i % 64);
}

/* The 32-bit word k of a bitset row. */
static uint32_t row_word(const uint64_t *row, unsigned k)
{
    return (uint32_t)(row[k / 2] >> (32 * (k % 2)));
}

static void row_set_word(uint64_t *row, unsigned k, uint32_t v)
{
    unsigned sh = 32 * (k % 2);
    row[k / 2] = (row[k / 2] & ~(0xffffffffull << sh)) | ((uint64_t)v << sh);
}

/* ------------------------------------------------------------------ life cycle */

nm_ref_core *nm_ref_core_new(unsigned naxons, unsigned nneurons, const nm_core_opts *opts)
{
    nm_ref_core *c;
    if ((naxons != 32 && naxons != 64 && naxons != 128 && naxons != 256) || nneurons < 1 ||
        nneurons > NM_MAX_NEURONS)
        return NULL;
    c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->naxons = naxons;
    c->nneurons = nneurons;
    c->rowwords = (naxons + 63) / 64;
    if (opts)
        c->opts = *opts;
    c->prng = NM_CTRL_PRNG_STATE_RESET;
    rebuild_typemasks(c);
    return c;
}

void nm_ref_core_free(nm_ref_core *c)
{
    free(c);
}

/* ------------------------------------------------------------------ config port */

/* Decode an address: 0 if unmapped; else sets region, element and word. */
static int decode(const nm_ref_core *c, uint32_t addr, unsigned *region, unsigned *elem, unsigned *word)
{
    unsigned off;
    if (addr >> NM_ADDR_BITS)
        return 0;
    *region = addr >> NM_REGION_SHIFT;
    off = addr & ((1u << NM_REGION_SHIFT) - 1u);
    *elem = off / 8;
    *word = off % 8;
    switch (*region) {
    case NM_REGION_CTRL:
        *word = off;
        return off < NM_CTRL_NREGS;
    case NM_REGION_COUNTER:
        *word = off;
        return off < NM_COUNTER_NREGS;
    case NM_REGION_AXTYPE:
        *word = off;
        return off < c->naxons / 16;
    case NM_REGION_XBAR:
        return *elem < c->nneurons && *word < c->naxons / 32;
    case NM_REGION_NEURON:
        return *elem < c->nneurons && *word < 7;
    case NM_REGION_SCHED:
        return *elem < 16 && *word < c->naxons / 32;
    default:
        return 0;
    }
}


int nm_ref_core_cfg_write(nm_ref_core *c, uint32_t addr, uint32_t data)
{
    unsigned region, elem, word, i;
    if (!decode(c, addr, &region, &elem, &word))
        return NM_ERR_CFG;
    switch (region) {
    case NM_REGION_CTRL:
        if (word == NM_CTRL_TICKPTR)
            c->cur = data & NM_CTRL_TICKPTR_CUR_MASK;
        else if (word == NM_CTRL_PRNG)
            c->prng = data ? data : 1u;
        else
            return NM_ERR_CFG; /* ID, GEOMETRY, STATUS are read-only */
        return NM_OK;
    case NM_REGION_COUNTER:
        c->cnt[word] = data;
        return NM_OK;
    case NM_REGION_AXTYPE:
        for (i = 0; i < 16; i++)
            c->types[word * 16 + i] = (uint8_t)((data >> (2 * i)) & 3u);
        rebuild_typemasks(c);
        return NM_OK;
    case NM_REGION_XBAR:
        row_set_word(c->xbar[elem], word, data);
        return NM_OK;
    case NM_REGION_NEURON:
        if (word == NM_NEURON_STATE) {
            c->V[elem] = sext(data & NM_NEURON_STATE_V_MASK, NM_NEURON_STATE_V_WIDTH);
        } else {
            c->words[elem][word] = data & nm_neuron_word_mask(word);
            decode_neuron(c, elem);
        }
        return NM_OK;
    case NM_REGION_SCHED:
        row_set_word(c->sched[elem], word, data);
        return NM_OK;
    default:
        return NM_ERR_CFG;
    }
}

int nm_ref_core_cfg_read(nm_ref_core *c, uint32_t addr, uint32_t *data)
{
    unsigned region, elem, word, i;
    uint32_t v = 0;
    *data = 0;
    if (!decode(c, addr, &region, &elem, &word))
        return NM_ERR_CFG;
    switch (region) {
    case NM_REGION_CTRL:
        switch (word) {
        case NM_CTRL_ID: v = NM_CTRL_ID_VALUE_RESET; break;
        case NM_CTRL_GEOMETRY:
            v = (c->naxons << NM_CTRL_GEOMETRY_NAXONS_LSB) | (c->nneurons << NM_CTRL_GEOMETRY_NNEURONS_LSB);
            break;
        case NM_CTRL_STATUS: v = (uint32_t)c->cur << NM_CTRL_STATUS_CUR_LSB; break; /* never busy */
        case NM_CTRL_TICKPTR: v = c->cur; break;
        default: v = c->prng; break;
        }
        break;
    case NM_REGION_COUNTER: v = c->cnt[word]; break;
    case NM_REGION_AXTYPE:
        for (i = 0; i < 16; i++)
            v |= (uint32_t)c->types[word * 16 + i] << (2 * i);
        break;
    case NM_REGION_XBAR: v = row_word(c->xbar[elem], word); break;
    case NM_REGION_NEURON:
        v = word == NM_NEURON_STATE ? ((uint32_t)c->V[elem] & NM_NEURON_STATE_V_MASK) : c->words[elem][word];
        break;
    case NM_REGION_SCHED: v = row_word(c->sched[elem], word); break;
    default: return NM_ERR_CFG;
    }
    *data = v;
    return NM_OK;
}

/* ------------------------------------------------------------------ ticks */

static void sched_set(nm_ref_core *c, unsigned row, unsigned axon)
{
    if (axon >= c->naxons)
        return;
    c->sched[row & 15u][axon / 64] |= 1ull << (axon % 64);
    c->cnt[NM_COUNTER_SCHED_WRITES]++;
}

int nm_ref_core_inject(nm_ref_core *c, unsigned axon, unsigned delay)
{
    if (axon > 255 || delay > 15)
        return NM_ERR_ARG;
    sched_set(c, c->cur + delay, axon);
    return NM_OK;
}

/* Integration of neuron j: returns the accumulator, adds its events to *events. */
static int32_t integrate(nm_ref_core *c, unsigned j, const uint64_t *act, uint32_t *events)
{
    const neuron *n = &c->n[j];
    const uint64_t *row = c->xbar[j];
    int32_t acc = c->V[j];
    unsigned w, g;
    if (!n->bmask) {
        /* deterministic: the sum is order-independent, add per type with popcounts */
        for (w = 0; w < c->rowwords; w++) {
            uint64_t h = row[w] & act[w];
            if (!h)
                continue;
            for (g = 0; g < 4; g++) {
                unsigned k = popcount64(h & c->typemask[g][w]);
                acc += n->s[g] * (int32_t)k;
                *events += k;
            }
        }
        return acc;
    }
    /* stochastic synapses draw in ascending axon order */
    for (w = 0; w < c->rowwords; w++) {
        uint64_t h = row[w] & act[w];
        while (h) {
            unsigned i = w * 64 + ctz64(h);
            g = c->types[i];
            h &= h - 1;
            (*events)++;
            if (n->bmask >> g & 1u)
                acc += stoch_step(n->s[g], draw(c) & 0xffu);
            else
                acc += n->s[g];
        }
    }
    return acc;
}

int nm_ref_core_tick(nm_ref_core *c, nm_tick_out *out)
{
    uint64_t act[ROWW];
    uint32_t events = 0, spikes = 0;
    unsigned j;

    c->cur = (c->cur + 1) & 15u;
    memcpy(act, c->sched[c->cur], sizeof act);
    memset(c->sched[c->cur], 0, sizeof c->sched[c->cur]);

    for (j = 0; j < c->nneurons; j++) {
        const neuron *n = &c->n[j];
        int32_t v = clamp20(integrate(c, j, act, &events));
        int32_t omega = n->epsilon ? sgn(v) : 1;
        int32_t eta, ae;

        /* leak */
        if (n->c_lambda)
            v = clamp20(v + omega * stoch_step(n->lambda, draw(c) & 0xffu));
        else
            v = clamp20(v + omega * n->lambda);

        /* threshold, fire, reset */
        eta = n->tm ? (int32_t)(draw(c) & n->mask) : 0;
        ae = n->alpha + eta;
        if (v >= ae) {
            if (n->gamma == 0)
                v = n->R;
            else if (n->gamma == 1)
                v = v - ae;
            out->spikes[spikes] = (uint16_t)j;
            out->pkts[spikes].dx = n->dx;
            out->pkts[spikes].dy = n->dy;
            out->pkts[spikes].axon = n->axon;
            out->pkts[spikes].delay = n->delay;
            spikes++;
            if (c->opts.loopback && n->dx == 0 && n->dy == 0)
                sched_set(c, c->cur + n->delay, n->axon);
        } else if (n->kappa) {
            if (v < -n->beta)
                v = -n->beta;
        } else if (v < -(n->beta + eta)) {
            if (n->gamma == 0)
                v = -n->R;
            else if (n->gamma == 1)
                v = v + n->beta + eta;
        }
        c->V[j] = v;
    }

    out->nspikes = spikes;
    out->cycles = 2u + 4u * c->nneurons + events + spikes * (1u + c->opts.stall_per_pkt);
    c->cnt[NM_COUNTER_SYN_EVENTS] += events;
    c->cnt[NM_COUNTER_NEURON_UPDATES] += c->nneurons;
    c->cnt[NM_COUNTER_SPIKES] += spikes;
    c->cnt[NM_COUNTER_ROW_READS] += c->nneurons + 1u;
    c->cnt[NM_COUNTER_ROW_WRITES] += c->nneurons + 1u;
    c->cnt[NM_COUNTER_BUSY_CYCLES] += out->cycles;
    c->cnt[NM_COUNTER_STALL_CYCLES] += spikes * c->opts.stall_per_pkt;
    return NM_OK;
}

/* ------------------------------------------------------------------ backend */

static int be_write(void *impl, uint32_t addr, uint32_t data)
{
    return nm_ref_core_cfg_write(impl, addr, data);
}
static int be_read(void *impl, uint32_t addr, uint32_t *data)
{
    return nm_ref_core_cfg_read(impl, addr, data);
}
static int be_inject(void *impl, unsigned axon, unsigned delay)
{
    return nm_ref_core_inject(impl, axon, delay);
}
static int be_tick(void *impl, nm_tick_out *out)
{
    return nm_ref_core_tick(impl, out);
}
static void be_free(void *impl)
{
    nm_ref_core_free(impl);
}

void nm_ref_core_backend(nm_core_backend *b, nm_ref_core *c)
{
    b->name = "ref";
    b->impl = c;
    b->naxons = c->naxons;
    b->nneurons = c->nneurons;
    b->cfg_write = be_write;
    b->cfg_read = be_read;
    b->inject = be_inject;
    b->tick = be_tick;
    b->free = be_free;
}
