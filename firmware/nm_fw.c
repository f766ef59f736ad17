/* nm_fw.c - freestanding chip driver; uses nothing but the bus callbacks. */
#include "nm_fw.h"

#include "nm_chipmap.h"
#include "nm_loihi_chipmap.h"
#include "nm_loihi_regmap.h"
#include "nm_regmap.h"

/* nm_fw_host_send and nm_fw_tick serve both chips: their registers must coincide */
_Static_assert(NM_CHIP_CHIP_CTRL == NML_CHIP_CHIP_CTRL && NM_CHIP_CHIP_STATUS == NML_CHIP_CHIP_STATUS &&
               NM_CHIP_CHIP_HOST_IN == NML_CHIP_CHIP_HOST_IN && NM_CHIP_CHIP_OUT_INFO == NML_CHIP_CHIP_OUT_INFO &&
               NM_CHIP_CHIP_OUT_FLIT == NML_CHIP_CHIP_OUT_FLIT && NM_CHIP_CHIP_OUT_TICK == NML_CHIP_CHIP_OUT_STEP &&
               NM_CHIP_CHIP_OUT_POP == NML_CHIP_CHIP_OUT_POP && NM_CHIP_REGION_CHIP == NML_CHIP_REGION_CHIP &&
               NM_CHIP_REGION_SHIFT == NML_CHIP_REGION_SHIFT,
               "the chip registers of nm_chipmap.json and nm_loihi_chipmap.json differ");

uint32_t nm_fw_core_addr(unsigned core, uint32_t word)
{
    return ((uint32_t)NM_CHIP_REGION_CORE << NM_CHIP_REGION_SHIFT | (uint32_t)core << 16 | (word & 0xffffu)) << 2;
}

uint32_t nm_fw_router_addr(unsigned core, unsigned reg)
{
    return ((uint32_t)NM_CHIP_REGION_ROUTER << NM_CHIP_REGION_SHIFT | (uint32_t)core << 16 | reg) << 2;
}

uint32_t nm_fw_chip_addr(unsigned reg)
{
    return ((uint32_t)NM_CHIP_REGION_CHIP << NM_CHIP_REGION_SHIFT | reg) << 2;
}

int nm_fw_core_write(const nm_fw_bus *b, unsigned core, uint32_t word, uint32_t data)
{
    return b->write32(b->ctx, nm_fw_core_addr(core, word), data) ? NM_FW_EBUS : NM_FW_OK;
}

int nm_fw_core_read(const nm_fw_bus *b, unsigned core, uint32_t word, uint32_t *data)
{
    return b->read32(b->ctx, nm_fw_core_addr(core, word), data) ? NM_FW_EBUS : NM_FW_OK;
}

/* n consecutive words of a core's window from word address `word`, at the bus addresses
 * `addr` gives (nm_fw_core_addr, nm_fw_loihi_core_addr, or the router windows below):
 * written from src, or, when src is NULL, read into dst. Stops at the first bus error. */
static int bus_block(const nm_fw_bus *b, uint32_t (*addr)(unsigned, uint32_t), unsigned core, uint32_t word,
                      const uint32_t *src, uint32_t *dst, unsigned n)
{
    unsigned k;
    for (k = 0; k < n; k++) {
        uint32_t a = addr(core, word + k);
        if (src ? b->write32(b->ctx, a, src[k]) : b->read32(b->ctx, a, &dst[k]))
            return NM_FW_EBUS;
    }
    return NM_FW_OK;
}

int nm_fw_core_write_block(const nm_fw_bus *b, unsigned core, uint32_t word, const uint32_t *src, unsigned n)
{
    return bus_block(b, nm_fw_core_addr, core, word, src, NULL, n);
}

int nm_fw_core_read_block(const nm_fw_bus *b, unsigned core, uint32_t word, uint32_t *dst, unsigned n)
{
    return bus_block(b, nm_fw_core_addr, core, word, NULL, dst, n);
}

