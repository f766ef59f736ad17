/* nm_loihi_rtl.h - the Verilated Loihi-style core (rtl/loihi/nm_loihi_core.v) behind
 * nm_loihi_if.h: config port, input-queue injection and steps, cycle by cycle.
 *
 * The geometry is fixed when the RTL is Verilated (mk/loihi-rtl.mk links the small test
 * geometry, NM_LOIHI_GEOM_SMALL; any other is a library built on demand, nm_rtl_lcore_get in
 * emulator/nm_rtl_shapes.h); the wrapper reads it back from CTRL.GEOM0..GEOM3 and refuses a
 * request for any other geometry. After reset the core clears its memories
 * (busy for a few hundred cycles at the small geometry); nm_loihi_rtl_new waits for that.
 */
#ifndef NM_LOIHI_RTL_H
#define NM_LOIHI_RTL_H

#include <stddef.h>
#include <stdint.h>

#include "nm_loihi_if.h"

typedef struct nm_loihi_rtl nm_loihi_rtl;

/* geom NULL accepts the build's geometry; otherwise it must equal it (else NULL, reason
 * in msg). opts NULL means {0, 0}. Returns NULL also when the model cannot be built. */
nm_loihi_rtl *nm_loihi_rtl_new(const nm_loihi_geom *geom, const nm_loihi_opts *opts, char *msg, size_t len);
/* The same, with an FST (or .vcd) waveform of every cycle written to fst_path. */
nm_loihi_rtl *nm_loihi_rtl_new_traced(const nm_loihi_geom *geom, const nm_loihi_opts *opts, const char *fst_path,
                                      char *msg, size_t len);
/* The same on a given build of the core (the linked one, or a library nm_rtl_lcore_get
 * loaded; NULL means the linked one). */
struct nm_vloihi_api;
nm_loihi_rtl *nm_loihi_rtl_new_api(const struct nm_vloihi_api *api, const nm_loihi_geom *geom,
                                   const nm_loihi_opts *opts, const char *fst_path, char *msg, size_t len);
void nm_loihi_rtl_free(nm_loihi_rtl *c);

const nm_loihi_geom *nm_loihi_rtl_geom(const nm_loihi_rtl *c);

/* NM_OK; NM_ERR_CFG when the core refuses the access; NM_ERR_HANG when the port gives no
 * response; NM_ERR_ASSERT after an RTL assertion. */
int nm_loihi_rtl_cfg_write(nm_loihi_rtl *c, uint32_t addr, uint32_t data);
int nm_loihi_rtl_cfg_read(nm_loihi_rtl *c, uint32_t addr, uint32_t *data);

/* One packet into the input queue (one cycle): NM_ERR_ARG if axon >= naxin (nothing is
 * sent); NM_ERR_FULL if the queue was full (the core drops and counts it). */
int nm_loihi_rtl_inject(nm_loihi_rtl *c, unsigned axon);

/* One step, START to DONE: spikes from the spike trace port, packets as the sink accepts
 * them (stall_per_pkt, loopback of DX = DY = 0 into the input queue). NM_ERR_HANG past the
 * longest legal step, NM_ERR_PROTO if the core breaks its own protocol. */
int nm_loihi_rtl_tick(nm_loihi_rtl *c, nm_loihi_out *out);

/* Clock cycles simulated since creation (reset and config accesses included). */
uint64_t nm_loihi_rtl_cycles(const nm_loihi_rtl *c);
/* Text of the last RTL assertion ("" if none). */
const char *nm_loihi_rtl_error(const nm_loihi_rtl *c);

void nm_loihi_rtl_backend(nm_loihi_backend *b, nm_loihi_rtl *c);

#endif
