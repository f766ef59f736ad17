/* nm_rtl_core.h - one Verilated nm_core behind the nm_core_backend interface.
 *
 * The harness drives the RTL's pins cycle by cycle: config accesses through the
 * config port, packets through the packet input, ticks through tick_i/tick_done_o.
 * It observes the spike trace and the packet output and plays the packet sink
 * described by nm_core_opts (loopback, stall cycles per packet).
 */
#ifndef NM_RTL_CORE_H
#define NM_RTL_CORE_H

#include "nm_core_if.h"

typedef struct nm_rtl_core nm_rtl_core;

/* Build and reset the model. fst_path non-NULL writes an FST waveform.
 * Returns NULL if the model or the trace file cannot be created. */
nm_rtl_core *nm_rtl_core_new(const nm_core_opts *opts, const char *fst_path);
void nm_rtl_core_free(nm_rtl_core *c);

int  nm_rtl_core_cfg_write(nm_rtl_core *c, uint32_t addr, uint32_t data);
int  nm_rtl_core_cfg_read(nm_rtl_core *c, uint32_t addr, uint32_t *data);
int  nm_rtl_core_inject(nm_rtl_core *c, unsigned axon, unsigned delay);
int  nm_rtl_core_tick(nm_rtl_core *c, nm_tick_out *out);

/* Clock cycles simulated since reset (ticks, config accesses and injections). */
uint64_t nm_rtl_core_cycles(const nm_rtl_core *c);

/* After NM_ERR_ASSERT (builds with NM_ASSERT): "RTL assertion in cycle C (tick T):
 * message [file:line]"; every later call fails with NM_ERR_ASSERT. "" when none fired. */
const char *nm_rtl_core_error(const nm_rtl_core *c);

void nm_rtl_core_backend(nm_core_backend *b, nm_rtl_core *c);

#endif
