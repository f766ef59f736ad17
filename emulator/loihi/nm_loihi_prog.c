/* nm_loihi_prog.c - config-word encoders and programming helpers of the Loihi-style core. */
#include "nm_loihi_prog.h"
#include "nm_loihi_regmap.h"

#define PUT(R, F, x) ((((uint32_t)(x)) & NML_##R##_##F##_MASK) << NML_##R##_##F##_LSB)

int32_t nm_loihi_sext(uint32_t x, unsigned width)
{
    uint32_t m = 1u << (width - 1);
    if (width < 32)
        x &= (1u << width) - 1u;
    return (int32_t)(x ^ m) - (int32_t)m;
}

uint32_t nm_loihi_enc_dprof(unsigned du, unsigned dv, unsigned refract)
{
    return PUT(DPROF_CFG, DU, du) | PUT(DPROF_CFG, DV, dv) | PUT(DPROF_CFG, REFRACT, refract);
}

uint32_t nm_loihi_enc_tprof(unsigned vth_mant)
{
    return PUT(TPROF_CFG, VTH_MANT, vth_mant);
}

uint32_t nm_loihi_enc_synfmt(unsigned sign, unsigned nbits, int wgt_exp)
{
    return PUT(SYNFMT_CFG, SIGN, sign) | PUT(SYNFMT_CFG, NBITS_M1, nbits - 1u) |
           PUT(SYNFMT_CFG, WGT_EXP, (uint32_t)wgt_exp);
}

uint32_t nm_loihi_enc_cxcfg(unsigned dprof, unsigned tprof, int bias_mant, unsigned bias_exp)
{
    return PUT(CX_CFG, DPROF, dprof) | PUT(CX_CFG, TPROF, tprof) | PUT(CX_CFG, BIAS_EXP, bias_exp) |
           PUT(CX_CFG, BIAS_MANT, (uint32_t)bias_mant);
}

uint32_t nm_loihi_enc_cxaxmap(unsigned base, unsigned len)
{
    return PUT(CX_AXMAP, BASE, base) | PUT(CX_AXMAP, LEN, len);
}

uint32_t nm_loihi_enc_inaxon(unsigned base, unsigned len, unsigned fmt)
{
    return PUT(INAXON_CFG, BASE, base) | PUT(INAXON_CFG, LEN, len) | PUT(INAXON_CFG, FMT, fmt);
}

uint32_t nm_loihi_enc_syn(unsigned comp, int wgt, unsigned delay)
{
    return PUT(SYN_WORD, COMP, comp) | PUT(SYN_WORD, WGT, (uint32_t)wgt) | PUT(SYN_WORD, DELAY, delay);
}

uint32_t nm_loihi_enc_axmap(unsigned axon, int dx, int dy)
{
    return PUT(AXMAP_ENTRY, AXON, axon) | PUT(AXMAP_ENTRY, DX, (uint32_t)dx) | PUT(AXMAP_ENTRY, DY, (uint32_t)dy);
}

uint32_t nm_loihi_addr_cx(unsigned n, unsigned w)
{
    return NML_ADDR(NML_REGION_CX, n * NML_CX_STRIDE + w);
}

uint32_t nm_loihi_addr_da(const nm_loihi_geom *g, unsigned slot, unsigned n)
{
    return NML_ADDR(NML_REGION_DA, slot * g->ncomp + n);
}

int nm_loihi_write_dprof(const nm_loihi_backend *b, unsigned idx, unsigned du, unsigned dv, unsigned refract)
{
    return b->cfg_write(b->impl, NML_ADDR(NML_REGION_DPROF, idx), nm_loihi_enc_dprof(du, dv, refract));
}

int nm_loihi_write_tprof(const nm_loihi_backend *b, unsigned idx, unsigned vth_mant)
{
    return b->cfg_write(b->impl, NML_ADDR(NML_REGION_TPROF, idx), nm_loihi_enc_tprof(vth_mant));
}

int nm_loihi_write_synfmt(const nm_loihi_backend *b, unsigned idx, unsigned sign, unsigned nbits, int wgt_exp)
{
    return b->cfg_write(b->impl, NML_ADDR(NML_REGION_SYNFMT, idx), nm_loihi_enc_synfmt(sign, nbits, wgt_exp));
}

int nm_loihi_write_cx(const nm_loihi_backend *b, unsigned n, unsigned dprof, unsigned tprof, int bias_mant,
                      unsigned bias_exp, unsigned axbase, unsigned axlen)
{
    int rc = b->cfg_write(b->impl, nm_loihi_addr_cx(n, NML_CX_CFG), nm_loihi_enc_cxcfg(dprof, tprof, bias_mant, bias_exp));
    if (rc)
        return rc;
    return b->cfg_write(b->impl, nm_loihi_addr_cx(n, NML_CX_AXMAP), nm_loihi_enc_cxaxmap(axbase, axlen));
}

int nm_loihi_write_inaxon(const nm_loihi_backend *b, unsigned a, unsigned base, unsigned len, unsigned fmt)
{
    return b->cfg_write(b->impl, NML_ADDR(NML_REGION_INAXON, a), nm_loihi_enc_inaxon(base, len, fmt));
}

int nm_loihi_write_syn(const nm_loihi_backend *b, unsigned idx, unsigned comp, int wgt, unsigned delay)
{
    return b->cfg_write(b->impl, NML_ADDR(NML_REGION_SYN, idx), nm_loihi_enc_syn(comp, wgt, delay));
}

int nm_loihi_write_axmap(const nm_loihi_backend *b, unsigned e, unsigned axon, int dx, int dy)
{
    return b->cfg_write(b->impl, NML_ADDR(NML_REGION_AXMAP, e), nm_loihi_enc_axmap(axon, dx, dy));
}

int nm_loihi_write_nupd(const nm_loihi_backend *b, unsigned nupd)
{
    return b->cfg_write(b->impl, NML_ADDR(NML_REGION_CTRL, NML_CTRL_NUPD), nupd);
}

int nm_loihi_read_cx(const nm_loihi_backend *b, unsigned n, nm_loihi_cx_state *s)
{
    uint32_t w;
    int rc;
    if ((rc = b->cfg_read(b->impl, nm_loihi_addr_cx(n, NML_CX_U), &w)))
        return rc;
    s->u = nm_loihi_sext(w, NML_CX_U_U_WIDTH);
    if ((rc = b->cfg_read(b->impl, nm_loihi_addr_cx(n, NML_CX_V), &w)))
        return rc;
    s->v = nm_loihi_sext(w, NML_CX_V_V_WIDTH);
    if ((rc = b->cfg_read(b->impl, nm_loihi_addr_cx(n, NML_CX_VHW), &w)))
        return rc;
    s->vhw = nm_loihi_sext(w, NML_CX_VHW_V_WIDTH);
    if ((rc = b->cfg_read(b->impl, nm_loihi_addr_cx(n, NML_CX_REF), &w)))
        return rc;
    s->ref = w & NML_CX_REF_CNT_MASK;
    return NM_OK;
}

int nm_loihi_read_da(const nm_loihi_backend *b, unsigned slot, unsigned n, int32_t *acc)
{
    uint32_t w;
    int rc = b->cfg_read(b->impl, nm_loihi_addr_da(&b->geom, slot, n), &w);
    if (rc == NM_OK)
        *acc = nm_loihi_sext(w, NML_DA_ACC_A_WIDTH);
    return rc;
}

int nm_loihi_read_counter(const nm_loihi_backend *b, unsigned idx, uint32_t *val)
{
    return b->cfg_read(b->impl, NML_ADDR(NML_REGION_COUNTER, idx), val);
}
