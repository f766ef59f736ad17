/* nm_board.h - a board of chips (docs/scale-out.md): bx x by reference chips tiled edge
 * to edge, the part of it one process runs, and the communication it needs.
 *
 * A packet that leaves a chip through its east edge at row y enters the chip to the
 * east at router (0, y) with its remaining offsets (likewise west, north, south):
 * TrueNorth's tiling, where dx, dy span chip edges. Only the board's own edge is off
 * the board. A packet fired in tick t with delay d lands in row t + d of its target
 * whatever the path, as on one chip: every crossing is done between ticks t and t + 1.
 *
 * Chips are split among processes (ranks) in contiguous ranges of chip index
 * (cy * bx + cx); a rank runs its chips on the reference model. After each tick, the
 * rank that owns a packet's source chip works out the packet's whole path across the
 * board in closed form (which chips it crosses, where it enters each, where it lands
 * or leaves the board), counts the links it crosses and checks its latency bound, and
 * sends one transit record to the owner of every chip on the path, which routes it
 * hop by hop through that chip (nm_ref_chip_edge_inject): so one exchange per tick.
 * Everything that crosses ranks is a sum, an OR or a sorted merge: results do not
 * depend on the number of ranks or threads.
 *
 * The library never prints or exits; errors are NM_ERR_* codes with a message.
 */
#ifndef NM_BOARD_H
#define NM_BOARD_H

#include <stddef.h>
#include <stdint.h>

#include "../emulator/nm_chip_if.h"
#include "../emulator/nm_image.h"
#include "../emulator/nm_load.h"

/* The collective operations a board needs (one process: nm_board_comm_local; MPI:
 * nm_board_mpi.h). Every call is collective over all ranks; a non-zero return means
 * the run cannot go on (the MPI version never returns one: it aborts the job). */
typedef struct nm_board_comm {
    int rank, size;
    void *ctx;
    /* send[r] holds scount[r] bytes for rank r, laid out rank after rank; *recv is a
     * new buffer (caller frees) of *rlen bytes: what every rank sent here, rank order */
    int (*alltoallv)(void *ctx, const void *send, const size_t *scount, void **recv, size_t *rlen);
    /* every rank's n bytes, concatenated in rank order, into a new *recv on rank 0
     * (*rlen bytes); NULL elsewhere */
    int (*gatherv)(void *ctx, const void *send, size_t n, void **recv, size_t *rlen);
    /* in place, every rank gets the sum / the minimum / the maximum */
    int (*sum_u64)(void *ctx, uint64_t *v, size_t n);
    int (*min_u64)(void *ctx, uint64_t *v, size_t n);
    int (*max_u32)(void *ctx, uint32_t *v, size_t n);
    /* rank 0's n bytes to every rank */
    int (*bcast)(void *ctx, void *buf, size_t n);
    /* end the whole run now (after the caller printed why) */
    void (*abort)(void *ctx, int code);
    /* seconds spent inside alltoallv (the exchange, with any wait for slower ranks),
     * and in the rest of nm_board_tick (this rank's own work) */
    double exchange_s, compute_s;
} nm_board_comm;

/* The communication of a run on one process. */
void nm_board_comm_local(nm_board_comm *c);

typedef struct nm_board_opts {
    unsigned threads;       /* worker threads per chip, 1..64 */
    uint32_t link_cycles;   /* latency of one chip-to-chip crossing, in clock cycles */
    uint32_t tick_cycles;   /* the tick period in clock cycles (the latency bound) */
    int have_seed;          /* replace the PRNG seeds: core k of chip c gets seed + c * cores + k */
    uint32_t seed;
    /* NULL: every chip is a reference chip. Else a maker of another backend (the rtl:
     * nm_board_run.c hands in the Verilated chip), 0 on success. Such a chip receives
     * a packet from a neighbour as a host packet for its landing core, with its delay
     * (the same tick, t + d, and the same spikes; its routers do not see the path from
     * the edge, so its router counters count only its own packets: docs/scale-out.md). */
    int (*make_chip)(nm_chip_backend *b);
} nm_board_opts;

