/* nm_api.c - the embedding API (nm_api.h): one chip backend (or two in lockstep) behind an
 * opaque nm_sim, with recorded outputs, an energy meter and error codes + messages. */
#define _GNU_SOURCE /* dladdr: find the data folder next to libnmemu.so */
#include "nm_api.h"
#include "nm_api_loihi.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "nm_chipmap.h"
#include "nm_compile.h"
#include "nm_core_prog.h"
#include "nm_energy.h"
#include "nm_energy_report.h"
#include "nm_image.h"
#include "nm_load.h"
#include "nm_ref_chip.h"
#include "nm_regmap.h"
#include "nm_report.h"
#include "nm_rtl_chip.h"

/* A growable array of fixed-size records of `width` 32-bit words. */
typedef struct rec_buf {
    uint32_t *w;
    size_t n, cap; /* records */
    unsigned width;
} rec_buf;

struct nm_sim {
    char name[16];                 /* "ref", "rtl" or "check" */
    char image[256];               /* what was loaded, for the report */
    unsigned nb;                   /* 1, or 2 for check (b[0] ref, b[1] rtl) */
    nm_chip_backend b[2];
    nm_chip_tick_out o[2];
    unsigned mesh_x, mesh_y, naxons, nneurons;
    uint64_t tick;
    int stopped;                   /* an earlier error left the backends out of step */
    int tracing;
    nm_energy_preset preset;
    double volts, tick_hz;
    nm_energy_meter meter;
    uint64_t metered_ticks, since_sample;
    uint64_t nspikes, noff, cyc, cmin, cmax; /* the report's run totals since the meter reset */
    rec_buf spikes, off, cycles;
    nml_sim *L;                    /* a chip of Loihi-style cores (nm_api_loihi.c): everything goes there */
};

static const char *const counter_names[NM_SIM_NCOUNTERS] = {
    "synaptic_events", "neuron_updates", "spikes", "scheduler_writes", "row_reads", "row_writes", "busy_cycles",
    "stall_cycles", "router_flits_local", "router_flits_east", "router_flits_west", "router_flits_north",
    "router_flits_south", "router_stall_cycles"};

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

int nm_api_version(void)
{
    return NM_API_VERSION;
}

const char *nm_api_strerror(int code)
{
    switch (code) {
    case NM_API_ERR_INPUT:       return "bad input";
    case NM_API_ERR_DIVERGED:    return "the ref and rtl backends diverged";
    case NM_API_ERR_UNSUPPORTED: return "not supported by this core type";
    case NM_API_ERR_STATE:       return "the simulation stopped after an earlier error";
    case NM_ERR_ASSERT:          return "an RTL assertion fired";
    default:                     return nm_strerror(code);
    }
}

void nm_sim_opts_init(nm_sim_opts *o)
{
    memset(o, 0, sizeof *o);
    o->backend = "ref";
    o->threads = 1;
    o->energy = "truenorth-28nm";
    o->tick_hz = 1000;
}

static int rec_push(rec_buf *r, const uint32_t *w)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 1024;
        uint32_t *p = realloc(r->w, cap * r->width * sizeof *p);
        if (!p)
            return NM_ERR_NOMEM;
        r->w = p;
        r->cap = cap;
    }
    memcpy(&r->w[r->n * r->width], w, r->width * sizeof *w);
    r->n++;
    return NM_OK;
}

/* Copy up to cap records out and drop them from the front. */
static size_t rec_take(rec_buf *r, uint32_t *out, size_t cap)
{
    size_t n = r->n < cap ? r->n : cap;
    if (!out)
        return 0;
    memcpy(out, r->w, n * r->width * sizeof *out);
    memmove(r->w, &r->w[n * r->width], (r->n - n) * r->width * sizeof *out);
    r->n -= n;
    return n;
}

/* A preset name also looks in <folder of libnmemu.so>/../data/energy (the build tree), since
 * the program running is python3, not build/nmemu. */
static int load_preset(const char *name, nm_energy_preset *p, char *err, size_t errlen)
{
    Dl_info info;
    if (!strchr(name, '/') && !(strlen(name) > 5 && !strcmp(name + strlen(name) - 5, ".json")) &&
        dladdr(&counter_names, &info) && info.dli_fname) {
        char path[4096], *slash;
        snprintf(path, sizeof path, "%s", info.dli_fname);
        if ((slash = strrchr(path, '/')) != NULL) {
            char cand[4600];
            *slash = 0;
            snprintf(cand, sizeof cand, "%s/../data/energy/%s.json", path, name);
            if (!getenv("NMEMU_DATA") && access(cand, R_OK) == 0)
                return nm_energy_load(cand, p, err, errlen);
        }
    }
    return nm_energy_load(name, p, err, errlen);
}

