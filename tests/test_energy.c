/* test_energy.c - the energy model's arithmetic against hand-computed values, the
 * preset checks, the bundled presets, and the counter meter (including wrap-around). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "nm_chipmap.h"
#include "nm_energy.h"
#include "nm_ref_chip.h"
#include "nm_regmap.h"

/* A preset with round numbers, so every result below can be worked out by hand. */
static const char good[] =
    "{\"name\": \"hand\", \"reference_voltage_v\": 1.0,"
    " \"voltage_scaling\": {\"dynamic_exponent\": 2, \"static_exponent\": 1, \"source\": \"s\"},"
    " \"static_mw_per_core\": {\"value\": 0.5, \"source\": \"s\"},"
    " \"events_pj\": {\"synaptic_event\": {\"value\": 2, \"source\": \"s\"},"
    "  \"neuron_update\": {\"value\": 3, \"source\": \"s\"}, \"spike\": {\"value\": 5, \"source\": \"s\"},"
    "  \"scheduler_write\": {\"value\": 7, \"source\": \"s\"}, \"hop_ew\": {\"value\": 11, \"source\": \"s\"},"
    "  \"hop_ns\": {\"value\": 13, \"source\": \"s\"}, \"offchip_packet\": {\"value\": 17, \"source\": \"s\"}}}";

START_TEST(test_energy_arithmetic_matches_hand_computation)
{
    nm_energy_preset p;
    nm_energy_counts c = {{10, 100, 1, 2, 3, 4, 5}};
    nm_energy_result r;
    char err[512];
    ck_assert_msg(nm_energy_parse(good, "hand", &p, err, sizeof err) == 0, "%s", err);
    /* 4 cores, 2,000 ticks at 1 kHz = 2 s, at 0.5 V: dynamic x 0.25, static x 0.5
     * dynamic = 0.25 x (10x2 + 100x3 + 1x5 + 2x7 + 3x11 + 4x13 + 5x17) = 0.25 x 509 = 127.25 pJ
     * static  = 0.5 mW x 0.5 x 4 cores x 2 s = 2 mJ = 2e9 pJ */
    nm_energy_compute(&p, 0.5, 1000.0, 2000, 4, &c, &r);
    ck_assert_double_eq_tol(r.class_pj[NM_E_SYNAPTIC_EVENT], 5.0, 1e-9);
    ck_assert_double_eq_tol(r.class_pj[NM_E_HOP_NS], 13.0, 1e-9);
    ck_assert_double_eq_tol(r.dynamic_pj, 127.25, 1e-9);
    ck_assert_double_eq_tol(r.static_pj, 2e9, 1e-3);
    ck_assert_double_eq_tol(r.total_pj, 2e9 + 127.25, 1e-3);
    ck_assert_double_eq_tol(r.seconds, 2.0, 1e-12);
    ck_assert_double_eq_tol(r.power_mw, (2e9 + 127.25) / 2.0 * 1e-9, 1e-12);
    ck_assert_double_eq_tol(r.pj_per_synaptic_event, (2e9 + 127.25) / 10.0, 1e-3);
    /* without the static energy: 127.25 pJ over the 10 synaptic events */
    ck_assert_double_eq_tol(r.dynamic_pj_per_synaptic_event, 12.725, 1e-9);
    /* at the reference voltage nothing is scaled; at 500 ticks/s the same ticks take 4 s */
    nm_energy_compute(&p, 1.0, 500.0, 2000, 1, &c, &r);
    ck_assert_double_eq_tol(r.dynamic_pj, 509.0, 1e-9);
    ck_assert_double_eq_tol(r.static_pj, 0.5 * 4.0 * 1e9, 1e-3);
    /* no synaptic events: no energy per synaptic event, not a division by zero */
    c.n[NM_E_SYNAPTIC_EVENT] = 0;
    nm_energy_compute(&p, 1.0, 1000.0, 10, 1, &c, &r);
    ck_assert_double_eq(r.pj_per_synaptic_event, 0.0);
    ck_assert_double_eq(r.dynamic_pj_per_synaptic_event, 0.0);
}
END_TEST

/* Each bad preset: a replacement applied to `good`, and the error it must give. */
static const struct {
    const char *from, *to, *msg;
} bad[] = {
    {"\"hop_ns\": {\"value\": 13, \"source\": \"s\"},", "", "bad: events_pj.hop_ns: missing"},
    {"{\"value\": 2, \"source\": \"s\"}", "{\"value\": -2, \"source\": \"s\"}",
     "events_pj.synaptic_event.value: expected a number >= 0"},
    {"{\"value\": 3, \"source\": \"s\"}", "{\"value\": 3}", "events_pj.neuron_update.source: expected"},
    {"\"spike\":", "\"spikes\":", "bad: events_pj.spikes: unknown key"},
    {"\"reference_voltage_v\": 1.0", "\"reference_voltage_v\": 0", "reference_voltage_v: expected volts"},
    {"\"static_exponent\": 1", "\"static_exponent\": 9", "voltage_scaling.static_exponent: expected a number 0..4"},
    {"{\"value\": 0.5, \"source\": \"s\"}", "\"0.5\"", "static_mw_per_core: missing, expected"},
    {"\"name\": \"hand\",", "\"name\": \"hand\", \"colour\": 1,", "bad: colour: unknown key"},
    {"\"name\": \"hand\",", "\"name\": \"hand\"", "bad: line 1, column"},
};

