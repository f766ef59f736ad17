/* nm_fw.h - freestanding driver of the nmemu chip (docs/chip.md).
 *
 * No libc: it talks to the chip only through a bus-access callback pair, so the same
 * code runs in the emulator (APB transfers on the Verilated chip, or the reference
 * model's APB space) and on a host controller with memory-mapped I/O. Builds with
 * -ffreestanding -nostdlib. Addresses are APB byte addresses (docs/chip-register-map.md).
 */
#ifndef NM_FW_H
#define NM_FW_H

#include <stddef.h>
#include <stdint.h>

/* Bus access: return 0 on success, non-zero on a bus error (PSLVERR). */
typedef struct nm_fw_bus {
    void *ctx;
    int (*read32)(void *ctx, uint32_t addr, uint32_t *data);
    int (*write32)(void *ctx, uint32_t addr, uint32_t data);
} nm_fw_bus;

#define NM_FW_OK        0
#define NM_FW_EBUS    (-1)  /* the bus answered with an error */
#define NM_FW_ETIMEOUT (-2) /* the chip did not finish within the poll budget */
#define NM_FW_EFULL   (-3)  /* the caller's buffer for off-chip packets is full */

/* One off-chip packet as the OUT_* registers give it. */
typedef struct nm_fw_offchip {
    uint32_t tick;
    uint32_t info;   /* OUT_INFO: side and position */
    uint32_t flit;   /* OUT_FLIT */
} nm_fw_offchip;

uint32_t nm_fw_core_addr(unsigned core, uint32_t word);
uint32_t nm_fw_router_addr(unsigned core, unsigned reg);
uint32_t nm_fw_chip_addr(unsigned reg);

int nm_fw_core_write(const nm_fw_bus *b, unsigned core, uint32_t word, uint32_t data);
int nm_fw_core_read(const nm_fw_bus *b, unsigned core, uint32_t word, uint32_t *data);
/* Write n consecutive words of a core starting at word address `word`. */
int nm_fw_core_write_block(const nm_fw_bus *b, unsigned core, uint32_t word, const uint32_t *src,
                           unsigned n);
int nm_fw_core_read_block(const nm_fw_bus *b, unsigned core, uint32_t word, uint32_t *dst, unsigned n);

/* Program a neuron: the 7 NEURON words (pack them with nm_neuron_pack on the host). */
int nm_fw_write_neuron(const nm_fw_bus *b, unsigned core, unsigned neuron, const uint32_t w[7]);
int nm_fw_write_xbar_row(const nm_fw_bus *b, unsigned core, unsigned neuron, const uint32_t *bits,
                         unsigned nwords);
int nm_fw_write_axon_types(const nm_fw_bus *b, unsigned core, const uint32_t *words, unsigned nwords);
int nm_fw_seed_prng(const nm_fw_bus *b, unsigned core, uint32_t seed);
int nm_fw_read_core_counters(const nm_fw_bus *b, unsigned core, uint32_t c[8]);
int nm_fw_read_router_counters(const nm_fw_bus *b, unsigned core, uint32_t c[6]);

/* ---- chips of Loihi-style cores (docs/loihi-chip.md, regmap/nm_loihi_chipmap.json) ----
 * A Loihi-style core has a 20-bit word address (docs/loihi-register-map.md), so its chip
 * has an address map of its own: word address = space << 28 | index << 20 | word. The chip
 * registers (space 2) sit at the same offsets as on the TrueNorth chip, so nm_fw_host_send
 * and nm_fw_tick drive either chip. */
uint32_t nm_fw_loihi_core_addr(unsigned core, uint32_t word);
uint32_t nm_fw_loihi_router_addr(unsigned core, unsigned reg);
int nm_fw_loihi_core_write(const nm_fw_bus *b, unsigned core, uint32_t word, uint32_t data);
int nm_fw_loihi_core_read(const nm_fw_bus *b, unsigned core, uint32_t word, uint32_t *data);
int nm_fw_loihi_core_write_block(const nm_fw_bus *b, unsigned core, uint32_t word, const uint32_t *src,
                                 unsigned n);
int nm_fw_loihi_core_read_block(const nm_fw_bus *b, unsigned core, uint32_t word, uint32_t *dst, unsigned n);
/* Compartment n's CFG and AXMAP words (pack them with nm_loihi_enc_cxcfg/_cxaxmap). */
int nm_fw_loihi_write_cx(const nm_fw_bus *b, unsigned core, unsigned n, uint32_t cfg, uint32_t axmap);
/* Compartment n's U, V, REF and VHW words, as stored (24, 24, 6, 24 bits). */
int nm_fw_loihi_read_cx_state(const nm_fw_bus *b, unsigned core, unsigned n, uint32_t w[4]);
int nm_fw_loihi_read_core_counters(const nm_fw_bus *b, unsigned core, uint32_t c[10]);
int nm_fw_loihi_read_router_counters(const nm_fw_bus *b, unsigned core, uint32_t c[6]);
/* A HOST_IN word of the Loihi chip: input axon `axon` of the core at (dx, dy) from (0,0). */
uint32_t nm_fw_loihi_host_flit(int dx, int dy, unsigned axon);

/* Send a host packet (HOST_IN word), retrying while the input is full. */
int nm_fw_host_send(const nm_fw_bus *b, uint32_t flit, uint32_t max_polls);

/* Start a tick and wait for it, draining the off-chip queue into out[0..cap) as it
 * goes; *n receives the count. */
int nm_fw_tick(const nm_fw_bus *b, uint32_t max_polls, nm_fw_offchip *out, unsigned cap, unsigned *n);

#endif
