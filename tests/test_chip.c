/* test_chip.c - the chip's promises (docs/chip.md): APB errors and read-back, the
 * refusal of core memory access during a tick, router stress without loss or
 * duplication, the tick barrier, and the real-time overrun flag.
 * Tests marked "both" run on the reference chip and (with --rtl) the Verilated chip;
 * the others need cycle timing and run on the RTL only. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "../firmware/nm_fw.h"
#include "nm_chipmap.h"
#include "nm_core_prog.h"
#include "nm_ref_chip.h"
#include "nm_regmap.h"
#include "nm_rtl_chip.h"
#include "nm_test_backend.h"

static nm_chip_backend C;
static nm_chip_tick_out OUT;

static void chip_new(int idx)
{
    ck_assert_int_lt(idx, nm_test_nbackends);
    if (idx == 0) {
        nm_ref_chip *r = nm_ref_chip_new(4, 4, 256, 256);
        ck_assert_ptr_nonnull(r);
        nm_ref_chip_backend(&C, r);
    } else {
        nm_rtl_chip *r = nm_rtl_chip_new(NULL);
        ck_assert_ptr_nonnull(r);
        nm_rtl_chip_backend(&C, r);
    }
    ck_assert_int_eq(nm_chip_tick_out_init(&OUT, C.mesh_x * C.mesh_y, C.nneurons, 256), NM_OK);
}

static void chip_rtl(void)
{
    ck_assert_int_eq(nm_test_nbackends, 2);
    chip_new(1);
}

static void chip_free(void)
{
    C.free(C.impl);
    nm_chip_tick_out_free(&OUT);
}

static uint32_t rd(uint32_t paddr)
{
    uint32_t v = 0;
    ck_assert_int_eq(C.apb_read(C.impl, paddr, &v), NM_OK);
    return v;
}

static uint32_t chip_reg(unsigned r) { return nm_chip_paddr(NM_CHIP_REGION_CHIP, 0, r); }
static uint32_t core_word(unsigned core, uint32_t w) { return nm_chip_paddr(NM_CHIP_REGION_CORE, core, w); }

/* Every neuron of every core quiet (never fires), or firing every tick toward dest(). */
typedef void (*dest_fn)(unsigned x, unsigned y, unsigned j, nm_neuron_cfg *n);

static void program_all(dest_fn dest)
{
    unsigned core, j, k, ncores = C.mesh_x * C.mesh_y;
    for (core = 0; core < ncores; core++)
        for (j = 0; j < C.nneurons; j++) {
            nm_neuron_cfg n;
            uint32_t w[NM_NEURON_WORDS];
            memset(&n, 0, sizeof n);
            n.alpha = 262143;
            n.beta = 262143;
            n.kappa = 1;
            n.dest_delay = 1;
            if (dest)
                dest(core % C.mesh_x, core / C.mesh_x, j, &n);
            nm_neuron_pack(&n, w);
            for (k = 0; k < NM_NEURON_WORDS; k++)
                ck_assert_int_eq(C.apb_write(C.impl, core_word(core, NM_ADDR(NM_REGION_NEURON, j * 8 + k)), w[k]),
                                 NM_OK);
            for (k = 0; k < C.naxons / 32; k++)
                ck_assert_int_eq(C.apb_write(C.impl, core_word(core, NM_ADDR(NM_REGION_XBAR, j * 8 + k)), 0), NM_OK);
        }
}

/* The firmware's bus callbacks on a chip backend. */
static int bus_read(void *ctx, uint32_t a, uint32_t *d)
{
    const nm_chip_backend *b = ctx;
    return b->apb_read(b->impl, a, d);
}

static int bus_write(void *ctx, uint32_t a, uint32_t d)
{
    const nm_chip_backend *b = ctx;
    return b->apb_write(b->impl, a, d);
}

/* ------------------------------------------------------------------ APB (both) */

