/* nm_loihi_ref.c - the C reference model of one Loihi-style CUBA core (docs/loihi-core.md). */
#define _DEFAULT_SOURCE 1 /* madvise's MADV_HUGEPAGE (the arena below); only a hint */
#include <stdlib.h>
#include <string.h>
#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#define NM_X86_AVX2 1 /* an AVX2 compartment update, used when the CPU has AVX2 */
#endif

#include "nm_loihi_ref_impl.h"

#if defined(__linux__)
#include <sys/mman.h>
#endif

#define V_MAX ((1 << 23) - 1)
#define RUN16 16u /* delivery stages a run of up to this many synapse words in one piece */



/* ------------------------------------------------------------------ small helpers */

static int32_t sext(uint32_t x, unsigned width)
{
    uint32_t m = 1u << (width - 1);
    x &= (width == 32) ? 0xffffffffu : ((1u << width) - 1u);
    return (int32_t)(x ^ m) - (int32_t)m;
}

/* 24-bit two's complement wrap of x */
static inline int32_t wrap24(int32_t x)
{
    return (int32_t)(((uint32_t)x + 0x800000u) & 0xffffffu) - 0x800000;
}

/* the 24-bit two's complement value of the low 24 bits of x */
static inline int32_t wrap24u(uint32_t x)
{
    return (int32_t)((x + 0x800000u) & 0xffffffu) - 0x800000;
}

static unsigned lg2(unsigned x)
{
    unsigned k = 0;
    while ((1u << k) < x)
        k++;
    return k;
}

/* ------------------------------------------------------------------ decoding */

/* x of one synapse with mantissa w under format word f (section 4.1) */
static int32_t weight_of(uint32_t f, unsigned w)
{
    unsigned sign = (f >> NML_SYNFMT_CFG_SIGN_LSB) & NML_SYNFMT_CFG_SIGN_MASK;
    unsigned nbits = ((f >> NML_SYNFMT_CFG_NBITS_M1_LSB) & NML_SYNFMT_CFG_NBITS_M1_MASK) + 1u;
    int e = 6 + sext(f >> NML_SYNFMT_CFG_WGT_EXP_LSB, NML_SYNFMT_CFG_WGT_EXP_WIDTH);
    int32_t wv;
    unsigned k;
    switch (sign) {
    case 1: wv = 2 * sext(w, 8); k = 9u - nbits; break;
    case 2: wv = (int32_t)w; k = 8u - nbits; break;
    case 3: wv = -(int32_t)w; k = 8u - nbits; break;
    default: return 0;
    }
    /* floor shifts, written with divisions-free arithmetic that is defined for negatives */
    wv = (wv >= 0) ? (wv >> k) : -(int32_t)((((uint32_t)-wv) + (1u << k) - 1u) >> k);
    wv = (int32_t)((uint32_t)wv << k);
    if (e >= 0)
        return (int32_t)((uint32_t)wv << e);
    return (wv >= 0) ? (wv >> -e) : -(int32_t)((((uint32_t)-wv) + (1u << -e) - 1u) >> -e);
}

/* Whether every x of format f is the mantissa times 2^s, so delivery can compute it from the
 * pre-decoded word (WGT in bits 24..31) with two instructions instead of a table look-up:
 * NML_WLIN_SIGNED x = sext8(WGT) * 2^s, NML_WLIN_UNSIGNED x = WGT * 2^s, NML_WLIN_NEG
 * x = -WGT * 2^s; else NML_WLIN_TABLE. c->wsh[f] = 24 - s. */
enum { NML_WLIN_TABLE, NML_WLIN_SIGNED, NML_WLIN_UNSIGNED, NML_WLIN_NEG };

static void classify_wtab(nm_loihi_ref *c, unsigned f)
{
    const int32_t *x = c->wtab[f];
    int kind;
    c->wlin[f] = NML_WLIN_TABLE;
    for (kind = NML_WLIN_SIGNED; kind <= NML_WLIN_NEG; kind++) {
        int32_t one = kind == NML_WLIN_NEG ? -x[1] : x[1];
        unsigned sh = 0, w;
        if (one <= 0 || (one & (one - 1)) != 0)
            continue;
        while ((1 << sh) < one)
            sh++;
        if (sh > 24)
            continue;
        for (w = 0; w < 256; w++) {
            int32_t m = kind == NML_WLIN_SIGNED ? sext(w, 8) : kind == NML_WLIN_UNSIGNED ? (int32_t)w : -(int32_t)w;
            if (x[w] != m * (1 << sh))
                break;
        }
        if (w == 256) {
            c->wlin[f] = (uint8_t)kind;
            c->wsh[f] = (uint8_t)(24u - sh);
            return;
        }
    }
}

static void fill_wtab(nm_loihi_ref *c, unsigned f)
{
    unsigned w;
    c->wfit16[f] = 1;
    for (w = 0; w < 256; w++) {
        c->wtab[f][w] = weight_of(c->synfmt[f], w);
        if (c->wtab[f][w] < -32768 || c->wtab[f][w] > 32767)
            c->wfit16[f] = 0;
    }
    classify_wtab(c, f);
}

/* a synapse word in the form delivery reads (struct nm_loihi_ref, dsyn) */
static uint32_t dsyn_of(const nm_loihi_ref *c, uint32_t w)
{
    uint32_t d = (w >> NML_SYN_WORD_DELAY_LSB) & NML_SYN_WORD_DELAY_MASK & (c->g.ndslot - 1u);
    uint32_t n = (w >> NML_SYN_WORD_COMP_LSB) & NML_SYN_WORD_COMP_MASK & (c->g.ncomp - 1u);
    uint32_t x = (w >> NML_SYN_WORD_WGT_LSB) & NML_SYN_WORD_WGT_MASK;
    return x << 24 | d << c->lg_ncomp | n;
}

/* the packet axon-map entry e (word w) sends */
static nm_loihi_pkt pkt_of(uint32_t w, unsigned e)
{
    nm_loihi_pkt p;
    p.axon = (uint16_t)((w >> NML_AXMAP_ENTRY_AXON_LSB) & NML_AXMAP_ENTRY_AXON_MASK);
    p.dx = (int8_t)sext(w >> NML_AXMAP_ENTRY_DX_LSB, NML_AXMAP_ENTRY_DX_WIDTH);
    p.dy = (int8_t)sext(w >> NML_AXMAP_ENTRY_DY_LSB, NML_AXMAP_ENTRY_DY_WIDTH);
    p.src = 0;
    p.entry = (uint16_t)e;
    return p;
}

/* the compartment's cached parameters from its CFG word and the profile tables */
static void decode_cx(nm_loihi_ref *c, unsigned n)
{
    uint32_t cfg = c->cx_cfg[n];
    uint32_t dp = c->dprof[((cfg >> NML_CX_CFG_DPROF_LSB) & NML_CX_CFG_DPROF_MASK) & (c->g.ndprof - 1u)];
    uint32_t tp = c->tprof[((cfg >> NML_CX_CFG_TPROF_LSB) & NML_CX_CFG_TPROF_MASK) & (c->g.ntprof - 1u)];
    int32_t mant = sext(cfg >> NML_CX_CFG_BIAS_MANT_LSB, NML_CX_CFG_BIAS_MANT_WIDTH);
    unsigned bexp = (cfg >> NML_CX_CFG_BIAS_EXP_LSB) & NML_CX_CFG_BIAS_EXP_MASK;
    c->fu[n] = 4095 - (int32_t)((dp >> NML_DPROF_CFG_DU_LSB) & NML_DPROF_CFG_DU_MASK);
    c->fv[n] = 4096 - (int32_t)((dp >> NML_DPROF_CFG_DV_LSB) & NML_DPROF_CFG_DV_MASK);
    c->refract[n] = (int32_t)((dp >> NML_DPROF_CFG_REFRACT_LSB) & NML_DPROF_CFG_REFRACT_MASK);
    c->vth[n] = (int32_t)(((tp >> NML_TPROF_CFG_VTH_MANT_LSB) & NML_TPROF_CFG_VTH_MANT_MASK) << 6);
    c->bias[n] = mant * (1 << bexp);
    c->params_dirty = 1;
}