static int make_backend(nm_sim *s, const char *name, const nm_sim_opts *o, nm_chip_backend *b)
{
    if (!strcmp(name, "ref")) {
        nm_ref_chip *c = nm_ref_chip_new(s->mesh_x, s->mesh_y, s->naxons, s->nneurons);
        if (!c)
            return NM_ERR_ARG;
        if (nm_ref_chip_set_threads(c, o->threads ? o->threads : 1) != NM_OK) {
            nm_ref_chip_free(c);
            return NM_ERR_ARG;
        }
        nm_ref_chip_backend(b, c);
        return NM_OK;
    } else {
        nm_rtl_chip_opts ro = {o->trace, 0, 0, 0, NULL};
        nm_rtl_chip *c = nm_rtl_chip_new_opts(&ro);
        if (!c)
            return NM_ERR_NOMEM;
        nm_rtl_chip_backend(b, c);
        return NM_OK;
    }
}

static void free_backends(nm_sim *s)
{
    unsigned k;
    for (k = 0; k < 2; k++) {
        if (s->b[k].impl) {
            if (s->tracing && !strcmp(s->b[k].name, "rtl"))
                nm_rtl_chip_close_trace(s->b[k].impl);
            s->b[k].free(s->b[k].impl);
        }
        s->b[k].impl = NULL;
        nm_chip_tick_out_free(&s->o[k]);
    }
}

void nm_sim_free(nm_sim *s)
{
    if (!s)
        return;
    nml_free(s->L);
    free_backends(s);
    nm_energy_meter_free(&s->meter);
    free(s->spikes.w);
    free(s->off.w);
    free(s->cycles.w);
    free(s);
}

/* The rtl backend's geometry (the Verilated build). */
static void rtl_geometry(unsigned g[4])
{
    nm_rtl_chip *c = nm_rtl_chip_new(NULL);
    nm_chip_backend b;
    memset(g, 0, 4 * sizeof *g);
    if (!c)
        return;
    nm_rtl_chip_backend(&b, c);
    g[0] = b.mesh_x, g[1] = b.mesh_y, g[2] = b.naxons, g[3] = b.nneurons;
    b.free(b.impl);
}

