/* nm_vlchip_shim.h - C ABI around a Verilated nm_loihi_chip (rtl/loihi/nm_loihi_chip.v) of one shape.
 * The only C++ boundary of the Loihi chip harness, like nm_vchip_shim.h for the TrueNorth chip.
 *
 * A model is built for one shape: a mesh and a core geometry (NCOMP .. INQ). The 3 x 2 build
 * of small cores is linked into the programs (nm_vlchip_linked_api); every other shape is a
 * shared library built on demand (nm_rtl_shapes.h, tools/build-rtl-shape) whose only export,
 * nm_vlchip_shape_api, returns the same table. */
#ifndef NM_VLCHIP_SHIM_H
#define NM_VLCHIP_SHIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* trace lanes in the pins: the chip's address map indexes at most 256 cores */
#define NM_VLCHIP_MAX_CORES 256

typedef struct nm_vlchip_pins {
    /* inputs */
    uint8_t  rst_n, tick;
    uint8_t  host_valid;
    uint32_t host_flit;
    uint8_t  off_ready;
    uint8_t  psel, penable, pwrite;
    uint32_t paddr, pwdata;
    /* outputs */
    uint8_t  tick_done, busy, overrun, host_ready;
    uint8_t  off_valid, off_side, off_pos;
    uint32_t off_flit, off_tick;
    uint32_t prdata;
    uint8_t  pready, pslverr;
    uint8_t  trace_valid[NM_VLCHIP_MAX_CORES];      /* a compartment spiked this cycle */
    uint16_t trace_comp[NM_VLCHIP_MAX_CORES];       /* which one */
    uint8_t  trace_pkt_valid[NM_VLCHIP_MAX_CORES];  /* the core handed its router a flit */
    uint32_t trace_pkt_flit[NM_VLCHIP_MAX_CORES];   /* which one */
} nm_vlchip_pins;

typedef struct nm_vlchip nm_vlchip;

typedef struct nm_vlchip_api {
    /* the shape of this build: mesh, then the core parameters NCOMP, NAXIN, NAXOUT, NSYN,
     * NDSLOT, NDPROF, NTPROF, NSYNFMT, INQ (docs/loihi-core.md section 2) */
    unsigned mesh_x, mesh_y;
    unsigned ncomp, naxin, naxout, nsyn, ndslot, ndprof, ntprof, nsynfmt, inq;
    /* trace_path non-NULL writes a waveform (".vcd": VCD, else FST) from the first cycle. */
    nm_vlchip *(*create)(const char *trace_path);
    int        (*close_trace)(nm_vlchip *v);                           /* 0 ok */
    int        (*stopped)(const nm_vlchip *v, char *msg, size_t len);  /* 1: an RTL assertion fired */
    void       (*destroy)(nm_vlchip *v);
    void       (*eval)(nm_vlchip *v, nm_vlchip_pins *p);               /* settle, no clock edge */
    void       (*cycle)(nm_vlchip *v, nm_vlchip_pins *p);              /* one clock cycle */
    uint64_t   (*cycles)(const nm_vlchip *v);
} nm_vlchip_api;

/* The build linked into this program (3 x 2 small cores, mk/loihi-chip.mk). */
const nm_vlchip_api *nm_vlchip_linked_api(void);
/* What a shape library exports (dlsym name "nm_vlchip_shape_api"). */
typedef const nm_vlchip_api *(*nm_vlchip_shape_fn)(void);

#ifdef __cplusplus
}
#endif

#endif
