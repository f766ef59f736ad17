/* nm_loihi_if.h - the interface every Loihi-style core backend (model or RTL) implements.
 *
 * A backend is one Loihi-style CUBA core (docs/loihi-core.md): the C reference model
 * (nm_loihi_ref.h) or the Verilated RTL (nm_loihi_rtl.h). Both are driven the same way:
 * program them through the word-addressed configuration space (addresses and fields in
 * regmap/nm_loihi_regmap.h, generated from regmap/nm_loihi_regmap.json), inject input-axon
 * events between steps, run steps. The diff test writes identical words to both and
 * compares every readable word after every step.
 */
#ifndef NM_LOIHI_IF_H
#define NM_LOIHI_IF_H

#include <stddef.h>
#include <stdint.h>

#include "nm_core_if.h" /* NM_OK, NM_ERR_* and nm_strerror() */

/* The input queue was full: the packet was dropped (and counted in IN_DROPS). */
#define NM_ERR_FULL (-16)

/* Build-time geometry (docs/loihi-core.md section 2). Every size is a power of two. */
typedef struct nm_loihi_geom {
    unsigned ncomp;   /* compartments, 4 .. 4096                      (default 1024)  */
    unsigned naxin;   /* input axons, 4 .. 4096                       (default 4096)  */
    unsigned naxout;  /* axon-map entries, 4 .. 4096                  (default 4096)  */
    unsigned nsyn;    /* synapse words, 4 .. 32768                    (default 32768) */
    unsigned ndslot;  /* dendritic accumulator (delay) slots, 2 .. 64 (default 64)    */
    unsigned ndprof;  /* decay profiles, 1 .. 32                      (default 32)    */
    unsigned ntprof;  /* threshold profiles, 1 .. 8                   (default 8)     */
    unsigned nsynfmt; /* synapse formats, 1 .. 16                     (default 16)    */
    unsigned inq;     /* input-queue depth, 2 .. 32768                (default 4096)  */
} nm_loihi_geom;

/* Loihi 1 sizes (the default build) and the small geometry the tests use. */
#define NM_LOIHI_GEOM_DEFAULT {1024u, 4096u, 4096u, 32768u, 64u, 32u, 8u, 16u, 4096u}
#define NM_LOIHI_GEOM_SMALL   {16u, 16u, 32u, 256u, 8u, 4u, 2u, 4u, 16u}

/* Upper limits of the sizes (set by the register fields that index them). */
#define NM_LOIHI_MAX_NCOMP   4096u
#define NM_LOIHI_MAX_NAXIN   4096u
#define NM_LOIHI_MAX_NAXOUT  4096u
#define NM_LOIHI_MAX_NSYN    32768u
#define NM_LOIHI_MAX_NDSLOT  64u
#define NM_LOIHI_MAX_NDPROF  32u
#define NM_LOIHI_MAX_NTPROF  8u
#define NM_LOIHI_MAX_NSYNFMT 16u
#define NM_LOIHI_MAX_INQ     32768u

/* A packet leaving a core: one per axon-map entry of a spiking compartment. */
typedef struct nm_loihi_pkt {
    int8_t   dx, dy;  /* destination core offset (AXMAP.DX, AXMAP.DY) */
    uint16_t axon;    /* input axon at the destination (AXMAP.AXON) */
    uint16_t src;     /* spiking compartment (not carried on the wire; for traces) */
    uint16_t entry;   /* axon-map entry index it came from (idem) */
} nm_loihi_pkt;

/* How the environment around a lone core behaves during a step. */
typedef struct nm_loihi_opts {
    /* Packets with dx == 0 and dy == 0 re-enter this core's input queue in the cycle
     * they leave (so they are processed in the next step: one step per hop). They are
     * still reported in nm_loihi_out.pkts. */
    int loopback;
    /* The packet sink holds ready low for this many cycles before accepting each
     * packet, so every packet costs exactly this many stall cycles. */
    unsigned stall_per_pkt;
} nm_loihi_opts;

/* What one step produced. The arrays belong to the backend and stay valid until its
 * next step or free; spikes holds up to ncomp entries, pkts up to ncomp * 255. */
typedef struct nm_loihi_out {
    uint32_t cycles;            /* busy cycles, START to DONE inclusive */
    uint32_t nspikes;           /* spikes fired this step */
    uint32_t npkts;             /* packets sent this step */
    const uint16_t *spikes;     /* compartment ids, ascending (update order) */
    const nm_loihi_pkt *pkts;   /* packets in send order */
} nm_loihi_out;

/* A backend behind function pointers, so tests run one scenario on either. */
typedef struct nm_loihi_backend {
    const char *name; /* "ref" or "rtl" */
    void *impl;
    nm_loihi_geom geom;
    /* Config space, word-addressed (NML_ADDR(region, offset)). Refused with NM_ERR_CFG:
     * unmapped address, write to a read-only register, write while busy. */
    int  (*cfg_write)(void *impl, uint32_t addr, uint32_t data);
    int  (*cfg_read)(void *impl, uint32_t addr, uint32_t *data);
    /* One packet into the input queue between steps (axon < naxin, else NM_ERR_ARG).
     * NM_ERR_FULL if the queue is full (the packet is dropped and counted). It is
     * processed by the next step, at that step's slot + synaptic delay. */
    int  (*inject)(void *impl, unsigned axon);
    /* Run one step (START .. DONE). */
    int  (*tick)(void *impl, nm_loihi_out *out);
    void (*free)(void *impl);
} nm_loihi_backend;

/* Human-readable text for an NM_* return code, NM_ERR_FULL included. */
const char *nm_loihi_strerror(int code);

/* NM_OK if every size is a power of two within its limits (docs/loihi-core.md section 2);
 * else NM_ERR_ARG with the offending field named in msg. */
int nm_loihi_geom_check(const nm_loihi_geom *g, char *msg, size_t len);

#endif
