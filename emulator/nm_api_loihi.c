/* nm_api_loihi.c - the nm_sim API over a chip of Loihi-style cores: the reference model
 * (emulator/loihi/nm_loihi_chip.c), the Verilated chip of the image's shape (rtl) or both compared
 * every step (check), loaded from a Loihi image or description; spikes, v in both views, u,
 * counters, the Loihi energy model (docs/python.md, "Loihi-mode images"). */
#include "nm_api_loihi.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "nm_loihi_chip.h"
#include "nm_loihi_compile.h"
#include "nm_loihi_energy.h"
#include "nm_loihi_image.h"
#include "nm_loihi_lockstep.h"
#include "nm_loihi_prog.h"
#include "nm_loihi_regmap.h"
#include "nm_rtl_shapes.h"

typedef struct rbuf {
    uint32_t *w;
    size_t n, cap;
    unsigned width;
} rbuf;

struct nml_sim {
    char image[256];
    nm_loihi_chip *chip;       /* the model: every backend runs it (counters and energy come from it) */
    nm_loihi_rtl_chip *rtl;    /* rtl and check: the Verilated chip */
    int compare;               /* check: compare after every step */
    int stopped;               /* an error left the chips out of step */
    char backend[8];
    unsigned mx, my, naxin, ncomp;
    uint64_t tick;
    nm_loihi_energy_preset preset;
    double step_hz;
    nm_loihi_energy_counts base; /* the counts when the meter was (re)started */
    uint64_t metered;
    rbuf spikes, cycles;
};

static const char *const names[NM_SIM_NCOUNTERS] = {
    "axon_events", "syn_ops", "cx_updates", "cx_active", "spikes", "pkts_out", "pkts_in", "in_drops",
    "busy_cycles", "stall_cycles", "packets_routed", "offmesh_drops", "hops_ew", "hops_ns"};