int nm_fw_write_neuron(const nm_fw_bus *b, unsigned core, unsigned neuron, const uint32_t w[7])
{
    return nm_fw_core_write_block(b, core, NM_ADDR(NM_REGION_NEURON, neuron * NM_NEURON_STRIDE), w, 7);
}

int nm_fw_write_xbar_row(const nm_fw_bus *b, unsigned core, unsigned neuron, const uint32_t *bits, unsigned nwords)
{
    return nm_fw_core_write_block(b, core, NM_ADDR(NM_REGION_XBAR, neuron * NM_XBAR_STRIDE), bits, nwords);
}

int nm_fw_write_axon_types(const nm_fw_bus *b, unsigned core, const uint32_t *words, unsigned nwords)
{
    return nm_fw_core_write_block(b, core, NM_ADDR(NM_REGION_AXTYPE, 0), words, nwords);
}

int nm_fw_seed_prng(const nm_fw_bus *b, unsigned core, uint32_t seed)
{
    return nm_fw_core_write(b, core, NM_ADDR(NM_REGION_CTRL, NM_CTRL_PRNG), seed);
}

int nm_fw_read_core_counters(const nm_fw_bus *b, unsigned core, uint32_t c[8])
{
    return nm_fw_core_read_block(b, core, NM_ADDR(NM_REGION_COUNTER, 0), c, NM_COUNTER_NREGS);
}

static uint32_t router_addr(unsigned core, uint32_t reg)
{
    return nm_fw_router_addr(core, reg);
}

int nm_fw_read_router_counters(const nm_fw_bus *b, unsigned core, uint32_t c[6])
{
    return bus_block(b, router_addr, core, 0, NULL, c, NM_CHIP_ROUTER_NREGS);
}

int nm_fw_host_send(const nm_fw_bus *b, uint32_t flit, uint32_t max_polls)
{
    uint32_t n;
    for (n = 0; n < max_polls; n++)
        if (b->write32(b->ctx, nm_fw_chip_addr(NM_CHIP_CHIP_HOST_IN), flit) == 0)
            return NM_FW_OK; /* PSLVERR means full: try again */
    return NM_FW_ETIMEOUT;
}

/* Move every queued off-chip packet into out. */
static int drain(const nm_fw_bus *b, nm_fw_offchip *out, unsigned cap, unsigned *n)
{
    for (;;) {
        uint32_t info;
        nm_fw_offchip p;
        if (b->read32(b->ctx, nm_fw_chip_addr(NM_CHIP_CHIP_OUT_INFO), &info))
            return NM_FW_EBUS;
        if (!((info >> NM_CHIP_CHIP_OUT_INFO_VALID_LSB) & 1u))
            return NM_FW_OK;
        if (*n == cap)
            return NM_FW_EFULL;
        p.info = info;
        if (b->read32(b->ctx, nm_fw_chip_addr(NM_CHIP_CHIP_OUT_FLIT), &p.flit) ||
            b->read32(b->ctx, nm_fw_chip_addr(NM_CHIP_CHIP_OUT_TICK), &p.tick) ||
            b->write32(b->ctx, nm_fw_chip_addr(NM_CHIP_CHIP_OUT_POP), 1))
            return NM_FW_EBUS;
        out[(*n)++] = p;
    }
}

int nm_fw_tick(const nm_fw_bus *b, uint32_t max_polls, nm_fw_offchip *out, unsigned cap, unsigned *n)
{
    uint32_t polls, status;
    int rc;
    *n = 0;
    if (b->write32(b->ctx, nm_fw_chip_addr(NM_CHIP_CHIP_CTRL), 1u << NM_CHIP_CHIP_CTRL_TICK_LSB))
        return NM_FW_EBUS;
    for (polls = 0; polls < max_polls; polls++) {
        if ((rc = drain(b, out, cap, n)) != NM_FW_OK)
            return rc;
        if (b->read32(b->ctx, nm_fw_chip_addr(NM_CHIP_CHIP_STATUS), &status))
            return NM_FW_EBUS;
        if (!((status >> NM_CHIP_CHIP_STATUS_BUSY_LSB) & 1u))
            return drain(b, out, cap, n);
    }
    return NM_FW_ETIMEOUT;
}