static void check_uniform(nm_loihi_ref *c)
{
    unsigned n;
    c->uniform = 1;
    for (n = 1; n < c->g.ncomp && c->uniform; n++)
        c->uniform = c->fu[n] == c->fu[0] && c->fv[n] == c->fv[0] && c->vth[n] == c->vth[0] &&
                     c->refract[n] == c->refract[0] && c->bias[n] == c->bias[0];
    c->params_dirty = 0;
    c->uni[0] = c->fu[0];
    c->uni[1] = c->fv[0];
    c->uni[2] = c->vth[0];
    c->uni[3] = c->refract[0];
    c->uni[4] = c->bias[0];
}

/* ------------------------------------------------------------------ life cycle */

/* ------------------------------------------------------------------ the arena */

/* Every array of a core lives in one zeroed allocation (its arena), carved in the order the
 * step touches them: per-compartment state first, then the delivery tables and the
 * accumulators, then what only configuration reads. A chip puts all its cores' arenas in
 * one block (nm_loihi_arena_alloc) on 2 MB pages where the kernel gives them: the full
 * chip touches about 35 pages of 4 KB per core-step, more than the TLB holds. */
#define HUGE_BYTES ((size_t)2 << 20)

static size_t up64(size_t b)
{
    return (b + 63u) & ~(size_t)63u;
}

void *nm_loihi_arena_alloc(size_t bytes)
{
    size_t align = bytes >= HUGE_BYTES ? HUGE_BYTES : 64u;
    size_t total = (bytes + align - 1u) & ~(align - 1u);
    void *p = aligned_alloc(align, total ? total : align);
    if (!p)
        return NULL;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (align == HUGE_BYTES)
        (void)madvise(p, total, MADV_HUGEPAGE); /* a hint: 4 KB pages work the same */
#endif
    memset(p, 0, total);
    return p;
}

void nm_loihi_arena_free(void *p)
{
    free(p);
}

/* The arrays of a core, carved from base (NULL: only count). Returns the bytes used. */
static size_t carve(nm_loihi_ref *c, const nm_loihi_geom *g, char *base)
{
    size_t off = 0;
#define CARVE(field, count)                                                               \
    do {                                                                                  \
        if (base)                                                                         \
            c->field = (void *)(base + off);                                              \
        off += up64((size_t)(count) * sizeof *c->field);                                  \
    } while (0)
    CARVE(ur, g->ncomp);
    CARVE(v, g->ncomp);
    CARVE(spk, (g->ncomp + 63u) / 64u);
    CARVE(q, g->inq);
    CARVE(spikes, g->ncomp);
    CARVE(cxpk, g->ncomp);
    CARVE(inaxon, g->naxin);
    CARVE(dsyn, g->nsyn + RUN16); /* + the words a 16-word load reads past a run */
    CARVE(dlo, (size_t)g->ndslot * g->ncomp);
    CARVE(cx_axmap, g->ncomp);
    CARVE(da, (size_t)g->ndslot * g->ncomp);
    CARVE(ptmpl, g->naxout);
    CARVE(cx_cfg, g->ncomp);
    CARVE(fu, g->ncomp);
    CARVE(fv, g->ncomp);
    CARVE(vth, g->ncomp);
    CARVE(refract, g->ncomp);
    CARVE(bias, g->ncomp);
    CARVE(dprof, g->ndprof);
    CARVE(tprof, g->ntprof);
    CARVE(synfmt, g->nsynfmt);
    CARVE(wtab, g->nsynfmt);
    CARVE(wlin, g->nsynfmt);
    CARVE(wsh, g->nsynfmt);
    CARVE(wfit16, g->nsynfmt);
    CARVE(syn, g->nsyn);
    CARVE(axmap, g->naxout);
#undef CARVE
    return off;
}

size_t nm_loihi_ref_arena_bytes(const nm_loihi_geom *g)
{
    nm_loihi_ref tmp;
    return carve(&tmp, g, NULL);
}

static uint32_t reset_synfmt(void)
{
    return (uint32_t)NML_SYNFMT_CFG_NBITS_M1_RESET << NML_SYNFMT_CFG_NBITS_M1_LSB;
}

nm_loihi_ref *nm_loihi_ref_new_in(const nm_loihi_geom *geom, const nm_loihi_opts *opts, void *arena, char *msg,
                                  size_t len)
{
    static const nm_loihi_geom def = NM_LOIHI_GEOM_DEFAULT;
    nm_loihi_ref *c;
    unsigned n, f;
    const nm_loihi_geom *g = geom ? geom : &def;
    if (nm_loihi_geom_check(g, msg, len) != NM_OK)
        return NULL;
    c = calloc(1, sizeof *c);
    if (!c)
        goto nomem;
    c->g = *g;
    if (opts)
        c->opts = *opts;
    c->lg_ncomp = lg2(g->ncomp);
    c->nupd = NML_CTRL_NUPD_COUNT_RESET;
    c->arena = arena ? NULL : nm_loihi_arena_alloc(nm_loihi_ref_arena_bytes(g));
    c->pkts_cap = 16;
    c->pkts = calloc(c->pkts_cap, sizeof *c->pkts);
    if ((!arena && !c->arena) || !c->pkts) {
        nm_loihi_ref_free(c);
        goto nomem;
    }
    carve(c, g, arena ? arena : c->arena);
    for (f = 0; f < g->nsynfmt; f++) {
        c->synfmt[f] = reset_synfmt();
        fill_wtab(c, f);
    }
    for (n = 0; n < g->ncomp; n++)
        decode_cx(c, n);
    for (n = 0; n < g->naxout; n++)
        c->ptmpl[n].entry = (uint16_t)n; /* the reset word 0 sends to axon 0 of this core */
    c->cxpk_dirty = 1;
    nm_loihi_ref_set_simd(c, NM_LOIHI_SIMD_BEST);
    return c;
nomem:
    if (msg && len)
        strncpy(msg, "out of memory", len - 1), msg[len - 1] = 0;
    return NULL;
}

nm_loihi_ref *nm_loihi_ref_new(const nm_loihi_geom *geom, const nm_loihi_opts *opts, char *msg, size_t len)
{
    return nm_loihi_ref_new_in(geom, opts, NULL, msg, len);
}

void nm_loihi_ref_free(nm_loihi_ref *c)
{
    if (!c)
        return;
    nm_loihi_arena_free(c->arena);
    free(c->pkts);
    free(c);
}

const nm_loihi_geom *nm_loihi_ref_geom(const nm_loihi_ref *c)
{
    return &c->g;
}

/* ------------------------------------------------------------------ config port */

/* Region, element and register word of addr; 0 if unmapped. */
static int decode(const nm_loihi_ref *c, uint32_t addr, unsigned *region, unsigned *elem, unsigned *word)
{
    unsigned r = addr >> NML_REGION_SHIFT, off = addr & ((1u << NML_REGION_SHIFT) - 1u), count;
    if (addr >> NML_ADDR_BITS)
        return 0;
    *region = r;
    *elem = off;
    *word = 0;
    switch (r) {
    case NML_REGION_CTRL:    *word = off; return off < NML_CTRL_NREGS;
    case NML_REGION_COUNTER: *word = off; return off < NML_COUNTER_NREGS;
    case NML_REGION_DPROF:   count = c->g.ndprof; break;
    case NML_REGION_TPROF:   count = c->g.ntprof; break;
    case NML_REGION_SYNFMT:  count = c->g.nsynfmt; break;
    case NML_REGION_CX:
        *elem = off / NML_CX_STRIDE;
        *word = off % NML_CX_STRIDE;
        return *elem < c->g.ncomp && *word < NML_CX_NREGS;
    case NML_REGION_INAXON:  count = c->g.naxin; break;
    case NML_REGION_SYN:     count = c->g.nsyn; break;
    case NML_REGION_AXMAP:   count = c->g.naxout; break;
    case NML_REGION_DA:      count = c->g.ndslot * c->g.ncomp; break;
    default: return 0;
    }
    return off < count;
}

#define MASK_OF(R, F) ((uint32_t)NML_##R##_##F##_MASK << NML_##R##_##F##_LSB)

