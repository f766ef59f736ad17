/* nm_energy.c - energy presets and the arithmetic of nm_energy.h. */
#include "nm_energy.h"

#include "nm_chip_if.h"
#include "nm_chipmap.h"
#include "nm_regmap.h"
#include "nm_textfile.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef NM_DATADIR
#define NM_DATADIR "/usr/local/share/nmemu"
#endif

const char *const nm_energy_class_name[NM_E_NCLASSES] = {
    "synaptic_event", "neuron_update", "spike", "scheduler_write", "hop_ew", "hop_ns", "offchip_packet"};

/* the class names as a NULL-terminated list, for known_keys */
static const char *const class_keys[NM_E_NCLASSES + 1] = {
    "synaptic_event", "neuron_update", "spike", "scheduler_write", "hop_ew", "hop_ns", "offchip_packet", NULL};

void nm_energy_data_dirs(char *buf, size_t len)
{
    char exe[4096], *slash;
    const char *env = getenv("NMEMU_DATA");
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    size_t used = 0;
    buf[0] = 0;
    if (env && *env)
        used += (size_t)snprintf(buf + used, len - used, "%s/energy:", env);
    if (n > 0 && used < len) {
        int up;
        exe[n] = 0;
        /* build/nmemu or build/tools/x -> <tree>/data/energy: one and two folders up */
        for (up = 0; up < 2 && (slash = strrchr(exe, '/')) != NULL; up++) {
            *slash = 0;
            if (up == 0)
                continue;
            used += (size_t)snprintf(buf + used, len - used, "%s/data/energy:", exe);
        }
        if ((slash = strrchr(exe, '/')) != NULL && used < len) {
            *slash = 0;
            used += (size_t)snprintf(buf + used, len - used, "%s/data/energy:", exe);
        }
    }
    if (used < len)
        snprintf(buf + used, len - used, "%s/energy", NM_DATADIR);
}

/* A number field {"value": x, "source": "..."} under obj.key. */
static int coef(json_t *obj, const char *key, const char *path, const char *what, double *out, char *err,
                size_t errlen)
{
    json_t *f = json_object_get(obj, key), *v, *s;
    const char *k, *dot = *path ? "." : "";
    json_t *x;
    if (!json_is_object(f)) {
        snprintf(err, errlen, "%s: %s%s%s: missing, expected {\"value\": number, \"source\": text}", what, path,
                 dot, key);
        return -1;
    }
    json_object_foreach(f, k, x) {
        if (strcmp(k, "value") && strcmp(k, "source") && strcmp(k, "note")) {
            snprintf(err, errlen, "%s: %s%s%s.%s: unknown key (value, source, note)", what, path, dot, key, k);
            return -1;
        }
    }
    v = json_object_get(f, "value");
    s = json_object_get(f, "source");
    if (!json_is_number(v) || !isfinite(json_number_value(v)) || json_number_value(v) < 0) {
        snprintf(err, errlen, "%s: %s%s%s.value: expected a number >= 0", what, path, dot, key);
        return -1;
    }
    if (!json_is_string(s) || !*json_string_value(s)) {
        snprintf(err, errlen, "%s: %s%s%s.source: expected the figure's source (text)", what, path, dot, key);
        return -1;
    }
    *out = json_number_value(v);
    return 0;
}

static int known_keys(json_t *obj, const char *path, const char *const *keys, const char *what, char *err,
                      size_t errlen)
{
    const char *k;
    json_t *x;
    json_object_foreach(obj, k, x) {
        const char *const *p;
        for (p = keys; *p && strcmp(*p, k); p++)
            ;
        if (!*p) {
            snprintf(err, errlen, "%s: %s%s%s: unknown key", what, path, *path ? "." : "", k);
            return -1;
        }
    }
    return 0;
}

