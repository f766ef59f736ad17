/* test_loihi_energy.c - the Loihi energy presets and model (docs/loihi-energy.md): both
 * presets load with the figures of their sources, energy of hand-made counts worked by
 * hand, and bad preset files are refused with the JSON path named. */
#include <check.h>
#include <string.h>

#include "nm_loihi_energy.h"

static const nm_loihi_energy_counts COUNTS = {
    /* syn_op, active, inactive, spike, pkt_out, hop_ew, hop_ns, barrier */
    {1000, 10, 20, 3, 6, 4, 2, 1}, 1, 1, 1};
/* a mesh of 200 cores (two chips of 128) of which 3 are used, 1 step */
static const nm_loihi_energy_counts COUNTS200 = {{0, 0, 0, 0, 0, 0, 0, 1}, 1, 200, 3};

START_TEST(energy_davies)
{
    nm_loihi_energy_preset p;
    nm_loihi_energy_result r;
    char err[512];
    ck_assert_msg(nm_loihi_energy_load("data/energy/loihi-davies2018.json", &p, err, sizeof err) == 0, "%s", err);
    ck_assert_str_eq(p.name, "loihi-davies2018");
    ck_assert_uint_eq(p.cores_per_chip, 128);
    nm_loihi_energy_compute(&p, 1000.0, &COUNTS, &r);
    /* 1000 x 23.6 + 10 x 81 + 20 x 52 + 3 x 0 + 6 x 1.7 + 4 x 3.0 + 2 x 4.0 + 0
     * = 23600 + 810 + 1040 + 10.2 + 12 + 8 = 25480.2 pJ */
    ck_assert_double_eq_tol(r.dynamic_pj, 25480.2, 1e-6);
    /* 1 step at 1 kHz = 1 ms; 104 mW x 1 chip x 1 ms = 104 uJ = 1.04e8 pJ */
    ck_assert_double_eq_tol(r.seconds, 0.001, 1e-12);
    ck_assert_double_eq_tol(r.static_pj, 1.04e8, 1e-3);
    ck_assert_double_eq_tol(r.total_pj, 1.04e8 + 25480.2, 1e-3);
    /* the one core used alone: 104 mW / 128 x 1 ms = 0.8125 uJ = 8.125e5 pJ (not in the total) */
    ck_assert_double_eq_tol(r.static_used_pj, 8.125e5, 1e-6);
}
END_TEST

START_TEST(energy_static_cores_used)
{
    nm_loihi_energy_preset p;
    nm_loihi_energy_result r;
    char err[512];
    ck_assert_msg(nm_loihi_energy_load("data/energy/loihi-davies2018.json", &p, err, sizeof err) == 0, "%s", err);
    nm_loihi_energy_compute(&p, 1000.0, &COUNTS200, &r);
    /* 200 cores need ceil(200 / 128) = 2 chips: 2 x 104 mW x 1 ms = 208 uJ = 2.08e8 pJ;
     * 3 cores used: 104 x 3 / 128 = 2.4375 mW x 1 ms = 2.4375 uJ = 2.4375e6 pJ */
    ck_assert_double_eq_tol(r.static_pj, 2.08e8, 1e-3);
    ck_assert_double_eq_tol(r.static_used_pj, 2.4375e6, 1e-6);
    ck_assert_double_eq_tol(r.total_pj, 2.08e8, 1e-3);
}
END_TEST

START_TEST(energy_sanafe)
{
    nm_loihi_energy_preset p;
    nm_loihi_energy_result r;
    char err[512];
    ck_assert_msg(nm_loihi_energy_load("data/energy/loihi-sanafe.json", &p, err, sizeof err) == 0, "%s", err);
    nm_loihi_energy_compute(&p, 0, &COUNTS, &r);
    /* 35500 + 10 x 72.8 + 20 x 51.2 + 3 x 69.3 + 6 x 76.8 + 4 x 3.0 + 2 x 4.2
     * = 35500 + 728 + 1024 + 207.9 + 460.8 + 12 + 8.4 = 37941.1 pJ; no step rate: no static */
    ck_assert_double_eq_tol(r.dynamic_pj, 37941.1, 1e-6);
    ck_assert_double_eq_tol(r.static_pj, 0, 1e-12);
    ck_assert_double_eq_tol(r.class_pj[NM_LE_SPIKE], 207.9, 1e-9);
}
END_TEST

START_TEST(energy_bad_presets)
{
    static const struct { const char *text, *want; } bad[] = {
        {"{\"name\": \"x\", \"core_type\": \"truenorth\"}", "core_type"},
        {"{\"name\": \"x\", \"core_type\": \"loihi\", \"cores_per_chip\": 0}", "cores_per_chip"},
        {"{\"name\": \"x\", \"core_type\": \"loihi\", \"cores_per_chip\": 128, \"static_mw_per_chip\": "
         "{\"value\": 1}}", "static_mw_per_chip.source"},
        {"{\"name\": \"x\", \"core_type\": \"loihi\", \"cores_per_chip\": 128, \"static_mw_per_chip\": "
         "{\"value\": 1, \"source\": \"s\"}, \"events_pj\": {\"syn_op\": {\"value\": -1, \"source\": \"s\"}}}",
         "events_pj.syn_op.value"},
        {"{\"name\": \"x\", \"core_type\": \"loihi\", \"cores_per_chip\": 128, \"static_mw_per_chip\": "
         "{\"value\": 1, \"source\": \"s\"}, \"events_pj\": {\"synop\": {\"value\": 1, \"source\": \"s\"}}}",
         "events_pj.synop: unknown key"},
        {"{\"name\": \"x\", \"colour\": 1}", "colour: unknown key"},
        {"{\"name\": ", "line 1"},
    };
    unsigned k;
    for (k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        nm_loihi_energy_preset p;
        char err[512];
        ck_assert_int_eq(nm_loihi_energy_parse(bad[k].text, "t.json", &p, err, sizeof err), -1);
        ck_assert_msg(strstr(err, bad[k].want) && !strncmp(err, "t.json", 6), "case %u: '%s' lacks '%s'", k, err,
                      bad[k].want);
    }
    {
        nm_loihi_energy_preset p;
        char err[512];
        ck_assert_int_eq(nm_loihi_energy_load("no-such-loihi-preset", &p, err, sizeof err), -1);
        ck_assert_ptr_nonnull(strstr(err, "no-such-loihi-preset.json"));
    }
}
END_TEST

Suite *loihi_energy_suite(void)
{
    Suite *s = suite_create("loihi-energy");
    TCase *tc = tcase_create("presets");
    tcase_add_test(tc, energy_davies);
    tcase_add_test(tc, energy_sanafe);
    tcase_add_test(tc, energy_bad_presets);
    tcase_add_test(tc, energy_static_cores_used);
    suite_add_tcase(s, tc);
    return s;
}
