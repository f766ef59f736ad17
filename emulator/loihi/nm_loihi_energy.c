/* nm_loihi_energy.c - Loihi event classes priced by a preset file (docs/loihi-energy.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "nm_loihi_energy.h"
#include "nm_loihi_regmap.h"
#include "nm_textfile.h"

const char *const nm_loihi_energy_class_name[NM_LE_NCLASSES] = {
    "syn_op", "cx_update_active", "cx_update_inactive", "spike", "pkt_out", "hop_ew", "hop_ns", "barrier",
};

/* {"value": x >= 0, "source": "..."} under obj.key */
static int coef(json_t *obj, const char *key, const char *path, const char *what, double *out, char *err,
                size_t errlen)
{
    json_t *e = json_object_get(obj, key), *v, *s;
    const char *dot = *path ? "." : "";
    if (!json_is_object(e)) {
        snprintf(err, errlen, "%s: %s%s%s: missing, expected {\"value\": number, \"source\": text}", what, path, dot,
                 key);
        return -1;
    }
    v = json_object_get(e, "value");
    s = json_object_get(e, "source");
    if (!json_is_number(v) || json_number_value(v) < 0) {
        snprintf(err, errlen, "%s: %s%s%s.value: expected a number >= 0", what, path, dot, key);
        return -1;
    }
    if (!json_is_string(s) || !*json_string_value(s)) {
        snprintf(err, errlen, "%s: %s%s%s.source: expected a text saying where the figure comes from", what, path,
                 dot, key);
        return -1;
    }
    if (json_object_size(e) != 2) {
        snprintf(err, errlen, "%s: %s%s%s: expected only \"value\" and \"source\"", what, path, dot, key);
        return -1;
    }
    *out = json_number_value(v);
    return 0;
}

static int known_keys(json_t *obj, const char *path, const char *const *keys, unsigned nkeys, const char *what,
                      char *err, size_t errlen)
{
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v) {
        unsigned i;
        int ok = 0;
        (void)v;
        for (i = 0; i < nkeys; i++)
            ok |= !strcmp(k, keys[i]);
        if (!ok) {
            snprintf(err, errlen, "%s: %s%s%s: unknown key", what, path, *path ? "." : "", k);
            return -1;
        }
    }
    return 0;
}

int nm_loihi_energy_parse(const char *text, const char *what, nm_loihi_energy_preset *p, char *err, size_t errlen)
{
    static const char *const top[] = {"name", "description", "core_type", "cores_per_chip",
                                      "static_mw_per_chip", "events_pj"};
    json_error_t je;
    json_t *root = json_loads(text, 0, &je), *x, *ev;
    int rc = -1;
    unsigned k;
    memset(p, 0, sizeof *p);
    if (!root) {
        snprintf(err, errlen, "%s: line %d, column %d: %s", what, je.line, je.column, je.text);
        return -1;
    }
    if (!json_is_object(root)) {
        snprintf(err, errlen, "%s: expected a JSON object", what);
        goto out;
    }
    if (known_keys(root, "", top, sizeof top / sizeof top[0], what, err, errlen))
        goto out;
    x = json_object_get(root, "name");
    if (!json_is_string(x) || !*json_string_value(x) || strlen(json_string_value(x)) >= sizeof p->name) {
        snprintf(err, errlen, "%s: name: expected a text of 1..63 characters", what);
        goto out;
    }
    snprintf(p->name, sizeof p->name, "%s", json_string_value(x));
    x = json_object_get(root, "core_type");
    if (!json_is_string(x) || strcmp(json_string_value(x), "loihi")) {
        snprintf(err, errlen, "%s: core_type: expected \"loihi\" (this is not a Loihi-core preset)", what);
        goto out;
    }
    x = json_object_get(root, "cores_per_chip");
    if (!json_is_integer(x) || json_integer_value(x) < 1 || json_integer_value(x) > 65536) {
        snprintf(err, errlen, "%s: cores_per_chip: expected an integer 1..65536", what);
        goto out;
    }
    p->cores_per_chip = (unsigned)json_integer_value(x);
    if (coef(root, "static_mw_per_chip", "", what, &p->static_mw_per_chip, err, errlen))
        goto out;
    ev = json_object_get(root, "events_pj");
    if (!json_is_object(ev)) {
        snprintf(err, errlen, "%s: events_pj: missing, expected one entry per event class", what);
        goto out;
    }
    if (known_keys(ev, "events_pj", nm_loihi_energy_class_name, NM_LE_NCLASSES, what, err, errlen))
        goto out;
    for (k = 0; k < NM_LE_NCLASSES; k++)
        if (coef(ev, nm_loihi_energy_class_name[k], "events_pj", what, &p->pj[k], err, errlen))
            goto out;
    rc = 0;
out:
    json_decref(root);
    return rc;
}

