/* nm_vloihi_shim.h - C ABI around the Verilated Loihi-style core (rtl/loihi/nm_loihi_core.v).
 *
 * The only boundary between C and the C++ Verilator model of this core: the shim
 * (nm_vloihi_shim.cpp) copies the pin struct into the model, clocks it, and copies the
 * outputs back. The geometry is fixed when the model is Verilated (-G parameters); the
 * C wrapper (nm_loihi_rtl.c) reads it back from CTRL.GEOM0..GEOM3.
 */
#ifndef NM_VLOIHI_SHIM_H
#define NM_VLOIHI_SHIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Every port of nm_loihi_core, by name without the _i/_o suffix. */
typedef struct nm_vloihi_pins {
    /* inputs */
    uint8_t  rst_n;
    uint8_t  step;
    uint8_t  pkt_in_valid;
    uint16_t pkt_in_axon;
    uint8_t  pkt_out_ready;
    uint8_t  cfg_req;
    uint8_t  cfg_we;
    uint32_t cfg_addr;
    uint32_t cfg_wdata;
    /* outputs */
    uint8_t  step_done;
    uint8_t  busy;
    uint8_t  inq_full;
    uint8_t  pkt_out_valid;
    uint8_t  pkt_out_dx; /* 8 bits, two's complement */
    uint8_t  pkt_out_dy;
    uint16_t pkt_out_axon;
    uint16_t pkt_out_src;
    uint16_t pkt_out_entry;
    uint8_t  spike_valid;
    uint16_t spike_comp;
    uint8_t  cfg_rvalid;
    uint32_t cfg_rdata;
    uint8_t  cfg_err;
} nm_vloihi_pins;

typedef struct nm_vloihi nm_vloihi;

/* One Verilated build of the core behind a table, so that a build of another geometry can be
 * loaded at run time: the build linked into the program (nm_vloihi_linked_api), or a shared
 * library built on demand (emulator/nm_rtl_shapes.h, tools/build-rtl-shape-loihi) whose only
 * export, nm_vloihi_shape_api, returns the same table. */
typedef struct nm_vloihi_api {
    /* the geometry of this build (NCOMP, NAXIN, NAXOUT, NSYN, NDSLOT, NDPROF, NTPROF, NSYNFMT,
     * INQ, the -G parameters it was Verilated with); all 0 when the build does not state it
     * (the test builds of mk/loihi-rtl.mk other than the linked one). The core's GEOM
     * registers are the authority: nm_loihi_rtl checks them against the geometry asked for. */
    unsigned ncomp, naxin, naxout, nsyn, ndslot, ndprof, ntprof, nsynfmt, inq;
    nm_vloihi *(*create)(const char *fst_path);
    void       (*destroy)(nm_vloihi *v);
    void       (*cycle)(nm_vloihi *v, nm_vloihi_pins *p);
    uint64_t   (*cycles)(const nm_vloihi *v);
    int        (*stopped)(const nm_vloihi *v, char *msg, size_t len);
} nm_vloihi_api;

/* The build linked into this program (mk/loihi-rtl.mk). */
const nm_vloihi_api *nm_vloihi_linked_api(void);
/* What a core library exports (dlsym name "nm_vloihi_shape_api"). */
typedef const nm_vloihi_api *(*nm_vloihi_shape_fn)(void);

/* The linked build's functions, also reachable through nm_vloihi_linked_api(). */

/* Create the model; fst_path non-NULL opens an FST (or .vcd) waveform there.
 * Returns NULL when the model cannot be built or the trace file cannot be opened. */
nm_vloihi *nm_vloihi_new(const char *fst_path);
void       nm_vloihi_free(nm_vloihi *v);

/* One clock cycle: apply inputs, rising edge, falling edge, read the outputs back
 * (they show the state after the edge). */
void nm_vloihi_cycle(nm_vloihi *v, nm_vloihi_pins *p);

/* Clock cycles run since nm_vloihi_new. */
uint64_t nm_vloihi_cycles(const nm_vloihi *v);

/* 1 when an RTL assertion ($stop) fired; msg gets its text. */
int nm_vloihi_stopped(const nm_vloihi *v, char *msg, size_t len);

#ifdef __cplusplus
}
#endif

#endif