START_TEST(test_apb_illegal_accesses_answer_pslverr)
{
    uint32_t v;
    chip_new(_i);
    ck_assert_int_eq(C.apb_read(C.impl, chip_reg(NM_CHIP_CHIP_ID) | 1u, &v), NM_ERR_CFG);    /* unaligned */
    ck_assert_int_eq(C.apb_read(C.impl, 3u << 30, &v), NM_ERR_CFG);                          /* space 3 */
    ck_assert_int_eq(C.apb_read(C.impl, core_word(16, 0), &v), NM_ERR_CFG);                  /* no core 16 */
    ck_assert_int_eq(C.apb_read(C.impl, nm_chip_paddr(NM_CHIP_REGION_ROUTER, 16, 0), &v), NM_ERR_CFG);
    ck_assert_int_eq(C.apb_read(C.impl, nm_chip_paddr(NM_CHIP_REGION_ROUTER, 3, 6), &v), NM_ERR_CFG);
    ck_assert_int_eq(C.apb_read(C.impl, nm_chip_paddr(NM_CHIP_REGION_CHIP, 1, 0), &v), NM_ERR_CFG);
    ck_assert_int_eq(C.apb_read(C.impl, chip_reg(13), &v), NM_ERR_CFG);
    ck_assert_int_eq(C.apb_write(C.impl, chip_reg(NM_CHIP_CHIP_ID), 1), NM_ERR_CFG);
    ck_assert_int_eq(C.apb_write(C.impl, chip_reg(NM_CHIP_CHIP_STATUS), 1), NM_ERR_CFG);
    ck_assert_int_eq(C.apb_write(C.impl, chip_reg(NM_CHIP_CHIP_TICK_COUNT), 1), NM_ERR_CFG);
    /* the core's own refusals come through as PSLVERR */
    ck_assert_int_eq(C.apb_read(C.impl, core_word(5, NM_ADDR(NM_REGION_NEURON, 7)), &v), NM_ERR_CFG);
    ck_assert_int_eq(C.apb_write(C.impl, core_word(5, NM_ADDR(NM_REGION_CTRL, NM_CTRL_ID)), 0), NM_ERR_CFG);
    chip_free();
}
END_TEST

START_TEST(test_apb_registers_read_back_what_was_written)
{
    unsigned core, k;
    chip_new(_i);
    ck_assert_uint_eq(rd(chip_reg(NM_CHIP_CHIP_ID)), 0x4E4D4300u);
    ck_assert_uint_eq(rd(chip_reg(NM_CHIP_CHIP_GEOMETRY)), 4u | 4u << 8);
    ck_assert_int_eq(C.apb_write(C.impl, chip_reg(NM_CHIP_CHIP_RT_PERIOD), 12345), NM_OK);
    ck_assert_uint_eq(rd(chip_reg(NM_CHIP_CHIP_RT_PERIOD)), 12345);
    for (core = 0; core < 16; core++) {
        for (k = 0; k < NM_CHIP_ROUTER_NREGS; k++) {
            uint32_t v = 0x1000u * core + k + 1;
            ck_assert_int_eq(C.apb_write(C.impl, nm_chip_paddr(NM_CHIP_REGION_ROUTER, core, k), v), NM_OK);
            ck_assert_uint_eq(rd(nm_chip_paddr(NM_CHIP_REGION_ROUTER, core, k)), v);
        }
        ck_assert_int_eq(C.apb_write(C.impl, core_word(core, NM_ADDR(NM_REGION_CTRL, NM_CTRL_PRNG)), 77 + core),
                         NM_OK);
        ck_assert_uint_eq(rd(core_word(core, NM_ADDR(NM_REGION_CTRL, NM_CTRL_PRNG))), 77 + core);
        ck_assert_int_eq(C.apb_write(C.impl, core_word(core, NM_ADDR(NM_REGION_XBAR, 255 * 8 + 7)), 0xa5a5f00fu),
                         NM_OK);
        ck_assert_uint_eq(rd(core_word(core, NM_ADDR(NM_REGION_XBAR, 255 * 8 + 7))), 0xa5a5f00fu);
        ck_assert_uint_eq(rd(core_word(core, NM_ADDR(NM_REGION_CTRL, NM_CTRL_ID))), 0x4E4D0100u);
    }
    chip_free();
}
END_TEST

/* Every rw register of the chip map and of the core map (first and last element of
 * arrays, on the first and last core) reads back what was written, within its fields. */
