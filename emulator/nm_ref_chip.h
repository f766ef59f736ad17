/* nm_ref_chip.h - the reference model of the chip (docs/chip.md): a mesh of
 * nm_ref_core cores with the same delivery semantics as the RTL (a packet fired in
 * tick t with delay d lands in its target's row t + d), the same off-chip packets,
 * the same router flit counters, and the same APB address space. Router stall cycles
 * and cycles per tick are estimates (docs/chip.md section 6). */
#ifndef NM_REF_CHIP_H
#define NM_REF_CHIP_H

#include "nm_chip_if.h"

typedef struct nm_ref_chip nm_ref_chip;

/* mesh 1..64 x 1..64; core geometry as nm_ref_core_new. NULL on bad arguments. */
nm_ref_chip *nm_ref_chip_new(unsigned mesh_x, unsigned mesh_y, unsigned naxons, unsigned nneurons);
void nm_ref_chip_free(nm_ref_chip *c);
/* Worker threads for the ticks that follow (1..64, default 1). Results are identical
 * whatever the count. NM_ERR_ARG out of range. */
int  nm_ref_chip_set_threads(nm_ref_chip *c, unsigned n);
int  nm_ref_chip_apb_write(nm_ref_chip *c, uint32_t paddr, uint32_t data);
int  nm_ref_chip_apb_read(nm_ref_chip *c, uint32_t paddr, uint32_t *data);
int  nm_ref_chip_host_send(nm_ref_chip *c, uint32_t flit);
int  nm_ref_chip_tick(nm_ref_chip *c, nm_chip_tick_out *out);
/* Fault injection (docs/faults.md): the packet that neuron `neuron` of core `core` fires
 * in the next tick is lost (its spike still counts). NM_ERR_ARG, NM_ERR_NOMEM. */
int  nm_ref_chip_drop_packet(nm_ref_chip *c, unsigned core, unsigned neuron);
void nm_ref_chip_backend(nm_chip_backend *b, nm_ref_chip *c);

#endif
