/* nm_ref_chip.h - the reference model of the chip (docs/chip.md): a mesh of
 * nm_ref_core cores with the same delivery semantics as the RTL (a packet fired in
 * tick t with delay d lands in its target's row t + d), the same off-chip packets,
 * the same router flit counters, and the same APB address space. Router stall cycles
 * and cycles per tick are estimates (docs/chip.md section 6). */
#ifndef NM_REF_CHIP_H
#define NM_REF_CHIP_H

#include <stddef.h>

#include "nm_chip_if.h"
#include "nm_ref_core.h"

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
/* The same tick without the canonical sort of the off-chip packets (spikes are in core
 * order all the same): for the board, which sorts only what leaves the board. */
int  nm_ref_chip_tick_unsorted(nm_ref_chip *c, nm_chip_tick_out *out);
/* The board's hook (board/nm_board.c): a packet that arrives between ticks from outside
 * at the edge port of side `side` (0 east, 1 west, 2 north, 3 south) and position `pos`
 * (y for east/west, x for north/south), i.e. into router (mesh_x - 1, pos), (0, pos),
 * (pos, mesh_y - 1) or (pos, 0), with its remaining offsets. It is routed hop by hop
 * like a host packet (every router it passes counts the flit) and either lands in its
 * core's scheduler row (current tick + delay, as a host packet: so a packet fired in
 * tick t and injected after it lands in row t + d) with *has_left = 0, or leaves the
 * mesh again: *has_left = 1 and *left holds the side, position and remaining packet
 * (its tick is the chip's tick count). NM_ERR_ARG on a bad side or position. */
int  nm_ref_chip_edge_inject(nm_ref_chip *c, unsigned side, unsigned pos, nm_pkt p, nm_offchip *left, int *has_left);
/* The same for many packets at once, in closed form (each route's hops added to
 * difference arrays, summed into the router counters once): the same counters and
 * scheduler rows as nm_ref_chip_edge_inject on each in turn. *nleft: how many left the
 * mesh again (where they go is the caller's business). NM_ERR_ARG on a bad side or
 * position (nothing injected), NM_ERR_NOMEM. */
typedef struct nm_ref_edge_pkt {
    uint8_t side, pos;
    nm_pkt pkt;
} nm_ref_edge_pkt;
int  nm_ref_chip_edge_inject_many(nm_ref_chip *c, const nm_ref_edge_pkt *v, size_t n, size_t *nleft);
/* Fault injection (docs/faults.md): the packet that neuron `neuron` of core `core` fires
 * in the next tick is lost (its spike still counts). NM_ERR_ARG, NM_ERR_NOMEM. */
int  nm_ref_chip_drop_packet(nm_ref_chip *c, unsigned core, unsigned neuron);
void nm_ref_chip_backend(nm_chip_backend *b, nm_ref_chip *c);

/* A core hook (nm_mixed_chip.c, --rtl-cores): for every core with cores[k] != 0, after
 * the model's core k ran tick `tick` into *out (spikes, packets, cycles), hook may
 * replace *out; the chip then routes what *out holds. Called from the worker threads,
 * each hooked core from one thread. A non-NM_OK return fails the tick. */
typedef int (*nm_ref_core_hook)(void *ctx, unsigned core, uint32_t tick, nm_ref_core *model, nm_tick_out *out);
int nm_ref_chip_set_core_hook(nm_ref_chip *c, const uint8_t *cores, nm_ref_core_hook hook, void *ctx);

#endif