/* Build the backends for the image and load it (takes ownership of im). */
static int sim_build(nm_sim **out, nm_image *im, const char *what, const nm_sim_opts *opts, char *err,
                     size_t errlen)
{
    nm_sim_opts def;
    nm_sim *s;
    unsigned k, i;
    int rc;
    *out = NULL;
    if (nm_image_is_board(im)) { /* one chip here; boards run with nmemu run (docs/scale-out.md) */
        rc = fail(err, errlen, NM_API_ERR_INPUT, "%s: a board of %ux%u chips; this interface runs one chip", what,
                  im->board_x, im->board_y);
        nm_image_free(im);
        return rc;
    }
    if (!opts) {
        nm_sim_opts_init(&def);
        opts = &def;
    }
    {
        const char *be = opts->backend ? opts->backend : "ref";
        if (strcmp(be, "ref") && strcmp(be, "rtl") && strcmp(be, "check")) {
            nm_image_free(im);
            return fail(err, errlen, NM_ERR_ARG, "backend must be ref, rtl or check, not '%s'", be);
        }
        if (opts->threads > 64) {
            nm_image_free(im);
            return fail(err, errlen, NM_ERR_ARG, "threads must be 1..64, not %u", opts->threads);
        }
        if (opts->trace && !strcmp(be, "ref")) {
            nm_image_free(im);
            return fail(err, errlen, NM_ERR_ARG, "a waveform (trace) needs the rtl or check backend");
        }
        if (opts->volts < 0 || opts->volts > 5 || opts->tick_hz < 0 || opts->tick_hz > 1e9) {
            nm_image_free(im);
            return fail(err, errlen, NM_ERR_ARG, "volts must be 0..5 and tick_hz 0..1e9 (0: the default)");
        }
        s = calloc(1, sizeof *s);
        if (!s) {
            nm_image_free(im);
            return fail(err, errlen, NM_ERR_NOMEM, "out of memory");
        }
        snprintf(s->name, sizeof s->name, "%s", be);
    }
    snprintf(s->image, sizeof s->image, "%s", what);
    s->mesh_x = im->mesh_x, s->mesh_y = im->mesh_y, s->naxons = im->naxons, s->nneurons = im->nneurons;
    s->spikes.width = 4, s->off.width = 7, s->cycles.width = 1;
    s->cmin = UINT64_MAX;
    s->tracing = opts->trace != NULL;
    if (load_preset(opts->energy ? opts->energy : "truenorth-28nm", &s->preset, err, errlen)) {
        nm_image_free(im);
        nm_sim_free(s);
        return NM_API_ERR_INPUT;
    }
    s->volts = opts->volts > 0 ? opts->volts : s->preset.v_ref;
    s->tick_hz = opts->tick_hz > 0 ? opts->tick_hz : 1000;
    if (strcmp(s->name, "ref")) {
        unsigned g[4];
        rtl_geometry(g);
        if (g[0] != im->mesh_x || g[1] != im->mesh_y || g[2] != im->naxons || g[3] != im->nneurons) {
            fail(err, errlen, NM_API_ERR_INPUT,
                 "%s: a %ux%u mesh of %u-axon x %u-neuron cores; the rtl backend is built as %ux%u of %ux%u",
                 what, im->mesh_x, im->mesh_y, im->naxons, im->nneurons, g[0], g[1], g[2], g[3]);
            nm_image_free(im);
            nm_sim_free(s);
            return NM_API_ERR_INPUT;
        }
    }
    s->nb = strcmp(s->name, "check") ? 1 : 2;
    if (nm_energy_meter_init(&s->meter, s->mesh_x * s->mesh_y)) {
        nm_image_free(im);
        nm_sim_free(s);
        return fail(err, errlen, NM_ERR_NOMEM, "out of memory");
    }
    for (k = 0; k < s->nb; k++) {
        const char *name = s->nb == 2 ? (k ? "rtl" : "ref") : s->name;
        rc = make_backend(s, name, opts, &s->b[k]);
        if (rc == NM_OK && nm_chip_tick_out_init(&s->o[k], s->mesh_x * s->mesh_y, s->nneurons, 256))
            rc = NM_ERR_NOMEM;
        if (rc != NM_OK) {
            fail(err, errlen, rc, "cannot build the %s backend%s%s", name, opts->trace ? " or write " : "",
                 opts->trace ? opts->trace : "");
            nm_image_free(im);
            nm_sim_free(s);
            return rc;
        }
        if (nm_image_load(im, &s->b[k], err, errlen)) {
            nm_image_free(im);
            nm_sim_free(s);
            return NM_API_ERR_INPUT;
        }
        for (i = 0; opts->have_seed && i < s->mesh_x * s->mesh_y; i++)
            if ((rc = s->b[k].apb_write(s->b[k].impl,
                                        nm_chip_paddr(NM_CHIP_REGION_CORE, i, NM_ADDR(NM_REGION_CTRL, NM_CTRL_PRNG)),
                                        opts->seed + i)) != NM_OK) {
                fail(err, errlen, rc, "cannot seed core %u on the %s backend", i, name);
                nm_image_free(im);
                nm_sim_free(s);
                return rc;
            }
    }
    nm_image_free(im);
    /* the meter starts from the loaded chip's counters */
    if (nm_energy_meter_sample(&s->meter, &s->b[s->nb - 1])) {
        nm_sim_free(s);
        return fail(err, errlen, NM_ERR_CFG, "cannot read the counters");
    }
    nm_energy_meter_clear(&s->meter);
    *out = s;
    return NM_OK;
}

/* A chip of Loihi-style cores behind the same handle. */
static int loihi_open(nm_sim **out, const char *path, const char *json, const char *name, const nm_sim_opts *opts,
                      char *err, size_t errlen)
{
    nm_sim *s = calloc(1, sizeof *s);
    int rc;
    if (!s)
        return fail(err, errlen, NM_ERR_NOMEM, "out of memory");
    if ((rc = nml_open(&s->L, path, json, name, opts, err, errlen)) != NM_OK) {
        free(s);
        return rc;
    }
    snprintf(s->name, sizeof s->name, "%s", nml_backend(s->L));
    nml_geometry(s->L, &s->mesh_x, &s->mesh_y, &s->naxons, &s->nneurons);
    *out = s;
    return NM_OK;
}

int nm_sim_open(nm_sim **out, const char *path, const nm_sim_opts *opts, char *err, size_t errlen)
{
    unsigned char magic[4] = {0};
    nm_image *im;
    FILE *f;
    if (!out || !path)
        return fail(err, errlen, NM_ERR_ARG, "nm_sim_open needs an output pointer and a path");
    *out = NULL;
    f = fopen(path, "rb");
    if (!f)
        return fail(err, errlen, NM_API_ERR_INPUT, "%s: cannot open", path);
    if (nml_is_loihi_file(path)) {
        fclose(f);
        return loihi_open(out, path, NULL, NULL, opts, err, errlen);
    }
    if (fread(magic, 1, 4, f) != 4)
        memset(magic, 0, sizeof magic);
    fclose(f);
    if (!memcmp(magic, "NMI\x1a", 4))
        im = nm_image_read(path, err, errlen);
    else
        im = nm_compile_file(path, err, errlen);
    if (!im)
        return NM_API_ERR_INPUT;
    return sim_build(out, im, path, opts, err, errlen);
}

