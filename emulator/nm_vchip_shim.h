/* nm_vchip_shim.h - C ABI around the Verilated nm_chip (rtl/nm_chip.v, 4 x 4 build).
 * The only C++ boundary of the chip harness, like nm_vcore_shim.h for one core. */
#ifndef NM_VCHIP_SHIM_H
#define NM_VCHIP_SHIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NM_VCHIP_MAX_CORES 64

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
    uint8_t  trace_valid[NM_VCHIP_MAX_CORES];
    uint8_t  trace_neuron[NM_VCHIP_MAX_CORES];
} nm_vchip_pins;

typedef struct nm_vchip nm_vchip;

/* The mesh size of the build is read back over APB (CHIP.GEOMETRY).
 * trace_path non-NULL writes a waveform (".vcd": VCD, else FST) from the first cycle. */
nm_vchip *nm_vchip_new(const char *trace_path);
/* The same, with dumping held until nm_vchip_trace(v, 1) (a window of ticks). */
nm_vchip *nm_vchip_new_windowed(const char *trace_path);
/* Start (1) or stop (0) dumping cycles; 0 on success. */
int       nm_vchip_trace(nm_vchip *v, int on);
/* Finish the waveform file (VCD conversion included); 0 on success. */
int       nm_vchip_close_trace(nm_vchip *v);
/* 1 when an RTL assertion ($stop) fired; msg gets its text. */
int       nm_vchip_stopped(const nm_vchip *v, char *msg, size_t len);
void      nm_vchip_free(nm_vchip *v);
void      nm_vchip_eval(nm_vchip *v, nm_vchip_pins *p);
void      nm_vchip_cycle(nm_vchip *v, nm_vchip_pins *p);
uint64_t  nm_vchip_cycles(const nm_vchip *v);
/* Cores in this build (trace lanes). */
unsigned  nm_vchip_ncores(void);

#ifdef __cplusplus
}
#endif

#endif
