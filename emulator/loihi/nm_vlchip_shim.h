/* nm_vlchip_shim.h - C ABI around the Verilated nm_loihi_chip (rtl/loihi/nm_loihi_chip.v).
 * The only C++ boundary of the Loihi chip harness, like nm_vchip_shim.h for the TrueNorth chip. */
#ifndef NM_VLCHIP_SHIM_H
#define NM_VLCHIP_SHIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NM_VLCHIP_MAX_CORES 64

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

/* trace_path non-NULL writes a waveform (".vcd": VCD, else FST) from the first cycle. */
nm_vlchip *nm_vlchip_new(const char *trace_path);
int        nm_vlchip_close_trace(nm_vlchip *v);
/* 1 when an RTL assertion ($stop) fired; msg gets its text. */
int        nm_vlchip_stopped(const nm_vlchip *v, char *msg, size_t len);
void       nm_vlchip_free(nm_vlchip *v);
void       nm_vlchip_eval(nm_vlchip *v, nm_vlchip_pins *p);
void       nm_vlchip_cycle(nm_vlchip *v, nm_vlchip_pins *p);
uint64_t   nm_vlchip_cycles(const nm_vlchip *v);
/* Cores in this build (trace lanes). */
unsigned   nm_vlchip_ncores(void);

#ifdef __cplusplus
}
#endif

#endif