int nm_sim_open_json(nm_sim **out, const char *json, const char *name, const nm_sim_opts *opts, char *err,
                     size_t errlen)
{
    nm_image *im;
    if (!out || !json)
        return fail(err, errlen, NM_ERR_ARG, "nm_sim_open_json needs an output pointer and a description");
    *out = NULL;
    if (nml_is_loihi_json(json))
        return loihi_open(out, NULL, json, name, opts, err, errlen);
    im = nm_compile_string(json, name ? name : "description", err, errlen);
    if (!im)
        return NM_API_ERR_INPUT;
    return sim_build(out, im, name ? name : "description", opts, err, errlen);
}

void nm_sim_geometry(const nm_sim *s, unsigned *mesh_x, unsigned *mesh_y, unsigned *naxons, unsigned *nneurons)
{
    if (mesh_x) *mesh_x = s->mesh_x;
    if (mesh_y) *mesh_y = s->mesh_y;
    if (naxons) *naxons = s->naxons;
    if (nneurons) *nneurons = s->nneurons;
}

const char *nm_sim_backend(const nm_sim *s)
{
    return s->name;
}

uint64_t nm_sim_tick(const nm_sim *s)
{
    if (s->L)
        return nml_tick(s->L);
    return s->tick;
}

static int check_live(const nm_sim *s, char *err, size_t errlen)
{
    if (s->stopped)
        return fail(err, errlen, NM_API_ERR_STATE, "the simulation stopped after an earlier error; open it again");
    return NM_OK;
}

static const char *rtl_text(const nm_chip_backend *b)
{
    return strcmp(b->name, "rtl") ? "" : nm_rtl_chip_error(b->impl);
}

/* Send one host packet to every backend. */
static int send_all(nm_sim *s, const nm_pkt *p, char *err, size_t errlen)
{
    unsigned k;
    int rc;
    for (k = 0; k < s->nb; k++)
        if ((rc = s->b[k].host_send(s->b[k].impl, nm_flit_pack(p))) != NM_OK) {
            const char *e = rtl_text(&s->b[k]);
            s->stopped = 1;
            return fail(err, errlen, rc, "host input before tick %llu failed on the %s backend%s%s",
                        (unsigned long long)s->tick, s->b[k].name, e[0] ? ": " : "", e);
        }
    return NM_OK;
}

static int check_spike(const nm_sim *s, const char *what, size_t i, uint32_t x, uint32_t y, uint32_t axon,
                       char *err, size_t errlen)
{
    if (x >= s->mesh_x)
        return fail(err, errlen, NM_ERR_ARG, "%s[%zu]: x %u is outside 0..%u", what, i, x, s->mesh_x - 1);
    if (y >= s->mesh_y)
        return fail(err, errlen, NM_ERR_ARG, "%s[%zu]: y %u is outside 0..%u", what, i, y, s->mesh_y - 1);
    if (axon >= s->naxons)
        return fail(err, errlen, NM_ERR_ARG, "%s[%zu]: axon %u is outside 0..%u", what, i, axon, s->naxons - 1);
    return NM_OK;
}

int nm_sim_inject(nm_sim *s, size_t n, const uint32_t *xyad, char *err, size_t errlen)
{
    if (s->L)
        return nml_inject(s->L, n, xyad, err, errlen);
    size_t i;
    int rc;
    if ((rc = check_live(s, err, errlen)) != NM_OK)
        return rc;
    for (i = 0; i < n; i++) {
        const uint32_t *r = &xyad[4 * i];
        if ((rc = check_spike(s, "inject", i, r[0], r[1], r[2], err, errlen)) != NM_OK)
            return rc;
        if (r[3] < 1 || r[3] > 15)
            return fail(err, errlen, NM_ERR_ARG, "inject[%zu]: delay %u is outside 1..15", i, r[3]);
    }
    for (i = 0; i < n; i++) {
        const uint32_t *r = &xyad[4 * i];
        nm_input in = {0, (uint16_t)r[0], (uint16_t)r[1], (uint16_t)r[2]};
        nm_pkt p = nm_input_packet(&in);
        p.delay = (uint8_t)r[3];
        if ((rc = send_all(s, &p, err, errlen)) != NM_OK)
            return rc;
    }
    return NM_OK;
}