static uint32_t field_bits(const nm_regmap_reg *g)
{
    uint32_t m = 0;
    unsigned f;
    for (f = 0; f < g->nfields; f++)
        m |= (g->fields[f].width >= 32 ? 0xffffffffu : ((1u << g->fields[f].width) - 1u)) << g->fields[f].lsb;
    return m;
}

static void check_rw(uint32_t paddr, uint32_t mask, const char *what)
{
    static const uint32_t pat[3] = {0xffffffffu, 0xa5a5a5a5u, 0x5a5a5a5au};
    unsigned k;
    for (k = 0; k < 3; k++) {
        uint32_t v = 0;
        ck_assert_msg(C.apb_write(C.impl, paddr, pat[k]) == NM_OK, "%s: write refused", what);
        ck_assert_int_eq(C.apb_read(C.impl, paddr, &v), NM_OK);
        ck_assert_msg(v == (pat[k] & mask), "%s: wrote 0x%08x, read 0x%08x (fields 0x%08x)", what, pat[k], v, mask);
    }
}

START_TEST(test_every_rw_register_reads_back)
{
    unsigned r, e, core, ncores;
    char what[96];
    chip_new(_i);
    ncores = C.mesh_x * C.mesh_y;
    for (r = 0; r < nm_chipmap_nregs; r++) {
        const nm_regmap_reg *g = &nm_chipmap_regs[r];
        if (strcmp(g->access, "rw") || g->region_id == NM_CHIP_REGION_CORE)
            continue;
        for (e = 0; e < (g->stride ? ncores : 1); e += (g->stride ? ncores - 1 : 1)) {
            snprintf(what, sizeof what, "%s[%u].%s", g->region, e, g->name);
            check_rw(nm_chip_paddr(g->region_id, e, g->offset), field_bits(g), what);
            if (ncores == 1)
                break;
        }
    }
    for (core = 0; core < ncores; core += ncores - 1) {
        for (r = 0; r < nm_regmap_nregs; r++) {
            const nm_regmap_reg *g = &nm_regmap_regs[r];
            unsigned count = g->region_id == NM_REGION_SCHED ? 16 : g->region_id == NM_REGION_AXTYPE ? C.naxons / 16 : C.nneurons;
            if (strcmp(g->access, "rw"))
                continue;
            for (e = 0; e < (g->stride ? count : 1); e += (g->stride ? count - 1 : 1)) {
                uint32_t off = (g->stride ? e * g->stride : 0) + g->offset;
                uint32_t mask = field_bits(g);
                if (g->region_id == NM_REGION_CTRL && g->offset == NM_CTRL_PRNG)
                    mask = 0xffffffffu; /* 0 loads 1: the patterns are non-zero */
                snprintf(what, sizeof what, "core %u %s[%u].%s", core, g->region, e, g->name);
                check_rw(core_word(core, NM_ADDR(g->region_id, off)), mask, what);
                if (!g->stride)
                    break;
            }
        }
        if (ncores == 1)
            break;
    }
    chip_free();
}
END_TEST

/* Every read-only chip register answers a write with PSLVERR and keeps its value (found
 * by make coverage: only ID, STATUS and TICK_COUNT were tried before). */
START_TEST(test_every_readonly_chip_register_refuses_writes)
{
    unsigned r;
    chip_new(_i);
    program_all(NULL);                             /* quiet neurons, valid DEST words */
    ck_assert_int_eq(C.tick(C.impl, &OUT), NM_OK); /* TICK_COUNT and LAST_CYCLES non-zero */
    for (r = 0; r < nm_chipmap_nregs; r++) {
        const nm_regmap_reg *g = &nm_chipmap_regs[r];
        uint32_t before, after, a;
        if (g->region_id != NM_CHIP_REGION_CHIP || strcmp(g->access, "ro"))
            continue;
        a = chip_reg(g->offset);
        before = rd(a);
        ck_assert_msg(C.apb_write(C.impl, a, ~before) == NM_ERR_CFG, "CHIP.%s: write not refused", g->name);
        after = rd(a);
        ck_assert_msg(after == before, "CHIP.%s: 0x%08x became 0x%08x", g->name, before, after);
    }
    chip_free();
}
END_TEST