int nm_energy_parse(const char *text, const char *what, nm_energy_preset *p, char *err, size_t errlen)
{
    static const char *const top[] = {"name", "description", "reference_voltage_v", "voltage_scaling",
                                      "static_mw_per_core", "events_pj", "board", "note", NULL};
    static const char *const scal[] = {"dynamic_exponent", "static_exponent", "source", NULL};
    json_error_t je;
    json_t *root = json_loads(text, 0, &je), *x, *sc, *ev;
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
    if (known_keys(root, "", top, what, err, errlen))
        goto out;
    x = json_object_get(root, "name");
    if (!json_is_string(x) || !*json_string_value(x) || strlen(json_string_value(x)) >= sizeof p->name) {
        snprintf(err, errlen, "%s: name: expected a text of 1..63 characters", what);
        goto out;
    }
    snprintf(p->name, sizeof p->name, "%s", json_string_value(x));
    x = json_object_get(root, "note");
    if (x && !json_is_string(x)) {
        snprintf(err, errlen, "%s: note: expected text", what);
        goto out;
    }
    if (x)
        snprintf(p->note, sizeof p->note, "%s", json_string_value(x));
    x = json_object_get(root, "reference_voltage_v");
    if (!json_is_number(x) || !(json_number_value(x) > 0) || json_number_value(x) > NM_ENERGY_VOLTS_MAX) {
        snprintf(err, errlen, "%s: reference_voltage_v: expected volts, 0 < V <= %g", what, NM_ENERGY_VOLTS_MAX);
        goto out;
    }
    p->v_ref = json_number_value(x);
    sc = json_object_get(root, "voltage_scaling");
    if (!json_is_object(sc) || known_keys(sc, "voltage_scaling", scal, what, err, errlen)) {
        if (!json_is_object(sc))
            snprintf(err, errlen, "%s: voltage_scaling: missing, expected {\"dynamic_exponent\": n, "
                                  "\"static_exponent\": n, \"source\": text}", what);
        goto out;
    }
    x = json_object_get(sc, "dynamic_exponent");
    if (!json_is_number(x) || json_number_value(x) < 0 || json_number_value(x) > 4) {
        snprintf(err, errlen, "%s: voltage_scaling.dynamic_exponent: expected a number 0..4", what);
        goto out;
    }
    p->dyn_exp = json_number_value(x);
    x = json_object_get(sc, "static_exponent");
    if (!json_is_number(x) || json_number_value(x) < 0 || json_number_value(x) > 8) {
        snprintf(err, errlen, "%s: voltage_scaling.static_exponent: expected a number 0..8", what);
        goto out;
    }
    p->static_exp = json_number_value(x);
    if (coef(root, "static_mw_per_core", "", what, &p->static_mw_per_core, err, errlen))
        goto out;
    ev = json_object_get(root, "events_pj");
    if (!json_is_object(ev)) {
        snprintf(err, errlen, "%s: events_pj: missing, expected one entry per event class", what);
        goto out;
    }
    if (known_keys(ev, "events_pj", class_keys, what, err, errlen))
        goto out;
    for (k = 0; k < NM_E_NCLASSES; k++)
        if (coef(ev, nm_energy_class_name[k], "events_pj", what, &p->pj[k], err, errlen))
            goto out;
    /* boards of chips (docs/scale-out.md): optional, so single-chip presets stay valid */
    x = json_object_get(root, "board");
    if (x) {
        static const char *const bkeys[] = {"link_packet", NULL};
        if (!json_is_object(x) || known_keys(x, "board", bkeys, what, err, errlen)) {
            if (!json_is_object(x))
                snprintf(err, errlen, "%s: board: expected {\"link_packet\": {\"value\": pJ, \"source\": text}}", what);
            goto out;
        }
        if (coef(x, "link_packet", "board", what, &p->link_pj, err, errlen))
            goto out;
        p->has_link = 1;
    }
    rc = 0;
out:
    json_decref(root);
    return rc;
}

int nm_energy_load(const char *name_or_path, nm_energy_preset *p, char *err, size_t errlen)
{
    char path[4096], dirs[8192], *text;
    const char *c;
    int rc;
    if (!nm_textfile_is_path(name_or_path, ".json"))
        for (c = name_or_path; *c; c++)
            if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-' || *c == '_' || *c == '.')) {
                snprintf(err, errlen, "energy preset '%s': a name is letters a-z, digits, '-', '_' and '.'",
                         name_or_path);
                return -1;
            }
    nm_energy_data_dirs(dirs, sizeof dirs);
    text = nm_textfile_named("energy preset", name_or_path, ".json", dirs, 1u << 20, path, sizeof path, err, errlen);
    if (!text)
        return -1;
    rc = nm_energy_parse(text, path, p, err, errlen);
    free(text);
    return rc;
}

