/* nm_ref_core.c - the reference model of one core (docs/neuron-model.md). */
#include "nm_ref_core.h"

#include <stdlib.h>
#include <string.h>

#include "nm_core_prog.h"
#include "nm_regmap.h"

#define XW 8u                   /* 32-bit words per axon row (one bit per neuron) */
#define V_MAX 524287
#define V_MIN (-524288)

/* Hot loops are compiled twice where GCC can: AVX2 and the baseline, picked at load by an
 * ifunc resolver. Not under ThreadSanitizer: the resolvers run while the program is being
 * loaded, before TSan is initialised, and the instrumented resolver crashes there (GCC
 * 12), so a TSan build runs the baseline only (the same results: the clones are one
 * source). */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && !defined(__SANITIZE_THREAD__)
#define NM_HOT __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define NM_HOT
#endif

/* Neuron mode bits packed for the vector loop (decoded from NEURON.MODE). */
#define MODE_EPS   1
#define MODE_KAPPA 2
#define MODE_GAMMA_SHIFT 2

/* Decoded parameters of every neuron, one array per field: allocated only for cores that
 * need them per neuron (parameter sets that differ between neurons, or any stochastic
 * neuron); a deterministic core with one parameter set runs from its u_* fields. */
typedef struct nm_params {
    int32_t  s[4][NM_MAX_NEURONS] __attribute__((aligned(32)));
    int32_t  lambda[NM_MAX_NEURONS], alpha[NM_MAX_NEURONS], beta[NM_MAX_NEURONS];
    int32_t  R[NM_MAX_NEURONS], mode[NM_MAX_NEURONS];
    uint8_t  bmask[NM_MAX_NEURONS], c_lambda[NM_MAX_NEURONS], tm[NM_MAX_NEURONS];
    uint8_t  nx[NM_MAX_NEURONS];    /* draws after the synapses: (c_lambda != 0) + (tm != 0) */
    uint32_t smask[4][XW];          /* bit j: neuron j's synapses of type g are stochastic */
} nm_params;

/* The state of one core. The crossbar is kept axon-major: xbar[a] holds one bit per
 * neuron, so a tick touches only the rows of the axons that are active (event-driven,
 * like the RTL). NEURON words 0..4 (the parameters) are stored once per distinct set in
 * a small table that neurons index (most networks use few sets); the DEST word is kept
 * decoded and re-encoded on read-back. */
