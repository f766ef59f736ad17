/* test_regmap.c - the generated register map and the neuron word packing.
 * Expected values come from the widths in docs/neuron-model.md section 2. */
#include <check.h>
#include <string.h>

#include "nm_core_prog.h"
#include "nm_regmap.h"

START_TEST(test_no_two_fields_of_a_register_overlap)
{
    unsigned r, a, b;
    for (r = 0; r < nm_regmap_nregs; r++) {
        const nm_regmap_reg *g = &nm_regmap_regs[r];
        for (a = 0; a < g->nfields; a++) {
            ck_assert_uint_le(g->fields[a].lsb + g->fields[a].width, 32);
            for (b = a + 1; b < g->nfields; b++) {
                const nm_regmap_field *x = &g->fields[a], *y = &g->fields[b];
                ck_assert_msg(x->lsb + x->width <= y->lsb || y->lsb + y->width <= x->lsb,
                              "%s.%s: %s overlaps %s", g->region, g->name, x->name, y->name);
            }
        }
    }
}
END_TEST

START_TEST(test_neuron_fields_have_the_documented_widths)
{
    ck_assert_uint_eq(NM_NEURON_SYN_S0_WIDTH, 9);
    ck_assert_uint_eq(NM_NEURON_MODE_S3_WIDTH, 9);
    ck_assert_uint_eq(NM_NEURON_MODE_LAMBDA_WIDTH, 9);
    ck_assert_uint_eq(NM_NEURON_ALPHA_ALPHA_WIDTH, 18);
    ck_assert_uint_eq(NM_NEURON_BETA_BETA_WIDTH, 18);
    ck_assert_uint_eq(NM_NEURON_RESET_R_WIDTH, 18);
    ck_assert_uint_eq(NM_NEURON_STATE_V_WIDTH, 20);
    ck_assert_uint_eq(NM_NEURON_DEST_DX_WIDTH, 9);
    ck_assert_uint_eq(NM_NEURON_DEST_DY_WIDTH, 9);
    ck_assert_uint_eq(NM_NEURON_DEST_AXON_WIDTH, 8);
    ck_assert_uint_eq(NM_NEURON_DEST_DELAY_WIDTH, 4);
    ck_assert_uint_eq(NM_NEURON_MODE_TM_WIDTH, 5);
}
END_TEST

static void roundtrip(const nm_neuron_cfg *in)
{
    uint32_t w[NM_NEURON_WORDS];
    nm_neuron_cfg out;
    nm_neuron_pack(in, w);
    memset(&out, 0x5a, sizeof out);
    nm_neuron_unpack(w, &out);
    ck_assert_mem_eq(in->s, out.s, sizeof in->s);
    ck_assert_mem_eq(in->b, out.b, sizeof in->b);
    ck_assert_int_eq(in->lambda, out.lambda);
    ck_assert_uint_eq(in->c_lambda, out.c_lambda);
    ck_assert_uint_eq(in->epsilon, out.epsilon);
    ck_assert_uint_eq(in->alpha, out.alpha);
    ck_assert_uint_eq(in->beta, out.beta);
    ck_assert_uint_eq(in->tm, out.tm);
    ck_assert_uint_eq(in->gamma, out.gamma);
    ck_assert_uint_eq(in->kappa, out.kappa);
    ck_assert_int_eq(in->R, out.R);
    ck_assert_int_eq(in->V, out.V);
    ck_assert_int_eq(in->dx, out.dx);
    ck_assert_int_eq(in->dy, out.dy);
    ck_assert_uint_eq(in->dest_axon, out.dest_axon);
    ck_assert_uint_eq(in->dest_delay, out.dest_delay);
}

