/* test_loihi_port.c - the Loihi core's config port (docs/loihi-core.md section 10): reset
 * values, geometry read-back, refused accesses, reserved bits, raw signed fields, the
 * hardware view register and the input queue's status, on each backend. Geometry: small
 * (NCOMP 16, NAXIN 16, NAXOUT 32, NSYN 256, NDSLOT 8, NDPROF 4, NTPROF 2, NSYNFMT 4, INQ 16). */
#include <check.h>

#include "loihi_test_backend.h"
#include "nm_loihi_prog.h"
#include "nm_loihi_regmap.h"

#define A(r, o) NML_ADDR(NML_REGION_##r, (o))

static nm_loihi_backend B;

static void setup(int idx)
{
    nm_loihi_geom g = NM_LOIHI_GEOM_SMALL;
    ck_assert_int_eq(nm_loihi_test_new(idx, &g, NULL, &B), NM_OK);
}

static uint32_t rd(uint32_t addr)
{
    uint32_t d = 0xdeadbeefu;
    ck_assert_int_eq(B.cfg_read(B.impl, addr, &d), NM_OK);
    return d;
}

START_TEST(port_reset_and_geometry)
{
    unsigned k;
    setup(_i);
    ck_assert_uint_eq(rd(A(CTRL, NML_CTRL_ID)), 0x4C4F0100u);
    /* GEOM0 = 16 | 16 << 16; GEOM1 = 32 | 256 << 16; GEOM2 = 8 | 4 << 8 | 2 << 16 | 4 << 24 */
    ck_assert_uint_eq(rd(A(CTRL, NML_CTRL_GEOM0)), 0x00100010u);
    ck_assert_uint_eq(rd(A(CTRL, NML_CTRL_GEOM1)), 0x01000020u);
    ck_assert_uint_eq(rd(A(CTRL, NML_CTRL_GEOM2)), 0x04020408u);
    ck_assert_uint_eq(rd(A(CTRL, NML_CTRL_GEOM3)), 16u);
    ck_assert_uint_eq(rd(A(CTRL, NML_CTRL_STATUS)), 0u);
    ck_assert_uint_eq(rd(A(CTRL, NML_CTRL_STEP)), 0u);
    ck_assert_uint_eq(rd(A(CTRL, NML_CTRL_NUPD)), 0xFFFFu);
    for (k = 0; k < NML_COUNTER_NREGS; k++)
        ck_assert_uint_eq(rd(A(COUNTER, k)), 0u);
    /* SYNFMT resets to NBITS_M1 = 7 (bits 6:4): 0x70 */
    for (k = 0; k < 4; k++)
        ck_assert_uint_eq(rd(A(SYNFMT, k)), 0x70u);
    for (k = 0; k < 4; k++)
        ck_assert_uint_eq(rd(A(DPROF, k)), 0u);
    for (k = 0; k < 16 * 6; k++)
        ck_assert_uint_eq(rd(A(CX, (k / 6) * 8 + k % 6)), 0u);
    for (k = 0; k < 8 * 16; k++)
        ck_assert_uint_eq(rd(A(DA, k)), 0u);
    ck_assert_uint_eq(rd(A(SYN, 255)), 0u);
    ck_assert_uint_eq(rd(A(AXMAP, 31)), 0u);
    nm_loihi_test_free(&B);
}
END_TEST

START_TEST(port_refused)
{
    /* one past the end of every region, CX words 6 and 7, region 10, address bit 20 */
    static const uint32_t bad[] = {
        A(CTRL, 8), A(COUNTER, 10), A(DPROF, 4), A(TPROF, 2), A(SYNFMT, 4), A(CX, 16 * 8),
        A(CX, 6), A(CX, 7), A(CX, 15 * 8 + 6), A(INAXON, 16), A(SYN, 256), A(AXMAP, 32),
        A(DA, 128), 10u << 16, 15u << 16, 1u << 20, 0xFFFFFFFFu,
    };
    static const uint32_t ro[] = {
        A(CTRL, NML_CTRL_ID), A(CTRL, NML_CTRL_GEOM0), A(CTRL, NML_CTRL_GEOM1), A(CTRL, NML_CTRL_GEOM2),
        A(CTRL, NML_CTRL_GEOM3), A(CTRL, NML_CTRL_STATUS), A(CX, 3 * 8 + NML_CX_VHW),
    };
    unsigned k;
    uint32_t d;
    setup(_i);
    for (k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        ck_assert_int_eq(B.cfg_write(B.impl, bad[k], 1u), NM_ERR_CFG);
        ck_assert_int_eq(B.cfg_read(B.impl, bad[k], &d), NM_ERR_CFG);
    }
    for (k = 0; k < sizeof ro / sizeof ro[0]; k++) {
        uint32_t before = rd(ro[k]);
        ck_assert_int_eq(B.cfg_write(B.impl, ro[k], 0x12345u), NM_ERR_CFG);
        ck_assert_uint_eq(rd(ro[k]), before);
    }
    nm_loihi_test_free(&B);
}
END_TEST