struct nm_ref_core {
    /* hot: what every tick reads, first and together */
    unsigned naxons, nneurons;
    unsigned cur;
    uint32_t prng;
    int dirty;          /* NEURON words changed since analyse() */
    int deterministic;  /* no neuron uses a stochastic synapse, leak or threshold */
    int synapse_draws;  /* the only draws are stochastic synapses (no stochastic leak
                         * or threshold): leak and threshold can run as a vector loop */
    int uniform;        /* every neuron has the words 0..4 of neuron 0 (DEST may differ) */
    int smag;           /* the largest |s| of a stochastic synapse (any neuron and type),
                         * -1 without one: an event can add only when its draw's low byte
                         * is at most this (see integrate_rare) */
    int det_syn;        /* some neuron has a deterministic synapse type of nonzero weight */
    nm_core_opts opts;
    nm_params *px;      /* per-neuron decoded parameters, or NULL (see nm_params) */
    uint32_t cnt[NM_COUNTER_NREGS];
    int32_t  u_s[4], u_lambda, u_alpha, u_beta, u_R, u_mode; /* neuron 0's, when uniform */
    uint64_t sched[16][4] __attribute__((aligned(64)));
    int32_t  V[NM_MAX_NEURONS] __attribute__((aligned(64)));
    uint8_t  types[NM_MAX_AXONS];
    uint32_t xbar[NM_MAX_AXONS][XW] __attribute__((aligned(32)));
    nm_pkt   dest[NM_MAX_NEURONS];
    /* cold: crossbar words written since the last tick, neuron-major (XBAR words as the
     * config port sees them), or NULL; transposed into xbar by blocks of 32 x 32 when the
     * last word is written or before the next tick (see stage_flush) */
    uint32_t (*xstage)[XW];
    int xbar_any;       /* xbar may hold a set bit */
    /* cold: the parameter sets (NEURON words 0..4 as written, masked) */
    uint16_t pidx[NM_MAX_NEURONS];  /* neuron j's set */
    uint32_t (*pset)[5];            /* npset entries (cap pcap) */
    uint16_t *pref;                 /* neurons using each entry (0: free) */
    uint16_t *pfree;                /* free entries, a stack of nfree */
    unsigned npset, pcap, nfree, phint;
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

static int xbit(const nm_ref_core *c, unsigned a, unsigned j)
{
    return (int)((c->xbar[a][j / 32] >> (j % 32)) & 1u);
}

/* The decoded fields of one parameter set (NEURON words 0..4). */
typedef struct pdec {
    int32_t s[4], lambda, alpha, beta, R, mode;
    uint8_t bmask, c_lambda, tm;
} pdec;

static void decode_set(const uint32_t *w, pdec *d)
{
    uint32_t gamma, kappa, eps;
    d->s[0] = sext(field(w[0], NM_NEURON_SYN_S0_LSB, NM_NEURON_SYN_S0_MASK), 9);
    d->s[1] = sext(field(w[0], NM_NEURON_SYN_S1_LSB, NM_NEURON_SYN_S1_MASK), 9);
    d->s[2] = sext(field(w[0], NM_NEURON_SYN_S2_LSB, NM_NEURON_SYN_S2_MASK), 9);
    d->s[3] = sext(field(w[1], NM_NEURON_MODE_S3_LSB, NM_NEURON_MODE_S3_MASK), 9);
    d->bmask = (uint8_t)field(w[1], NM_NEURON_MODE_B_LSB, NM_NEURON_MODE_B_MASK);
    d->lambda = sext(field(w[1], NM_NEURON_MODE_LAMBDA_LSB, NM_NEURON_MODE_LAMBDA_MASK), 9);
    d->c_lambda = (uint8_t)field(w[1], NM_NEURON_MODE_C_LAMBDA_LSB, NM_NEURON_MODE_C_LAMBDA_MASK);
    eps = field(w[1], NM_NEURON_MODE_EPSILON_LSB, NM_NEURON_MODE_EPSILON_MASK);
    gamma = field(w[1], NM_NEURON_MODE_GAMMA_LSB, NM_NEURON_MODE_GAMMA_MASK);
    kappa = field(w[1], NM_NEURON_MODE_KAPPA_LSB, NM_NEURON_MODE_KAPPA_MASK);
    d->mode = (int32_t)(eps * MODE_EPS | kappa * MODE_KAPPA | gamma << MODE_GAMMA_SHIFT);
    d->tm = (uint8_t)field(w[1], NM_NEURON_MODE_TM_LSB, NM_NEURON_MODE_TM_MASK);
    d->alpha = (int32_t)field(w[2], NM_NEURON_ALPHA_ALPHA_LSB, NM_NEURON_ALPHA_ALPHA_MASK);
    d->beta = (int32_t)field(w[3], NM_NEURON_BETA_BETA_LSB, NM_NEURON_BETA_BETA_MASK);
    d->R = sext(field(w[4], NM_NEURON_RESET_R_LSB, NM_NEURON_RESET_R_MASK), 18);
}

static void decode_dest(nm_ref_core *c, unsigned j, uint32_t w)
{
    c->dest[j].dx = (int16_t)sext(field(w, NM_NEURON_DEST_DX_LSB, NM_NEURON_DEST_DX_MASK), 9);
    c->dest[j].dy = (int16_t)sext(field(w, NM_NEURON_DEST_DY_LSB, NM_NEURON_DEST_DY_MASK), 9);
    c->dest[j].axon = (uint8_t)field(w, NM_NEURON_DEST_AXON_LSB, NM_NEURON_DEST_AXON_MASK);
    c->dest[j].delay = (uint8_t)field(w, NM_NEURON_DEST_DELAY_LSB, NM_NEURON_DEST_DELAY_MASK);
}

/* The DEST word of neuron j, re-encoded from its decoded fields (every bit the mask
 * keeps is one of them, so this is the word as written). */
static uint32_t encode_dest(const nm_ref_core *c, unsigned j)
{
    const nm_pkt *d = &c->dest[j];
    return ((uint32_t)d->dx & NM_NEURON_DEST_DX_MASK) << NM_NEURON_DEST_DX_LSB |
           ((uint32_t)d->dy & NM_NEURON_DEST_DY_MASK) << NM_NEURON_DEST_DY_LSB |
           ((uint32_t)d->axon & NM_NEURON_DEST_AXON_MASK) << NM_NEURON_DEST_AXON_LSB |
           ((uint32_t)d->delay & NM_NEURON_DEST_DELAY_MASK) << NM_NEURON_DEST_DELAY_LSB;
}

/* ------------------------------------------------------------------ parameter sets */

/* A free table entry (grown as needed), or -1 on no memory. Never more than
 * nneurons + 1 entries are in use: each in-use entry but the one being written has a
 * neuron. */
static int pset_alloc(nm_ref_core *c)
{
    if (c->nfree)
        return c->pfree[--c->nfree];
    if (c->npset == c->pcap) {
        unsigned cap = c->pcap ? 2 * c->pcap : 4;
        void *a, *b, *f;
        if (cap > c->nneurons + 1)
            cap = c->nneurons + 1;
        if (cap <= c->pcap)
            return -1;
        a = realloc(c->pset, cap * sizeof *c->pset);
        if (a)
            c->pset = a;
        b = realloc(c->pref, cap * sizeof *c->pref);
        if (b)
            c->pref = b;
        f = realloc(c->pfree, cap * sizeof *c->pfree);
        if (f)
            c->pfree = f;
        if (!a || !b || !f)
            return -1;
        c->pcap = cap;
    }
    c->pref[c->npset] = 0;
    return (int)c->npset++;
}

static void pset_release(nm_ref_core *c, unsigned e)
{
    if (--c->pref[e] == 0)
        c->pfree[c->nfree++] = (uint16_t)e;
}

/* Word w (0..4) of neuron j becomes v: the neuron moves to an entry holding its new
 * words (the hint, the previous neuron's, or its own entry changed in place when no
 * other neuron shares it, else a new one). NM_ERR_CFG on no memory. */
static int pset_write(nm_ref_core *c, unsigned j, unsigned w, uint32_t v)
{
    const unsigned e = c->pidx[j];
    uint32_t t[5];
    unsigned k, cand[2];
    int f;
    if (c->pset[e][w] == v)
        return NM_OK;
    memcpy(t, c->pset[e], sizeof t);
    t[w] = v;
    c->dirty = 1;
    cand[0] = c->phint;
    cand[1] = c->pidx[j ? j - 1 : 0];
    for (k = 0; k < 2; k++) {
        const unsigned h = cand[k];
        if (h != e && h < c->npset && c->pref[h] && !memcmp(c->pset[h], t, sizeof t)) {
            c->pref[h]++;
            c->pidx[j] = (uint16_t)h;
            pset_release(c, e);
            return NM_OK;
        }
    }
    if (c->pref[e] == 1) {
        c->pset[e][w] = v;
        c->phint = e;
        return NM_OK;
    }
    f = pset_alloc(c);
    if (f < 0)
        return NM_ERR_CFG;
    memcpy(c->pset[f], t, sizeof t);
    c->pref[f] = 1;
    c->pidx[j] = (uint16_t)f;
    c->phint = (unsigned)f;
    pset_release(c, e);
    return NM_OK;
}

/* Which tick kernel the neurons allow (recomputed after NEURON writes), and the
 * per-neuron parameter arrays for the kernels that read them. */
static int analyse(nm_ref_core *c)
{
    unsigned j, g;
    int leak_or_threshold_draws = 0;
    const uint32_t *w0 = c->pset[c->pidx[0]];
    pdec d;
    c->deterministic = 1;
    c->uniform = 1;
    for (j = 0; j < c->nneurons; j++) {
        const uint32_t *w = c->pset[c->pidx[j]];
        const uint32_t mode = w[1];
        if (field(mode, NM_NEURON_MODE_B_LSB, NM_NEURON_MODE_B_MASK) ||
            field(mode, NM_NEURON_MODE_C_LAMBDA_LSB, NM_NEURON_MODE_C_LAMBDA_MASK) ||
            field(mode, NM_NEURON_MODE_TM_LSB, NM_NEURON_MODE_TM_MASK))
            c->deterministic = 0;
        if (field(mode, NM_NEURON_MODE_C_LAMBDA_LSB, NM_NEURON_MODE_C_LAMBDA_MASK) ||
            field(mode, NM_NEURON_MODE_TM_LSB, NM_NEURON_MODE_TM_MASK))
            leak_or_threshold_draws = 1;
        if (w != w0 && memcmp(w, w0, 5 * sizeof(uint32_t)))
            c->uniform = 0;
    }
    c->synapse_draws = !c->deterministic && !leak_or_threshold_draws;
    c->smag = -1;
    c->det_syn = 0;
    decode_set(w0, &d);
    for (g = 0; g < 4; g++)
        c->u_s[g] = d.s[g];
    c->u_lambda = d.lambda;
    c->u_alpha = d.alpha;
    c->u_beta = d.beta;
    c->u_R = d.R;
    c->u_mode = d.mode;
    if (c->uniform && c->deterministic) {
        free(c->px);
        c->px = NULL;
    } else {
        if (!c->px && posix_memalign((void **)&c->px, 64, sizeof *c->px))
            c->px = NULL;
        if (!c->px) {
            c->dirty = 1;
            return -1;
        }
        for (j = 0; j < c->nneurons; j++) {
            nm_params *p = c->px;
            if (j == 0 || c->pidx[j] != c->pidx[j - 1])
                decode_set(c->pset[c->pidx[j]], &d);
            for (g = 0; g < 4; g++)
                p->s[g][j] = d.s[g];
            p->lambda[j] = d.lambda;
            p->alpha[j] = d.alpha;
            p->beta[j] = d.beta;
            p->R[j] = d.R;
            p->mode[j] = d.mode;
            p->bmask[j] = d.bmask;
            p->c_lambda[j] = d.c_lambda;
            p->tm[j] = d.tm;
            p->nx[j] = (uint8_t)((d.c_lambda != 0) + (d.tm != 0));
            for (g = 0; g < 4; g++) {
                if (d.bmask >> g & 1u && (d.s[g] < 0 ? -d.s[g] : d.s[g]) > c->smag)
                    c->smag = d.s[g] < 0 ? -d.s[g] : d.s[g];
                if (!(d.bmask >> g & 1u) && d.s[g] != 0)
                    c->det_syn = 1;
            }
        }
        memset(c->px->smask, 0, sizeof c->px->smask);
        for (j = 0; j < c->nneurons; j++)
            for (g = 0; g < 4; g++)
                if (c->px->bmask[j] >> g & 1u)
                    c->px->smask[g][j / 32] |= 1u << (j % 32);
    }
    c->dirty = 0;
    return 0;
}

static void row_set_word(uint64_t *row, unsigned k, uint32_t v)
{
    unsigned sh = 32 * (k % 2);
    row[k / 2] = (row[k / 2] & ~(0xffffffffull << sh)) | ((uint64_t)v << sh);
}

/* Transpose a 32 x 32 bit matrix in place: bit c of a[r] becomes bit r of a[c]
 * (Hacker's Delight 7-3, for bit 0 as column 0). */
static void transpose32(uint32_t *a)
{
    unsigned j, k;
    uint32_t m, t;
    for (j = 16, m = 0x0000ffffu; j; j >>= 1, m ^= m << j)
        for (k = 0; k < 32; k = (k + j + 1) & ~j) {
            t = ((a[k] >> j) ^ a[k + j]) & m;
            a[k] ^= t << j;
            a[k + j] ^= t;
        }
}

/* Start taking crossbar writes neuron-major (a whole core is written row after row when
 * an image is loaded: 2,048 words, each a scatter of 32 bits into the axon rows
 * otherwise). 0, or -1 on no memory (the writes then go to the rows one by one). */
static int stage_begin(nm_ref_core *c)
{
    unsigned nb, k, i;
    uint32_t a[32];
    if (posix_memalign((void **)&c->xstage, 64, NM_MAX_NEURONS * sizeof *c->xstage)) {
        c->xstage = NULL;
        return -1;
    }
    if (!c->xbar_any) {
        memset(c->xstage, 0, NM_MAX_NEURONS * sizeof *c->xstage);
        return 0;
    }
    for (nb = 0; nb < XW; nb++)
        for (k = 0; k < XW; k++) {
            for (i = 0; i < 32; i++)
                a[i] = c->xbar[32 * k + i][nb];
            transpose32(a);
            for (i = 0; i < 32; i++)
                c->xstage[32 * nb + i][k] = a[i];
        }
    return 0;
}

/* Eight 32-bit lanes, unsigned (GCC vector extension); only ever a local. */
typedef uint32_t v8su __attribute__((vector_size(32)));

/* One xorshift32 step (docs/neuron-model.md, the PRNG) of 16 chains at once, in two vectors. */
static inline __attribute__((always_inline)) void xorshift32_x16(v8su *a, v8su *b)
{
    *a ^= *a << 13;
    *a ^= *a >> 17;
    *a ^= *a << 5;
    *b ^= *b << 13;
    *b ^= *b >> 17;
    *b ^= *b << 5;
}

/* The staged words into the axon rows: row i of stage block nb holds the 8 words of one
 * neuron, one lane per axon block k, so the 32 x 32 transposes of the 8 blocks of a
 * neuron block run together, lane by lane (transpose32's steps on vectors). */
NM_HOT static void stage_flush(nm_ref_core *c)
{
    unsigned nb, i, j, k, l;
    v8su a[32], m, t;
    for (nb = 0; nb < XW; nb++) {
        for (i = 0; i < 32; i++)
            memcpy(&a[i], c->xstage[32 * nb + i], sizeof a[i]);
        for (j = 16, l = 0x0000ffffu; j; j >>= 1, l ^= l << j) {
            m = (v8su){l, l, l, l, l, l, l, l};
            for (k = 0; k < 32; k = (k + j + 1) & ~j) {
                t = ((a[k] >> j) ^ a[k + j]) & m;
                a[k] ^= t << j;
                a[k + j] ^= t;
            }
        }
        for (i = 0; i < 32; i++)
            for (k = 0; k < XW; k++)
                c->xbar[32 * k + i][nb] = a[i][k];
    }
    free(c->xstage);
    c->xstage = NULL;
    c->xbar_any = 1;
}

/* Crossbar word k of neuron j (axons 32k..32k+31), gathered from the axon rows. */
static uint32_t xbar_word(const nm_ref_core *c, unsigned j, unsigned k)
{
    uint32_t v = 0;
    unsigned i;
    if (c->xstage)
        return c->xstage[j][k];
    for (i = 0; i < 32; i++)
        v |= (uint32_t)xbit(c, 32 * k + i, j) << i;
    return v;
}

static void xbar_set_word(nm_ref_core *c, unsigned j, unsigned k, uint32_t v)
{
    unsigned i;
    if (c->xstage || stage_begin(c) == 0) {
        c->xstage[j][k] = v;
        if (j == c->nneurons - 1 && k == c->naxons / 32 - 1)
            stage_flush(c); /* the last word: a whole core written in order is done */
        return;
    }
    c->xbar_any = 1;
    for (i = 0; i < 32; i++) {
        unsigned a = 32 * k + i;
        uint32_t bit = 1u << (j % 32);
        if ((v >> i) & 1u)
            c->xbar[a][j / 32] |= bit;
        else
            c->xbar[a][j / 32] &= ~bit;
    }
}

/* ------------------------------------------------------------------ life cycle */

nm_ref_core *nm_ref_core_new(unsigned naxons, unsigned nneurons, const nm_core_opts *opts)
{
    nm_ref_core *c;
    if ((naxons != 32 && naxons != 64 && naxons != 128 && naxons != 256) || nneurons < 1 ||
        nneurons > NM_MAX_NEURONS)
        return NULL;
    if (posix_memalign((void **)&c, 64, sizeof *c))
        return NULL;
    memset(c, 0, sizeof *c);
    c->naxons = naxons;
    c->nneurons = nneurons;
    if (opts)
        c->opts = *opts;
    c->prng = NM_CTRL_PRNG_STATE_RESET;
    c->dirty = 1;
    /* one parameter set, all zero, that every neuron uses */
    if (pset_alloc(c) != 0) {
        nm_ref_core_free(c);
        return NULL;
    }
    memset(c->pset[0], 0, sizeof c->pset[0]);
    c->pref[0] = (uint16_t)nneurons;
    return c;
}

void nm_ref_core_free(nm_ref_core *c)
{
    if (!c)
        return;
    free(c->px);
    free(c->xstage);
    free(c->pset);
    free(c->pref);
    free(c->pfree);
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
        return NM_OK;
    case NM_REGION_XBAR:
        xbar_set_word(c, elem, word, data);
        return NM_OK;
    case NM_REGION_NEURON:
        if (word == NM_NEURON_STATE) {
            c->V[elem] = sext(data & NM_NEURON_STATE_V_MASK, NM_NEURON_STATE_V_WIDTH);
        } else {
            data &= nm_neuron_word_mask(word);
            if (word == NM_NEURON_DEST)
                decode_dest(c, elem, data);
            else
                return pset_write(c, elem, word, data);
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
    case NM_REGION_XBAR: v = xbar_word(c, elem, word); break;
    case NM_REGION_NEURON:
        if (word == NM_NEURON_STATE)
            v = (uint32_t)c->V[elem] & NM_NEURON_STATE_V_MASK;
        else if (word == NM_NEURON_DEST)
            v = encode_dest(c, elem);
        else
            v = c->pset[c->pidx[elem]][word];
        break;
    case NM_REGION_SCHED: v = (uint32_t)(c->sched[elem][word / 2] >> (32 * (word % 2))); break;
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

void nm_ref_core_prefetch(const nm_ref_core *c, int stage)
{
    unsigned k, w;
    if (stage == 0) {
        __builtin_prefetch(c, 1);
        __builtin_prefetch(&c->sched[(c->cur + 1) & 15u], 1);
        return;
    }
    /* the rows of the axons the next tick reads (its scheduler row is cached now) */
    for (w = 0; w < 4; w++) {
        uint64_t h = c->sched[(c->cur + 1) & 15u][w];
        while (h) {
            __builtin_prefetch(c->xbar[w * 64 + (unsigned)__builtin_ctzll(h)]);
            h &= h - 1;
        }
    }
    for (k = 0; k < c->nneurons; k += 16)
        __builtin_prefetch(&c->V[k], 1);
    if (c->px && !c->deterministic) {
        __builtin_prefetch(&c->px->smask[0][0]); /* read by plan_draws */
        __builtin_prefetch(&c->px->smask[2][0]);
    }
    for (k = 0; k < c->naxons; k += 64)
        __builtin_prefetch(&c->types[k]);
}

void nm_ref_core_deliver(nm_ref_core *const *cores, const nm_ref_delivery *d, size_t n)
{
    enum { AHEAD = 16 };
    size_t i;
    for (i = 0; i < n && i < AHEAD; i++)
        __builtin_prefetch(cores[d[i].core], 1);
    for (i = 0; i < n; i++) {
        nm_ref_core *c = cores[d[i].core];
        if (i + AHEAD < n)
            __builtin_prefetch(cores[d[i + AHEAD].core], 1);
        if (i + AHEAD / 2 < n) {
            const nm_ref_core *f = cores[d[i + AHEAD / 2].core];
            __builtin_prefetch(&f->sched[(f->cur + d[i + AHEAD / 2].delay) & 15u][d[i + AHEAD / 2].axon / 64], 1);
        }
        sched_set(c, c->cur + d[i].delay, d[i].axon);
    }
}

int nm_ref_core_inject(nm_ref_core *c, unsigned axon, unsigned delay)
{
    if (axon > 255 || delay > 15)
        return NM_ERR_ARG;
    sched_set(c, c->cur + delay, axon);
    return NM_OK;
}

/* Deterministic kernel, the same arithmetic as the scalar one in vector form: every
 * event adds its weight, the sum is order-independent because the accumulator cannot
 * overflow (docs/neuron-model.md s4), so events are added axon by axon. `uni` is a
 * compile-time constant after inlining: 1 reads each parameter of neuron 0 once. */
/* Eight 32-bit lanes (GCC vector extension; AVX2 in the x86-64-v3 clone, two SSE
 * registers in the baseline). Only ever a local, never passed by value. */
typedef int32_t v8si __attribute__((vector_size(32)));

/* bytemask[b][k]: all ones when bit k of b is set; turns 8 crossbar bits into 8 lanes. */
#define BM(b, k) ((((b) >> (k)) & 1) ? -1 : 0)
#define BM_ROW(b) {BM(b, 0), BM(b, 1), BM(b, 2), BM(b, 3), BM(b, 4), BM(b, 5), BM(b, 6), BM(b, 7)}
#define BM_4(b) BM_ROW(b), BM_ROW((b) + 1), BM_ROW((b) + 2), BM_ROW((b) + 3)
#define BM_16(b) BM_4(b), BM_4((b) + 4), BM_4((b) + 8), BM_4((b) + 12)
#define BM_64(b) BM_16(b), BM_16((b) + 16), BM_16((b) + 32), BM_16((b) + 48)
static const int32_t bytemask[256][8] __attribute__((aligned(32))) = {BM_64(0), BM_64(64), BM_64(128), BM_64(192)};

/* acc[k] += the weight of lane k (s0 when uni, else sg[k]) for every set bit k of bits:
 * 32 lanes, 8 at a time through bytemask. */
static inline __attribute__((always_inline)) void
add_masked32(int32_t *acc, uint32_t bits, int uni, int32_t s0, const int32_t *sg)
{
    unsigned by;
    for (by = 0; by < 4; by++) {
        v8si m, a8, w8;
        memcpy(&m, bytemask[(bits >> (8 * by)) & 0xffu], sizeof m);
        memcpy(&a8, acc + 8 * by, sizeof a8);
        if (uni) {
            a8 += m & s0;
        } else {
            memcpy(&w8, sg + 8 * by, sizeof w8);
            a8 += m & w8;
        }
        memcpy(acc + 8 * by, &a8, sizeof a8);
    }
}

/* Bit-sliced counters of one axon type: plane p holds bit p of every neuron's count of
 * active connected axons of that type (256 neurons as one 4 x 64-bit vector). Adding a
 * crossbar row is a ripple of AND/XOR through the planes; there are just enough planes
 * for the number of active axons of the type, so the ripple needs no test. */
typedef uint64_t v4du __attribute__((vector_size(32)));

typedef struct bitslice {
    v4du plane[9];
    unsigned np;
} bitslice;

static inline __attribute__((always_inline)) void bs_add(bitslice *b, const uint32_t *row32)
{
    v4du carry, t;
    unsigned p;
    memcpy(&carry, row32, sizeof carry);
    for (p = 0; p < b->np; p++) {
        t = b->plane[p] & carry;
        b->plane[p] ^= carry;
        carry = t;
    }
}

/* Leak, threshold, fire and reset of every neuron after integration (V holds the
 * accumulator). `uni`: one parameter set (neuron 0's); `mc`: the mode bits when they are
 * a constant of the loop, else -1. Both are compile-time constants after inlining, so
 * each combination becomes its own branch-free vector loop. */
static inline __attribute__((always_inline)) void det_update(nm_ref_core *c, uint8_t *fired, int uni, int mc)
{
    const int32_t l0 = c->u_lambda, a0 = c->u_alpha, b0 = c->u_beta, r0 = c->u_R;
    const unsigned n = c->nneurons;
    int32_t *V = c->V;
    unsigned j;
    for (j = 0; j < n; j++) {
        const int32_t lam = uni ? l0 : c->px->lambda[j], al = uni ? a0 : c->px->alpha[j];
        const int32_t be = uni ? b0 : c->px->beta[j], r = uni ? r0 : c->px->R[j], m = mc >= 0 ? mc : c->px->mode[j];
        const int32_t gamma = m >> MODE_GAMMA_SHIFT;
        int32_t v = V[j], omega, vf, vn, fire;
        v = v > V_MAX ? V_MAX : (v < V_MIN ? V_MIN : v);
        omega = (m & MODE_EPS) ? (v > 0) - (v < 0) : 1;
        v += omega * lam;
        v = v > V_MAX ? V_MAX : (v < V_MIN ? V_MIN : v);
        fire = v >= al;
        vf = gamma == 0 ? r : (gamma == 1 ? v - al : v);
        if (m & MODE_KAPPA)
            vn = v < -be ? -be : v;
        else
            vn = v < -be ? (gamma == 0 ? -r : (gamma == 1 ? v + be : v)) : v;
        V[j] = fire ? vf : vn;
        fired[j] = (uint8_t)fire;
    }
}

static inline __attribute__((always_inline)) void
det_kernel(nm_ref_core *c, const uint8_t *act, unsigned nact, uint8_t *fired, int uni)
{
    int32_t *acc = c->V;   /* integrate in place: V is rewritten below anyway */
    const unsigned n = c->nneurons, nw = (n + 31) / 32;
    unsigned i, w, j;
    if (nact > 8) {
        /* many active axons: count them per type and neuron, then weigh the counts */
        bitslice bs[4];
        unsigned g, p;
        unsigned count[4] = {0, 0, 0, 0};
        for (i = 0; i < nact; i++)
            count[c->types[act[i]]]++;
        for (g = 0; g < 4; g++) {
            /* planes for counts up to count[g] */
            bs[g].np = count[g] ? 32u - (unsigned)__builtin_clz(count[g]) : 0;
            for (p = 0; p < bs[g].np; p++)
                bs[g].plane[p] = (v4du){0, 0, 0, 0};
        }
        for (i = 0; i < nact; i++)
            bs_add(&bs[c->types[act[i]]], c->xbar[act[i]]);
        for (g = 0; g < 4; g++) {
            const int32_t s0 = c->u_s[g], *sg = uni ? NULL : c->px->s[g];
            if (!bs[g].np)
                continue;
            for (j = 0; j < n; j += 8) {
                v8si cnt = {0, 0, 0, 0, 0, 0, 0, 0}, m, a8, w8;
                for (p = 0; p < bs[g].np; p++) {
                    memcpy(&m, bytemask[(bs[g].plane[p][j / 64] >> (j % 64)) & 0xffu], sizeof m);
                    cnt += m & (int32_t)(1u << p);
                }
                memcpy(&a8, acc + j, sizeof a8);
                if (uni) {
                    a8 += cnt * s0;
                } else {
                    memcpy(&w8, sg + j, sizeof w8);
                    a8 += cnt * w8;
                }
                memcpy(acc + j, &a8, sizeof a8);
            }
        }
        nact = 0; /* done */
    }
    for (i = 0; i < nact; i++) {
        const unsigned a = act[i], g = c->types[a];
        const int32_t *sg = uni ? NULL : c->px->s[g];
        const int32_t s0 = c->u_s[g];
        for (w = 0; w < nw; w++) {
            const uint32_t bits = c->xbar[a][w];
            if (!bits)
                continue;
            add_masked32(acc + 32 * w, bits, uni, s0, sg + 32 * w);
        }
    }
    if (!uni) {
        det_update(c, fired, 0, -1);
        return;
    }
    /* one parameter set: the mode bits are constants of the loop */
    switch (c->u_mode) {
#define MODE_CASE(m) \
    case m: det_update(c, fired, 1, m); break;
    MODE_CASE(0) MODE_CASE(1) MODE_CASE(2) MODE_CASE(3) MODE_CASE(4) MODE_CASE(5) MODE_CASE(6) MODE_CASE(7)
    MODE_CASE(8) MODE_CASE(9) MODE_CASE(10) MODE_CASE(11) MODE_CASE(12) MODE_CASE(13) MODE_CASE(14) MODE_CASE(15)
#undef MODE_CASE
    default: det_update(c, fired, 1, -1); break;
    }
}

/* ------------------------------------------------------------------ draws ahead */

/* Cores with stochastic neurons draw in the order of docs/neuron-model.md s3 (neuron by
 * neuron; within a neuron its stochastic synaptic events in ascending axon order, then
 * the leak, then the threshold). How many draws each neuron takes in a tick is known
 * before any is used (its stochastic events and its two flags), so the tick first counts
 * them (plan_draws: neuron j's draws are dbuf[drun[j] ...]), then generates all of them
 * at once (draws_ahead), then integrates axon by axon with each neuron taking its next
 * draw: the same draws in the same places, without the PRNG's serial chain or a walk
 * over every neuron's events. */

/* xorshift32 is linear over GF(2): k steps are a 32 x 32 bit matrix M^k. jump[p] holds
 * M^(2^p) as four 256-entry tables, one per byte of the state:
 * M^(2^p) x = jump[p][0][x & 255] ^ jump[p][1][x >> 8 & 255] ^ ... */
#define JUMP_P 16       /* 2^0 .. 2^15 steps: any jump below 65,536 (draws_rare jumps
                         * by up to 8 L, L < 4,200) */
#define DRAW_LANES 16   /* chains generated side by side */
/* the most draws one tick takes (every synapse, the leak and the threshold of every
 * neuron), plus the chains' rounding (see draws_ahead) */
#define DBUF (NM_MAX_NEURONS * (NM_MAX_AXONS + 2) + DRAW_LANES * 16 + 16)

static uint32_t jump[JUMP_P][4][256];

static uint32_t xs_step(uint32_t x)
{
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return x;
}

static uint32_t apply_cols(const uint32_t *col, uint32_t x)
{
    uint32_t r = 0;
    unsigned i;
    for (i = 0; i < 32; i++)
        if (x >> i & 1u)
            r ^= col[i];
    return r;
}

/* Run once at load, before any thread: the tables are read-only afterwards. */
__attribute__((constructor)) static void jump_init(void)
{
    uint32_t col[32], sq[32];
    unsigned p, i, b, v;
    for (i = 0; i < 32; i++)
        col[i] = xs_step(1u << i);  /* column i of M = M e_i */
    for (p = 0; p < JUMP_P; p++) {
        for (b = 0; b < 4; b++)
            for (v = 0; v < 256; v++)
                jump[p][b][v] = apply_cols(col, v << (8 * b));
        for (i = 0; i < 32; i++)
            sq[i] = apply_cols(col, col[i]); /* M^(2^(p+1)) = M^(2^p) M^(2^p) */
        memcpy(col, sq, sizeof col);
    }
}

/* The state k steps after x (k < 2^JUMP_P). */
static uint32_t jump_by(uint32_t x, unsigned k)
{
    while (k) {
        const unsigned p = (unsigned)__builtin_ctz(k);
        k &= k - 1;
        x = jump[p][0][x & 255u] ^ jump[p][1][x >> 8 & 255u] ^ jump[p][2][x >> 16 & 255u] ^ jump[p][3][x >> 24];
    }
    return x;
}

/* The next n draws of the PRNG whose state is *x, into out[0 .. n-1], in order; *x
 * becomes the state after the last (as n calls of draw()). out must have room for
 * n + DRAW_LANES * 16 + 16 words. Few draws are stepped one by one; more are split into
 * DRAW_LANES chains of L consecutive draws each (L a multiple of 16), whose starts are
 * found by jumping, stepped together in two vectors of 8 lanes, 16 steps at a time, and
 * written back chain by chain. */
static NM_HOT void draws_ahead(uint32_t *x, uint32_t *out, unsigned n)
{
    uint32_t start[DRAW_LANES], tile[16][DRAW_LANES] __attribute__((aligned(32)));
    unsigned i, k, t, t0, L;
    v8su va, vb;
    if (n < 256) {
        uint32_t s = *x;
        for (i = 0; i < n; i++)
            out[i] = s = xs_step(s);
        *x = s;
        return;
    }
    L = ((n + DRAW_LANES - 1) / DRAW_LANES + 15u) & ~15u;
    start[0] = *x;
    for (k = 1; k < DRAW_LANES; k++)
        start[k] = jump_by(start[k - 1], L);
    memcpy(&va, start, sizeof va);
    memcpy(&vb, start + 8, sizeof vb);
    for (t0 = 0; t0 < L; t0 += 16) {
        for (t = 0; t < 16; t++) {
            xorshift32_x16(&va, &vb);
            memcpy(tile[t], &va, sizeof va);
            memcpy(tile[t] + 8, &vb, sizeof vb);
        }
        for (k = 0; k < DRAW_LANES; k++) {
            uint32_t *o = out + k * L + t0;
            for (t = 0; t < 16; t++)
                o[t] = tile[t][k];
        }
    }
    *x = out[n - 1];
}

/* The next n draws of the PRNG whose state is *x, as draws_ahead, but keeping only the
 * rare ones whose low byte (rho) is at most m, each as its index << 8 | rho, into
 * cand[0 ..] (room for n); returns how many. *x becomes the state after the last draw.
 * The chains are as draws_ahead's (L = ceil(n / 16) draws each, their starts found by
 * jumping, chain k starting 2^p chains after chain k - 2^p for the lowest bit 2^p of k
 * so the jumps run side by side), stepped 16 at a time into a tile while a word per lane
 * collects one bit per step that drew a rare one; only those entries are read back. */
static NM_HOT unsigned draws_rare(uint32_t *x, unsigned n, uint32_t m, uint32_t *cand)
{
    uint32_t start[DRAW_LANES], tile[16][DRAW_LANES] __attribute__((aligned(32)));
    uint32_t hit[DRAW_LANES] __attribute__((aligned(32)));
    unsigned i, k, t, t0, tn, L, nc = 0;
    v8su va, vb, ha, hb, ha2, z = {0, 0, 0, 0, 0, 0, 0, 0};
    v8si mv;
    uint64_t any[4];
    if (n < 64) {
        uint32_t s = *x;
        for (i = 0; i < n; i++) {
            s = xs_step(s);
            if ((s & 0xffu) <= m)
                cand[nc++] = i << 8 | (s & 0xffu);
        }
        *x = s;
        return nc;
    }
    L = (n + DRAW_LANES - 1) / DRAW_LANES;
    start[0] = *x;
    for (k = 1; k < DRAW_LANES; k++)
        start[k] = jump_by(start[k & (k - 1)], (k & (0u - k)) * L);
    memcpy(&va, start, sizeof va);
    memcpy(&vb, start + 8, sizeof vb);
    mv = (v8si)z + (int32_t)m;
    for (t0 = 0; t0 < L; t0 += 16) {
        tn = L - t0 < 16 ? L - t0 : 16;
        ha = hb = z; /* per lane, bit tn - 1 - t: step t drew a rare one */
        for (t = 0; t < tn; t++) {
            xorshift32_x16(&va, &vb);
            memcpy(tile[t], &va, sizeof va);
            memcpy(tile[t] + 8, &vb, sizeof vb);
            ha = (ha << 1) - (v8su)((v8si)(va & 0xffu) <= mv);
            hb = (hb << 1) - (v8su)((v8si)(vb & 0xffu) <= mv);
        }
        ha2 = ha | hb;
        memcpy(any, &ha2, sizeof any);
        if (!(any[0] | any[1] | any[2] | any[3]))
            continue;
        memcpy(hit, &ha, sizeof ha);
        memcpy(hit + 8, &hb, sizeof hb);
        for (k = 0; k < DRAW_LANES; k++)
            for (i = hit[k]; i; i &= i - 1) {
                const uint32_t tt = tn - 1 - (unsigned)__builtin_ctz(i), v = tile[tt][k], d = k * L + t0 + tt;
                if (d < n)
                    cand[nc++] = d << 8 | (v & 0xffu);
            }
    }
    k = (n - 1) / L;
    *x = jump_by(start[k], n - k * L);
    return nc;
}

/* This thread's draws for the core being ticked, and where each neuron's next one is. */
static _Thread_local uint32_t dbuf[DBUF];
static _Thread_local int32_t drun[NM_MAX_NEURONS] __attribute__((aligned(32)));

/* The lanes of two 8-lane vectors a, b picked by index (0..7 from a, 8..15 from b). */
#if defined(__clang__)
#define LANES2(a, b, ...) __builtin_shufflevector(a, b, __VA_ARGS__)
#else
#define LANES2(a, b, ...) __builtin_shuffle(a, b, (v8si){__VA_ARGS__})
#endif

/* drun[j]: the index of neuron j's first draw this tick; returns the number of draws.
 * extra: count the leak and threshold draws too. */
static inline __attribute__((always_inline)) unsigned
plan_draws(const nm_ref_core *c, const uint8_t *act, unsigned nact, int extra)
{
    const nm_params *px = c->px;
    const unsigned n = c->nneurons, nw = (n + 31) / 32;
    int32_t cnt[NM_MAX_NEURONS] __attribute__((aligned(32)));
    const v8si zero8 = {0, 0, 0, 0, 0, 0, 0, 0};
    v8si run = zero8;
    unsigned i, w, by, j, total;
    memset(cnt, 0, sizeof cnt);
    for (i = 0; i < nact; i++) {
        const unsigned a = act[i], g = c->types[a];
        for (w = 0; w < nw; w++) {
            const uint32_t b = c->xbar[a][w] & px->smask[g][w];
            if (!b)
                continue;
            for (by = 0; by < 4; by++) {
                v8si m, c8;
                memcpy(&m, bytemask[(b >> (8 * by)) & 0xffu], sizeof m);
                memcpy(&c8, cnt + 32 * w + 8 * by, sizeof c8);
                c8 -= m;
                memcpy(cnt + 32 * w + 8 * by, &c8, sizeof c8);
            }
        }
    }
    if (extra)
        for (j = 0; j < n; j++)
            cnt[j] += px->nx[j];
    /* exclusive prefix sum, 8 neurons at a time (cnt is 0 from n on) */
    for (j = 0; j < 32 * nw; j += 8) {
        v8si x, t;
        memcpy(&x, cnt + j, sizeof x);
        t = x + LANES2(x, zero8, 8, 0, 1, 2, 3, 4, 5, 6);
        t += LANES2(t, zero8, 8, 8, 0, 1, 2, 3, 4, 5);
        t += LANES2(t, zero8, 8, 8, 8, 8, 0, 1, 2, 3);
        x = t - x + run;
        memcpy(drun + j, &x, sizeof x);
        run += LANES2(t, t, 7, 7, 7, 7, 7, 7, 7, 7);
    }
    total = (unsigned)run[0];
    return total;
}

/* Integration of every neuron, V += each event's contribution: active axons in
 * ascending order, each neuron taking its next draw for a stochastic event (so its
 * draws go to its events in ascending axon order), deterministic events added 8 neurons
 * at a time. Afterwards drun[j] is the index of neuron j's leak (or threshold) draw.
 * uni (a constant after inlining): every neuron has neuron 0's weights (c->u_s). */
static inline __attribute__((always_inline)) void
integrate_drawn(nm_ref_core *c, const uint8_t *act, unsigned nact, int uni)
{
    const nm_params *px = c->px;
    const unsigned n = c->nneurons, nw = (n + 31) / 32;
    int32_t *V = c->V;
    uint32_t *const db = dbuf;
    int32_t *const dr = drun;
    unsigned i, w;
    for (i = 0; i < nact; i++) {
        const unsigned a = act[i], g = c->types[a];
        const int32_t *sg = px->s[g], s0 = c->u_s[g];
        const int32_t mag0 = s0 < 0 ? -s0 : s0, sgn0 = (s0 > 0) - (s0 < 0);
        for (w = 0; w < nw; w++) {
            const uint32_t row = c->xbar[a][w], sm = px->smask[g][w];
            uint32_t b = row & sm;
            const uint32_t det = row & ~sm;
            while (b) {
                const unsigned j = 32 * w + (unsigned)__builtin_ctz(b);
                const int32_t s = uni ? s0 : sg[j];
                const int32_t mag = uni ? mag0 : (s < 0 ? -s : s), sn = uni ? sgn0 : (s > 0) - (s < 0);
                const int32_t rho = (int32_t)(db[dr[j]++] & 0xffu);
                b &= b - 1;
                V[j] += -(int32_t)(mag >= rho) & sn;
            }
            if (det)
                add_masked32(V + 32 * w, det, uni, s0, sg + 32 * w);
        }
    }
}

/* Integration when every stochastic synapse has a small |s| (c->smag < RARE_MAG) and the
 * only draws are the synapses': an event adds sgn(s) when |s| >= rho, so only a draw
 * with rho <= c->smag can add anything, and those are rare (at most 1 in 16). The draws
 * are counted (popcounts of the active rows' stochastic bits, per block of 32 neurons),
 * generated keeping only the rare ones (draws_rare), and each is traced back to its
 * event: its neuron is the last j whose first draw (as drun[j] of integrate_drawn) is at
 * or before its index, and it is that neuron's (index - first)-th stochastic event in
 * ascending axon order. Deterministic events are added as in integrate_drawn.
 * The same V and PRNG state as integrate_drawn, for a fraction of the work: W-stochastic
 * (|s| = 1) takes 2 in 256 of its draws. */
#define RARE_MAG 16
static inline __attribute__((always_inline)) void
integrate_rare(nm_ref_core *c, const uint8_t *act, unsigned nact, int uni)
{
    const nm_params *px = c->px;
    const unsigned n = c->nneurons, nw = (n + 31) / 32;
    uint32_t srow[NM_MAX_AXONS][XW]; /* the stochastic events of each active axon */
    uint32_t bstart[XW];             /* the first draw of each block of 32 neurons */
    int32_t *V = c->V;
    const int32_t *const dr = drun;
    unsigned i, w, q, nc, total = 0;
    int planned;
    for (w = 0; w < nw; w++) {
        bstart[w] = total;
        for (i = 0; i < nact; i++) {
            const unsigned a = act[i];
            srow[i][w] = c->xbar[a][w] & px->smask[c->types[a]][w];
            total += (unsigned)__builtin_popcount(srow[i][w]);
        }
    }
    nc = draws_rare(&c->prng, total, (uint32_t)c->smag, dbuf);
    /* Few rare draws: each finds its neuron by popcounts within its block of 32; many:
     * plan every neuron's first draw (plan_draws) and search that. The plan costs about
     * 750 + 128 nact instructions, a popcount search 24 nact - 16 more than a plan
     * search per rare draw. */
    planned = (int)nc * (24 * (int)nact - 16) > 750 + 128 * (int)nact;
    if (planned)
        plan_draws(c, act, nact, 0);
    for (i = 0; c->det_syn && i < nact; i++) { /* deterministic events of weight 0 add 0 */
        const unsigned a = act[i], g = c->types[a];
        const int32_t *sg = px->s[g], s0 = c->u_s[g];
        for (w = 0; w < nw; w++) {
            const uint32_t det = c->xbar[a][w] & ~px->smask[g][w];
            if (det)
                add_masked32(V + 32 * w, det, uni, s0, sg + 32 * w);
        }
    }
    for (q = 0; q < nc; q++) {
        const uint32_t d = dbuf[q] >> 8;
        const int32_t rho = (int32_t)(dbuf[q] & 0xffu);
        unsigned j = 0, step, k, wj, bj;
        int32_t s;
        if (planned) {
            for (step = 128; step; step >>= 1)
                if (j + step < n && (uint32_t)dr[j + step] <= d)
                    j += step;
            k = d - (uint32_t)dr[j];
            wj = j / 32;
            bj = j % 32;
        } else {
            /* its block: the last whose first draw is at or before d; in it, the last
             * neuron bj with at most d - bstart[wj] events before it */
            unsigned dd, pre;
            for (wj = 0; wj + 1 < nw && bstart[wj + 1] <= d; wj++)
                ;
            dd = d - bstart[wj];
            bj = 0;
            for (step = 16; step; step >>= 1) {
                const uint32_t mk = (1u << (bj + step)) - 1u;
                for (pre = 0, i = 0; i < nact; i++)
                    pre += (unsigned)__builtin_popcount(srow[i][wj] & mk);
                if (pre <= dd)
                    bj += step;
            }
            for (pre = 0, i = 0; i < nact; i++)
                pre += (unsigned)__builtin_popcount(srow[i][wj] & ((1u << bj) - 1u));
            k = dd - pre;
            j = 32 * wj + bj;
        }
        for (i = 0; i < nact; i++) {
            if (srow[i][wj] >> bj & 1u) {
                if (!k)
                    break;
                k--;
            }
        }
        if (i == nact)
            continue; /* not reached: every planned draw has its event */
        s = uni ? c->u_s[c->types[act[i]]] : px->s[c->types[act[i]]][j];
        if ((s < 0 ? -s : s) >= rho)
            V[j] += (s > 0) - (s < 0);
    }
}

/* Plan, draw and integrate (V becomes the accumulators); extra as for plan_draws. */
static NM_HOT void integrate_stochastic(nm_ref_core *c, const uint8_t *act, unsigned nact, int extra)
{
    unsigned ndraws;
    if (!extra && c->smag < RARE_MAG) {
        if (c->uniform)
            integrate_rare(c, act, nact, 1);
        else
            integrate_rare(c, act, nact, 0);
        return;
    }
    ndraws = plan_draws(c, act, nact, extra);
    draws_ahead(&c->prng, dbuf, ndraws);
    if (c->uniform)
        integrate_drawn(c, act, nact, 1);
    else
        integrate_drawn(c, act, nact, 0);
}

/* Any neuron: after integration, leak, threshold, fire and reset with the draws planned
 * for them (dbuf[drun[j]]: the leak's if c_lambda, then the threshold's if tm != 0),
 * branch-free as det_update: a neuron without a stochastic leak or threshold reads a
 * draw it does not use (the mask or the select discards it). */
static NM_HOT void scalar_tick(nm_ref_core *c, const uint8_t *act, unsigned nact, uint8_t *fired)
{
    const nm_params *px;
    unsigned j;
    integrate_stochastic(c, act, nact, 1);
    px = c->px;
    for (j = 0; j < c->nneurons; j++) {
        const int32_t m = px->mode[j], gamma = m >> MODE_GAMMA_SHIFT;
        const int32_t lam = px->lambda[j], al = px->alpha[j], be = px->beta[j], r = px->R[j];
        const unsigned cl = px->c_lambda[j] != 0, tmw = px->tm[j] > 17 ? 17u : px->tm[j];
        const unsigned d = (unsigned)drun[j];
        const int32_t rho = (int32_t)(dbuf[d] & 0xffu);
        const int32_t eta = (int32_t)(dbuf[d + cl] & ((1u << tmw) - 1u));
        const int32_t alam = lam < 0 ? -lam : lam, slam = (lam > 0) - (lam < 0);
        const int32_t step = cl ? (alam >= rho ? slam : 0) : lam;
        const int32_t ae = al + eta;
        int32_t v = clamp20(c->V[j]), vf, vn, fire;
        v = clamp20(v + ((m & MODE_EPS) ? sgn(v) : 1) * step);
        fire = v >= ae;
        vf = gamma == 0 ? r : (gamma == 1 ? v - ae : v);
        if (m & MODE_KAPPA)
            vn = v < -be ? -be : v;
        else
            vn = v < -(be + eta) ? (gamma == 0 ? -r : (gamma == 1 ? v + be + eta : v)) : v;
        c->V[j] = fire ? vf : vn;
        fired[j] = (uint8_t)fire;
    }
}

NM_HOT int nm_ref_core_tick_fire(nm_ref_core *c, nm_tick_out *out)
{
    uint8_t act[NM_MAX_AXONS], fired[NM_MAX_NEURONS + 8];
    uint32_t events = 0, spikes = 0;
    unsigned nact = 0, w, j;

    if (c->xstage)
        stage_flush(c);
    c->cur = (c->cur + 1) & 15u;
    for (w = 0; w < 4; w++) {
        uint64_t h = c->sched[c->cur][w];
        c->sched[c->cur][w] = 0;
        while (h) {
            unsigned a = w * 64 + (unsigned)__builtin_ctzll(h);
            h &= h - 1;
            act[nact++] = (uint8_t)a;
            for (j = 0; j < XW; j++)
                events += (uint32_t)__builtin_popcount(c->xbar[a][j]);
        }
    }
    if (c->dirty && analyse(c))
        return NM_ERR_CFG; /* no memory for the per-neuron parameters: nothing ticked */
    if (c->synapse_draws) {
        integrate_stochastic(c, act, nact, 0);
        if (c->uniform)
            det_kernel(c, act, 0, fired, 1); /* no events left: leak and threshold only */
        else
            det_kernel(c, act, 0, fired, 0);
    } else if (!c->deterministic)
        scalar_tick(c, act, nact, fired);
    else if (c->uniform)
        det_kernel(c, act, nact, fired, 1);
    else
        det_kernel(c, act, nact, fired, 0);

    /* the fired neurons first, their DEST words fetched together, then the packets */
    memset(fired + c->nneurons, 0, 8);
    for (j = 0; j < c->nneurons; j += 8) {
        uint64_t f;
        memcpy(&f, fired + j, 8);
        while (f) {
            unsigned n = j + (unsigned)__builtin_ctzll(f) / 8;
            f &= f - 1;
            out->spikes[spikes++] = (uint16_t)n;
            __builtin_prefetch(&c->dest[n]);
        }
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

void nm_ref_core_tick_packets(nm_ref_core *c, nm_tick_out *out)
{
    unsigned j;
    for (j = 0; j < out->nspikes; j++) {
        const nm_pkt *d = &c->dest[out->spikes[j]];
        out->pkts[j] = *d;
        if (c->opts.loopback && d->dx == 0 && d->dy == 0)
            sched_set(c, c->cur + d->delay, d->axon);
    }
}

int nm_ref_core_tick(nm_ref_core *c, nm_tick_out *out)
{
    int rc = nm_ref_core_tick_fire(c, out);
    nm_ref_core_tick_packets(c, out);
    return rc;
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
