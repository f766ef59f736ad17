/* bench_net.h - the busy 4 x 4 network that bench-chip and bench-rtl-speed program onto a chip (bench/bench_net.c). */
#ifndef BENCH_NET_H
#define BENCH_NET_H

#include "nm_chip_if.h"

/* Program the busy network over b's APB port and send its 256 starting host packets.
 * Every core: 16 random AXTYPE words; each of its 256 neurons weights 0..15, threshold
 * 40..99, leak -1, sending to a uniformly random core of the mesh and a random axon with
 * delay 1..3; a random crossbar row of 25 percent density (the AND of two random words).
 * The generator (xorshift64*, seed 0x1234567) restarts at every call, so every chip gets
 * the same network. NM_OK or the first error of the backend. */
int bench_program_busy(const nm_chip_backend *b);

/* The monotonic clock and the process's CPU time, in seconds. */
double bench_wall(void);
double bench_cpu(void);

#endif