static const uint32_t DPROF_MASK = MASK_OF(DPROF_CFG, DU) | MASK_OF(DPROF_CFG, DV) | MASK_OF(DPROF_CFG, REFRACT);
static const uint32_t SYNFMT_MASK = MASK_OF(SYNFMT_CFG, SIGN) | MASK_OF(SYNFMT_CFG, NBITS_M1) | MASK_OF(SYNFMT_CFG, WGT_EXP);
static const uint32_t CXCFG_MASK = MASK_OF(CX_CFG, DPROF) | MASK_OF(CX_CFG, TPROF) | MASK_OF(CX_CFG, BIAS_EXP) |
                                   MASK_OF(CX_CFG, BIAS_MANT);
static const uint32_t CXAXMAP_MASK = MASK_OF(CX_AXMAP, BASE) | MASK_OF(CX_AXMAP, LEN);
static const uint32_t INAXON_MASK = MASK_OF(INAXON_CFG, BASE) | MASK_OF(INAXON_CFG, LEN) | MASK_OF(INAXON_CFG, FMT);
static const uint32_t SYN_MASK = MASK_OF(SYN_WORD, COMP) | MASK_OF(SYN_WORD, WGT) | MASK_OF(SYN_WORD, DELAY);
static const uint32_t AXMAP_MASK = MASK_OF(AXMAP_ENTRY, AXON) | MASK_OF(AXMAP_ENTRY, DX) | MASK_OF(AXMAP_ENTRY, DY);

static unsigned axmap_len(uint32_t w)
{
    return (w >> NML_CX_AXMAP_LEN_LSB) & NML_CX_AXMAP_LEN_MASK;
}

int nm_loihi_ref_cfg_write(nm_loihi_ref *c, uint32_t addr, uint32_t data)
{
    unsigned region, elem, word, n;
    if (!decode(c, addr, &region, &elem, &word))
        return NM_ERR_CFG;
    switch (region) {
    case NML_REGION_CTRL:
        if (word == NML_CTRL_STEP)
            c->step = data;
        else if (word == NML_CTRL_NUPD)
            c->nupd = data & NML_CTRL_NUPD_COUNT_MASK;
        else
            return NM_ERR_CFG; /* ID, GEOM0..3, STATUS are read-only */
        return NM_OK;
    case NML_REGION_COUNTER:
        c->cnt[word] = data;
        return NM_OK;
    case NML_REGION_DPROF:
    case NML_REGION_TPROF:
        if (region == NML_REGION_DPROF)
            c->dprof[elem] = data & DPROF_MASK;
        else
            c->tprof[elem] = data & MASK_OF(TPROF_CFG, VTH_MANT);
        for (n = 0; n < c->g.ncomp; n++)
            decode_cx(c, n);
        return NM_OK;
    case NML_REGION_SYNFMT:
        c->synfmt[elem] = data & SYNFMT_MASK;
        fill_wtab(c, elem);
        return NM_OK;
    case NML_REGION_CX:
        switch (word) {
        case NML_CX_CFG:
            c->cx_cfg[elem] = data & CXCFG_MASK;
            decode_cx(c, elem);
            return NM_OK;
        case NML_CX_AXMAP: {
            size_t sum = c->axlen_sum - axmap_len(c->cx_axmap[elem]) + axmap_len(data);
            if (sum > c->pkts_cap) {
                size_t cap = c->pkts_cap;
                nm_loihi_pkt *p;
                while (cap < sum)
                    cap *= 2;
                p = realloc(c->pkts, cap * sizeof *p);
                if (!p)
                    return NM_ERR_NOMEM;
                c->pkts = p;
                c->pkts_cap = cap;
            }
            c->axlen_sum = sum;
            c->cx_axmap[elem] = data & CXAXMAP_MASK;
            c->cxpk_dirty = 1;
            return NM_OK;
        }
        case NML_CX_U: c->ur[elem] = (c->ur[elem] & 0xffu) | (data & 0xffffffu) << 8; return NM_OK;
        case NML_CX_V: c->v[elem] = sext(data, NML_CX_V_V_WIDTH); return NM_OK;
        case NML_CX_REF: c->ur[elem] = (c->ur[elem] & ~0xffu) | (data & NML_CX_REF_CNT_MASK); return NM_OK;
        default: return NM_ERR_CFG; /* VHW is read-only */
        }
    case NML_REGION_INAXON: c->inaxon[elem] = data & INAXON_MASK; return NM_OK;
    case NML_REGION_SYN:
        c->syn[elem] = data & SYN_MASK;
        c->dsyn[elem] = dsyn_of(c, c->syn[elem]);
        {
            unsigned d = ((c->syn[elem] >> NML_SYN_WORD_DELAY_LSB) & NML_SYN_WORD_DELAY_MASK) & (c->g.ndslot - 1u);
            if (d > c->maxdly)
                c->maxdly = d;
        }
        return NM_OK;
    case NML_REGION_AXMAP:
        c->axmap[elem] = data & AXMAP_MASK;
        c->ptmpl[elem] = pkt_of(c->axmap[elem], elem);
        c->cxpk_dirty = 1;
        return NM_OK;
    case NML_REGION_DA:
        c->da[elem] = data & 0xffffffu;
        c->dlo[elem] = 0;
        c->dhi_slots |= (uint64_t)1 << (elem >> c->lg_ncomp);
        return NM_OK;
    default: return NM_ERR_CFG;
    }
}

static uint32_t bits24(int32_t x)
{
    return (uint32_t)x & 0xffffffu;
}

int32_t nm_loihi_ref_vhw(const nm_loihi_ref *c, unsigned n)
{
    int32_t r = (int32_t)(c->ur[n] & 0xffu);
    return r ? r * 128 : c->v[n];
}

int nm_loihi_ref_cfg_read(const nm_loihi_ref *c, uint32_t addr, uint32_t *data)
{
    unsigned region, elem, word;
    const nm_loihi_geom *g = &c->g;
    if (!decode(c, addr, &region, &elem, &word))
        return NM_ERR_CFG;
    switch (region) {
    case NML_REGION_CTRL:
        switch (word) {
        case NML_CTRL_ID:    *data = NML_CTRL_ID_VALUE_RESET; break;
        case NML_CTRL_GEOM0: *data = g->ncomp | g->naxin << NML_CTRL_GEOM0_NAXIN_LSB; break;
        case NML_CTRL_GEOM1: *data = g->naxout | g->nsyn << NML_CTRL_GEOM1_NSYN_LSB; break;
        case NML_CTRL_GEOM2:
            *data = g->ndslot | g->ndprof << NML_CTRL_GEOM2_NDPROF_LSB | g->ntprof << NML_CTRL_GEOM2_NTPROF_LSB |
                    g->nsynfmt << NML_CTRL_GEOM2_NSYNFMT_LSB;
            break;
        case NML_CTRL_GEOM3:  *data = g->inq; break;
        case NML_CTRL_STATUS: *data = (uint32_t)c->qcount << NML_CTRL_STATUS_INQ_COUNT_LSB; break;
        case NML_CTRL_STEP:   *data = c->step; break;
        default:              *data = c->nupd; break;
        }
        return NM_OK;
    case NML_REGION_COUNTER: *data = c->cnt[word]; return NM_OK;
    case NML_REGION_DPROF:   *data = c->dprof[elem]; return NM_OK;
    case NML_REGION_TPROF:   *data = c->tprof[elem]; return NM_OK;
    case NML_REGION_SYNFMT:  *data = c->synfmt[elem]; return NM_OK;
    case NML_REGION_CX:
        switch (word) {
        case NML_CX_CFG:   *data = c->cx_cfg[elem]; break;
        case NML_CX_AXMAP: *data = c->cx_axmap[elem]; break;
        case NML_CX_U:     *data = c->ur[elem] >> 8; break;
        case NML_CX_V:     *data = bits24(c->v[elem]); break;
        case NML_CX_REF:   *data = c->ur[elem] & 0xffu; break;
        default:           *data = bits24(nm_loihi_ref_vhw(c, elem)); break;
        }
        return NM_OK;
    case NML_REGION_INAXON: *data = c->inaxon[elem]; return NM_OK;
    case NML_REGION_SYN:    *data = c->syn[elem]; return NM_OK;
    case NML_REGION_AXMAP:  *data = c->axmap[elem]; return NM_OK;
    default:                *data = (c->da[elem] + (uint32_t)(int32_t)c->dlo[elem]) & 0xffffffu; return NM_OK;
    }
}

