/* nm_chip_if.h - the interface every chip backend implements (docs/chip.md).
 *
 * A chip is driven through its APB address space (nm_chipmap.h): program cores and read
 * counters, send host packets into the west port of core (0,0), run ticks. Both the
 * reference chip model (nm_ref_chip.h) and the Verilated chip (nm_rtl_chip.h) do this.
 */
#ifndef NM_CHIP_IF_H
#define NM_CHIP_IF_H

#include <stdint.h>

#include "nm_core_if.h"

/* An off-chip packet: the tick it left in, the side and position it left from, and
 * the packet with its remaining offsets. */
typedef struct nm_offchip {
    uint32_t tick;
    uint8_t  side;   /* 0 east, 1 west, 2 north, 3 south */
    uint8_t  pos;    /* y for east/west, x for north/south */
    nm_pkt   pkt;
} nm_offchip;

typedef struct nm_chip_spike {
    uint16_t core;   /* y * mesh_x + x */
    uint16_t neuron;
} nm_chip_spike;

/* What one tick produced, in canonical order: spikes by core then neuron; off-chip
 * packets sorted by (tick, side, pos, dx, dy, axon, delay). The caller owns the arrays
 * (nm_chip_tick_out_init). */
typedef struct nm_chip_tick_out {
    uint32_t cycles;
    uint32_t nspikes, spikes_cap;
    nm_chip_spike *spikes;
    uint32_t noff, off_cap;
    nm_offchip *off;
} nm_chip_tick_out;

typedef struct nm_chip_backend {
    const char *name; /* "ref" or "rtl" */
    void *impl;
    unsigned mesh_x, mesh_y, naxons, nneurons;
    int  (*apb_write)(void *impl, uint32_t paddr, uint32_t data); /* NM_ERR_CFG = PSLVERR */
    int  (*apb_read)(void *impl, uint32_t paddr, uint32_t *data);
    /* A host packet: a CHIP.HOST_IN word (dx, dy from core (0,0), axon, delay). */
    int  (*host_send)(void *impl, uint32_t flit);
    int  (*tick)(void *impl, nm_chip_tick_out *out);
    void (*free)(void *impl);
    /* Fault injection (docs/faults.md): the packet that neuron `neuron` of core `core`
     * fires in the next tick is lost. NULL where the backend has no way into its routers
     * (the RTL chip: they are not on the config bus). */
    int  (*drop_packet)(void *impl, unsigned core, unsigned neuron);
} nm_chip_backend;

/* Allocate the arrays for a chip of ncores cores of nneurons; NM_OK or NM_ERR_NOMEM. */
int  nm_chip_tick_out_init(nm_chip_tick_out *o, unsigned ncores, unsigned nneurons, unsigned off_cap);
void nm_chip_tick_out_free(nm_chip_tick_out *o);
/* Sort spikes and off-chip packets into the canonical order. */
void nm_chip_tick_out_sort(nm_chip_tick_out *o);
/* Only the off-chip packets (for a backend that knows its spikes are in order). */
void nm_chip_tick_out_sort_off(nm_chip_tick_out *o);
/* Append an off-chip packet; NM_ERR_NOMEM when the array cannot grow. */
int  nm_chip_tick_out_add_off(nm_chip_tick_out *o, const nm_offchip *p);

/* APB byte address of word `word` in space/index (docs/chip-register-map.md). */
uint32_t nm_chip_paddr(unsigned space, unsigned index, unsigned word);

/* Pack and unpack the 30-bit flit (the DEST / HOST_IN / OUT_FLIT layout). */
uint32_t nm_flit_pack(const nm_pkt *p);
nm_pkt   nm_flit_unpack(uint32_t flit);

#endif