START_TEST(test_firmware_tick_drains_offchip_packets_over_apb)
{
    nm_fw_bus bus;
    nm_fw_offchip out[64];
    unsigned n = 0, k;
    chip_new(_i);
    bus.ctx = &C;
    bus.read32 = bus_read;
    bus.write32 = bus_write;
    program_all(NULL);
    /* 20 host packets for (4, 2), beyond the east edge. X goes first, so they run
     * along row 0 and leave through the east port of core (3, 0) with dx 0 and dy 2
     * left. More than the 16-deep off-chip queue holds. */
    for (k = 0; k < 20; k++) {
        nm_pkt p = {4, 2, (uint8_t)k, 1};
        ck_assert_int_eq(nm_fw_host_send(&bus, nm_flit_pack(&p), 100000), NM_FW_OK);
    }
    ck_assert_int_eq(nm_fw_tick(&bus, 100000, out, 64, &n), NM_FW_OK);
    ck_assert_uint_eq(n, 20);
    for (k = 0; k < n; k++) {
        nm_pkt p = nm_flit_unpack(out[k].flit);
        ck_assert_uint_eq((out[k].info >> NM_CHIP_CHIP_OUT_INFO_SIDE_LSB) & 3u, 0); /* east */
        ck_assert_uint_eq((out[k].info >> NM_CHIP_CHIP_OUT_INFO_POS_LSB) & 255u, 0);
        ck_assert_int_eq(p.dx, 0);
        ck_assert_int_eq(p.dy, 2);
        ck_assert_uint_eq(out[k].tick, 0);
    }
    ck_assert_uint_eq(rd(chip_reg(NM_CHIP_CHIP_TICK_COUNT)), 1);
    chip_free();
}
END_TEST

/* ------------------------------------------------------------------ RTL timing */

START_TEST(test_core_memories_are_refused_while_a_tick_runs)
{
    uint32_t v;
    chip_rtl();
    program_all(NULL);
    ck_assert_int_eq(C.apb_write(C.impl, chip_reg(NM_CHIP_CHIP_CTRL), 1), NM_OK);
    ck_assert_uint_eq(rd(chip_reg(NM_CHIP_CHIP_STATUS)) & 1u, 1);          /* busy */
    ck_assert_int_eq(C.apb_write(C.impl, core_word(2, NM_ADDR(NM_REGION_NEURON, 6)), 5), NM_ERR_CFG);
    ck_assert_int_eq(C.apb_read(C.impl, core_word(2, NM_ADDR(NM_REGION_XBAR, 0)), &v), NM_ERR_CFG);
    ck_assert_int_eq(C.apb_read(C.impl, core_word(2, NM_ADDR(NM_REGION_COUNTER, 0)), &v), NM_OK);
    while (rd(chip_reg(NM_CHIP_CHIP_STATUS)) & 1u)
        ;
    ck_assert_uint_eq(rd(core_word(2, NM_ADDR(NM_REGION_NEURON, 6))), 0); /* the write did nothing */
    ck_assert_int_eq(C.apb_write(C.impl, core_word(2, NM_ADDR(NM_REGION_NEURON, 6)), 5), NM_OK);
    chip_free();
}
END_TEST

static void dest_hotspot(unsigned x, unsigned y, unsigned j, nm_neuron_cfg *n)
{
    n->alpha = 0;                 /* fires every tick */
    n->dx = (int16_t)-(int)x;     /* all to core (0, 0) */
    n->dy = (int16_t)-(int)y;
    n->dest_axon = (uint8_t)j;
}

static void dest_transpose(unsigned x, unsigned y, unsigned j, nm_neuron_cfg *n)
{
    n->alpha = 0;
    n->dx = (int16_t)((int)y - (int)x);
    n->dy = (int16_t)((int)x - (int)y);
    n->dest_axon = (uint8_t)j;
}

static uint64_t lcg = 1;
static void dest_uniform(unsigned x, unsigned y, unsigned j, nm_neuron_cfg *n)
{
    unsigned tx, ty;
    lcg = lcg * 6364136223846793005ull + 1442695040888963407ull;
    tx = (unsigned)(lcg >> 33) % 6;           /* 0..5: columns 4 and 5 are off chip */
    ty = (unsigned)(lcg >> 45) % 4;
    n->alpha = 0;
    n->dx = (int16_t)((int)tx - (int)x);
    n->dy = (int16_t)((int)ty - (int)y);
    n->dest_axon = (uint8_t)j;
    n->dest_delay = (uint8_t)(1 + (lcg >> 20) % 15);
}