/* ------------------------------------------------------------------ input queue */

int nm_loihi_ref_push(nm_loihi_ref *c, unsigned axon)
{
    return nm_loihi_ref_push_inline(c, axon);
}

int nm_loihi_ref_inject(nm_loihi_ref *c, unsigned axon)
{
    if (axon >= c->g.naxin)
        return NM_ERR_ARG;
    return nm_loihi_ref_push(c, axon) ? NM_OK : NM_ERR_FULL;
}

/* ------------------------------------------------------------------ one step */

/* The part of a 16-bit add that does not fit: lo + x went out of int16 at accumulator i;
 * dlo keeps the wrapped low 16 bits r, da the rest (struct nm_loihi_ref, dlo). */
static __attribute__((noinline, cold)) void spill(nm_loihi_ref *c, uint32_t i, int32_t lo, uint32_t x, int16_t r)
{
    c->da[i] += (uint32_t)lo + x - (uint32_t)(int32_t)r;
    c->dhi_slots |= (uint64_t)1 << (i >> c->lg_ncomp);
}

/* lo[idx[k]] += val[k] (each val fitting int16, the sum wrapping) for k = k0 .. n-1 until
 * a sum leaves int16; returns that k (its wrapped sum stored: the caller moves the 65536
 * it lost into the high part), or n. On x86 one `add` to memory and `jo` per synapse. Not
 * inlined: its loop then has the registers to itself. (idx and val are not const: GCC 12
 * then takes a call with n = 0 for a read of the caller's unset staging arrays.) */
static __attribute__((noinline)) unsigned add16(int16_t *restrict lo, uint32_t *restrict idx,
                                                uint32_t *restrict val, unsigned k, unsigned n)
{
#if defined(NM_X86_AVX2)
    const uint32_t *pi = idx + k, *pv = val + k, *const pe = idx + n;
    for (; pe - pi >= 4; pi += 4, pv += 4) { /* 4 at a time; the label says which overflowed */
        __asm__ goto("addw %w1, %0\n\tjo %l[ovf]" : "+m"(lo[pi[0]]) : "r"(pv[0]) : "cc" : ovf);
        __asm__ goto("addw %w1, %0\n\tjo %l[ovf1]" : "+m"(lo[pi[1]]) : "r"(pv[1]) : "cc" : ovf1);
        __asm__ goto("addw %w1, %0\n\tjo %l[ovf2]" : "+m"(lo[pi[2]]) : "r"(pv[2]) : "cc" : ovf2);
        __asm__ goto("addw %w1, %0\n\tjo %l[ovf3]" : "+m"(lo[pi[3]]) : "r"(pv[3]) : "cc" : ovf3);
    }
    for (; pi < pe; pi++, pv++)
        __asm__ goto("addw %w1, %0\n\tjo %l[ovf]" : "+m"(lo[*pi]) : "r"(*pv) : "cc" : ovf);
    return n;
ovf:
    return (unsigned)(pi - idx);
ovf1:
    return (unsigned)(pi - idx) + 1u;
ovf2:
    return (unsigned)(pi - idx) + 2u;
ovf3:
    return (unsigned)(pi - idx) + 3u;
#else
    for (; k < n; k++) {
        int16_t r;
        int o = __builtin_add_overflow(lo[idx[k]], (int16_t)val[k], &r);
        lo[idx[k]] = r;
        if (o)
            return k;
    }
    return n;
#endif
}

/* the 65536 an int16 add of x lost at accumulator i, into its high part */
static __attribute__((noinline, cold)) void spill16(nm_loihi_ref *c, uint32_t i, uint32_t x)
{
    c->da[i] += (int16_t)x < 0 ? 0xffff0000u : 0x10000u;
    c->dhi_slots |= (uint64_t)1 << (i >> c->lg_ncomp);
}

/* Adds val[k] into accumulator idx[k]: first every accumulator line is prefetched (the
 * accumulators of a big chip are not in cache, and the misses then overlap), then the adds
 * into the 16-bit low parts, spilling what does not fit. fit16: every val[k] fits int16 (the
 * common case: then a 16-bit add and its overflow flag). */
static inline __attribute__((always_inline)) void apply(nm_loihi_ref *c, int16_t *restrict lo,
                                                        uint32_t *restrict idx, uint32_t *restrict val,
                                                        unsigned n, int fit16, int pf)
{
    unsigned k;
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC unroll 4
#endif
    for (k = 0; k < n && pf; k++)
        __builtin_prefetch(&lo[idx[k]], 1);
    if (fit16) {
        for (k = add16(lo, idx, val, 0, n); k < n; k = add16(lo, idx, val, k + 1u, n))
            spill16(c, idx[k], val[k]);
        return;
    }
    for (k = 0; k < n; k++) {
        uint32_t i = idx[k];
        int16_t r;
        int32_t l = lo[i];
        if (__builtin_add_overflow(l, (int32_t)val[k], &r))
            spill(c, i, l, val[k], r);
        lo[i] = r;
    }
}

/* DELIVER: m queued events into the accumulator slots of step t. Returns the cycles.
 * Written for memory-level parallelism: the events' INAXON words are fetched first (all
 * prefetched, then read, prefetching their synapse runs); then the runs' pre-decoded words
 * (struct nm_loihi_ref, dsyn) become (accumulator index, x) pairs, up to CHUNK at a time,
 * added with the accumulators prefetched a few entries ahead. Addition modulo 2^24
 * commutes, so the split changes no result. */
#define CHUNK 256u

/* 8 words in a GCC/Clang generic vector (AVX2 in deliver_avx2, SSE2 pairs elsewhere);
 * macros, not functions: a function passing one would change the ABI without AVX */
typedef uint32_t v8u32 __attribute__((vector_size(32)));
typedef int32_t v8i32 __attribute__((vector_size(32)));
typedef uint32_t v16u32 __attribute__((vector_size(64)));
typedef int32_t v16i32 __attribute__((vector_size(64)));
#define LD8(v, p) memcpy(&(v), (p), sizeof(v))
#define LD16(v, p) memcpy(&(v), (p), sizeof(v))
#define ST16(p, e)                                                                        \
    do {                                                                                  \
        v16u32 st16_ = (e);                                                               \
        memcpy((p), &st16_, sizeof st16_);                                                \
    } while (0)
#define ST8(p, e)                                                                         \
    do {                                                                                  \
        v8u32 st8_ = (e);                                                                 \
        memcpy((p), &st8_, sizeof st8_);                                                  \
    } while (0)
/* x of a linear format (classify_wtab) from hw, the word's WGT bits in place (w & 0xff000000),
 * for a scalar (UT uint32_t, ST int32_t) or a generic vector (UT v8u32, ST v8i32, ...) */
#define LIN_X(hw, kind, sh, UT, ST)                                                       \
    ((kind) == NML_WLIN_SIGNED ? (UT)((ST)(hw) >> (int)(sh))                              \
     : (kind) == NML_WLIN_UNSIGNED ? (UT)((hw) >> (sh)) : (UT)(0u - ((hw) >> (sh))))

/* n pre-decoded words pw[] of a linear format into (accumulator index, x) pairs, 8 at a time
 * and then one by one; called with a constant kind, so each is its own plain loop */
static inline __attribute__((always_inline)) void stage_lin(uint32_t *restrict pi, uint32_t *restrict pv,
                                                            const uint32_t *restrict pw, unsigned n, uint32_t tb,
                                                            uint32_t amask, unsigned kind, unsigned sh)
{
    unsigned j = 0;
    for (; j + 8u <= n; j += 8u) {
        v8u32 w, hw;
        LD8(w, pw + j);
        hw = w & 0xff000000u;
        ST8(pi + j, (w + tb) & amask);
        ST8(pv + j, LIN_X(hw, kind, sh, v8u32, v8i32));
    }
    for (; j < n; j++) {
        pi[j] = (tb + pw[j]) & amask;
        pv[j] = LIN_X(pw[j] & 0xff000000u, kind, sh, uint32_t, int32_t);
    }
}