/* Where preset names are looked up, ':'-separated: $NMEMU_DATA/energy, then data/energy one
 * and two folders above the program (build/x or build/bench/x in the source tree), then
 * ./data/energy. */
static void data_dirs(char *buf, size_t len)
{
    char exe[2048], *slash;
    const char *env = getenv("NMEMU_DATA");
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    size_t used = 0;
    int up;
    buf[0] = 0;
    if (env && *env)
        used += (size_t)snprintf(buf + used, len - used, "%s/energy:", env);
    if (n > 0) {
        exe[n] = 0;
        for (up = 0; up < 3 && used < len && (slash = strrchr(exe, '/')) != NULL; up++) {
            *slash = 0;
            if (up > 0)
                used += (size_t)snprintf(buf + used, len - used, "%s/data/energy:", exe);
        }
    }
    if (used < len)
        snprintf(buf + used, len - used, "data/energy");
}

int nm_loihi_energy_load(const char *name_or_path, nm_loihi_energy_preset *p, char *err, size_t errlen)
{
    char path[4096], dirs[4096], *text;
    int rc;
    data_dirs(dirs, sizeof dirs);
    text = nm_textfile_named("energy preset", name_or_path, ".json", dirs, 1u << 20, path, sizeof path, err, errlen);
    if (!text)
        return -1;
    rc = nm_loihi_energy_parse(text, path, p, err, errlen);
    free(text);
    return rc;
}

/* 1 if the core is configured: NUPD > 0 or an input axon with synapses (as nm_loihi_image_cores_used) */
static unsigned core_used(const nm_loihi_ref *r)
{
    const nm_loihi_geom *g = nm_loihi_ref_geom(r);
    uint32_t w = 0;
    unsigned a;
    if (nm_loihi_ref_cfg_read(r, NML_ADDR(NML_REGION_CTRL, NML_CTRL_NUPD), &w) == NM_OK &&
        (w & NML_CTRL_NUPD_COUNT_MASK))
        return 1;
    for (a = 0; a < g->naxin; a++)
        if (nm_loihi_ref_cfg_read(r, NML_ADDR(NML_REGION_INAXON, a), &w) == NM_OK &&
            ((w >> NML_INAXON_CFG_LEN_LSB) & NML_INAXON_CFG_LEN_MASK))
            return 1;
    return 0;
}

void nm_loihi_energy_count_core(nm_loihi_energy_counts *out, const uint32_t *counters)
{
    const uint32_t upd = counters[NML_COUNTER_CX_UPDATES], act = counters[NML_COUNTER_CX_ACTIVE];
    out->n[NM_LE_SYN_OP] += counters[NML_COUNTER_SYN_OPS];
    out->n[NM_LE_CX_ACTIVE] += act;
    out->n[NM_LE_CX_INACTIVE] += upd - act;
    out->n[NM_LE_SPIKE] += counters[NML_COUNTER_SPIKES];
    out->n[NM_LE_PKT_OUT] += counters[NML_COUNTER_PKTS_OUT];
}