START_TEST(test_pack_unpack_keeps_the_extremes_of_every_field)
{
    nm_neuron_cfg lo, hi;
    memset(&lo, 0, sizeof lo);
    lo.s[0] = lo.s[1] = lo.s[2] = lo.s[3] = -256;
    lo.lambda = -256;
    lo.R = -131072;
    lo.V = -524288;
    lo.dx = lo.dy = -256;
    lo.dest_delay = 1;
    roundtrip(&lo);
    memset(&hi, 0, sizeof hi);
    hi.s[0] = hi.s[1] = hi.s[2] = hi.s[3] = 255;
    hi.b[0] = hi.b[1] = hi.b[2] = hi.b[3] = 1;
    hi.lambda = 255;
    hi.c_lambda = hi.epsilon = hi.kappa = 1;
    hi.alpha = hi.beta = 262143;
    hi.tm = 17;
    hi.gamma = 2;
    hi.R = 131071;
    hi.V = 524287;
    hi.dx = hi.dy = 255;
    hi.dest_axon = 255;
    hi.dest_delay = 15;
    roundtrip(&hi);
}
END_TEST

START_TEST(test_pack_places_fields_where_the_map_says)
{
    nm_neuron_cfg n;
    uint32_t w[NM_NEURON_WORDS];
    memset(&n, 0, sizeof n);
    n.s[1] = -1;          /* 0x1ff in bits 17:9 of SYN */
    n.lambda = 1;         /* bit 13 of MODE */
    n.tm = 17;            /* 0x11 in bits 31:27 of MODE */
    n.dest_delay = 15;    /* 0xf in bits 29:26 of DEST */
    n.V = -1;             /* 0xfffff in STATE */
    nm_neuron_pack(&n, w);
    ck_assert_uint_eq(w[0], 0x1ffu << 9);
    ck_assert_uint_eq(w[1], (1u << 13) | (17u << 27));
    ck_assert_uint_eq(w[5], 15u << 26);
    ck_assert_uint_eq(w[6], 0xfffffu);
}
END_TEST

START_TEST(test_neuron_check_names_the_field_out_of_range)
{
    nm_neuron_cfg n;
    char err[128];
    memset(&n, 0, sizeof n);
    n.dest_delay = 1;
    ck_assert_int_eq(nm_neuron_check(&n, err, sizeof err), NM_OK);
    n.alpha = 262144;
    ck_assert_int_eq(nm_neuron_check(&n, err, sizeof err), NM_ERR_ARG);
    ck_assert_str_eq(err, "alpha: 262144 is outside 0..262143");
    n.alpha = 0;
    n.s[2] = 256;
    ck_assert_int_eq(nm_neuron_check(&n, err, sizeof err), NM_ERR_ARG);
    ck_assert_str_eq(err, "s2: 256 is outside -256..255");
    n.s[2] = 0;
    n.dest_delay = 0;
    ck_assert_int_eq(nm_neuron_check(&n, err, sizeof err), NM_ERR_ARG);
    ck_assert_str_eq(err, "delay: 0 is outside 1..15");
    n.dest_delay = 1;
    n.tm = 18;
    ck_assert_int_eq(nm_neuron_check(&n, err, sizeof err), NM_ERR_ARG);
    n.tm = 0;
    n.R = -131073;
    ck_assert_int_eq(nm_neuron_check(&n, err, sizeof err), NM_ERR_ARG);
    n.R = 0;
    n.gamma = 3;
    ck_assert_int_eq(nm_neuron_check(&n, err, sizeof err), NM_ERR_ARG);
}
END_TEST

Suite *regmap_suite(void)
{
    Suite *s = suite_create("regmap");
    TCase *tc = tcase_create("layout");
    tcase_add_test(tc, test_no_two_fields_of_a_register_overlap);
    tcase_add_test(tc, test_neuron_fields_have_the_documented_widths);
    tcase_add_test(tc, test_pack_unpack_keeps_the_extremes_of_every_field);
    tcase_add_test(tc, test_pack_places_fields_where_the_map_says);
    tcase_add_test(tc, test_neuron_check_names_the_field_out_of_range);
    suite_add_tcase(s, tc);
    return s;
}