#define EVCHUNK 64u
static inline __attribute__((always_inline)) uint32_t deliver_body(nm_loihi_ref *c, unsigned m, uint32_t t)
{
    const unsigned smask = c->g.nsyn - 1u, qmask = c->g.inq - 1u, fmask = c->g.nsynfmt - 1u;
    const uint32_t tb = (t & (c->g.ndslot - 1u)) << c->lg_ncomp;
    const uint32_t amask = (c->g.ndslot << c->lg_ncomp) - 1u;
    uint32_t idx[CHUNK + RUN16], val[CHUNK + RUN16], cfgs[EVCHUNK];
    uint32_t cycles = 0, synops = 0;
    unsigned e0, e, j, nb = 0;
    int fit16 = 1; /* every x staged since the last apply fits int16 */
    int16_t *da = c->dlo;
    const uint32_t *ds = c->dsyn;
    /* When the last step's synaptic events were at least twice the accumulator lines they
     * can reach (slots t .. t + the largest delay written), nearly every line is touched:
     * prefetch them all in order first, instead of one prefetch per event in apply. */
    const unsigned wslots = c->maxdly + 1u, wlines = (wslots << c->lg_ncomp) / 32u;
    const int blockpf = m && c->last_synops >= 2u * wlines;
    if (blockpf) {
        unsigned sl, off;
        for (sl = 0; sl < wslots; sl++) {
            int16_t *b = &da[((t + sl) & (c->g.ndslot - 1u)) << c->lg_ncomp];
            for (off = 0; off < c->g.ncomp; off += 32u)
                __builtin_prefetch(&b[off], 1);
        }
    }
    for (e0 = 0; e0 < m; e0 += EVCHUNK) {
        unsigned ne = m - e0 < EVCHUNK ? m - e0 : EVCHUNK;
        for (e = 0; e < ne; e++)
            __builtin_prefetch(&c->inaxon[c->q[(c->qhead + e) & qmask]]);
        for (e = 0; e < ne; e++) {
            uint32_t cfg = c->inaxon[c->q[(c->qhead + e) & qmask]];
            unsigned base = (cfg >> NML_INAXON_CFG_BASE_LSB) & NML_INAXON_CFG_BASE_MASK;
            unsigned len = (cfg >> NML_INAXON_CFG_LEN_LSB) & NML_INAXON_CFG_LEN_MASK;
            cfgs[e] = cfg;
            __builtin_prefetch(&ds[base & smask]);
            if (len > 1)
                __builtin_prefetch(&ds[(base + len - 1u) & smask]);
        }
        for (e = 0; e < ne; e++) {
            uint32_t cfg = cfgs[e];
            unsigned base = ((cfg >> NML_INAXON_CFG_BASE_LSB) & NML_INAXON_CFG_BASE_MASK) & smask;
            unsigned len = (cfg >> NML_INAXON_CFG_LEN_LSB) & NML_INAXON_CFG_LEN_MASK;
            const unsigned f = ((cfg >> NML_INAXON_CFG_FMT_LSB) & NML_INAXON_CFG_FMT_MASK) & fmask;
            const int32_t *wt = c->wtab[f];
            const unsigned kind = c->wlin[f], sh = c->wsh[f];
            fit16 &= c->wfit16[f];
            synops += len;
            cycles += 2u + 2u * len;
            if (kind != NML_WLIN_TABLE && len <= RUN16 && nb + len <= CHUNK && base + len <= smask + 1u) {
                /* the common short run in one piece: 16 words loaded and staged whatever
                 * len is (the arrays have RUN16 words of slack; only len of them count) */
                v16u32 w, hw;
                LD16(w, &ds[base]);
                hw = w & 0xff000000u;
                ST16(&idx[nb], (w + tb) & amask);
                ST16(&val[nb], LIN_X(hw, kind, sh, v16u32, v16i32));
                nb += len;
                if (nb == CHUNK) {
                    apply(c, da, idx, val, nb, fit16, !blockpf);
                    nb = 0;
                    fit16 = c->wfit16[f];
                }
                continue;
            }
            while (len) {
                unsigned piece = len < CHUNK - nb ? len : CHUNK - nb;
                uint32_t *restrict pi = &idx[nb], *restrict pv = &val[nb];
                if (base + piece <= smask + 1u) {
                    const uint32_t *restrict pw = &ds[base];
                    /* the x of a linear format from WGT's bits in place (no look-up) */
                    switch (kind) {
                    case NML_WLIN_SIGNED: stage_lin(pi, pv, pw, piece, tb, amask, NML_WLIN_SIGNED, sh); break;
                    case NML_WLIN_UNSIGNED: stage_lin(pi, pv, pw, piece, tb, amask, NML_WLIN_UNSIGNED, sh); break;
                    case NML_WLIN_NEG: stage_lin(pi, pv, pw, piece, tb, amask, NML_WLIN_NEG, sh); break;
                    default:
                        for (j = 0; j < piece; j++) {
                            uint32_t w = pw[j];
                            pi[j] = (tb + w) & amask;
                            pv[j] = (uint32_t)wt[w >> 24];
                        }
                    }
                } else {
                    for (j = 0; j < piece; j++) {
                        uint32_t w = ds[(base + j) & smask];
                        pi[j] = (tb + w) & amask;
                        pv[j] = (uint32_t)wt[w >> 24];
                    }
                }
                nb += piece;
                base = (base + piece) & smask;
                len -= piece;
                if (nb == CHUNK) {
                    apply(c, da, idx, val, nb, fit16, !blockpf);
                    nb = 0;
                    fit16 = c->wfit16[f];
                }
            }
        }
        c->qhead = (c->qhead + ne) & qmask;
    }
    apply(c, da, idx, val, nb, fit16, !blockpf);
    c->last_synops = synops;
    c->qcount -= m;
    c->cnt[NML_COUNTER_AXON_EVENTS] += m;
    c->cnt[NML_COUNTER_SYN_OPS] += synops;
    return cycles;
}

/* deliver_body compiled three times: for AVX-512 (a 16-word run staged in one register),
 * for AVX2 (the decode loop gathers the weights 8 at a time) and for the baseline, where it
 * stays scalar (an SSE2 gather is 8 scalar loads anyway) */
#if defined(NM_X86_AVX2)
__attribute__((target("avx512f"))) static uint32_t deliver_avx512(nm_loihi_ref *c, unsigned m, uint32_t t)
{
    return deliver_body(c, m, t);
}

__attribute__((target("avx2"))) static uint32_t deliver_avx2(nm_loihi_ref *c, unsigned m, uint32_t t)
{
    return deliver_body(c, m, t);
}
#endif

#if defined(__GNUC__) && !defined(__clang__)
__attribute__((optimize("no-tree-vectorize")))
#endif
static uint32_t deliver_c(nm_loihi_ref *c, unsigned m, uint32_t t)
{
    return deliver_body(c, m, t);
}

static uint32_t deliver(nm_loihi_ref *c, unsigned m, uint32_t t)
{
#if defined(NM_X86_AVX2)
    if (c->simd == NM_LOIHI_SIMD_AVX512)
        return deliver_avx512(c, m, t);
    if (c->simd)
        return deliver_avx2(c, m, t);
#endif
    return deliver_c(c, m, t);
}

/* sgn(x) * ((|x| * f) >> 12) for |x| <= 2^23, 0 <= f <= 4096, in 32-bit arithmetic:
 * |x| = hi * 4096 + lo, so |x| * f >> 12 = hi * f + (lo * f >> 12) exactly. */
static inline int32_t decay(int32_t x, int32_t f)
{
    int32_t s = -(int32_t)(x < 0);            /* all ones if negative */
    int32_t a = (x ^ s) - s;
    int32_t d = (a >> 12) * f + (((a & 4095) * f) >> 12);
    return (d ^ s) - s;
}

