/* board_tests.c - the board's promises (docs/scale-out.md), and the random boards of
 * tests/check-board.
 *   board-tests                 Check tests: a board equals one big chip; the edge
 *                               hook, link counts and latency bound by hand; board
 *                               images and JSON
 *   board-tests gen OUT SEED BX BY MX MY [repeat|rtl]
 *                               a random board with stochastic cores whose packets
 *                               cross chips and leave the board */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "../board/nm_board.h"
#include "nm_chipmap.h"
#include "nm_compile.h"
#include "nm_core_prog.h"
#include "nm_ref_chip.h"
#include "nm_regmap.h"

/* ------------------------------------------------------------------ random networks */

static uint64_t rng(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static long pick(uint64_t *s, long lo, long hi)
{
    return lo + (long)(rng(s) % (uint64_t)(hi - lo + 1));
}

/* Random cores of every mode (stochastic synapses, leak and threshold among them),
 * destinations up to `reach` cores away in x and y: some land on other chips, some
 * leave the board. */
static void random_core(nm_image_core *c, unsigned na, unsigned nn, long reach, uint64_t *s)
{
    unsigned j, a;
    c->prng_seed = (uint32_t)rng(s) | 1u;
    for (a = 0; a < na / 16; a++)
        c->types[a] = (uint32_t)rng(s);
    for (j = 0; j < nn; j++) {
        nm_neuron_cfg n;
        unsigned k;
        for (a = 0; a < na / 32; a++)
            c->xbar[j * (na / 32) + a] = (uint32_t)(rng(s) & rng(s) & rng(s)); /* about 1/8 */
        memset(&n, 0, sizeof n);
        for (k = 0; k < 4; k++) {
            n.s[k] = (int16_t)pick(s, -8, 24);
            n.b[k] = (uint8_t)(pick(s, 0, 3) == 0);
        }
        n.lambda = (int16_t)pick(s, -4, 6);
        n.c_lambda = (uint8_t)pick(s, 0, 1);
        n.epsilon = (uint8_t)pick(s, 0, 1);
        n.alpha = (uint32_t)pick(s, 1, 120);
        n.beta = (uint32_t)pick(s, 0, 120);
        n.tm = (uint8_t)pick(s, 0, 5);
        n.gamma = (uint8_t)pick(s, 0, 2);
        n.kappa = (uint8_t)pick(s, 0, 1);
        n.R = (int32_t)pick(s, -20, 20);
        n.V = (int32_t)pick(s, 0, 60);
        n.dx = (int16_t)pick(s, reach > 256 ? -256 : -reach, reach > 255 ? 255 : reach);
        n.dy = (int16_t)pick(s, reach > 256 ? -256 : -reach, reach > 255 ? 255 : reach);
        n.dest_axon = (uint8_t)pick(s, 0, (long)na - 1);
        n.dest_delay = (uint8_t)pick(s, 1, 15);
        nm_neuron_pack(&n, &c->neurons[j * NM_NEURON_WORDS]);
    }
}

static nm_image *random_board_geo(uint64_t seed, unsigned bx, unsigned by, unsigned mx, unsigned my, int repeat,
                                  unsigned na, unsigned nn)
{
    nm_image *im = nm_image_new_board(mx, my, na, nn, bx, by, repeat);
    uint64_t s = seed * 0x2545f4914f6cdd1dull + 7;
    unsigned k;
    long reach = (long)(bx * mx > by * my ? bx * mx : by * my);
    if (!im)
        return NULL;
    for (k = 0; k < im->chip_images * mx * my; k++)
        random_core(&im->cores[k], na, nn, reach, &s);
    return im;
}

static nm_image *random_board(uint64_t seed, unsigned bx, unsigned by, unsigned mx, unsigned my, int repeat)
{
    return random_board_geo(seed, bx, by, mx, my, repeat, 64, 32);
}

static int cmd_gen(int argc, char **argv)
{
    char err[256];
    nm_image *im;
    if (argc != 8 && argc != 9) {
        fprintf(stderr, "usage: board-tests gen OUT SEED BX BY MX MY [repeat|rtl]\n"
                        "  (cores of 64 axons x 32 neurons; rtl: 256 x 256, the Verilated chip's)\n");
        return 2;
    }
    {
        int rtl = argc == 9 && !strcmp(argv[8], "rtl");
        im = random_board_geo(strtoull(argv[3], NULL, 0), (unsigned)atoi(argv[4]), (unsigned)atoi(argv[5]),
                              (unsigned)atoi(argv[6]), (unsigned)atoi(argv[7]), argc == 9 && !rtl, rtl ? 256 : 64,
                              rtl ? 256 : 32);
    }
    if (!im || nm_image_write(im, argv[2], err, sizeof err)) {
        fprintf(stderr, "board-tests gen: %s\n", im ? err : "bad geometry");
        nm_image_free(im);
        return 1;
    }
    nm_image_free(im);
    return 0;
}

/* ------------------------------------------------------------------ helpers */

static void write_tmp(const nm_image *im, char *path, size_t len)
{
    char err[256];
    int fd;
    snprintf(path, len, "/tmp/nm-board-test-XXXXXX");
    fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert_msg(nm_image_write(im, path, err, sizeof err) == 0, "%s", err);
}

static uint32_t rd(const nm_chip_backend *b, uint32_t paddr)
{
    uint32_t v = 0;
    ck_assert_int_eq(b->apb_read(b->impl, paddr, &v), NM_OK);
    return v;
}

static nm_board *board_open(const char *path, uint32_t link_cycles, uint32_t tick_cycles, unsigned threads)
{
    nm_board_comm comm;
    nm_board_opts o = {threads, link_cycles, tick_cycles, 0, 0, NULL};
    char err[256];
    nm_board *b;
    nm_board_comm_local(&comm);
    b = nm_board_new(path, &comm, &o, err, sizeof err);
    ck_assert_msg(b != NULL, "%s", err);
    return b;
}

/* ------------------------------------------------------------------ a board is one big chip */

/* A bx x by board of mx x my chips routes like one (bx*mx) x (by*my) chip with the same
 * cores: X then Y, hop by hop, across chip edges. So every spike, every router's port
 * counters, and every packet that leaves (the board / the big chip) must be the same.
 * Nothing here is computed by hand: the big chip is the independent reference. */
static void check_board_is_big_chip(unsigned bx, unsigned by, unsigned mx, unsigned my, uint64_t seed,
                                    unsigned threads)
{
    const unsigned W = bx * mx, H = by * my, ticks = 60;
    nm_image *big = random_board(seed, 1, 1, W, H, 0), *brd = nm_image_new_board(mx, my, 64, 32, bx, by, 0);
    nm_ref_chip *chip = nm_ref_chip_new(W, H, 64, 32);
    nm_chip_backend cb;
    nm_chip_tick_out co;
    nm_board_tick_out bo = {0};
    nm_board_comm comm;
    nm_board *b;
    char path[64], err[256];
    unsigned gx, gy, t, i, p;
    uint64_t spikes = 0, offs = 0, links = 0;
    ck_assert_ptr_nonnull(big);
    ck_assert_ptr_nonnull(brd);
    ck_assert_ptr_nonnull(chip);
    /* the same cores, cut into chips */
    for (gy = 0; gy < H; gy++)
        for (gx = 0; gx < W; gx++) {
            nm_image_core *d = &nm_image_chip(brd, (gy / my) * bx + gx / mx)[(gy % my) * mx + gx % mx];
            const nm_image_core *s = &big->cores[gy * W + gx];
            d->prng_seed = s->prng_seed;
            memcpy(d->types, s->types, 64 / 16 * 4);
            memcpy(d->xbar, s->xbar, 32 * 2 * 4);
            memcpy(d->neurons, s->neurons, 32 * NM_NEURON_WORDS * 4);
        }
    write_tmp(brd, path, sizeof path);
    b = board_open(path, 256, 100000, threads);
    nm_ref_chip_backend(&cb, chip);
    ck_assert_int_eq(nm_image_load(big, &cb, err, sizeof err), 0);
    ck_assert_int_eq(nm_chip_tick_out_init(&co, W * H, 32, 64), NM_OK);
    nm_board_comm_local(&comm);
    for (t = 0; t < ticks; t++) {
        size_t k = 0;
        ck_assert_int_eq(nm_ref_chip_tick(chip, &co), NM_OK);
        ck_assert_int_eq(nm_board_tick(b, &comm, &bo, err, sizeof err), NM_OK);
        /* spikes: the board's are in (chip, core, neuron) order, the chip's in
         * (core, neuron) order: match each big-chip spike to the board's */
        ck_assert_uint_eq(bo.nspikes, co.nspikes);
        for (i = 0; i < co.nspikes; i++) {
            unsigned x = co.spikes[i].core % W, y = co.spikes[i].core / W, found = 0;
            unsigned chip_i = (y / my) * bx + x / mx, core_i = (y % my) * mx + x % mx;
            for (k = 0; k < bo.nspikes && !found; k++)
                found = bo.spikes[k].chip == chip_i && bo.spikes[k].core == core_i &&
                        bo.spikes[k].neuron == co.spikes[i].neuron;
            ck_assert_msg(found, "seed %llu tick %u: big-chip spike at (%u, %u) neuron %u missing on the board",
                          (unsigned long long)seed, t, x, y, co.spikes[i].neuron);
        }
        spikes += co.nspikes;
        /* packets that leave: same count, and each with the same side, place, rest */
        ck_assert_uint_eq(bo.noff, co.noff);
        for (i = 0; i < co.noff; i++) {
            const nm_offchip *o = &co.off[i];
            unsigned found = 0;
            for (k = 0; k < bo.noff && !found; k++) {
                const nm_board_off *f = &bo.off[k];
                unsigned cx = f->chip % bx, cy = f->chip / bx;
                unsigned gpos = f->side <= 1 ? cy * my + f->pos : cx * mx + f->pos;
                found = f->tick == o->tick && f->side == o->side && gpos == o->pos && f->pkt.dx == o->pkt.dx &&
                        f->pkt.dy == o->pkt.dy && f->pkt.axon == o->pkt.axon && f->pkt.delay == o->pkt.delay;
            }
            ck_assert_msg(found, "seed %llu tick %u: off-chip packet %u of the big chip not off the board",
                          (unsigned long long)seed, t, i);
        }
        offs += co.noff;
        for (i = 0; i < bx * by * 4; i++)
            links += nm_board_links_tick(b)[i];
    }
    /* every router's five port counters */
    for (gy = 0; gy < H; gy++)
        for (gx = 0; gx < W; gx++) {
            const nm_chip_backend *bb = nm_board_chip_backend(b, (gy / my) * bx + gx / mx);
            for (p = 0; p < 5; p++)
                ck_assert_msg(rd(&cb, nm_chip_paddr(NM_CHIP_REGION_ROUTER, gy * W + gx, p)) ==
                                  rd(bb, nm_chip_paddr(NM_CHIP_REGION_ROUTER, (gy % my) * mx + gx % mx, p)),
                              "seed %llu: router (%u, %u) port %u differs", (unsigned long long)seed, gx, gy, p);
        }
    /* the test means something only if packets did cross chips and leave the board */
    ck_assert_uint_gt(spikes, 1000);
    ck_assert_uint_gt(links, 100);
    ck_assert_uint_gt(offs, 100);
    nm_board_tick_out_free(&bo);
    nm_chip_tick_out_free(&co);
    nm_board_free(b);
    nm_ref_chip_free(chip);
    nm_image_free(big);
    nm_image_free(brd);
    unlink(path);
}

START_TEST(test_board_2x2_is_one_8x8_chip)
{
    check_board_is_big_chip(2, 2, 4, 4, 11, 1);
}
END_TEST

START_TEST(test_board_3x1_of_3x5_is_one_9x5_chip_two_threads)
{
    check_board_is_big_chip(3, 1, 3, 5, 12, 2);
}
END_TEST

START_TEST(test_board_2x3_of_1x2_is_one_2x6_chip)
{
    check_board_is_big_chip(2, 3, 1, 2, 13, 1);
}
END_TEST

/* ------------------------------------------------------------------ the edge hook by hand */

/* A 4 x 4 chip; a packet enters the west edge at row 2 with dx = 1, dy = 1, axon 5,
 * delay 3. Routers: (0, 2) sends it east (dx 1 -> 0), (1, 2) north (dy 1 -> 0), (1, 3)
 * delivers it: E count 1 at core 8, N count 1 at core 9, L count 1 at core 13 (index
 * y * 4 + x). It lands in scheduler row (0 + 3) of core 13, bit 5. A second packet
 * enters the north edge at column 3 with dy = -5: routers (3,3) (3,2) (3,1) (3,0) send
 * it south and it leaves through the south edge at column 3 with dy = -1. */
START_TEST(test_edge_inject_routes_by_hand)
{
    nm_ref_chip *c = nm_ref_chip_new(4, 4, 256, 256);
    nm_chip_backend b;
    nm_pkt p = {1, 1, 5, 3};
    nm_offchip left;
    int has_left = -1;
    unsigned k;
    ck_assert_ptr_nonnull(c);
    nm_ref_chip_backend(&b, c);
    ck_assert_int_eq(nm_ref_chip_edge_inject(c, 1, 2, p, &left, &has_left), NM_OK);
    ck_assert_int_eq(has_left, 0);
    ck_assert_uint_eq(rd(&b, nm_chip_paddr(NM_CHIP_REGION_ROUTER, 8, 1)), 1);  /* E of (0, 2) */
    ck_assert_uint_eq(rd(&b, nm_chip_paddr(NM_CHIP_REGION_ROUTER, 9, 3)), 1);  /* N of (1, 2) */
    ck_assert_uint_eq(rd(&b, nm_chip_paddr(NM_CHIP_REGION_ROUTER, 13, 0)), 1); /* L of (1, 3) */
    ck_assert_uint_eq(rd(&b, nm_chip_paddr(NM_CHIP_REGION_CORE, 13, NM_ADDR(NM_REGION_SCHED, 3 * NM_SCHED_STRIDE))), 1u << 5);
    p.dx = 0;
    p.dy = -5;
    ck_assert_int_eq(nm_ref_chip_edge_inject(c, 2, 3, p, &left, &has_left), NM_OK);
    ck_assert_int_eq(has_left, 1);
    ck_assert_uint_eq(left.side, 3);
    ck_assert_uint_eq(left.pos, 3);
    ck_assert_int_eq(left.pkt.dy, -1);
    for (k = 0; k < 4; k++) /* S of (3, 3), (3, 2), (3, 1), (3, 0) */
        ck_assert_uint_eq(rd(&b, nm_chip_paddr(NM_CHIP_REGION_ROUTER, k * 4 + 3, 4)), 1);
    ck_assert_int_eq(nm_ref_chip_edge_inject(c, 0, 4, p, &left, &has_left), NM_ERR_ARG); /* row 4 of 4 */
    nm_ref_chip_free(c);
}
END_TEST

/* The batch form gives what one packet at a time gives (the one-at-a-time route was
 * worked by hand above): 2,000 random packets at every edge of a 5 x 3 chip, some that
 * land, some that pass through; every router port, every scheduler row, the count
 * that left. */
START_TEST(test_edge_inject_many_equals_one_by_one)
{
    nm_ref_chip *a = nm_ref_chip_new(5, 3, 64, 4), *b = nm_ref_chip_new(5, 3, 64, 4);
    nm_chip_backend ba, bb;
    nm_ref_edge_pkt v[2000];
    uint64_t s = 99;
    size_t i, left_a = 0, left_b = 0;
    unsigned k, w;
    nm_ref_chip_backend(&ba, a);
    nm_ref_chip_backend(&bb, b);
    for (i = 0; i < 2000; i++) {
        nm_offchip o;
        int has;
        v[i].side = (uint8_t)pick(&s, 0, 3);
        v[i].pos = (uint8_t)pick(&s, 0, v[i].side <= 1 ? 2 : 4);
        v[i].pkt.dx = (int16_t)pick(&s, -7, 7);
        v[i].pkt.dy = (int16_t)pick(&s, -5, 5);
        v[i].pkt.axon = (uint8_t)pick(&s, 0, 63);
        v[i].pkt.delay = (uint8_t)pick(&s, 1, 15);
        ck_assert_int_eq(nm_ref_chip_edge_inject(a, v[i].side, v[i].pos, v[i].pkt, &o, &has), NM_OK);
        left_a += (size_t)has;
    }
    ck_assert_int_eq(nm_ref_chip_edge_inject_many(b, v, 2000, &left_b), NM_OK);
    ck_assert_uint_eq(left_a, left_b);
    ck_assert_uint_gt(left_a, 100);
    ck_assert_uint_lt(left_a, 1900);
    for (k = 0; k < 15; k++) {
        for (w = 0; w < 5; w++)
            ck_assert_uint_eq(rd(&ba, nm_chip_paddr(NM_CHIP_REGION_ROUTER, k, w)),
                              rd(&bb, nm_chip_paddr(NM_CHIP_REGION_ROUTER, k, w)));
        for (w = 0; w < 16 * NM_SCHED_STRIDE; w += NM_SCHED_STRIDE)
            ck_assert_uint_eq(rd(&ba, nm_chip_paddr(NM_CHIP_REGION_CORE, k, NM_ADDR(NM_REGION_SCHED, w + 1))),
                              rd(&bb, nm_chip_paddr(NM_CHIP_REGION_CORE, k, NM_ADDR(NM_REGION_SCHED, w + 1))));
    }
    v[0].pos = 3; /* row 3 of 3 on the west edge */
    v[0].side = 1;
    ck_assert_int_eq(nm_ref_chip_edge_inject_many(b, v, 1, &left_b), NM_ERR_ARG);
    nm_ref_chip_free(a);
    nm_ref_chip_free(b);
}
END_TEST

/* ------------------------------------------------------------------ links and latency by hand */

/* A 2 x 1 board of 1 x 1 chips of 32 axons x 1 neuron. Chip 0's neuron: leak +1,
 * threshold 1, so it fires every tick; destination dx = 1, delay 1: it crosses the east
 * link of chip 0 into chip 1 and lands there. Chip 1's neuron never fires.
 * Per tick: 1 spike, 1 packet on link (chip 0, east), nothing off the board.
 * Chip 0's tick, as the model estimates it (docs/chip.md s6): the core 2 + 4 x 1 neuron
 * + 0 synaptic events + 1 spike = 7 cycles, plus the longest route 1 hop, plus 3 =
 * 11 cycles. The packet then crosses one link (L cycles) and lands at the entry router
 * (0 hops): arrival 11 + L. Deadline: delay 1 x P. With L = 10, P = 21 the margin is 0
 * (in time); P = 20 makes every packet 1 cycle late. */
static nm_image *two_chip_board(void)
{
    nm_image *im = nm_image_new_board(1, 1, 32, 1, 2, 1, 0);
    nm_neuron_cfg n;
    memset(&n, 0, sizeof n);
    n.lambda = 1;
    n.alpha = 1;
    n.beta = 0;
    n.kappa = 1;
    n.dx = 1;
    n.dest_delay = 1;
    nm_neuron_pack(&n, nm_image_chip(im, 0)[0].neurons);
    n.lambda = 0;
    n.alpha = 262143;
    n.dx = 0;
    n.s[0] = 1;
    nm_neuron_pack(&n, nm_image_chip(im, 1)[0].neurons);
    nm_image_chip(im, 1)[0].xbar[0] = 1u; /* axon 0 (type 0, weight +1) -> neuron 0 */
    return im;
}

static void run_two_chip(uint32_t tick_cycles, nm_board_latency *lat, uint64_t *link_e0, uint64_t *spikes)
{
    nm_image *im = two_chip_board();
    char path[64], err[256];
    nm_board *b;
    nm_board_comm comm;
    nm_board_tick_out o = {0};
    unsigned t;
    write_tmp(im, path, sizeof path);
    b = board_open(path, 10, tick_cycles, 1);
    nm_board_comm_local(&comm);
    *link_e0 = *spikes = 0;
    for (t = 0; t < 5; t++) {
        ck_assert_int_eq(nm_board_tick(b, &comm, &o, err, sizeof err), NM_OK);
        ck_assert_uint_eq(o.noff, 0);
        ck_assert_uint_eq(o.cycles, 11);
        *spikes += o.nspikes;
        *link_e0 += nm_board_links_tick(b)[0 * 4 + 0];
        ck_assert_uint_eq(nm_board_links_tick(b)[1 * 4 + 1], 0); /* nothing west out of chip 1 */
    }
    *lat = *nm_board_latency_stats(b);
    nm_board_tick_out_free(&o);
    nm_board_free(b);
    nm_image_free(im);
    unlink(path);
}

START_TEST(test_link_counts_and_latency_bound_by_hand)
{
    nm_board_latency lat;
    uint64_t link, spikes;
    run_two_chip(21, &lat, &link, &spikes);
    ck_assert_uint_eq(spikes, 5);
    ck_assert_uint_eq(link, 5);
    ck_assert_uint_eq(lat.crossing_packets, 5);
    ck_assert_uint_eq(lat.late, 0);
    ck_assert_int_eq(lat.worst_margin, 0);
    ck_assert_uint_eq(lat.first_late, UINT64_MAX);
    run_two_chip(20, &lat, &link, &spikes);
    ck_assert_uint_eq(lat.late, 5);
    ck_assert_int_eq(lat.worst_margin, -1);
    ck_assert_uint_eq(lat.first_late, 0); /* tick 0, chip 0, east */
}
END_TEST

/* Delivery tick: chip 1's neuron integrates axon 0 with weight +1 and never fires.
 * The packet chip 0 fires in tick t (delay 1) must be integrated in tick t + 1, as on
 * one chip: after ticks 0..4, the packets of ticks 0..3 were integrated (in ticks
 * 1..4), so V = 4 (5 would mean same-tick delivery, 3 a tick late). The tick pointer
 * is 5 (tick t runs row t + 1, docs/neuron-model.md s5); the packet of tick 4 waits in
 * row 6, row 5 was cleared when tick 4 started. */
START_TEST(test_crossing_packet_lands_at_t_plus_d)
{
    nm_image *im = two_chip_board();
    char path[64], err[256];
    nm_board *b;
    nm_board_comm comm;
    nm_board_tick_out o = {0};
    unsigned t;
    write_tmp(im, path, sizeof path);
    b = board_open(path, 10, 100000, 1);
    nm_board_comm_local(&comm);
    for (t = 0; t < 5; t++)
        ck_assert_int_eq(nm_board_tick(b, &comm, &o, err, sizeof err), NM_OK);
    {
        const nm_chip_backend *c1 = nm_board_chip_backend(b, 1);
        uint32_t st = rd(c1, nm_chip_paddr(NM_CHIP_REGION_CORE, 0,
                                           NM_ADDR(NM_REGION_NEURON, 0 * NM_NEURON_STRIDE + NM_NEURON_STATE)));
        ck_assert_int_eq(nm_sext(st, 20), 4);
        ck_assert_uint_eq(rd(c1, nm_chip_paddr(NM_CHIP_REGION_CORE, 0, NM_ADDR(NM_REGION_SCHED, 6 * NM_SCHED_STRIDE))),
                          1u);
        ck_assert_uint_eq(rd(c1, nm_chip_paddr(NM_CHIP_REGION_CORE, 0, NM_ADDR(NM_REGION_SCHED, 5 * NM_SCHED_STRIDE))),
                          0u);
    }
    nm_board_tick_out_free(&o);
    nm_board_free(b);
    nm_image_free(im);
    unlink(path);
}
END_TEST

/* ------------------------------------------------------------------ images */

START_TEST(test_board_image_round_trip_and_partial_read)
{
    nm_image *a = random_board(5, 3, 2, 2, 1, 0), *b, *p;
    uint8_t *buf;
    size_t len;
    char err[256], path[64];
    unsigned k;
    ck_assert_ptr_nonnull(a);
    buf = nm_image_serialize(a, &len, err, sizeof err);
    ck_assert_ptr_nonnull(buf);
    /* header 32 + board section 16 + 6 chips x 2 cores x section */
    ck_assert_uint_eq(len, 32 + 16 + 12 * nm_image_section_bytes(64, 32));
    ck_assert_uint_eq(buf[16], 0); /* flags: core type 0 (bits 7:0), board (bit 8) */
    ck_assert_uint_eq(buf[17], 1);
    ck_assert_mem_eq(buf + 32, "BORD", 4);
    b = nm_image_parse(buf, len, err, sizeof err);
    ck_assert_msg(b != NULL, "%s", err);
    ck_assert_uint_eq(b->board_x, 3);
    ck_assert_uint_eq(b->board_y, 2);
    ck_assert_uint_eq(b->chip_images, 6);
    for (k = 0; k < 12; k++)
        ck_assert_mem_eq(b->cores[k].neurons, a->cores[k].neurons, 32 * NM_NEURON_WORDS * 4);
    write_tmp(a, path, sizeof path);
    p = nm_image_read_chips(path, 2, 2, err, sizeof err);
    ck_assert_msg(p != NULL, "%s", err);
    ck_assert_ptr_null(nm_image_chip(p, 1)[0].types);
    ck_assert_ptr_nonnull(nm_image_chip(p, 3)[1].types);
    ck_assert_mem_eq(nm_image_chip(p, 3)[1].xbar, nm_image_chip(a, 3)[1].xbar, 32 * 2 * 4);
    ck_assert_ptr_null(nm_image_chip(p, 4)[0].types);
    unlink(path);
    /* the board section is checked, and named by byte */
    buf[40] = 4; /* chip_images 4: neither 1 nor 6 */
    ck_assert_ptr_null(nm_image_parse(buf, len, err, sizeof err));
    ck_assert_msg(strstr(err, "byte 44: board section CRC") != NULL, "%s", err);
    /* a right CRC over a bad count */
    {
        uint32_t crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), buf + 32, 12);
        buf[44] = (uint8_t)crc; buf[45] = (uint8_t)(crc >> 8); buf[46] = (uint8_t)(crc >> 16); buf[47] = (uint8_t)(crc >> 24);
    }
    ck_assert_ptr_null(nm_image_parse(buf, len, err, sizeof err));
    ck_assert_msg(strstr(err, "byte 40: chip_images 4") != NULL, "%s", err);
    free(buf);
    nm_image_free(a);
    nm_image_free(b);
    nm_image_free(p);
}
END_TEST