/* Every neuron fires every tick (4,096 packets per tick). Count what came out. */
static void stress(dest_fn dest, const char *name, int must_stall)
{
    unsigned t, core;
    uint64_t injected = 0, exited = 0, delivered = 0, sched = 0, stall = 0;
    chip_rtl();
    lcg = 1;
    program_all(dest);
    for (t = 0; t < 3; t++) {
        ck_assert_msg(C.tick(C.impl, &OUT) == NM_OK, "%s: tick %u did not finish", name, t);
        injected += OUT.nspikes;
        exited += OUT.noff;
        /* the barrier: at tick_done every flit of the tick has landed or left, so the
         * counts balance at every tick boundary, not only at the end */
        delivered = 0;
        for (core = 0; core < 16; core++)
            delivered += rd(nm_chip_paddr(NM_CHIP_REGION_ROUTER, core, NM_CHIP_ROUTER_FLITS_L));
        ck_assert_msg(injected == delivered + exited, "%s tick %u: injected %llu, delivered %llu + exited %llu",
                      name, t, (unsigned long long)injected, (unsigned long long)delivered,
                      (unsigned long long)exited);
        ck_assert_uint_eq((rd(chip_reg(NM_CHIP_CHIP_STATUS)) >> NM_CHIP_CHIP_STATUS_IDLE_LSB) & 1u, 1);
    }
    for (core = 0; core < 16; core++) {
        sched += rd(core_word(core, NM_ADDR(NM_REGION_COUNTER, NM_COUNTER_SCHED_WRITES)));
        stall += rd(nm_chip_paddr(NM_CHIP_REGION_ROUTER, core, NM_CHIP_ROUTER_STALL));
    }
    ck_assert_uint_eq(injected, 3u * 16u * 256u);
    ck_assert_msg(injected == delivered + exited, "%s: injected %llu, delivered %llu + exited %llu", name,
                  (unsigned long long)injected, (unsigned long long)delivered, (unsigned long long)exited);
    ck_assert_uint_eq(sched, delivered);      /* every delivered flit reached a scheduler */
    /* all-to-one must contend: 4,096 flits into one local port */
    ck_assert_msg(!must_stall || stall > 0, "%s: no stall cycle at all", name);
    chip_free();
}

START_TEST(test_router_hotspot_loses_nothing)
{
    stress(dest_hotspot, "hotspot", 1);
}
END_TEST

START_TEST(test_router_transpose_loses_nothing)
{
    stress(dest_transpose, "transpose", 0);
}
END_TEST

START_TEST(test_router_uniform_random_loses_nothing)
{
    stress(dest_uniform, "uniform", 0);
}
END_TEST

/* HOST_IN answers PSLVERR while the west input of core (0,0) is full, and loses nothing:
 * during a hotspot tick (every neuron sends to core (0,0)) host packets for core (0,0)
 * compete for its local port, so APB writes to HOST_IN (one per two cycles) fill the
 * west FIFO. Every accepted packet is delivered, none of the refused ones (found by
 * make coverage: the full case was never reached). */
START_TEST(test_host_in_refused_while_full_and_nothing_lost)
{
    unsigned k, accepted = 0, refused = 0;
    nm_pkt p = {0, 0, 7, 1};
    chip_rtl();
    program_all(dest_hotspot);
    ck_assert_int_eq(C.apb_write(C.impl, chip_reg(NM_CHIP_CHIP_CTRL), 1), NM_OK);
    for (k = 0; k < 400; k++) {
        int rc = C.apb_write(C.impl, chip_reg(NM_CHIP_CHIP_HOST_IN), nm_flit_pack(&p));
        ck_assert(rc == NM_OK || rc == NM_ERR_CFG);
        if (rc == NM_OK)
            accepted++;
        else
            refused++;
    }
    while (rd(chip_reg(NM_CHIP_CHIP_STATUS)) & 1u)
        ;
    ck_assert_uint_gt(refused, 0);
    ck_assert_uint_gt(accepted, 0);
    ck_assert_uint_eq(rd(nm_chip_paddr(NM_CHIP_REGION_ROUTER, 0, NM_CHIP_ROUTER_FLITS_L)), 16u * 256u + accepted);
    chip_free();
}
END_TEST