void nm_energy_compute(const nm_energy_preset *p, double volts, double tick_hz, uint64_t ticks, unsigned ncores,
                       const nm_energy_counts *c, nm_energy_result *r)
{
    const double dyn = pow(volts / p->v_ref, p->dyn_exp), sta = pow(volts / p->v_ref, p->static_exp);
    unsigned k;
    memset(r, 0, sizeof *r);
    for (k = 0; k < NM_E_NCLASSES; k++) {
        r->class_pj[k] = (double)c->n[k] * p->pj[k] * dyn;
        r->dynamic_pj += r->class_pj[k];
    }
    r->seconds = (double)ticks / tick_hz;
    /* mW x s = mJ = 1e9 pJ */
    r->static_pj = p->static_mw_per_core * sta * ncores * r->seconds * 1e9;
    r->total_pj = r->dynamic_pj + r->static_pj;
    r->power_mw = r->seconds > 0 ? r->total_pj / r->seconds * 1e-9 : 0;
    r->pj_per_synaptic_event = c->n[NM_E_SYNAPTIC_EVENT] ? r->total_pj / (double)c->n[NM_E_SYNAPTIC_EVENT] : 0;
    r->dynamic_pj_per_synaptic_event =
        c->n[NM_E_SYNAPTIC_EVENT] ? r->dynamic_pj / (double)c->n[NM_E_SYNAPTIC_EVENT] : 0;
}

int nm_energy_meter_init(nm_energy_meter *m, unsigned ncores)
{
    m->ncores = ncores;
    m->offchip = 0;
    m->last = calloc(ncores, sizeof *m->last);
    m->core = calloc(ncores, sizeof *m->core);
    if (!m->last || !m->core) {
        nm_energy_meter_free(m);
        return -1;
    }
    return 0;
}

void nm_energy_meter_free(nm_energy_meter *m)
{
    free(m->last);
    free(m->core);
    m->last = NULL;
    m->core = NULL;
}

void nm_energy_meter_clear(nm_energy_meter *m)
{
    memset(m->core, 0, m->ncores * sizeof *m->core);
    m->offchip = 0;
}

int nm_energy_meter_sample(nm_energy_meter *m, const struct nm_chip_backend *b)
{
    /* core counters 0..7 and router registers 0..5 into now[0..13] */
    unsigned k, i;
    for (k = 0; k < m->ncores; k++) {
        uint32_t now[16] = {0}, d[16];
        nm_energy_counts *c = &m->core[k];
        for (i = 0; i < NM_COUNTER_NREGS; i++)
            if (b->apb_read(b->impl, nm_chip_paddr(NM_CHIP_REGION_CORE, k, NM_ADDR(NM_REGION_COUNTER, i)), &now[i]))
                return -1;
        for (i = 0; i < NM_CHIP_ROUTER_NREGS; i++)
            if (b->apb_read(b->impl, nm_chip_paddr(NM_CHIP_REGION_ROUTER, k, i), &now[8 + i]))
                return -1;
        for (i = 0; i < 16; i++)
            d[i] = now[i] - m->last[k][i];
        memcpy(m->last[k], now, sizeof now);
        c->n[NM_E_SYNAPTIC_EVENT] += d[NM_COUNTER_SYN_EVENTS];
        c->n[NM_E_NEURON_UPDATE] += d[NM_COUNTER_NEURON_UPDATES];
        c->n[NM_E_SPIKE] += d[NM_COUNTER_SPIKES];
        c->n[NM_E_SCHEDULER_WRITE] += d[NM_COUNTER_SCHED_WRITES];
        c->n[NM_E_HOP_EW] += (uint64_t)d[8 + NM_CHIP_ROUTER_FLITS_E] + d[8 + NM_CHIP_ROUTER_FLITS_W];
        c->n[NM_E_HOP_NS] += (uint64_t)d[8 + NM_CHIP_ROUTER_FLITS_N] + d[8 + NM_CHIP_ROUTER_FLITS_S];
    }
    return 0;
}

void nm_energy_meter_total(const nm_energy_meter *m, nm_energy_counts *c)
{
    unsigned k, i;
    memset(c, 0, sizeof *c);
    for (k = 0; k < m->ncores; k++)
        for (i = 0; i < NM_E_NCLASSES; i++)
            c->n[i] += m->core[k].n[i];
    c->n[NM_E_OFFCHIP_PACKET] += m->offchip;
}