/* ---------------------------------------------------------------- Loihi-style chip */

uint32_t nm_fw_loihi_core_addr(unsigned core, uint32_t word)
{
    return ((uint32_t)NML_CHIP_REGION_CORE << NML_CHIP_REGION_SHIFT | (uint32_t)core << 20 | (word & 0xfffffu)) << 2;
}

uint32_t nm_fw_loihi_router_addr(unsigned core, unsigned reg)
{
    return ((uint32_t)NML_CHIP_REGION_ROUTER << NML_CHIP_REGION_SHIFT | (uint32_t)core << 20 | reg) << 2;
}

int nm_fw_loihi_core_write(const nm_fw_bus *b, unsigned core, uint32_t word, uint32_t data)
{
    return b->write32(b->ctx, nm_fw_loihi_core_addr(core, word), data) ? NM_FW_EBUS : NM_FW_OK;
}

int nm_fw_loihi_core_read(const nm_fw_bus *b, unsigned core, uint32_t word, uint32_t *data)
{
    return b->read32(b->ctx, nm_fw_loihi_core_addr(core, word), data) ? NM_FW_EBUS : NM_FW_OK;
}

int nm_fw_loihi_core_write_block(const nm_fw_bus *b, unsigned core, uint32_t word, const uint32_t *src, unsigned n)
{
    return bus_block(b, nm_fw_loihi_core_addr, core, word, src, NULL, n);
}

int nm_fw_loihi_core_read_block(const nm_fw_bus *b, unsigned core, uint32_t word, uint32_t *dst, unsigned n)
{
    return bus_block(b, nm_fw_loihi_core_addr, core, word, NULL, dst, n);
}

int nm_fw_loihi_write_cx(const nm_fw_bus *b, unsigned core, unsigned n, uint32_t cfg, uint32_t axmap)
{
    uint32_t base = NML_ADDR(NML_REGION_CX, n * NML_CX_STRIDE);
    if (nm_fw_loihi_core_write(b, core, base + NML_CX_CFG, cfg))
        return NM_FW_EBUS;
    return nm_fw_loihi_core_write(b, core, base + NML_CX_AXMAP, axmap);
}

int nm_fw_loihi_read_cx_state(const nm_fw_bus *b, unsigned core, unsigned n, uint32_t w[4])
{
    return nm_fw_loihi_core_read_block(b, core, NML_ADDR(NML_REGION_CX, n * NML_CX_STRIDE + NML_CX_U), w, 4);
}

int nm_fw_loihi_read_core_counters(const nm_fw_bus *b, unsigned core, uint32_t c[10])
{
    return nm_fw_loihi_core_read_block(b, core, NML_ADDR(NML_REGION_COUNTER, 0), c, NML_COUNTER_NREGS);
}

static uint32_t loihi_router_addr(unsigned core, uint32_t reg)
{
    return nm_fw_loihi_router_addr(core, reg);
}

int nm_fw_loihi_read_router_counters(const nm_fw_bus *b, unsigned core, uint32_t c[6])
{
    return bus_block(b, loihi_router_addr, core, 0, NULL, c, NML_CHIP_ROUTER_NREGS);
}

uint32_t nm_fw_loihi_host_flit(int dx, int dy, unsigned axon)
{
    return ((uint32_t)dx & 0x1ffu) << NML_CHIP_CHIP_HOST_IN_DX_LSB | ((uint32_t)dy & 0x1ffu) << NML_CHIP_CHIP_HOST_IN_DY_LSB |
           ((uint32_t)axon & 0xfffu) << NML_CHIP_CHIP_HOST_IN_AXON_LSB;
}