START_TEST(test_bad_presets_are_refused_with_the_path_named)
{
    char text[4096], err[512];
    nm_energy_preset p;
    const char *at = strstr(good, bad[_i].from);
    ck_assert_ptr_nonnull(at);
    snprintf(text, sizeof text, "%.*s%s%s", (int)(at - good), good, bad[_i].to, at + strlen(bad[_i].from));
    ck_assert_int_eq(nm_energy_parse(text, "bad", &p, err, sizeof err), -1);
    ck_assert_msg(strstr(err, bad[_i].msg) != NULL, "expected '%s', got '%s'", bad[_i].msg, err);
}
END_TEST

START_TEST(test_bundled_presets_load_with_their_sources)
{
    nm_energy_preset p;
    char err[1024];
    ck_assert_msg(nm_energy_load("truenorth-28nm", &p, err, sizeof err) == 0, "%s", err);
    ck_assert_str_eq(p.name, "truenorth-28nm");
    ck_assert_double_eq(p.v_ref, 0.775);
    ck_assert_double_eq_tol(p.pj[NM_E_NEURON_UPDATE], 410 * 0.047, 1e-9); /* 410 bits x 47 fJ */
    ck_assert_double_eq(p.pj[NM_E_HOP_EW], 2.3);
    ck_assert_msg(nm_energy_load("loihi-14nm", &p, err, sizeof err) == 0, "%s", err);
    ck_assert_double_eq(p.pj[NM_E_SYNAPTIC_EVENT], 23.6);
    ck_assert_double_eq(p.pj[NM_E_HOP_NS], 4.0);
    ck_assert_ptr_nonnull(strstr(p.note, "no Loihi-mode core"));
    ck_assert_int_eq(nm_energy_load("no-such-chip", &p, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "no no-such-chip.json in"));
    ck_assert_int_eq(nm_energy_load("../etc", &p, err, sizeof err), -1);
    ck_assert_int_eq(nm_energy_load("Bad Name", &p, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "a name is"));
}
END_TEST

/* The meter adds counter deltas: a counter that wraps past 2^32 still counts right. */
START_TEST(test_meter_counts_across_counter_wrap)
{
    nm_ref_chip *c = nm_ref_chip_new(2, 1, 256, 256);
    nm_chip_backend b;
    nm_chip_tick_out o;
    nm_energy_meter m;
    nm_energy_counts t;
    unsigned k;
    ck_assert_ptr_nonnull(c);
    nm_ref_chip_backend(&b, c);
    ck_assert_int_eq(nm_chip_tick_out_init(&o, 2, 256, 16), NM_OK);
    ck_assert_int_eq(nm_energy_meter_init(&m, 2), 0);
    /* NEURON_UPDATES of core 1 starts 100 below the wrap */
    ck_assert_int_eq(b.apb_write(b.impl, nm_chip_paddr(NM_CHIP_REGION_CORE, 1,
                                                       NM_ADDR(NM_REGION_COUNTER, NM_COUNTER_NEURON_UPDATES)),
                                 0xffffffffu - 99u), NM_OK);
    ck_assert_int_eq(nm_energy_meter_sample(&m, &b), 0);
    nm_energy_meter_clear(&m);
    for (k = 0; k < 3; k++)
        ck_assert_int_eq(b.tick(b.impl, &o), NM_OK);
    ck_assert_int_eq(nm_energy_meter_sample(&m, &b), 0);
    nm_energy_meter_total(&m, &t);
    ck_assert_uint_eq(m.core[0].n[NM_E_NEURON_UPDATE], 3 * 256);
    ck_assert_uint_eq(m.core[1].n[NM_E_NEURON_UPDATE], 3 * 256); /* wrapped after 100 */
    ck_assert_uint_eq(t.n[NM_E_NEURON_UPDATE], 6 * 256);
    ck_assert_uint_eq(t.n[NM_E_SYNAPTIC_EVENT], 0);
    nm_energy_meter_free(&m);
    nm_chip_tick_out_free(&o);
    b.free(b.impl);
}
END_TEST

Suite *energy_suite(void)
{
    Suite *s = suite_create("energy");
    TCase *tc = tcase_create("energy");
    tcase_add_test(tc, test_energy_arithmetic_matches_hand_computation);
    tcase_add_loop_test(tc, test_bad_presets_are_refused_with_the_path_named, 0, (int)(sizeof bad / sizeof bad[0]));
    tcase_add_test(tc, test_bundled_presets_load_with_their_sources);
    tcase_add_test(tc, test_meter_counts_across_counter_wrap);
    suite_add_tcase(s, tc);
    return s;
}