static int read_v_word(const nm_chip_backend *b, unsigned core, unsigned j, int32_t *v)
{
    uint32_t w = 0;
    int rc = b->apb_read(b->impl,
                         nm_chip_paddr(NM_CHIP_REGION_CORE, core,
                                       NM_ADDR(NM_REGION_NEURON, j * NM_NEURON_STRIDE + NM_NEURON_STATE)),
                         &w);
    *v = nm_sext(w & NM_NEURON_STATE_V_MASK, NM_NEURON_STATE_V_WIDTH);
    return rc;
}

/* check: the first difference between the two backends after tick t, or NM_OK. */
static int compare(nm_sim *s, uint64_t t, char *err, size_t errlen)
{
    const nm_chip_tick_out *oa = &s->o[0], *ob = &s->o[1];
    unsigned k, core, j, mx = s->mesh_x;
    for (k = 0; k < oa->nspikes || k < ob->nspikes; k++) {
        const nm_chip_spike *x = k < oa->nspikes ? &oa->spikes[k] : NULL, *y = k < ob->nspikes ? &ob->spikes[k] : NULL;
        if (!x || !y || x->core != y->core || x->neuron != y->neuron) {
            const nm_chip_spike *p =
                x && (!y || x->core < y->core || (x->core == y->core && x->neuron < y->neuron)) ? x : y;
            return fail(err, errlen, NM_API_ERR_DIVERGED,
                        "divergence at tick %llu, core (%u, %u), neuron %u: spike: ref=%d rtl=%d",
                        (unsigned long long)t, p->core % mx, p->core / mx, p->neuron, p == x, p == y);
        }
    }
    if (oa->noff != ob->noff)
        return fail(err, errlen, NM_API_ERR_DIVERGED, "divergence at tick %llu: off-chip packets: ref=%u rtl=%u",
                    (unsigned long long)t, oa->noff, ob->noff);
    for (k = 0; k < oa->noff; k++)
        if (oa->off[k].tick != ob->off[k].tick || oa->off[k].side != ob->off[k].side ||
            oa->off[k].pos != ob->off[k].pos || oa->off[k].pkt.dx != ob->off[k].pkt.dx ||
            oa->off[k].pkt.dy != ob->off[k].pkt.dy || oa->off[k].pkt.axon != ob->off[k].pkt.axon ||
            oa->off[k].pkt.delay != ob->off[k].pkt.delay)
            return fail(err, errlen, NM_API_ERR_DIVERGED, "divergence at tick %llu: off-chip packet %u differs",
                        (unsigned long long)t, k);
    for (core = 0; core < s->mesh_x * s->mesh_y; core++)
        for (j = 0; j < s->nneurons; j++) {
            int32_t va = 0, vb = 0;
            if (read_v_word(&s->b[0], core, j, &va) || read_v_word(&s->b[1], core, j, &vb))
                return fail(err, errlen, NM_ERR_CFG, "cannot read V of core (%u, %u) neuron %u", core % mx, core / mx,
                            j);
            if (va != vb)
                return fail(err, errlen, NM_API_ERR_DIVERGED,
                            "divergence at tick %llu, core (%u, %u), neuron %u: V: ref=%d rtl=%d",
                            (unsigned long long)t, core % mx, core / mx, j, va, vb);
        }
    return NM_OK;
}

/* Run one tick on every backend and record what the last one (the RTL's under check) saw. */
static int tick_once(nm_sim *s, char *err, size_t errlen)
{
    unsigned k, i;
    int rc;
    const nm_chip_tick_out *o;
    for (k = 0; k < s->nb; k++)
        if ((rc = s->b[k].tick(s->b[k].impl, &s->o[k])) != NM_OK) {
            const char *e = rtl_text(&s->b[k]);
            s->stopped = 1;
            return fail(err, errlen, rc, "tick %llu failed on the %s backend: %s%s%s", (unsigned long long)s->tick,
                        s->b[k].name, nm_strerror(rc), e[0] ? ": " : "", e);
        }
    if (s->nb == 2 && (rc = compare(s, s->tick, err, errlen)) != NM_OK) {
        s->stopped = 1;
        return rc;
    }
    o = &s->o[s->nb - 1];
    for (i = 0; i < o->nspikes; i++) {
        uint32_t r[4] = {(uint32_t)s->tick, o->spikes[i].core % s->mesh_x, o->spikes[i].core / s->mesh_x,
                         o->spikes[i].neuron};
        if (rec_push(&s->spikes, r))
            goto nomem;
    }
    for (i = 0; i < o->noff; i++) {
        const nm_offchip *p = &o->off[i];
        int32_t r[7] = {(int32_t)p->tick, p->side, p->pos, p->pkt.dx, p->pkt.dy, p->pkt.axon, p->pkt.delay};
        if (rec_push(&s->off, (const uint32_t *)r))
            goto nomem;
    }
    if (rec_push(&s->cycles, &o->cycles))
        goto nomem;
    s->meter.offchip += o->noff;
    s->nspikes += o->nspikes;
    s->noff += o->noff;
    s->cyc += o->cycles;
    if (o->cycles < s->cmin) s->cmin = o->cycles;
    if (o->cycles > s->cmax) s->cmax = o->cycles;
    s->tick++;
    s->metered_ticks++;
    /* sample before the 32-bit hardware counters can wrap */
    if (++s->since_sample == 32768) {
        s->since_sample = 0;
        if (nm_energy_meter_sample(&s->meter, &s->b[s->nb - 1])) {
            s->stopped = 1;
            return fail(err, errlen, NM_ERR_CFG, "cannot read the counters after tick %llu",
                        (unsigned long long)s->tick - 1);
        }
    }
    return NM_OK;
nomem:
    s->stopped = 1;
    return fail(err, errlen, NM_ERR_NOMEM, "out of memory recording tick %llu", (unsigned long long)s->tick);
}