/* A spike of the board: chip index, core index in the chip, neuron. */
typedef struct nm_board_spike {
    uint16_t chip, core, neuron;
} nm_board_spike;

/* A packet that left the board: the tick it was fired in, the chip whose edge it left,
 * the side (0 east, 1 west, 2 north, 3 south), the row or column, remaining packet. */
typedef struct nm_board_off {
    uint32_t tick;
    uint16_t chip;
    uint8_t side, pos;
    nm_pkt pkt;
} nm_board_off;

/* What one tick produced on this rank: spikes of its chips in (chip, core, neuron)
 * order; off-board packets of the packets its chips fired, unsorted. */
typedef struct nm_board_tick_out {
    nm_board_spike *spikes;
    size_t nspikes, spikes_cap;
    nm_board_off *off;
    size_t noff, off_cap;
    uint32_t cycles;        /* the slowest of this rank's chips (estimate) */
} nm_board_tick_out;

/* Latency bound statistics: a packet that crossed a link must land before its
 * delivery tick: fire + crossings * link_cycles + hops <= delay * tick_cycles, where
 * fire is bounded by its source chip's cycles that tick (docs/scale-out.md). */
typedef struct nm_board_latency {
    uint64_t crossing_packets;  /* packets that crossed at least one link */
    uint64_t late;              /* of those, packets that missed the bound */
    uint64_t first_late;        /* (tick << 32 | chip << 2 | side of the first link), or UINT64_MAX */
    int64_t worst_margin;       /* the smallest deadline - arrival seen, cycles (INT64_MAX: none) */
} nm_board_latency;

typedef struct nm_board nm_board;

/* The board of image `path` (a board or one chip), this rank's part: reads only the
 * chips it runs. NULL with a message on a bad image or no memory. */
nm_board *nm_board_new(const char *path, const nm_board_comm *comm, const nm_board_opts *o, char *err,
                       size_t errlen);
void nm_board_free(nm_board *b);

/* geometry: board bx x by chips of mx x my cores of na axons x nn neurons */
void nm_board_geometry(const nm_board *b, unsigned *bx, unsigned *by, unsigned *mx, unsigned *my, unsigned *na,
                       unsigned *nn);
/* this rank's chips: [first, first + n) */
void nm_board_local(const nm_board *b, unsigned *first, unsigned *n);

/* Host input for the coming tick: axon `axon` of board core (x, y) (board coordinates,
 * x < bx * mx): ignored unless this rank runs its chip, which receives it at its host
 * port as (dx = x mod mx, dy = y mod my, axon, delay 1). */
int nm_board_host_input(nm_board *b, const nm_input *in);

/* One tick of the whole board (collective). */
int nm_board_tick(nm_board *b, nm_board_comm *comm, nm_board_tick_out *out, char *err, size_t errlen);

/* Packets over each link in the tick just run, as counted on this rank (the sender's
 * count): links[chip * 4 + side], for chip sides 0 east, 1 west, 2 north, 3 south;
 * the board sums them over ranks. */
const uint32_t *nm_board_links_tick(const nm_board *b);
const nm_board_latency *nm_board_latency_stats(const nm_board *b);

/* Event counts of this rank's chips (energy classes, nm_energy.h order), chip after
 * chip: counts[(chip - first) * NM_E_NCLASSES + class]. Samples the counters first. */
int nm_board_chip_counts(nm_board *b, uint64_t *counts);

void nm_board_tick_out_free(nm_board_tick_out *o);

/* The APB backend of chip `chip` when this rank runs it, else NULL (tests, counters). */
const nm_chip_backend *nm_board_chip_backend(const nm_board *b, unsigned chip);

/* A monotonic clock in seconds. */
double nm_board_now(void);

#endif
