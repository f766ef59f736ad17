/* nm_vchip_shim.h - C ABI around a Verilated nm_chip (rtl/nm_chip.v) of one shape.
 * The only C++ boundary of the chip harness, like nm_vcore_shim.h for one core.
 *
 * A model is built for one shape (mesh and core geometry). The 4 x 4 build is linked
 * into the programs (nm_vchip_linked_api); every other shape is a shared library
 * built on demand (nm_rtl_shapes.h) whose only export, nm_vchip_shape_api, returns
 * the same table. */
#ifndef NM_VCHIP_SHIM_H
#define NM_VCHIP_SHIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nm_vchip_pins {
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
    /* the spike trace of this cycle, in core order: ntrace lanes are valid, core
     * trace_core[i] fired neuron trace_neuron[i]. The arrays (ncores entries each) are
     * the caller's. */
    uint32_t  ntrace;
    uint16_t *trace_core;
    uint8_t  *trace_neuron;
} nm_vchip_pins;

typedef struct nm_vchip nm_vchip;

typedef struct nm_vchip_api {
    unsigned mesh_x, mesh_y, naxons, nneurons; /* the shape of this build */
    /* trace_path non-NULL writes a waveform (".vcd": VCD, else FST); windowed: dumping
     * waits for trace(v, 1) (a window of ticks), else starts at the first cycle. */
    nm_vchip *(*create)(const char *trace_path, int windowed);
    int       (*trace)(nm_vchip *v, int on);              /* start/stop dumping; 0 ok */
    int       (*close_trace)(nm_vchip *v);                /* finish the waveform; 0 ok */
    int       (*stopped)(const nm_vchip *v, char *msg, size_t len); /* 1: an RTL assertion fired */
    void      (*destroy)(nm_vchip *v);
    void      (*eval)(nm_vchip *v, nm_vchip_pins *p);     /* settle, no clock edge */
    void      (*cycle)(nm_vchip *v, nm_vchip_pins *p);    /* one clock cycle */
    uint64_t  (*cycles)(const nm_vchip *v);
} nm_vchip_api;

/* The build linked into this program (4 x 4 mesh of 256 x 256 cores by default). */
const nm_vchip_api *nm_vchip_linked_api(void);
/* What a shape library exports (dlsym name "nm_vchip_shape_api"). */
typedef const nm_vchip_api *(*nm_vchip_shape_fn)(void);

#ifdef __cplusplus
}
#endif

#endif