static int cmp_tick(const void *a, const void *b)
{
    const uint32_t *x = a, *y = b;
    return (x[0] > y[0]) - (x[0] < y[0]);
}

int nm_sim_run(nm_sim *s, uint64_t ticks, size_t n, const uint32_t *inputs, char *err, size_t errlen)
{
    if (s->L)
        return nml_run(s->L, ticks, n, inputs, err, errlen);
    uint32_t *in = NULL;
    size_t i, next = 0;
    uint64_t t;
    int rc;
    if ((rc = check_live(s, err, errlen)) != NM_OK)
        return rc;
    for (i = 0; i < n; i++) {
        const uint32_t *r = &inputs[4 * i];
        if (r[0] >= ticks)
            return fail(err, errlen, NM_ERR_ARG, "inputs[%zu]: tick %u is outside the %llu ticks run (0..%llu)", i,
                        r[0], (unsigned long long)ticks, (unsigned long long)(ticks ? ticks - 1 : 0));
        if ((rc = check_spike(s, "inputs", i, r[1], r[2], r[3], err, errlen)) != NM_OK)
            return rc;
    }
    if (n) {
        in = malloc(n * 4 * sizeof *in);
        if (!in)
            return fail(err, errlen, NM_ERR_NOMEM, "out of memory");
        memcpy(in, inputs, n * 4 * sizeof *in);
        qsort(in, n, 4 * sizeof *in, cmp_tick);
    }
    for (t = 0; t < ticks; t++) {
        for (; next < n && in[4 * next] == t; next++) {
            nm_input x = {0, (uint16_t)in[4 * next + 1], (uint16_t)in[4 * next + 2], (uint16_t)in[4 * next + 3]};
            nm_pkt p = nm_input_packet(&x);
            if ((rc = send_all(s, &p, err, errlen)) != NM_OK)
                goto out;
        }
        if ((rc = tick_once(s, err, errlen)) != NM_OK)
            goto out;
    }
    rc = NM_OK;
out:
    free(in);
    return rc;
}

size_t nm_sim_spike_count(const nm_sim *s)
{
    if (s->L)
        return nml_spike_count(s->L);
    return s->spikes.n;
}

size_t nm_sim_spikes(nm_sim *s, uint32_t *out, size_t cap)
{
    if (s->L)
        return nml_spikes(s->L, out, cap);
    return rec_take(&s->spikes, out, cap);
}

size_t nm_sim_offchip_count(const nm_sim *s)
{
    if (s->L)
        return 0; /* Loihi packets off the mesh are dropped and counted (offmesh_drops) */
    return s->off.n;
}

size_t nm_sim_offchip(nm_sim *s, int32_t *out, size_t cap)
{
    return rec_take(&s->off, (uint32_t *)out, cap);
}

size_t nm_sim_cycles_count(const nm_sim *s)
{
    if (s->L)
        return nml_cycles_count(s->L);
    return s->cycles.n;
}

size_t nm_sim_cycles(nm_sim *s, uint32_t *out, size_t cap)
{
    if (s->L)
        return nml_cycles(s->L, out, cap);
    return rec_take(&s->cycles, out, cap);
}