START_TEST(test_plain_image_is_a_1x1_board_byte_for_byte)
{
    nm_image *a = nm_image_new(2, 2, 32, 4);
    uint8_t *buf;
    size_t len;
    char err[256];
    nm_image *b;
    buf = nm_image_serialize(a, &len, err, sizeof err);
    ck_assert_uint_eq(len, 32 + 4 * nm_image_section_bytes(32, 4)); /* no board section */
    ck_assert_uint_eq(buf[16], 0);
    ck_assert_uint_eq(buf[17], 0);
    b = nm_image_parse(buf, len, err, sizeof err);
    ck_assert_uint_eq(b->board_x, 1);
    ck_assert_uint_eq(b->board_y, 1);
    ck_assert_uint_eq(b->chip_images, 1);
    ck_assert_int_eq(nm_image_is_board(b), 0);
    free(buf);
    nm_image_free(a);
    nm_image_free(b);
}
END_TEST

/* JSON: chip (1, 0) of a 2 x 1 board of 2 x 1 chips; its core (1, 0) is board core
 * (3, 0); "core": [0, 0] (board coordinates) is dx = -3. The repeat form refuses "chip". */
START_TEST(test_json_board_chip_and_board_coordinates)
{
    const char *net = "{\"mesh\": [2, 1], \"board\": {\"chips\": [2, 1]}, \"core\": {\"axons\": 32, \"neurons\": 1},"
                      " \"cores\": [{\"chip\": [1, 0], \"x\": 1, \"y\": 0, \"seed\": 9,"
                      " \"neurons\": [{\"id\": 0, \"alpha\": 3, \"dest\": {\"core\": [0, 0], \"axon\": 2}}]}]}";
    const char *rep = "{\"mesh\": [2, 1], \"board\": {\"chips\": [2, 1], \"repeat\": true},"
                      " \"cores\": [{\"chip\": [1, 0], \"x\": 1, \"y\": 0}]}";
    char err[256], *text;
    nm_image *im = nm_compile_string(net, "net.json", err, sizeof err), *again;
    nm_neuron_cfg n;
    ck_assert_msg(im != NULL, "%s", err);
    ck_assert_uint_eq(im->chip_images, 2);
    ck_assert_uint_eq(nm_image_chip(im, 1)[1].prng_seed, 9);
    ck_assert_uint_eq(nm_image_chip(im, 0)[1].prng_seed, 1);
    nm_neuron_unpack(nm_image_chip(im, 1)[1].neurons, &n);
    ck_assert_int_eq(n.dx, -3);
    ck_assert_uint_eq(n.alpha, 3);
    text = nm_decompile(im);
    again = nm_compile_string(text, "decompiled", err, sizeof err);
    ck_assert_msg(again != NULL, "%s", err);
    ck_assert_mem_eq(nm_image_chip(again, 1)[1].neurons, nm_image_chip(im, 1)[1].neurons, 7 * 4);
    ck_assert_uint_eq(again->board_x, 2);
    free(text);
    nm_image_free(again);
    nm_image_free(im);
    ck_assert_ptr_null(nm_compile_string(rep, "rep.json", err, sizeof err));
    ck_assert_msg(strstr(err, "rep.json: cores[0].chip: the board repeats one chip") != NULL, "%s", err);
}
END_TEST

int main(int argc, char **argv)
{
    Suite *s;
    SRunner *r;
    TCase *tc;
    int failed;
    if (argc >= 2 && !strcmp(argv[1], "gen"))
        return cmd_gen(argc, argv);
    s = suite_create("board");
    tc = tcase_create("board");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_board_2x2_is_one_8x8_chip);
    tcase_add_test(tc, test_board_3x1_of_3x5_is_one_9x5_chip_two_threads);
    tcase_add_test(tc, test_board_2x3_of_1x2_is_one_2x6_chip);
    tcase_add_test(tc, test_edge_inject_routes_by_hand);
    tcase_add_test(tc, test_edge_inject_many_equals_one_by_one);
    tcase_add_test(tc, test_link_counts_and_latency_bound_by_hand);
    tcase_add_test(tc, test_crossing_packet_lands_at_t_plus_d);
    tcase_add_test(tc, test_board_image_round_trip_and_partial_read);
    tcase_add_test(tc, test_plain_image_is_a_1x1_board_byte_for_byte);
    tcase_add_test(tc, test_json_board_chip_and_board_coordinates);
    suite_add_tcase(s, tc);
    r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? 1 : 0;
}