/* All-ones written everywhere reads back only the defined fields (register map bit positions). */
START_TEST(port_reserved_bits)
{
    static const struct { uint32_t addr, mask; } w[] = {
        {A(CTRL, NML_CTRL_STEP), 0xFFFFFFFFu},
        {A(CTRL, NML_CTRL_NUPD), 0x0000FFFFu},
        {A(COUNTER, 9), 0xFFFFFFFFu},
        {A(DPROF, 3), 0x3FFFFFFFu},      /* DU 11:0, DV 23:12, REFRACT 29:24 */
        {A(TPROF, 1), 0x0001FFFFu},      /* VTH_MANT 16:0 */
        {A(SYNFMT, 2), 0x00000F73u},     /* SIGN 1:0, NBITS_M1 6:4, WGT_EXP 11:8 */
        {A(CX, 5 * 8 + 0), 0x1FFF771Fu}, /* DPROF 4:0, TPROF 10:8, BIAS_EXP 14:12, BIAS_MANT 28:16 */
        {A(CX, 5 * 8 + 1), 0x00FF0FFFu}, /* BASE 11:0, LEN 23:16 */
        {A(CX, 5 * 8 + 2), 0x00FFFFFFu},
        {A(CX, 5 * 8 + 3), 0x00FFFFFFu},
        {A(CX, 5 * 8 + 4), 0x0000003Fu},
        {A(INAXON, 7), 0xFFFF7FFFu},     /* BASE 14:0, LEN 27:16, FMT 31:28 */
        {A(SYN, 100), 0x03FFFFFFu},      /* COMP 11:0, WGT 19:12, DELAY 25:20 */
        {A(AXMAP, 9), 0x0FFFFFFFu},      /* AXON 11:0, DX 19:12, DY 27:20 */
        {A(DA, 77), 0x00FFFFFFu},
    };
    unsigned k;
    setup(_i);
    for (k = 0; k < sizeof w / sizeof w[0]; k++) {
        ck_assert_int_eq(B.cfg_write(B.impl, w[k].addr, 0xFFFFFFFFu), NM_OK);
        ck_assert_msg(rd(w[k].addr) == w[k].mask, "address 0x%05x: read 0x%08x, expected 0x%08x", w[k].addr,
                      rd(w[k].addr), w[k].mask);
    }
    nm_loihi_test_free(&B);
}
END_TEST

/* Signed fields come back raw; VHW = REF != 0 ? REF << 7 : V. */
START_TEST(port_signed_and_vhw)
{
    nm_loihi_cx_state s;
    setup(_i);
    ck_assert_int_eq(B.cfg_write(B.impl, A(CX, 2 * 8 + NML_CX_U), 0x800000u), NM_OK);
    ck_assert_uint_eq(rd(A(CX, 2 * 8 + NML_CX_U)), 0x800000u);
    ck_assert_int_eq(B.cfg_write(B.impl, A(CX, 2 * 8 + NML_CX_V), 0xFFFFFBu), NM_OK); /* -5 */
    ck_assert_int_eq(nm_loihi_read_cx(&B, 2, &s), NM_OK);
    ck_assert_int_eq(s.u, -8388608);
    ck_assert_int_eq(s.v, -5);
    ck_assert_int_eq(s.vhw, -5);
    ck_assert_uint_eq(rd(A(CX, 2 * 8 + NML_CX_VHW)), 0xFFFFFBu);
    ck_assert_int_eq(B.cfg_write(B.impl, A(CX, 2 * 8 + NML_CX_REF), 2u), NM_OK);
    ck_assert_uint_eq(rd(A(CX, 2 * 8 + NML_CX_VHW)), 256u); /* 2 << 7 */
    ck_assert_int_eq(B.cfg_write(B.impl, A(CX, 2 * 8 + NML_CX_REF), 63u), NM_OK);
    ck_assert_uint_eq(rd(A(CX, 2 * 8 + NML_CX_VHW)), 8064u); /* 63 << 7 */
    ck_assert_int_eq(B.cfg_write(B.impl, A(DA, 3 * 16 + 4), 0x00800001u), NM_OK);
    {
        int32_t acc;
        ck_assert_int_eq(nm_loihi_read_da(&B, 3, 4, &acc), NM_OK);
        ck_assert_int_eq(acc, -8388607);
    }
    nm_loihi_test_free(&B);
}
END_TEST

START_TEST(port_queue)
{
    unsigned k;
    setup(_i);
    ck_assert_int_eq(B.inject(B.impl, 16), NM_ERR_ARG); /* NAXIN = 16 */
    for (k = 0; k < 16; k++)
        ck_assert_int_eq(B.inject(B.impl, k), NM_OK);
    ck_assert_uint_eq(rd(A(CTRL, NML_CTRL_STATUS)), 16u << 16);
    ck_assert_int_eq(B.inject(B.impl, 3), NM_ERR_FULL);
    ck_assert_uint_eq(rd(A(COUNTER, NML_COUNTER_PKTS_IN)), 16u);
    ck_assert_uint_eq(rd(A(COUNTER, NML_COUNTER_IN_DROPS)), 1u);
    ck_assert_uint_eq(rd(A(CTRL, NML_CTRL_STATUS)), 16u << 16);
    nm_loihi_test_free(&B);
}
END_TEST

Suite *loihi_port_suite(void)
{
    Suite *s = suite_create("loihi-port");
    TCase *tc = tcase_create("config");
    tcase_add_loop_test(tc, port_reset_and_geometry, 0, nm_loihi_test_nbackends);
    tcase_add_loop_test(tc, port_refused, 0, nm_loihi_test_nbackends);
    tcase_add_loop_test(tc, port_reserved_bits, 0, nm_loihi_test_nbackends);
    tcase_add_loop_test(tc, port_signed_and_vhw, 0, nm_loihi_test_nbackends);
    tcase_add_loop_test(tc, port_queue, 0, nm_loihi_test_nbackends);
    suite_add_tcase(s, tc);
    return s;
}