static int check_range(const nm_sim *s, unsigned x, unsigned y, unsigned first, unsigned n, char *err,
                       size_t errlen)
{
    if (x >= s->mesh_x || y >= s->mesh_y)
        return fail(err, errlen, NM_ERR_ARG, "core (%u, %u) is outside the %ux%u mesh", x, y, s->mesh_x, s->mesh_y);
    if (first > s->nneurons || n > s->nneurons - first)
        return fail(err, errlen, NM_ERR_ARG, "neurons %u..%u are outside 0..%u", first, first + n - 1,
                    s->nneurons - 1);
    return NM_OK;
}

int nm_sim_get_v(nm_sim *s, unsigned x, unsigned y, unsigned first, unsigned n, int32_t *v, char *err,
                 size_t errlen)
{
    if (s->L)
        return nml_get(s->L, 0, x, y, first, n, v, err, errlen);
    unsigned j, k, core = y * s->mesh_x + x;
    int rc;
    if ((rc = check_live(s, err, errlen)) != NM_OK || (rc = check_range(s, x, y, first, n, err, errlen)) != NM_OK)
        return rc;
    for (j = 0; j < n; j++) {
        int32_t val[2] = {0, 0};
        for (k = 0; k < s->nb; k++)
            if ((rc = read_v_word(&s->b[k], core, first + j, &val[k])) != NM_OK)
                return fail(err, errlen, rc, "cannot read V of core (%u, %u) neuron %u on the %s backend", x, y,
                            first + j, s->b[k].name);
        if (s->nb == 2 && val[0] != val[1])
            return fail(err, errlen, NM_API_ERR_DIVERGED, "core (%u, %u) neuron %u: V: ref=%d rtl=%d", x, y,
                        first + j, val[0], val[1]);
        v[j] = val[s->nb - 1];
    }
    return NM_OK;
}

int nm_sim_set_v(nm_sim *s, unsigned x, unsigned y, unsigned first, unsigned n, const int32_t *v, char *err,
                 size_t errlen)
{
    if (s->L)
        return nml_set_v(s->L, x, y, first, n, v, err, errlen);
    unsigned j, k, core = y * s->mesh_x + x;
    int rc;
    if ((rc = check_live(s, err, errlen)) != NM_OK || (rc = check_range(s, x, y, first, n, err, errlen)) != NM_OK)
        return rc;
    for (j = 0; j < n; j++)
        if (v[j] < -524288 || v[j] > 524287)
            return fail(err, errlen, NM_ERR_ARG, "V[%u] = %d is outside -524288..524287", j, v[j]);
    for (j = 0; j < n; j++)
        for (k = 0; k < s->nb; k++) {
            uint32_t a = nm_chip_paddr(NM_CHIP_REGION_CORE, core,
                                       NM_ADDR(NM_REGION_NEURON, (first + j) * NM_NEURON_STRIDE + NM_NEURON_STATE));
            if ((rc = s->b[k].apb_write(s->b[k].impl, a, (uint32_t)v[j] & NM_NEURON_STATE_V_MASK)) != NM_OK) {
                s->stopped = s->nb == 2; /* the two backends may now differ */
                return fail(err, errlen, rc, "cannot write V of core (%u, %u) neuron %u on the %s backend", x, y,
                            first + j, s->b[k].name);
            }
        }
    return NM_OK;
}

int nm_sim_get_u(nm_sim *s, unsigned x, unsigned y, unsigned first, unsigned n, int32_t *u, char *err,
                 size_t errlen)
{
    if (s->L)
        return nml_get(s->L, 2, x, y, first, n, u, err, errlen);
    int rc;
    (void)u;
    if ((rc = check_range(s, x, y, first, n, err, errlen)) != NM_OK)
        return rc;
    return fail(err, errlen, NM_API_ERR_UNSUPPORTED,
                "core (%u, %u) is a TrueNorth-mode core: its neurons have V only, no current u", x, y);
}

const char *nm_sim_counter_name(unsigned i)
{
    return i < NM_SIM_NCOUNTERS ? counter_names[i] : NULL;
}

int nm_sim_counters(nm_sim *s, uint64_t out[NM_SIM_NCOUNTERS], char *err, size_t errlen)
{
    if (s->L)
        return nml_counters(s->L, out, err, errlen);
    nm_fw_bus bus = nm_chip_fw_bus(&s->b[s->nb - 1]);
    unsigned core, k;
    memset(out, 0, NM_SIM_NCOUNTERS * sizeof *out);
    for (core = 0; core < s->mesh_x * s->mesh_y; core++) {
        uint32_t cv[8] = {0}, rv[6] = {0};
        if (nm_fw_read_core_counters(&bus, core, cv) || nm_fw_read_router_counters(&bus, core, rv))
            return fail(err, errlen, NM_ERR_CFG, "cannot read the counters of core %u", core);
        for (k = 0; k < 8; k++)
            out[k] += cv[k];
        for (k = 0; k < 6; k++)
            out[8 + k] += rv[k];
    }
    return NM_OK;
}