/* The parameters of one compartment update, scalar: per compartment (stride 1) or one
 * set for all (stride 0, the common case: compiled populations share profiles and bias). */
typedef struct cx_params {
    const int32_t *fu, *fv, *vth, *refract, *bias;
    unsigned stride;
} cx_params;

/* UPDATE, the arithmetic, portable C: compartments 0 .. nupd-1, branch-free, one flag byte
 * per compartment in spk8. Returns the spike count; active updates are added to *active. */
static unsigned update_scalar(unsigned nupd, uint32_t *restrict in, uint32_t *restrict ur, int32_t *restrict v,
                              const cx_params *p, uint8_t *restrict spk8, uint32_t *restrict active)
{
    unsigned n, nspk = 0, nact = 0, k;
    for (n = 0; n < nupd; n++) {
        /* every load unconditional and every choice a mask, so the loop if-converts */
        uint32_t w = ur[n];
        int32_t x = wrap24u(in[n]), u0 = wrap24u(w >> 8), v0 = v[n], r0 = (int32_t)(w & 0xffu);
        int32_t b, th, rd, un, r1, vn, refr, fire, keep;
        k = n * p->stride;
        b = p->bias[k];
        th = p->vth[k];
        rd = p->refract[k];
        un = wrap24(decay(u0, p->fu[k]) + x);
        r1 = r0 - (r0 > 0);
        vn = decay(v0, p->fv[k]) + un + b;
        refr = -(int32_t)(r1 > 0);
        vn = vn > V_MAX ? V_MAX : vn;
        vn = vn < -V_MAX ? -V_MAX : vn;
        fire = ~refr & -(int32_t)(vn > th);   /* all ones if the compartment fires */
        keep = ~(refr | fire);                 /* all ones if v keeps its new value */
        in[n] = 0;
        ur[n] = (uint32_t)un << 8 | (uint32_t)((rd & fire) | (r1 & ~fire));
        v[n] = vn & keep;
        spk8[n] = (uint8_t)(fire & 1);
        nspk += (unsigned)(fire & 1);
        nact += (unsigned)((w | (uint32_t)v0 | (uint32_t)x | (uint32_t)b) != 0);
    }
    *active += nact;
    return nspk;
}

#ifdef NM_X86_AVX2
#define NM_AVX2 __attribute__((target("avx2")))

/* decay() on 8 lanes: vpsignd gives sgn(x) * d (and 0 for x == 0, where d is 0 anyway) */
NM_AVX2 static inline __m256i decay8(__m256i x, __m256i f)
{
    __m256i a = _mm256_abs_epi32(x);
    __m256i hi = _mm256_mullo_epi32(_mm256_srli_epi32(a, 12), f);
    __m256i lo = _mm256_srli_epi32(_mm256_mullo_epi32(_mm256_and_si256(a, _mm256_set1_epi32(4095)), f), 12);
    return _mm256_sign_epi32(_mm256_add_epi32(hi, lo), x);
}

/* the low 24 bits of each lane as a signed 24-bit value */
NM_AVX2 static inline __m256i wrap24x8(__m256i x)
{
    return _mm256_srai_epi32(_mm256_slli_epi32(x, 8), 8);
}

/* update_scalar's arithmetic on compartments n .. n+7 (same equations, lane by lane); the
 * 8 spike flags go to bits of *bits; nspk and ninact count, per lane, spikes and inactive
 * updates (as -1s). */
NM_AVX2 static inline __attribute__((always_inline)) void cx8(unsigned n, uint32_t *in, uint32_t *ur, int32_t *v,
                                                              __m256i fu, __m256i fv, __m256i th,
                                                              __m256i rd, __m256i b, uint8_t *bits, __m256i *nspk,
                                                              __m256i *ninact)
{
    const __m256i zero = _mm256_setzero_si256();
    __m256i x = wrap24x8(_mm256_loadu_si256((const __m256i *)(const void *)&in[n]));
    __m256i w = _mm256_loadu_si256((const __m256i *)(const void *)&ur[n]);
    __m256i v0 = _mm256_loadu_si256((const __m256i *)(const void *)&v[n]);
    __m256i u0 = _mm256_srai_epi32(w, 8), r0 = _mm256_and_si256(w, _mm256_set1_epi32(0xff));
    __m256i un8 = _mm256_slli_epi32(_mm256_add_epi32(decay8(u0, fu), x), 8); /* u' << 8 */
    __m256i un = _mm256_srai_epi32(un8, 8);
    __m256i r1 = _mm256_add_epi32(r0, _mm256_cmpgt_epi32(r0, zero));
    __m256i vn = _mm256_add_epi32(_mm256_add_epi32(decay8(v0, fv), un), b);
    __m256i refr, fire;
    vn = _mm256_min_epi32(vn, _mm256_set1_epi32(V_MAX));
    vn = _mm256_max_epi32(vn, _mm256_set1_epi32(-V_MAX));
    refr = _mm256_cmpgt_epi32(r1, zero);
    fire = _mm256_andnot_si256(refr, _mm256_cmpgt_epi32(vn, th));
    _mm256_storeu_si256((__m256i *)(void *)&in[n], zero);
    _mm256_storeu_si256((__m256i *)(void *)&ur[n], _mm256_or_si256(un8, _mm256_blendv_epi8(r1, rd, fire)));
    _mm256_storeu_si256((__m256i *)(void *)&v[n], _mm256_andnot_si256(_mm256_or_si256(refr, fire), vn));
    *bits = (uint8_t)_mm256_movemask_ps(_mm256_castsi256_ps(fire));
    *nspk = _mm256_sub_epi32(*nspk, fire);
    *ninact = _mm256_sub_epi32(*ninact, _mm256_cmpeq_epi32(_mm256_or_si256(_mm256_or_si256(w, v0),
                                                                           _mm256_or_si256(x, b)),
                                                           zero));
}

