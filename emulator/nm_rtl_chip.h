/* nm_rtl_chip.h - the Verilated chip (rtl/nm_chip.v) behind nm_chip_backend.
 * The harness plays the APB master, the host input, the off-chip sink and the
 * trace collector, one clock cycle at a time. */
#ifndef NM_RTL_CHIP_H
#define NM_RTL_CHIP_H

#include "nm_chip_if.h"

typedef struct nm_rtl_chip nm_rtl_chip;

/* NULL if the model or the trace file cannot be created. trace_path non-NULL writes
 * a waveform of every cycle from reset on (".vcd": VCD, anything else: FST). */
nm_rtl_chip *nm_rtl_chip_new(const char *trace_path);

typedef struct nm_rtl_chip_opts {
    const char *trace_path;   /* NULL: no waveform */
    int trace_window;         /* non-zero: dump only ticks trace_from .. trace_to */
    uint32_t trace_from, trace_to;
    /* the Verilated build of the chip's shape (nm_rtl_shapes.h); NULL: the build
     * linked into the program (4 x 4 cores of 256 x 256) */
    const struct nm_vchip_api *api;
} nm_rtl_chip_opts;

/* With a window the waveform starts at the first host packet or tick request of tick
 * trace_from (after the image is loaded) and ends with the tick_done of tick trace_to;
 * the cycles keep their true times. */
nm_rtl_chip *nm_rtl_chip_new_opts(const nm_rtl_chip_opts *o);
/* Finish the waveform (and the VCD conversion); 0 on success. */
int nm_rtl_chip_close_trace(nm_rtl_chip *c);
/* After NM_ERR_ASSERT: "RTL assertion in cycle C (tick T): message [file:line]".
 * Every call after an assertion fails with NM_ERR_ASSERT. "" when none fired. */
const char *nm_rtl_chip_error(const nm_rtl_chip *c);
void nm_rtl_chip_free(nm_rtl_chip *c);
int  nm_rtl_chip_apb_write(nm_rtl_chip *c, uint32_t paddr, uint32_t data);
int  nm_rtl_chip_apb_read(nm_rtl_chip *c, uint32_t paddr, uint32_t *data);
int  nm_rtl_chip_host_send(nm_rtl_chip *c, uint32_t flit);
int  nm_rtl_chip_tick(nm_rtl_chip *c, nm_chip_tick_out *out);
/* The harness's tick_done-to-drain check: cycles where tick_done rose while a router
 * FIFO or a core was still busy would be a barrier bug; this returns the cycles run. */
uint64_t nm_rtl_chip_cycles(const nm_rtl_chip *c);
void nm_rtl_chip_backend(nm_chip_backend *b, nm_rtl_chip *c);

#endif