void nm_loihi_energy_count_chip(const nm_loihi_chip *c, nm_loihi_energy_counts *out)
{
    const nm_loihi_chip_stats *st = nm_loihi_chip_stats_get(c);
    unsigned i, k, n = nm_loihi_chip_ncores(c);
    memset(out, 0, sizeof *out);
    for (i = 0; i < n; i++) {
        const nm_loihi_ref *r = nm_loihi_chip_core((nm_loihi_chip *)c, i);
        uint32_t cnt[NML_COUNTER_NREGS];
        for (k = 0; k < NML_COUNTER_NREGS; k++)
            cnt[k] = nm_loihi_ref_counter(r, k);
        nm_loihi_energy_count_core(out, cnt);
        out->ncores_used += core_used(r);
    }
    out->n[NM_LE_HOP_EW] = st->hops_ew;
    out->n[NM_LE_HOP_NS] = st->hops_ns;
    out->n[NM_LE_BARRIER] = st->steps;
    out->steps = st->steps;
    out->ncores = n;
}

void nm_loihi_energy_compute(const nm_loihi_energy_preset *p, double step_hz, const nm_loihi_energy_counts *c,
                             nm_loihi_energy_result *r)
{
    unsigned k, chips = (c->ncores + p->cores_per_chip - 1u) / p->cores_per_chip;
    memset(r, 0, sizeof *r);
    for (k = 0; k < NM_LE_NCLASSES; k++) {
        r->class_pj[k] = (double)c->n[k] * p->pj[k];
        r->dynamic_pj += r->class_pj[k];
    }
    r->seconds = step_hz > 0 ? (double)c->steps / step_hz : 0;
    r->static_pj = p->static_mw_per_chip * 1e9 * (double)chips * r->seconds; /* mW x s = 1e9 pJ */
    r->static_used_pj = p->static_mw_per_chip * 1e9 * (double)c->ncores_used / (double)p->cores_per_chip * r->seconds;
    r->total_pj = r->dynamic_pj + r->static_pj;
}

void nm_loihi_energy_summary(char *buf, size_t len, const nm_loihi_energy_preset *p, double step_hz, unsigned ncores,
                             const nm_loihi_energy_counts *c, const nm_loihi_energy_result *r)
{
    snprintf(buf, len,
             "energy (%s, %.0f steps/s): %.3f uJ dynamic + %.3f uJ static = %.3f uJ\n"
             "static: %.3f uJ for the whole chip%s of %u cores (charged above); %.3f uJ for the %u core%s used "
             "alone, if unused cores are power-gated (docs/loihi-energy.md section 4)\n",
             p->name, step_hz, r->dynamic_pj * 1e-6, r->static_pj * 1e-6, r->total_pj * 1e-6, r->static_pj * 1e-6,
             ncores > p->cores_per_chip ? "s" : "", p->cores_per_chip, r->static_used_pj * 1e-6, c->ncores_used,
             c->ncores_used == 1 ? "" : "s");
}

struct json_t *nm_loihi_energy_json(const nm_loihi_energy_preset *p, double step_hz, const nm_loihi_energy_counts *c,
                                    const nm_loihi_energy_result *r)
{
    json_t *e = json_object(), *classes = json_object();
    unsigned k;
    if (!e || !classes) {
        json_decref(e);
        json_decref(classes);
        return NULL;
    }
    json_object_set_new(e, "preset", json_string(p->name));
    json_object_set_new(e, "tick_rate_hz", json_real(step_hz));
    json_object_set_new(e, "seconds", json_real(r->seconds));
    json_object_set_new(e, "dynamic_pj", json_real(r->dynamic_pj));
    json_object_set_new(e, "static_pj", json_real(r->static_pj));
    json_object_set_new(e, "static_used_pj", json_real(r->static_used_pj));
    json_object_set_new(e, "total_pj", json_real(r->total_pj));
    json_object_set_new(e, "power_mw", json_real(r->seconds > 0 ? r->total_pj / r->seconds * 1e-9 : 0.0));
    json_object_set_new(e, "cores_per_chip", json_integer(p->cores_per_chip));
    json_object_set_new(e, "cores_used", json_integer(c->ncores_used));
    json_object_set_new(e, "static_pj_per_core",
                        json_real(p->static_mw_per_chip * 1e9 / (double)p->cores_per_chip * r->seconds));
    for (k = 0; k < NM_LE_NCLASSES; k++)
        json_object_set_new(classes, nm_loihi_energy_class_name[k],
                            json_pack("{s:I,s:f}", "count", (json_int_t)c->n[k], "pj", r->class_pj[k]));
    json_object_set_new(e, "classes", classes);
    return e;
}