START_TEST(test_overrun_flagged_exactly_when_a_tick_exceeds_the_period)
{
    uint32_t c1, c2;
    chip_rtl();
    program_all(NULL);                                   /* identical quiet ticks */
    ck_assert_int_eq(C.tick(C.impl, &OUT), NM_OK);
    c1 = rd(chip_reg(NM_CHIP_CHIP_LAST_CYCLES));
    ck_assert_uint_gt(c1, 1026);
    ck_assert_int_eq(C.apb_write(C.impl, chip_reg(NM_CHIP_CHIP_RT_PERIOD), c1), NM_OK);
    ck_assert_int_eq(C.tick(C.impl, &OUT), NM_OK);       /* tick 1 needs exactly the period */
    c2 = rd(chip_reg(NM_CHIP_CHIP_LAST_CYCLES));
    ck_assert_uint_eq(c2, c1);
    ck_assert_uint_eq((rd(chip_reg(NM_CHIP_CHIP_STATUS)) >> NM_CHIP_CHIP_STATUS_OVERRUN_LSB) & 1u, 0);
    ck_assert_int_eq(C.apb_write(C.impl, chip_reg(NM_CHIP_CHIP_RT_PERIOD), c1 - 1), NM_OK);
    ck_assert_int_eq(C.tick(C.impl, &OUT), NM_OK);       /* tick 2 needs one cycle more */
    ck_assert_uint_eq((rd(chip_reg(NM_CHIP_CHIP_STATUS)) >> NM_CHIP_CHIP_STATUS_OVERRUN_LSB) & 1u, 1);
    ck_assert_uint_eq(rd(chip_reg(NM_CHIP_CHIP_OVERRUN_TICK)), 2);
    ck_assert_int_eq(C.tick(C.impl, &OUT), NM_OK);       /* sticky: still tick 2 */
    ck_assert_uint_eq(rd(chip_reg(NM_CHIP_CHIP_OVERRUN_TICK)), 2);
    ck_assert_int_eq(C.apb_write(C.impl, chip_reg(NM_CHIP_CHIP_RT_PERIOD), 0), NM_OK); /* off, re-armed */
    ck_assert_int_eq(C.tick(C.impl, &OUT), NM_OK);
    ck_assert_uint_eq((rd(chip_reg(NM_CHIP_CHIP_STATUS)) >> NM_CHIP_CHIP_STATUS_OVERRUN_LSB) & 1u, 0);
    chip_free();
}
END_TEST

Suite *chip_suite(void)
{
    Suite *s = suite_create("chip");
    TCase *both = tcase_create("apb");
    TCase *rtl = tcase_create("rtl_timing");
    tcase_set_timeout(both, 120);
    tcase_set_timeout(rtl, 300);
    tcase_add_loop_test(both, test_apb_illegal_accesses_answer_pslverr, 0, nm_test_nbackends);
    tcase_add_loop_test(both, test_apb_registers_read_back_what_was_written, 0, nm_test_nbackends);
    tcase_add_loop_test(both, test_every_rw_register_reads_back, 0, nm_test_nbackends);
    tcase_add_loop_test(both, test_every_readonly_chip_register_refuses_writes, 0, nm_test_nbackends);
    tcase_add_loop_test(both, test_firmware_tick_drains_offchip_packets_over_apb, 0, nm_test_nbackends);
    suite_add_tcase(s, both);
    if (nm_test_nbackends == 2) {
        tcase_add_test(rtl, test_core_memories_are_refused_while_a_tick_runs);
        tcase_add_test(rtl, test_router_hotspot_loses_nothing);
        tcase_add_test(rtl, test_router_transpose_loses_nothing);
        tcase_add_test(rtl, test_router_uniform_random_loses_nothing);
        tcase_add_test(rtl, test_overrun_flagged_exactly_when_a_tick_exceeds_the_period);
        tcase_add_test(rtl, test_host_in_refused_while_full_and_nothing_lost);
        suite_add_tcase(s, rtl);
    }
    return s;
}
