/* nm_vcore_shim.h - C ABI around the Verilated nm_core (rtl/nm_core.v).
 *
 * This is the only boundary between C and the C++ Verilator model: the shim
 * (nm_vcore_shim.cpp) copies the pin struct into the model, clocks it, and copies
 * the outputs back. Everything else in the harness is C and never sees C++.
 */
#ifndef NM_VCORE_SHIM_H
#define NM_VCORE_SHIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Every port of nm_core, by name without the _i/_o suffix. */
typedef struct nm_vcore_pins {
    /* inputs */
    uint8_t  rst_n;
    uint8_t  tick;
    uint8_t  pkt_in_valid;
    uint8_t  pkt_in_axon;
    uint8_t  pkt_in_delay;
    uint8_t  pkt_out_ready;
    uint8_t  cfg_req;
    uint8_t  cfg_we;
    uint16_t cfg_addr;
    uint32_t cfg_wdata;
    /* outputs */
    uint8_t  tick_done;
    uint8_t  busy;
    uint8_t  pkt_in_ready;
    uint8_t  pkt_out_valid;
    uint16_t pkt_out_dx; /* 9 bits, two's complement */
    uint16_t pkt_out_dy;
    uint8_t  pkt_out_axon;
    uint8_t  pkt_out_delay;
    uint8_t  trace_valid;
    uint8_t  trace_neuron;
    uint8_t  cfg_rvalid;
    uint32_t cfg_rdata;
    uint8_t  cfg_err;
} nm_vcore_pins;

typedef struct nm_vcore nm_vcore;

/* Create the model; fst_path non-NULL opens an FST waveform there.
 * Returns NULL when the model cannot be built or the trace file cannot be opened. */
nm_vcore *nm_vcore_new(const char *fst_path);
void      nm_vcore_free(nm_vcore *v);

/* Apply the inputs, settle combinational logic, read the outputs back. */
void nm_vcore_eval(nm_vcore *v, nm_vcore_pins *p);

/* One clock cycle: apply inputs, rising edge, falling edge, dump the trace,
 * read the outputs back (they show the state after the edge). */
void nm_vcore_cycle(nm_vcore *v, nm_vcore_pins *p);

/* Clock cycles run since nm_vcore_new. */
uint64_t nm_vcore_cycles(const nm_vcore *v);

/* 1 when an RTL assertion ($stop) fired; msg gets its text. */
int nm_vcore_stopped(const nm_vcore *v, char *msg, size_t len);

#ifdef __cplusplus
}
#endif

#endif