static int meter_sync(nm_sim *s, char *err, size_t errlen)
{
    if (nm_energy_meter_sample(&s->meter, &s->b[s->nb - 1]))
        return fail(err, errlen, NM_ERR_CFG, "cannot read the counters");
    s->since_sample = 0;
    return NM_OK;
}

int nm_sim_energy_get(nm_sim *s, nm_sim_energy *e, char *err, size_t errlen)
{
    if (s->L)
        return nml_energy_get(s->L, e, err, errlen);
    nm_energy_counts c;
    nm_energy_result r;
    int rc;
    if ((rc = check_live(s, err, errlen)) != NM_OK || (rc = meter_sync(s, err, errlen)) != NM_OK)
        return rc;
    nm_energy_meter_total(&s->meter, &c);
    nm_energy_compute(&s->preset, s->volts, s->tick_hz, s->metered_ticks, s->mesh_x * s->mesh_y, &c, &r);
    memset(e, 0, sizeof *e);
    e->ticks = s->metered_ticks;
    e->seconds = r.seconds;
    e->total_pj = r.total_pj;
    e->dynamic_pj = r.dynamic_pj;
    e->static_pj = r.static_pj;
    e->power_mw = r.power_mw;
    e->pj_per_synaptic_event = r.pj_per_synaptic_event;
    e->synaptic_events = c.n[NM_E_SYNAPTIC_EVENT];
    e->spikes = c.n[NM_E_SPIKE];
    e->hops = c.n[NM_E_HOP_EW] + c.n[NM_E_HOP_NS];
    e->offchip = c.n[NM_E_OFFCHIP_PACKET];
    return NM_OK;
}

int nm_sim_energy_reset(nm_sim *s, char *err, size_t errlen)
{
    if (s->L)
        return nml_energy_reset(s->L, err, errlen);
    int rc;
    if ((rc = check_live(s, err, errlen)) != NM_OK || (rc = meter_sync(s, err, errlen)) != NM_OK)
        return rc;
    nm_energy_meter_clear(&s->meter);
    s->metered_ticks = 0;
    s->nspikes = s->noff = s->cyc = s->cmax = 0;
    s->cmin = UINT64_MAX;
    return NM_OK;
}

int nm_sim_report(nm_sim *s, char **json, char *err, size_t errlen)
{
    if (s->L)
        return nml_report(s->L, json, err, errlen);
    nm_fw_bus bus;
    json_t *r;
    int rc;
    *json = NULL;
    if ((rc = check_live(s, err, errlen)) != NM_OK || (rc = meter_sync(s, err, errlen)) != NM_OK)
        return rc;
    bus = nm_chip_fw_bus(&s->b[s->nb - 1]);
    {
        nm_report_run rr = {s->image, s->b[s->nb - 1].name, s->mesh_x, s->mesh_y, (uint32_t)s->metered_ticks,
                            s->nspikes, s->noff, s->metered_ticks ? s->cmin : 0, s->cmax, s->cyc,
                            !strcmp(s->b[s->nb - 1].name, "ref")};
        nm_energy_run er = {&s->preset, s->volts, s->tick_hz, s->metered_ticks, s->mesh_x, s->mesh_y, &s->meter};
        r = nm_report_json(&rr, &bus);
        if (!r)
            return fail(err, errlen, NM_ERR_CFG, "cannot read the counters for the report");
        json_object_set_new(r, "energy", nm_energy_report_json(&er));
    }
    *json = json_dumps(r, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
    json_decref(r);
    return *json ? NM_OK : fail(err, errlen, NM_ERR_NOMEM, "out of memory");
}

int nm_sim_core_type(const nm_sim *s)
{
    return s->L ? 1 : 0;
}

const char *nm_sim_counter_name_of(const nm_sim *s, unsigned i)
{
    return s->L ? nml_counter_name(i) : nm_sim_counter_name(i);
}

int nm_sim_get_vhw(nm_sim *s, unsigned x, unsigned y, unsigned first, unsigned n, int32_t *v, char *err,
                   size_t errlen)
{
    int rc;
    if (s->L)
        return nml_get(s->L, 1, x, y, first, n, v, err, errlen);
    if ((rc = check_range(s, x, y, first, n, err, errlen)) != NM_OK)
        return rc;
    return fail(err, errlen, NM_API_ERR_UNSUPPORTED,
                "core (%u, %u) is a TrueNorth-mode core: V has one view (nm_sim_get_v)", x, y);
}

void nm_api_free_string(char *p)
{
    free(p);
}
