/* nm_core_if.h - the interface every single-core backend implements.
 *
 * A backend is one nmemu core (docs/neuron-model.md): the C reference model
 * (nm_ref_core.h) or the Verilated RTL (nm_rtl_core.h). Both are driven the same
 * way: program them through the word-addressed configuration port (addresses and
 * fields in nm_regmap.h), inject packets between ticks, run ticks.
 */
#ifndef NM_CORE_IF_H
#define NM_CORE_IF_H

#include <stdint.h>

#define NM_MAX_AXONS   256u
#define NM_MAX_NEURONS 256u

/* Return codes shared by the core backends. */
#define NM_OK          0
#define NM_ERR_CFG    (-1) /* config access refused: unmapped address or write while busy */
#define NM_ERR_ARG    (-2) /* bad argument (axon, delay, geometry) */
#define NM_ERR_HANG   (-3) /* RTL did not raise tick_done within the cycle limit */
#define NM_ERR_NOMEM  (-4)
#define NM_ERR_PROTO  (-5) /* RTL broke its own protocol (spike without packet, busy glitch) */
#define NM_ERR_ASSERT (-6) /* an RTL assertion fired (builds with NM_ASSERT); the harness has its text */

/* A packet leaving a core: destination offset, axon and delay (DEST word of the neuron). */
typedef struct nm_pkt {
    int16_t dx, dy;  /* 9-bit signed offsets */
    uint8_t axon;    /* destination axon */
    uint8_t delay;   /* 0..15 */
} nm_pkt;

/* How the environment around a lone core behaves during a tick. */
typedef struct nm_core_opts {
    /* Packets with dx == 0 and dy == 0 re-enter this core's packet input in the
     * cycle they leave (so a spike at tick t with delay d lands in row t+d). They are
     * still reported in nm_tick_out.pkts. */
    int loopback;
    /* The packet sink holds ready low for this many cycles before accepting each
     * packet, so every packet costs exactly this many stall cycles. */
    unsigned stall_per_pkt;
} nm_core_opts;

/* What one tick produced. */
typedef struct nm_tick_out {
    uint32_t cycles;                   /* busy cycles, START to DONE inclusive */
    uint32_t nspikes;                  /* spikes fired, = packets out */
    uint16_t spikes[NM_MAX_NEURONS];   /* neuron indices in firing (ascending) order */
    nm_pkt   pkts[NM_MAX_NEURONS];     /* packet of spikes[k] */
} nm_tick_out;

/* A backend behind function pointers, so tests run one scenario on either. */
typedef struct nm_core_backend {
    const char *name; /* "ref" or "rtl" */
    void *impl;
    unsigned naxons, nneurons;
    int  (*cfg_write)(void *impl, uint32_t addr, uint32_t data);
    int  (*cfg_read)(void *impl, uint32_t addr, uint32_t *data);
    /* Packet input between ticks: sets scheduler row (cur + delay) mod 16. */
    int  (*inject)(void *impl, unsigned axon, unsigned delay);
    int  (*tick)(void *impl, nm_tick_out *out);
    void (*free)(void *impl);
} nm_core_backend;

/* Human-readable text for an NM_* return code. */
const char *nm_strerror(int code);

#endif
