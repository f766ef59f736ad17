/* nm_loihi_prog.h - encoders of the Loihi-style core's config words, and helpers that
 * program a core (any nm_loihi_backend) through its config port. Field layouts come from
 * regmap/nm_loihi_regmap.h; meanings from docs/loihi-core.md. Encoders mask every field to
 * its width (negative values keep their two's complement low bits). */
#ifndef NM_LOIHI_PROG_H
#define NM_LOIHI_PROG_H

#include <stdint.h>

#include "nm_loihi_if.h"

/* sign modes of a synapse format (SYNFMT.SIGN) */
enum { NM_LOIHI_SIGN_NULL = 0, NM_LOIHI_SIGN_MIXED = 1, NM_LOIHI_SIGN_EXC = 2, NM_LOIHI_SIGN_INH = 3 };

uint32_t nm_loihi_enc_dprof(unsigned du, unsigned dv, unsigned refract);
uint32_t nm_loihi_enc_tprof(unsigned vth_mant);
/* nbits 1..8 (stored as nbits - 1), wgt_exp -8..7 */
uint32_t nm_loihi_enc_synfmt(unsigned sign, unsigned nbits, int wgt_exp);
uint32_t nm_loihi_enc_cxcfg(unsigned dprof, unsigned tprof, int bias_mant, unsigned bias_exp);
uint32_t nm_loihi_enc_cxaxmap(unsigned base, unsigned len);
uint32_t nm_loihi_enc_inaxon(unsigned base, unsigned len, unsigned fmt);
/* wgt is the 8-bit mantissa as stored (mixed mode: -128..127 or 0..255 both accepted) */
uint32_t nm_loihi_enc_syn(unsigned comp, int wgt, unsigned delay);
uint32_t nm_loihi_enc_axmap(unsigned axon, int dx, int dy);

/* Config address of compartment n's register w (NML_CX_*), of DA slot s of compartment n. */
uint32_t nm_loihi_addr_cx(unsigned n, unsigned w);
uint32_t nm_loihi_addr_da(const nm_loihi_geom *g, unsigned slot, unsigned n);

/* The same, written through a backend; each returns the first error. */
int nm_loihi_write_dprof(const nm_loihi_backend *b, unsigned idx, unsigned du, unsigned dv, unsigned refract);
int nm_loihi_write_tprof(const nm_loihi_backend *b, unsigned idx, unsigned vth_mant);
int nm_loihi_write_synfmt(const nm_loihi_backend *b, unsigned idx, unsigned sign, unsigned nbits, int wgt_exp);
int nm_loihi_write_cx(const nm_loihi_backend *b, unsigned n, unsigned dprof, unsigned tprof, int bias_mant,
                      unsigned bias_exp, unsigned axbase, unsigned axlen);
int nm_loihi_write_inaxon(const nm_loihi_backend *b, unsigned a, unsigned base, unsigned len, unsigned fmt);
int nm_loihi_write_syn(const nm_loihi_backend *b, unsigned idx, unsigned comp, int wgt, unsigned delay);
int nm_loihi_write_axmap(const nm_loihi_backend *b, unsigned e, unsigned axon, int dx, int dy);
int nm_loihi_write_nupd(const nm_loihi_backend *b, unsigned nupd);

/* State of compartment n, sign-extended. */
typedef struct nm_loihi_cx_state {
    int32_t u, v, vhw;
    unsigned ref;
} nm_loihi_cx_state;
int nm_loihi_read_cx(const nm_loihi_backend *b, unsigned n, nm_loihi_cx_state *s);
int nm_loihi_read_da(const nm_loihi_backend *b, unsigned slot, unsigned n, int32_t *acc);
int nm_loihi_read_counter(const nm_loihi_backend *b, unsigned idx, uint32_t *val);

/* Two's complement value of the low `width` bits of x. */
int32_t nm_loihi_sext(uint32_t x, unsigned width);

#endif