NM_AVX2 static unsigned hsum8(__m256i x)
{
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(x), _mm256_extracti128_si256(x, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
    return (unsigned)_mm_cvtsi128_si32(s);
}

/* UPDATE on AVX2, compartments 0 .. n8-1 (n8 a multiple of 8): the
 * spike flags go straight into the bit map (byte n/8 of it holds compartments n .. n+7;
 * x86 is little-endian, so that is bit n of the 64-bit words). */
NM_AVX2 static unsigned update_avx2(unsigned n8, uint32_t *in, uint32_t *ur, int32_t *v, const cx_params *p,
                                    uint8_t *bits, uint32_t *active)
{
    __m256i nspk = _mm256_setzero_si256(), ninact = _mm256_setzero_si256();
    unsigned n;
    if (p->stride == 0) {
        const __m256i fu = _mm256_set1_epi32(p->fu[0]), fv = _mm256_set1_epi32(p->fv[0]);
        const __m256i th = _mm256_set1_epi32(p->vth[0]), rd = _mm256_set1_epi32(p->refract[0]);
        const __m256i b = _mm256_set1_epi32(p->bias[0]);
        for (n = 0; n < n8; n += 8)
            cx8(n, in, ur, v, fu, fv, th, rd, b, &bits[n / 8], &nspk, &ninact);
    } else {
#define LD(a) _mm256_loadu_si256((const __m256i *)(const void *)&(a)[n])
        for (n = 0; n < n8; n += 8)
            cx8(n, in, ur, v, LD(p->fu), LD(p->fv), LD(p->vth), LD(p->refract), LD(p->bias), &bits[n / 8],
                &nspk, &ninact);
#undef LD
    }
    *active += n8 - hsum8(ninact);
    return hsum8(nspk);
}

static int cpu_has_avx2(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2");
}

#define NM_AVX512 __attribute__((target("avx512f")))

/* decay() on 16 lanes (AVX-512 has no vpsignd: the negative lanes are negated under a mask) */
NM_AVX512 static inline __m512i decay16(__m512i x, __m512i f)
{
    __m512i a = _mm512_abs_epi32(x);
    __m512i hi = _mm512_mullo_epi32(_mm512_srli_epi32(a, 12), f);
    __m512i lo = _mm512_srli_epi32(_mm512_mullo_epi32(_mm512_and_si512(a, _mm512_set1_epi32(4095)), f), 12);
    __m512i d = _mm512_add_epi32(hi, lo);
    return _mm512_mask_sub_epi32(d, _mm512_cmplt_epi32_mask(x, _mm512_setzero_si512()), _mm512_setzero_si512(), d);
}

NM_AVX512 static inline __m512i wrap24x16(__m512i x)
{
    return _mm512_srai_epi32(_mm512_slli_epi32(x, 8), 8);
}

/* update_scalar's arithmetic on compartments n .. n+15 (same equations, lane by lane); the
 * 16 spike flags go to the 16 bits at *bits; the spike and inactive-update counts are
 * added to *nspk and *ninact. */
NM_AVX512 static inline __attribute__((always_inline)) void cx16(unsigned n, uint32_t *in, uint32_t *ur, int32_t *v,
                                                                 __m512i fu, __m512i fv, __m512i th,
                                                                 __m512i rd, __m512i b, uint8_t *bits,
                                                                 unsigned *nspk, unsigned *ninact)
{
    const __m512i zero = _mm512_setzero_si512();
    __m512i x = wrap24x16(_mm512_loadu_si512((const void *)&in[n]));
    __m512i w = _mm512_loadu_si512((const void *)&ur[n]);
    __m512i v0 = _mm512_loadu_si512((const void *)&v[n]);
    __m512i u0 = _mm512_srai_epi32(w, 8), r0 = _mm512_and_si512(w, _mm512_set1_epi32(0xff));
    __m512i un8 = _mm512_slli_epi32(_mm512_add_epi32(decay16(u0, fu), x), 8); /* u' << 8 */
    __m512i un = _mm512_srai_epi32(un8, 8);
    __m512i r1 = _mm512_mask_sub_epi32(r0, _mm512_cmpgt_epi32_mask(r0, zero), r0, _mm512_set1_epi32(1));
    __m512i vn = _mm512_add_epi32(_mm512_add_epi32(decay16(v0, fv), un), b);
    __mmask16 refr, fire, inact;
    vn = _mm512_min_epi32(vn, _mm512_set1_epi32(V_MAX));
    vn = _mm512_max_epi32(vn, _mm512_set1_epi32(-V_MAX));
    refr = _mm512_cmpgt_epi32_mask(r1, zero);
    fire = _mm512_mask_cmpgt_epi32_mask((__mmask16)~refr, vn, th);
    _mm512_storeu_si512((void *)&in[n], zero);
    _mm512_storeu_si512((void *)&ur[n], _mm512_or_si512(un8, _mm512_mask_blend_epi32(fire, r1, rd)));
    _mm512_storeu_si512((void *)&v[n], _mm512_maskz_mov_epi32((__mmask16)~(refr | fire), vn));
    bits[0] = (uint8_t)fire;
    bits[1] = (uint8_t)(fire >> 8);
    inact = _mm512_cmpeq_epi32_mask(_mm512_or_si512(_mm512_or_si512(w, v0), _mm512_or_si512(x, b)), zero);
    *nspk += (unsigned)__builtin_popcount(fire);
    *ninact += (unsigned)__builtin_popcount(inact);
}

/* UPDATE on AVX-512, compartments 0 .. n16-1 (n16 a multiple of 16); as update_avx2 */
NM_AVX512 static unsigned update_avx512(unsigned n16, uint32_t *in, uint32_t *ur, int32_t *v, const cx_params *p,
                                        uint8_t *bits, uint32_t *active)
{
    unsigned n, nspk = 0, ninact = 0;
    if (p->stride == 0) {
        const __m512i fu = _mm512_set1_epi32(p->fu[0]), fv = _mm512_set1_epi32(p->fv[0]);
        const __m512i th = _mm512_set1_epi32(p->vth[0]), rd = _mm512_set1_epi32(p->refract[0]);
        const __m512i b = _mm512_set1_epi32(p->bias[0]);
        for (n = 0; n < n16; n += 16)
            cx16(n, in, ur, v, fu, fv, th, rd, b, &bits[n / 8], &nspk, &ninact);
    } else {
#define LD(a) _mm512_loadu_si512((const void *)&(a)[n])
        for (n = 0; n < n16; n += 16)
            cx16(n, in, ur, v, LD(p->fu), LD(p->fv), LD(p->vth), LD(p->refract), LD(p->bias), &bits[n / 8],
                 &nspk, &ninact);
#undef LD
    }
    *active += n16 - ninact;
    return nspk;
}

static int cpu_has_avx512(void)
{
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f");
}
#endif

/* the flag bytes f[0 .. n-1] of compartments first .. first+n-1 into the bit map */
static void pack_flags(uint64_t *bits, unsigned first, const uint8_t *f, unsigned n)
{
    unsigned k;
    for (k = 0; k < n; k++) {
        unsigned i = first + k;
        uint64_t m = (uint64_t)1 << (i & 63u);
        bits[i / 64] = f[k] ? bits[i / 64] | m : bits[i / 64] & ~m;
    }
}

/* UPDATE: compartments 0 .. nupd-1 of the slot `in`; spike flags into c->spk (bits).
 * Returns the spike count; active updates are added to *active. */
static unsigned update(nm_loihi_ref *c, unsigned nupd, uint32_t *in, uint32_t *active)
{
    cx_params p;
    unsigned nspk = 0, n0 = 0;
    uint8_t f[64];
    if (c->params_dirty)
        check_uniform(c);
    if (c->uniform) {
        p.fu = &c->uni[0];
        p.fv = &c->uni[1];
        p.vth = &c->uni[2];
        p.refract = &c->uni[3];
        p.bias = &c->uni[4];
        p.stride = 0;
    } else {
        p.fu = c->fu;
        p.fv = c->fv;
        p.vth = c->vth;
        p.refract = c->refract;
        p.bias = c->bias;
        p.stride = 1;
    }
#ifdef NM_X86_AVX2
    if (c->simd == NM_LOIHI_SIMD_AVX512) {
        n0 = nupd & ~15u;
        nspk = update_avx512(n0, in, c->ur, c->v, &p, (uint8_t *)c->spk, active);
    } else if (c->simd) {
        n0 = nupd & ~7u;
        nspk = update_avx2(n0, in, c->ur, c->v, &p, (uint8_t *)c->spk, active);
    }
#endif
    /* the rest (all of it without AVX2), 64 at a time through the flag bytes */
    while (n0 < nupd) {
        unsigned k = nupd - n0 < 64u ? nupd - n0 : 64u;
        cx_params q = p;
        if (p.stride) {
            q.fu += n0; q.fv += n0; q.vth += n0; q.refract += n0; q.bias += n0;
        }
        nspk += update_scalar(k, in + n0, c->ur + n0, c->v + n0, &q, f, active);
        pack_flags(c->spk, n0, f, k);
        n0 += k;
    }
    return nspk;
}

/* c->cxpk from CX.AXMAP and the axon map (after a write to either) */
static void build_cxpk(nm_loihi_ref *c)
{
    const unsigned amask = c->g.naxout - 1u;
    unsigned n;
    for (n = 0; n < c->g.ncomp; n++) {
        uint32_t am = c->cx_axmap[n];
        nm_loihi_pkt p = c->ptmpl[((am >> NML_CX_AXMAP_BASE_LSB) & NML_CX_AXMAP_BASE_MASK) & amask];
        p.src = (uint16_t)axmap_len(am);
        c->cxpk[n] = p;
    }
    c->cxpk_dirty = 0;
}

/* the packets of compartment n's axon-map entries from packet npkts on; returns the count after */
static uint32_t emit_entries(nm_loihi_ref *c, unsigned n, uint32_t npkts)
{
    const unsigned amask = c->g.naxout - 1u;
    uint32_t am = c->cx_axmap[n];
    unsigned base = (am >> NML_CX_AXMAP_BASE_LSB) & NML_CX_AXMAP_BASE_MASK, len = axmap_len(am), k;
    nm_loihi_pkt *restrict p = &c->pkts[npkts];
    for (k = 0; k < len; k++) {
        p[k] = c->ptmpl[(base + k) & amask];
        p[k].src = (uint16_t)n;
    }
    return npkts + len;
}

/* SPIKE: the spike list (ascending) from the bit map and the packets in send order (a
 * compartment with one axon-map entry, the common case, sends the packet cached in
 * c->cxpk without reading CX.AXMAP or the axon map). Returns the packet count. */
static uint32_t emit(nm_loihi_ref *c, unsigned nupd, unsigned nspk)
{
    const unsigned nw = (nupd + 63u) / 64u;
    unsigned i = 0, wi, k;
    uint32_t npkts = 0;
    const int loopback = c->opts.loopback;
    if (c->cxpk_dirty)
        build_cxpk(c);
    for (wi = 0; wi < nw && i < nspk; wi++) {
        uint64_t b = c->spk[wi];
        if (wi == nw - 1 && (nupd & 63u))
            b &= ((uint64_t)1 << (nupd & 63u)) - 1u; /* bits past nupd are stale */
        while (b) {
            unsigned n = wi * 64u + (unsigned)__builtin_ctzll(b);
            nm_loihi_pkt p = c->cxpk[n];
            b &= b - 1u;
            c->spikes[i++] = (uint16_t)n;
            if (p.src == 1) {
                p.src = (uint16_t)n;
                c->pkts[npkts++] = p;
            } else {
                npkts = emit_entries(c, n, npkts);
            }
        }
    }
    if (loopback) /* the packets to this core re-enter its queue, in send order */
        for (k = 0; k < npkts; k++)
            if (c->pkts[k].dx == 0 && c->pkts[k].dy == 0)
                nm_loihi_ref_push_inline(c, c->pkts[k].axon);
    return npkts;
}

/* x[n] = lo[n], lo[n] = 0 for n < count: compiled for AVX-512, AVX2 and the baseline */
static inline __attribute__((always_inline)) void widen_body(uint32_t *restrict x, int16_t *restrict lo, unsigned count)
{
    unsigned n;
    for (n = 0; n < count; n++) {
        x[n] = (uint32_t)(int32_t)lo[n];
        lo[n] = 0;
    }
}
#if defined(NM_X86_AVX2)
__attribute__((target("avx512f,avx512bw"))) static void widen_avx512(uint32_t *restrict x, int16_t *restrict lo,
                                                                     unsigned count)
{
    widen_body(x, lo, count);
}
__attribute__((target("avx2"))) static void widen_avx2(uint32_t *restrict x, int16_t *restrict lo, unsigned count)
{
    widen_body(x, lo, count);
}
#endif
static void widen_c(uint32_t *restrict x, int16_t *restrict lo, unsigned count)
{
    widen_body(x, lo, count);
}

/* The input of compartments 0 .. nupd-1 from accumulator slot s into x (their low and high
 * parts added, then cleared); the rest of the slot stays. Returns x. */
static uint32_t *take_slot(nm_loihi_ref *c, unsigned s, unsigned nupd, uint32_t *restrict x)
{
    int16_t *restrict lo = &c->dlo[(size_t)s << c->lg_ncomp];
    unsigned n;
#if defined(NM_X86_AVX2)
    if (c->simd == NM_LOIHI_SIMD_AVX512)
        widen_avx512(x, lo, nupd);
    else if (c->simd)
        widen_avx2(x, lo, nupd);
    else
#endif
        widen_c(x, lo, nupd);
    if (c->dhi_slots >> s & 1u) {
        uint32_t *restrict hi = &c->da[(size_t)s << c->lg_ncomp];
        for (n = 0; n < nupd; n++)
            x[n] += hi[n];
        memset(hi, 0, nupd * sizeof *hi);
        if (nupd == c->g.ncomp)
            c->dhi_slots &= ~((uint64_t)1 << s);
    }
    return x;
}

int nm_loihi_ref_tick(nm_loihi_ref *c, nm_loihi_out *out)
{
    const nm_loihi_geom *g = &c->g;
    unsigned nupd = c->nupd < g->ncomp ? c->nupd : g->ncomp;
    unsigned m = c->qcount, nspk;
    uint32_t t, cycles, npkts = 0, stalls = 0;
    _Alignas(64) uint32_t xin[NM_LOIHI_MAX_NCOMP];

    t = ++c->step;
    cycles = 2u + deliver(c, m, t);
    nspk = update(c, nupd, take_slot(c, t & (g->ndslot - 1u), nupd, xin), &c->cnt[NML_COUNTER_CX_ACTIVE]);
    cycles += 3u * nupd;

    if (nspk) {
        npkts = emit(c, nupd, nspk);
        stalls = npkts * c->opts.stall_per_pkt;
        cycles += 2u * npkts + stalls;
    }

    c->cnt[NML_COUNTER_CX_UPDATES] += nupd;
    c->cnt[NML_COUNTER_SPIKES] += nspk;
    c->cnt[NML_COUNTER_PKTS_OUT] += npkts;
    c->cnt[NML_COUNTER_BUSY_CYCLES] += cycles;
    c->cnt[NML_COUNTER_STALL_CYCLES] += stalls;
    if (out) {
        out->cycles = cycles;
        out->nspikes = nspk;
        out->npkts = npkts;
        out->spikes = c->spikes;
        out->pkts = c->pkts;
    }
    return NM_OK;
}

void nm_loihi_ref_set_simd(nm_loihi_ref *c, int level)
{
#ifdef NM_X86_AVX2
    c->simd = NM_LOIHI_SIMD_PORTABLE;
    if (level >= NM_LOIHI_SIMD_AVX2 && cpu_has_avx2())
        c->simd = NM_LOIHI_SIMD_AVX2;
    if (level >= NM_LOIHI_SIMD_AVX512 && cpu_has_avx512())
        c->simd = NM_LOIHI_SIMD_AVX512;
#else
    (void)level;
    c->simd = 0;
#endif
}

int nm_loihi_ref_simd(const nm_loihi_ref *c)
{
    return c->simd;
}

/* A hint that this core steps soon: fetch what the start of its step touches (its queue
 * head, the dense accumulators and delivery list of the slot it will consume). */
void nm_loihi_ref_prefetch(const nm_loihi_ref *c)
{
    unsigned k;
    for (k = 0; k < c->qcount && k < 64; k += 32)
        __builtin_prefetch(&c->q[(c->qhead + k) & (c->g.inq - 1u)]);
    __builtin_prefetch(&c->dlo[(size_t)((c->step + 1u) & (c->g.ndslot - 1u)) << c->lg_ncomp]);
    __builtin_prefetch(c->ur);
    __builtin_prefetch(c->v);
}

/* ------------------------------------------------------------------ probes */

int32_t nm_loihi_ref_u(const nm_loihi_ref *c, unsigned n) { return wrap24u(c->ur[n] >> 8); }
int32_t nm_loihi_ref_v(const nm_loihi_ref *c, unsigned n) { return c->v[n]; }
unsigned nm_loihi_ref_refcnt(const nm_loihi_ref *c, unsigned n) { return c->ur[n] & 0xffu; }
uint32_t nm_loihi_ref_counter(const nm_loihi_ref *c, unsigned idx)
{
    return idx < NML_COUNTER_NREGS ? c->cnt[idx] : 0;
}

/* ------------------------------------------------------------------ backend */

static int be_write(void *impl, uint32_t addr, uint32_t data) { return nm_loihi_ref_cfg_write(impl, addr, data); }
static int be_read(void *impl, uint32_t addr, uint32_t *data) { return nm_loihi_ref_cfg_read(impl, addr, data); }
static int be_inject(void *impl, unsigned axon) { return nm_loihi_ref_inject(impl, axon); }
static int be_tick(void *impl, nm_loihi_out *out) { return nm_loihi_ref_tick(impl, out); }
static void be_free(void *impl) { nm_loihi_ref_free(impl); }

void nm_loihi_ref_backend(nm_loihi_backend *b, nm_loihi_ref *c)
{
    b->name = "ref";
    b->impl = c;
    b->geom = c->g;
    b->cfg_write = be_write;
    b->cfg_read = be_read;
    b->inject = be_inject;
    b->tick = be_tick;
    b->free = be_free;
}
