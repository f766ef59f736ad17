/* nm_loihi_rtl_chip.h - cycle-level driver of the Verilated chip of Loihi-style cores
 * (rtl/loihi/nm_loihi_chip.v, docs/loihi-chip.md).
 *
 * APB transfers to the chip (so the freestanding firmware, firmware/nm_fw.h, programs it
 * through nm_loihi_rtl_chip_bus), host packets into the west port of core (0,0), and whole
 * chip steps: the step runs from the STEP request to the barrier's step_done, and what every
 * core did is collected from the chip's trace pins in the order it happened: each core's
 * spikes (compartments, in update order) and packets (in send order). Off-chip packets are
 * popped as they arrive and counted. Each core is also offered as an nm_loihi_backend whose
 * config port is APB space 0 (inject and tick refused: the chip steps as a whole).
 */
#ifndef NM_LOIHI_RTL_CHIP_H
#define NM_LOIHI_RTL_CHIP_H

#include <stddef.h>
#include <stdint.h>

#include "nm_fw.h"
#include "nm_loihi_if.h"
#include "nm_vlchip_shim.h"

typedef struct nm_loihi_rtl_chip nm_loihi_rtl_chip;

/* Reset the chip and wait until its cores have cleared their memories. trace_path
 * non-NULL writes a waveform. NULL on error (msg). */
nm_loihi_rtl_chip *nm_loihi_rtl_chip_new(const char *trace_path, char *msg, size_t len);
/* The same on the build api: the linked one (nm_vlchip_linked_api) or a shape library
 * (nm_rtl_lshape_get, nm_rtl_shapes.h). */
nm_loihi_rtl_chip *nm_loihi_rtl_chip_new_api(const nm_vlchip_api *api, const char *trace_path, char *msg,
                                             size_t len);
void nm_loihi_rtl_chip_free(nm_loihi_rtl_chip *c);

unsigned nm_loihi_rtl_chip_mesh_x(const nm_loihi_rtl_chip *c);
unsigned nm_loihi_rtl_chip_mesh_y(const nm_loihi_rtl_chip *c);
/* The cores' geometry, read from core 0 (CTRL.GEOM0..3). */
const nm_loihi_geom *nm_loihi_rtl_chip_geom(const nm_loihi_rtl_chip *c);

/* APB transfers: NM_OK, NM_ERR_CFG on PSLVERR, NM_ERR_ASSERT after an RTL assertion. */
int nm_loihi_rtl_chip_apb_write(nm_loihi_rtl_chip *c, uint32_t paddr, uint32_t data);
int nm_loihi_rtl_chip_apb_read(nm_loihi_rtl_chip *c, uint32_t paddr, uint32_t *data);
/* The bus the firmware drives (valid while c lives). */
const nm_fw_bus *nm_loihi_rtl_chip_bus(nm_loihi_rtl_chip *c);

/* A host packet (a HOST_IN word, nm_fw_loihi_host_flit), held until the chip takes it. */
int nm_loihi_rtl_chip_host_send(nm_loihi_rtl_chip *c, uint32_t flit);

/* One chip step. Afterwards nm_loihi_rtl_chip_core_out gives each core's spikes and packets
 * (its cycles field is 0: read the core's BUSY_CYCLES and STALL_CYCLES counters). */
typedef struct nm_loihi_rtl_chip_out {
    uint32_t cycles;  /* chip cycles from the step's start to step_done */
    uint32_t noff;    /* packets that left the mesh (popped from the off-chip queue) */
} nm_loihi_rtl_chip_out;
int nm_loihi_rtl_chip_step(nm_loihi_rtl_chip *c, nm_loihi_rtl_chip_out *out);
const nm_loihi_out *nm_loihi_rtl_chip_core_out(const nm_loihi_rtl_chip *c, unsigned core);

/* A packet that left the mesh, as the off-chip queue gave it (docs/loihi-chip-register-map.md
 * OUT_INFO, OUT_FLIT, OUT_STEP): the step counter when it left, side (0 east, 1 west,
 * 2 north, 3 south), position (y for east/west, x for north/south), flit {axon, dy, dx}. */
typedef struct nm_loihi_rtl_offchip {
    uint32_t step;
    uint8_t side, pos;
    uint32_t flit;
} nm_loihi_rtl_offchip;
/* The off-chip packets of the last step (out->noff of them: those popped while the host
 * packets before it went in, then the step's own), in the order they left; valid until the
 * next host packet or step. */
const nm_loihi_rtl_offchip *nm_loihi_rtl_chip_offchip(const nm_loihi_rtl_chip *c, unsigned *n);

/* Core i as a backend (config port only). */
void nm_loihi_rtl_chip_core_backend(nm_loihi_backend *b, nm_loihi_rtl_chip *c, unsigned core);

/* The text of the last error (an RTL assertion, a hang). */
const char *nm_loihi_rtl_chip_error(const nm_loihi_rtl_chip *c);
int nm_loihi_rtl_chip_close_trace(nm_loihi_rtl_chip *c);

#endif
