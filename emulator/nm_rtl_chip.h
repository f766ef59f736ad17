/* nm_rtl_chip.h - the Verilated chip (rtl/nm_chip.v) behind nm_chip_backend.
 * The harness plays the APB master, the host input, the off-chip sink and the
 * trace collector, one clock cycle at a time. */
#ifndef NM_RTL_CHIP_H
#define NM_RTL_CHIP_H

#include "nm_chip_if.h"

typedef struct nm_rtl_chip nm_rtl_chip;

/* NULL if the model or the trace file cannot be created. */
nm_rtl_chip *nm_rtl_chip_new(const char *fst_path);
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