static int fail(char *err, size_t errlen, int code, const char *fmt, ...)
{
    va_list ap;
    if (err && errlen) {
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return code;
}

static int push(rbuf *r, const uint32_t *w)
{
    if (r->n == r->cap) {
        size_t nc = r->cap ? 2 * r->cap : 256;
        uint32_t *nw = realloc(r->w, nc * r->width * sizeof *nw);
        if (!nw)
            return -1;
        r->w = nw;
        r->cap = nc;
    }
    memcpy(r->w + r->n * r->width, w, r->width * sizeof *w);
    r->n++;
    return 0;
}

static size_t take(rbuf *r, uint32_t *out, size_t cap)
{
    size_t k = r->n < cap ? r->n : cap;
    memcpy(out, r->w, k * r->width * sizeof *out);
    memmove(r->w, r->w + k * r->width, (r->n - k) * r->width * sizeof *out);
    r->n -= k;
    return k;
}

int nml_is_loihi_file(const char *path)
{
    return nm_loihi_image_sniff_file(path) || nm_loihi_json_file_is_loihi(path);
}

int nml_is_loihi_json(const char *text)
{
    return nm_loihi_json_is_loihi(text);
}

int nml_open(nml_sim **out, const char *path, const char *json, const char *name, const nm_sim_opts *o, char *err,
             size_t errlen)
{
    nml_sim *s;
    nm_loihi_image *im;
    const char *what = path ? path : name ? name : "description";
    const char *be = o && o->backend ? o->backend : "ref";
    *out = NULL;
    if (strcmp(be, "ref") && strcmp(be, "rtl") && strcmp(be, "check"))
        return fail(err, errlen, NM_ERR_ARG, "%s: unknown backend '%s' (ref, rtl or check)", what, be);
    if (o && o->trace)
        return fail(err, errlen, NM_API_ERR_UNSUPPORTED,
                    "%s: waveforms of a chip of Loihi-style cores are not offered by the binding (nmemu run cannot "
                    "write one either)", what);
    if (o && o->have_seed)
        return fail(err, errlen, NM_API_ERR_UNSUPPORTED, "%s: Loihi-style cores have no PRNG to seed", what);
    if (path)
        im = nm_loihi_image_sniff_file(path) ? nm_loihi_image_read(path, err, errlen)
                                             : nm_loihi_compile_file(path, err, errlen);
    else
        im = nm_loihi_compile_text(json, what, err, errlen);
    if (!im)
        return NM_API_ERR_INPUT;
    s = calloc(1, sizeof *s);
    if (!s) {
        nm_loihi_image_free(im);
        return fail(err, errlen, NM_ERR_NOMEM, "out of memory");
    }
    snprintf(s->image, sizeof s->image, "%s", what);
    snprintf(s->backend, sizeof s->backend, "%s", be);
    s->mx = im->mesh_x, s->my = im->mesh_y, s->naxin = im->g.naxin, s->ncomp = im->g.ncomp;
    s->spikes.width = 4, s->cycles.width = 1;
    s->step_hz = o && o->tick_hz > 0 ? o->tick_hz : 1000;
    /* nm_sim_opts_init's default preset is TrueNorth's: a Loihi chip takes loihi-davies2018 then */
    if (nm_loihi_energy_load(o && o->energy && strcmp(o->energy, "truenorth-28nm") ? o->energy : "loihi-davies2018",
                             &s->preset, err, errlen)) {
        nm_loihi_image_free(im);
        free(s);
        return NM_API_ERR_INPUT;
    }
    s->chip = nm_loihi_image_load(im, err, errlen);
    if (!s->chip) {
        nm_loihi_image_free(im);
        free(s);
        return NM_API_ERR_INPUT;
    }
    if (strcmp(be, "ref")) {
        /* as nmemu run --backend rtl|check: the build of the image's shape, made on first use
         * and cached (nm_rtl_shapes.h), programmed with every config word of the image */
        char why[1024];
        int rc;
        const nm_vlchip_api *api = nm_rtl_lshape_get(im->mesh_x, im->mesh_y, &im->g, why, sizeof why);
        if (!api)
            rc = fail(err, errlen, NM_API_ERR_UNSUPPORTED, "%s: %s", what, why);
        else if ((rc = nm_loihi_lockstep_rtl_new(api, im, what, &s->rtl, why, sizeof why)) != NM_OK)
            rc = fail(err, errlen, rc == NM_ERR_ARG ? NM_API_ERR_INPUT : rc, "%s", why);
        if (rc != NM_OK) {
            nm_loihi_image_free(im);
            nml_free(s);
            return rc;
        }
        s->compare = !strcmp(be, "check");
    }
    nm_loihi_image_free(im);
    nm_loihi_energy_count_chip(s->chip, &s->base);
    *out = s;
    return NM_OK;
}

void nml_free(nml_sim *s)
{
    if (!s)
        return;
    nm_loihi_chip_free(s->chip);
    nm_loihi_rtl_chip_free(s->rtl);
    free(s->spikes.w);
    free(s->cycles.w);
    free(s);
}

void nml_geometry(const nml_sim *s, unsigned *mx, unsigned *my, unsigned *naxin, unsigned *ncomp)
{
    if (mx) *mx = s->mx;
    if (my) *my = s->my;
    if (naxin) *naxin = s->naxin;
    if (ncomp) *ncomp = s->ncomp;
}

uint64_t nml_tick(const nml_sim *s)
{
    return s->tick;
}

const char *nml_backend(const nml_sim *s)
{
    return s->backend;
}

static int live(const nml_sim *s, char *err, size_t errlen)
{
    return s->stopped ? fail(err, errlen, NM_API_ERR_STATE, "the simulation stopped after an earlier error; open it "
                                                            "again") : NM_OK;
}

static int check_xya(const nml_sim *s, const char *what, size_t i, uint32_t x, uint32_t y, uint32_t a, char *err,
                     size_t errlen)
{
    if (x >= s->mx || y >= s->my)
        return fail(err, errlen, NM_ERR_ARG, "%s[%zu]: core (%u, %u) is outside the %ux%u mesh", what, i, x, y, s->mx,
                    s->my);
    if (a >= s->naxin)
        return fail(err, errlen, NM_ERR_ARG, "%s[%zu]: input axon %u is outside 0..%u", what, i, a, s->naxin - 1);
    return NM_OK;
}

static int push_in(nml_sim *s, uint32_t x, uint32_t y, uint32_t a, char *err, size_t errlen)
{
    int rc = nm_loihi_chip_inject(s->chip, y * s->mx + x, a);
    if (rc == NM_ERR_FULL)
        return fail(err, errlen, rc, "core (%u, %u): input queue full before tick %llu, packet for axon %u dropped", x,
                    y, (unsigned long long)s->tick, a);
    if (rc != NM_OK)
        return fail(err, errlen, rc, "core (%u, %u) refused axon %u", x, y, a);
    /* the same packet into the Verilated chip's west port of core (0, 0), routed to (x, y) */
    if (s->rtl && (rc = nm_loihi_rtl_chip_host_send(s->rtl, nm_fw_loihi_host_flit((int)x, (int)y, a))) != NM_OK) {
        s->stopped = 1;
        return fail(err, errlen, rc, "before tick %llu: the RTL chip did not take the host packet for core (%u, %u) "
                    "axon %u: %s", (unsigned long long)s->tick, x, y, a, nm_loihi_rtl_chip_error(s->rtl));
    }
    return NM_OK;
}

int nml_inject(nml_sim *s, size_t n, const uint32_t *xyad, char *err, size_t errlen)
{
    size_t i;
    int rc = live(s, err, errlen);
    if (rc != NM_OK)
        return rc;
    for (i = 0; i < n; i++) {
        const uint32_t *r = &xyad[4 * i];
        if ((rc = check_xya(s, "inject", i, r[0], r[1], r[2], err, errlen)) != NM_OK)
            return rc;
        if (r[3] != 1)
            return fail(err, errlen, NM_ERR_ARG,
                        "inject[%zu]: delay %u: a host packet to a Loihi-style core enters the next step (delay 1); "
                        "synaptic delays are in the synapses", i, r[3]);
    }
    for (i = 0; i < n; i++)
        if ((rc = push_in(s, xyad[4 * i], xyad[4 * i + 1], xyad[4 * i + 2], err, errlen)) != NM_OK)
            return rc;
    return NM_OK;
}

static int step(nml_sim *s, char *err, size_t errlen)
{
    nm_loihi_chip_out o;
    nm_loihi_rtl_chip_out ro;
    unsigned k, j, bw = s->rtl ? nm_loihi_rtl_chip_mesh_x(s->rtl) : s->mx;
    char msg[512];
    int rc = nm_loihi_chip_step(s->chip, &o);
    if (rc != NM_OK) {
        s->stopped = 1;
        return fail(err, errlen, rc, "step %llu failed", (unsigned long long)s->tick);
    }
    if (s->rtl && (rc = nm_loihi_rtl_chip_step(s->rtl, &ro)) != NM_OK) {
        s->stopped = 1;
        return fail(err, errlen, rc, "tick %llu: the RTL chip failed: %s", (unsigned long long)s->tick,
                    nm_loihi_rtl_chip_error(s->rtl));
    }
    /* check: spikes and every compartment's u, v, refractory counter and hardware-view v, as
     * nmemu run --backend check (the step number in the message is the tick, from 0) */
    if (s->compare && nm_loihi_lockstep_diverged(s->chip, s->rtl, s->mx, s->my, s->ncomp, (unsigned long)s->tick,
                                                 msg, sizeof msg)) {
        s->stopped = 1;
        return fail(err, errlen, NM_API_ERR_DIVERGED, "%s", msg);
    }
    for (k = 0; k < s->mx * s->my; k++) {
        /* rtl: the Verilated chip's spikes (check: equal to the model's, compared above) */
        const nm_loihi_out *co = s->rtl ? nm_loihi_rtl_chip_core_out(s->rtl, (k / s->mx) * bw + k % s->mx)
                                        : nm_loihi_chip_core_out(s->chip, k);
        for (j = 0; j < co->nspikes; j++) {
            uint32_t r[4] = {(uint32_t)s->tick, k % s->mx, k / s->mx, co->spikes[j]};
            if (push(&s->spikes, r))
                return fail(err, errlen, NM_ERR_NOMEM, "out of memory");
        }
    }
    if (push(&s->cycles, s->rtl ? &ro.cycles : &o.cycles))
        return fail(err, errlen, NM_ERR_NOMEM, "out of memory");
    s->tick++;
    s->metered++;
    return NM_OK;
}

static int cmp_tick(const void *a, const void *b)
{
    const uint32_t *x = a, *y = b;
    return (x[0] > y[0]) - (x[0] < y[0]);
}

int nml_run(nml_sim *s, uint64_t ticks, size_t n, const uint32_t *inputs, char *err, size_t errlen)
{
    uint32_t *in = NULL;
    size_t i, next = 0;
    uint64_t t;
    int rc = live(s, err, errlen);
    if (rc != NM_OK)
        return rc;
    for (i = 0; i < n; i++) {
        const uint32_t *r = &inputs[4 * i];
        if (r[0] >= ticks)
            return fail(err, errlen, NM_ERR_ARG, "inputs[%zu]: tick %u is outside the %llu ticks run", i, r[0],
                        (unsigned long long)ticks);
        if ((rc = check_xya(s, "inputs", i, r[1], r[2], r[3], err, errlen)) != NM_OK)
            return rc;
    }
    if (n) {
        if (!(in = malloc(n * 4 * sizeof *in)))
            return fail(err, errlen, NM_ERR_NOMEM, "out of memory");
        memcpy(in, inputs, n * 4 * sizeof *in);
        qsort(in, n, 4 * sizeof *in, cmp_tick);
    }
    for (t = 0; t < ticks && rc == NM_OK; t++) {
        for (; next < n && in[4 * next] == t && rc == NM_OK; next++)
            rc = push_in(s, in[4 * next + 1], in[4 * next + 2], in[4 * next + 3], err, errlen);
        if (rc == NM_OK)
            rc = step(s, err, errlen);
    }
    free(in);
    return rc;
}

size_t nml_spike_count(const nml_sim *s)
{
    return s->spikes.n;
}

size_t nml_spikes(nml_sim *s, uint32_t *out, size_t cap)
{
    return take(&s->spikes, out, cap);
}

size_t nml_cycles_count(const nml_sim *s)
{
    return s->cycles.n;
}

size_t nml_cycles(nml_sim *s, uint32_t *out, size_t cap)
{
    return take(&s->cycles, out, cap);
}

static int check_range(const nml_sim *s, unsigned x, unsigned y, unsigned first, unsigned n, char *err, size_t errlen)
{
    if (x >= s->mx || y >= s->my)
        return fail(err, errlen, NM_ERR_ARG, "core (%u, %u) is outside the %ux%u mesh", x, y, s->mx, s->my);
    if (first > s->ncomp || n > s->ncomp - first)
        return fail(err, errlen, NM_ERR_ARG, "compartments %u..%u are outside 0..%u", first, first + n - 1,
                    s->ncomp - 1);
    return NM_OK;
}

int nml_get(nml_sim *s, int what, unsigned x, unsigned y, unsigned first, unsigned n, int32_t *out, char *err,
            size_t errlen)
{
    unsigned j;
    int rc;
    const nm_loihi_ref *c;
    if ((rc = check_range(s, x, y, first, n, err, errlen)) != NM_OK)
        return rc;
    c = nm_loihi_chip_core(s->chip, y * s->mx + x);
    for (j = 0; j < n; j++) {
        int32_t m = what == 0 ? nm_loihi_ref_v(c, first + j) : what == 1 ? nm_loihi_ref_vhw(c, first + j)
                                                                         : nm_loihi_ref_u(c, first + j);
        if (s->rtl) {
            /* the Verilated chip's state words: u, v, refractory counter, v (hardware view) */
            static const char *const fn[3] = {"v", "v (hardware view)", "u"};
            uint32_t w[4];
            int32_t r;
            unsigned core = y * nm_loihi_rtl_chip_mesh_x(s->rtl) + x;
            if (nm_fw_loihi_read_cx_state(nm_loihi_rtl_chip_bus(s->rtl), core, first + j, w) != NM_FW_OK)
                return fail(err, errlen, NM_ERR_CFG, "core (%u, %u) compartment %u: the RTL refused a state read: %s",
                            x, y, first + j, nm_loihi_rtl_chip_error(s->rtl));
            r = nm_loihi_sext(w[what == 0 ? 1 : what == 1 ? 3 : 0], 24);
            if (s->compare && r != m)
                return fail(err, errlen, NM_API_ERR_DIVERGED, "core (%u, %u) compartment %u: %s: ref=%d rtl=%d", x, y,
                            first + j, fn[what], m, r);
            m = r;
        }
        out[j] = m;
    }
    return NM_OK;
}

int nml_set_v(nml_sim *s, unsigned x, unsigned y, unsigned first, unsigned n, const int32_t *v, char *err,
              size_t errlen)
{
    unsigned j;
    int rc;
    nm_loihi_ref *c;
    if ((rc = check_range(s, x, y, first, n, err, errlen)) != NM_OK)
        return rc;
    for (j = 0; j < n; j++)
        if (v[j] < -8388607 || v[j] > 8388607)
            return fail(err, errlen, NM_ERR_ARG, "v[%u] = %d is outside -8388607..8388607 (24 bits, clamped)", j,
                        v[j]);
    if ((rc = live(s, err, errlen)) != NM_OK)
        return rc;
    c = nm_loihi_chip_core(s->chip, y * s->mx + x);
    for (j = 0; j < n; j++) {
        uint32_t a = NML_ADDR(NML_REGION_CX, (first + j) * NML_CX_STRIDE + NML_CX_V);
        if ((rc = nm_loihi_ref_cfg_write(c, a, (uint32_t)v[j] & 0xFFFFFFu)) != NM_OK)
            return fail(err, errlen, rc, "cannot write v of core (%u, %u) compartment %u", x, y, first + j);
        /* the same word into the Verilated chip through the firmware */
        if (s->rtl && nm_fw_loihi_core_write(nm_loihi_rtl_chip_bus(s->rtl), y * nm_loihi_rtl_chip_mesh_x(s->rtl) + x,
                                             a, (uint32_t)v[j] & 0xFFFFFFu) != NM_FW_OK) {
            s->stopped = 1;
            return fail(err, errlen, NM_ERR_CFG, "the RTL refused v of core (%u, %u) compartment %u: %s", x, y,
                        first + j, nm_loihi_rtl_chip_error(s->rtl));
        }
    }
    return NM_OK;
}

const char *nml_counter_name(unsigned i)
{
    return i < NM_SIM_NCOUNTERS ? names[i] : NULL;
}

int nml_counters(nml_sim *s, uint64_t out[NM_SIM_NCOUNTERS], char *err, size_t errlen)
{
    unsigned k, i;
    const nm_loihi_chip_stats *st = nm_loihi_chip_stats_get(s->chip);
    memset(out, 0, NM_SIM_NCOUNTERS * sizeof *out);
    for (k = 0; k < s->mx * s->my; k++) {
        const nm_loihi_ref *c = nm_loihi_chip_core(s->chip, k);
        for (i = 0; i < NML_COUNTER_NREGS; i++) {
            uint32_t w = 0;
            if (nm_loihi_ref_cfg_read(c, NML_ADDR(NML_REGION_COUNTER, i), &w) != NM_OK)
                return fail(err, errlen, NM_ERR_CFG, "cannot read counter %u of core %u", i, k);
            out[i] += w;
        }
    }
    out[10] = st->pkts;
    out[11] = st->offmesh;
    out[12] = st->hops_ew;
    out[13] = st->hops_ns;
    return NM_OK;
}

static void metered(nml_sim *s, nm_loihi_energy_counts *c, nm_loihi_energy_result *r)
{
    unsigned i;
    nm_loihi_energy_count_chip(s->chip, c);
    for (i = 0; i < NM_LE_NCLASSES; i++)
        c->n[i] -= s->base.n[i];
    c->steps = s->metered;
    nm_loihi_energy_compute(&s->preset, s->step_hz, c, r);
}

int nml_energy_get(nml_sim *s, nm_sim_energy *e, char *err, size_t errlen)
{
    nm_loihi_energy_counts c;
    nm_loihi_energy_result r;
    (void)err, (void)errlen;
    metered(s, &c, &r);
    memset(e, 0, sizeof *e);
    e->ticks = s->metered;
    e->seconds = r.seconds;
    e->total_pj = r.total_pj;
    e->dynamic_pj = r.dynamic_pj;
    e->static_pj = r.static_pj;
    e->power_mw = r.seconds > 0 ? r.total_pj * 1e-9 / r.seconds : 0;
    e->synaptic_events = c.n[NM_LE_SYN_OP];
    e->pj_per_synaptic_event = e->synaptic_events ? r.total_pj / (double)e->synaptic_events : 0;
    e->spikes = c.n[NM_LE_SPIKE];
    e->hops = c.n[NM_LE_HOP_EW] + c.n[NM_LE_HOP_NS];
    e->offchip = nm_loihi_chip_stats_get(s->chip)->offmesh;
    return NM_OK;
}

int nml_energy_reset(nml_sim *s, char *err, size_t errlen)
{
    (void)err, (void)errlen;
    nm_loihi_energy_count_chip(s->chip, &s->base);
    s->metered = 0;
    return NM_OK;
}

int nml_report(nml_sim *s, char **json, char *err, size_t errlen)
{
    uint64_t cnt[NM_SIM_NCOUNTERS];
    nm_loihi_energy_counts c;
    nm_loihi_energy_result r;
    json_t *o, *co, *en, *cl;
    unsigned i;
    int rc;
    *json = NULL;
    if ((rc = nml_counters(s, cnt, err, errlen)) != NM_OK)
        return rc;
    metered(s, &c, &r);
    o = json_object();
    co = json_object();
    en = json_object();
    cl = json_object();
    json_object_set_new(o, "image", json_string(s->image));
    json_object_set_new(o, "core_type", json_string("loihi"));
    json_object_set_new(o, "backend", json_string(s->backend));
    json_object_set_new(o, "mesh", json_pack("[ii]", (int)s->mx, (int)s->my));
    json_object_set_new(o, "ticks", json_integer((json_int_t)s->tick));
    for (i = 0; i < NM_SIM_NCOUNTERS; i++)
        json_object_set_new(co, names[i], json_integer((json_int_t)cnt[i]));
    json_object_set_new(o, "counters", co);
    json_object_set_new(en, "preset", json_string(s->preset.name));
    json_object_set_new(en, "steps", json_integer((json_int_t)s->metered));
    json_object_set_new(en, "step_hz", json_real(s->step_hz));
    for (i = 0; i < NM_LE_NCLASSES; i++)
        json_object_set_new(cl, nm_loihi_energy_class_name[i], json_real(r.class_pj[i]));
    json_object_set_new(en, "class_pj", cl);
    json_object_set_new(en, "dynamic_pj", json_real(r.dynamic_pj));
    json_object_set_new(en, "static_pj", json_real(r.static_pj));
    json_object_set_new(en, "total_pj", json_real(r.total_pj));
    json_object_set_new(o, "energy", en);
    *json = json_dumps(o, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
    json_decref(o);
    return *json ? NM_OK : fail(err, errlen, NM_ERR_NOMEM, "out of memory");
}
