/* validate_energy.c - `make validate-energy`: the TrueNorth preset against the chip's
 * published power on Merolla's benchmark network (docs/energy-model.md s5).
 *
 * For every distinct firing rate in the points file it generates the benchmark network
 * on a 64 x 64 chip (nm_gen.h), runs it on the reference backend, and counts every
 * event class over the timed ticks. Then:
 *   1. the fit: the points marked "fit" determine three unknowns, the synaptic-event
 *      energy, the static power per core and the static power's voltage exponent, by
 *      least squares on the relative error (all other coefficients held at the preset's
 *      published component values); the fitted values are printed next to the
 *      preset's, which must agree within 1 percent (the preset stores them rounded);
 *   2. the table: every point predicted with the preset as written, its error, whether
 *      it was used to fit or only to check, and for a fit point its error when it is
 *      left out of the fit (leave-one-out). Exit 1 if any error exceeds 10 %;
 *   3. the tick rate: the 20 Hz benchmark's power when the same ticks run faster than
 *      real time (no published figure to check this against; printed, not judged).
 *
 * usage: validate-energy [--preset P] [--points FILE] [--ticks N] [--warmup N]
 *                        [--threads N] [--mesh XxY] [--csv FILE]
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nm_energy.h"
#include "nm_gen.h"
#include "nm_load.h"
#include "nm_ref_chip.h"

#define MAXP 32

typedef struct point {
    double volts, rate, published, tick_hz;
    unsigned synapses;
    char metric[32], role[8], source[400];
    nm_energy_counts counts;
    double measured_rate;
} point;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int read_points(const char *path, point *p, unsigned *n)
{
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je), *arr, *x;
    size_t i;
    if (!root) {
        fprintf(stderr, "validate-energy: %s: line %d: %s\n", path, je.line, je.text);
        return -1;
    }
    arr = json_object_get(root, "points");
    if (!json_is_array(arr) || json_array_size(arr) == 0 || json_array_size(arr) > MAXP) {
        fprintf(stderr, "validate-energy: %s: points: expected an array of 1..%d points\n", path, MAXP);
        json_decref(root);
        return -1;
    }
    json_array_foreach(arr, i, x) {
        const char *metric = NULL, *role = NULL, *source = NULL;
        int syn = 0;
        memset(&p[i], 0, sizeof p[i]);
        p[i].tick_hz = 1000.0;
        if (json_unpack(x, "{s:F,s:F,s:i,s:s,s:F,s:s,s:s,s?F}", "voltage_v", &p[i].volts, "rate_hz", &p[i].rate,
                        "synapses", &syn, "metric", &metric, "published", &p[i].published, "role", &role, "source",
                        &source, "tick_hz", &p[i].tick_hz) ||
            (strcmp(metric, "power_mw") && strcmp(metric, "pj_per_synaptic_event")) ||
            (strcmp(role, "fit") && strcmp(role, "check")) || syn < 0 || syn > 256 || !(p[i].tick_hz > 0)) {
            fprintf(stderr,
                    "validate-energy: %s: points[%zu]: expected voltage_v, rate_hz, synapses 0..256, metric "
                    "power_mw|pj_per_synaptic_event, published, role fit|check, source, optional tick_hz > 0\n",
                    path, i);
            json_decref(root);
            return -1;
        }
        p[i].synapses = (unsigned)syn;
        snprintf(p[i].metric, sizeof p[i].metric, "%s", metric);
        snprintf(p[i].role, sizeof p[i].role, "%s", role);
        snprintf(p[i].source, sizeof p[i].source, "%s", source);
    }
    *n = (unsigned)json_array_size(arr);
    json_decref(root);
    return 0;
}

/* Run the benchmark at a point's rate and synapses; counts over the timed ticks. */
static int measure(point *pt, unsigned mx, unsigned my, unsigned ticks, unsigned warmup, unsigned threads)
{
    nm_gen_merolla_opts g;
    nm_image *im;
    nm_ref_chip *c;
    nm_chip_backend b;
    nm_chip_tick_out o;
    nm_energy_meter m;
    char err[512];
    unsigned t;
    double t0;
    nm_gen_merolla_defaults(&g);
    g.mesh_x = mx;
    g.mesh_y = my;
    g.rate_hz = pt->rate;
    g.synapses = pt->synapses;
    im = nm_gen_merolla(&g, NULL, err, sizeof err);
    if (!im) {
        fprintf(stderr, "validate-energy: %s\n", err);
        return -1;
    }
    c = nm_ref_chip_new(mx, my, im->naxons, im->nneurons);
    if (!c || nm_ref_chip_set_threads(c, threads) || nm_chip_tick_out_init(&o, mx * my, im->nneurons, 256) ||
        nm_energy_meter_init(&m, mx * my)) {
        fprintf(stderr, "validate-energy: out of memory\n");
        return -1;
    }
    nm_ref_chip_backend(&b, c);
    if (nm_image_load(im, &b, err, sizeof err)) {
        fprintf(stderr, "validate-energy: %s\n", err);
        return -1;
    }
    nm_image_free(im);
    for (t = 0; t < warmup; t++)
        b.tick(b.impl, &o);
    nm_energy_meter_sample(&m, &b);
    nm_energy_meter_clear(&m);
    t0 = now();
    for (t = 0; t < ticks; t++) {
        if (b.tick(b.impl, &o) != NM_OK) {
            fprintf(stderr, "validate-energy: tick failed\n");
            return -1;
        }
        m.offchip += o.noff;
        if (t % 32768 == 32767)
            nm_energy_meter_sample(&m, &b);
    }
    nm_energy_meter_sample(&m, &b);
    nm_energy_meter_total(&m, &pt->counts);
    pt->measured_rate = (double)pt->counts.n[NM_E_SPIKE] / ((double)mx * my * 256) / (ticks / 1000.0);
    fprintf(stderr, "  %6.2f Hz, %u synapses: %u ticks in %.1f s (%.0f ticks/s), measured rate %.2f Hz\n", pt->rate,
            pt->synapses, ticks, now() - t0, ticks / (now() - t0), pt->measured_rate);
    nm_energy_meter_free(&m);
    nm_chip_tick_out_free(&o);
    b.free(b.impl);
    return 0;
}

static double predict(const nm_energy_preset *p, const point *pt, unsigned ticks, unsigned ncores)
{
    nm_energy_result r;
    nm_energy_compute(p, pt->volts, pt->tick_hz, ticks, ncores, &pt->counts, &r);
    return strcmp(pt->metric, "power_mw") ? r.pj_per_synaptic_event : r.power_mw;
}

/* The fitted unknowns. */
typedef struct fitted {
    double e_syn, st, k;
} fitted;

/* Relative squared error of the fit points (except `skip`) for static exponent k, with
 * the two linear unknowns solved by least squares; the solution in *f. */
static double fit_at_k(const nm_energy_preset *p, const point *pt, unsigned n, int skip, unsigned ticks,
                       unsigned ncores, double k, fitted *f)
{
    double ata[2][2] = {{0}}, atb[2] = {0}, det, sse = 0;
    unsigned i;
    for (i = 0; i < n; i++) {
        nm_energy_preset q = *p;
        double fixed, x[2], w;
        if (strcmp(pt[i].role, "fit") || (int)i == skip)
            continue;
        /* power = fixed + E_syn x0 + P_static x1 */
        q.pj[NM_E_SYNAPTIC_EVENT] = 0;
        q.static_mw_per_core = 0;
        fixed = predict(&q, &pt[i], ticks, ncores);
        x[0] = (double)pt[i].counts.n[NM_E_SYNAPTIC_EVENT] * pow(pt[i].volts / p->v_ref, p->dyn_exp) /
               (ticks / pt[i].tick_hz) * 1e-9;
        x[1] = (double)ncores * pow(pt[i].volts / p->v_ref, k);
        w = 1.0 / (pt[i].published * pt[i].published);
        ata[0][0] += w * x[0] * x[0];
        ata[0][1] += w * x[0] * x[1];
        ata[1][1] += w * x[1] * x[1];
        atb[0] += w * x[0] * (pt[i].published - fixed);
        atb[1] += w * x[1] * (pt[i].published - fixed);
    }
    det = ata[0][0] * ata[1][1] - ata[0][1] * ata[0][1];
    if (!(fabs(det) > 1e-12 * (ata[0][0] * ata[1][1] + 1e-300)))
        return NAN;
    f->e_syn = (atb[0] * ata[1][1] - ata[0][1] * atb[1]) / det;
    f->st = (ata[0][0] * atb[1] - ata[0][1] * atb[0]) / det;
    f->k = k;
    for (i = 0; i < n; i++) {
        nm_energy_preset q = *p;
        double e;
        if (strcmp(pt[i].role, "fit") || (int)i == skip)
            continue;
        q.pj[NM_E_SYNAPTIC_EVENT] = f->e_syn;
        q.static_mw_per_core = f->st;
        q.static_exp = k;
        e = (predict(&q, &pt[i], ticks, ncores) - pt[i].published) / pt[i].published;
        sse += e * e;
    }
    return sse;
}

/* The three-coefficient fit: a scan of the exponent over 0..8 in steps of 0.01, then a
 * golden-section search around the best step. 0, or -1 if the points do not determine it. */
static int fit3(const nm_energy_preset *p, const point *pt, unsigned n, int skip, unsigned ticks, unsigned ncores,
                fitted *f)
{
    double best = HUGE_VAL, kb = 0, lo, hi, a, b, fa, fb;
    const double g = 0.6180339887498949;
    fitted t;
    unsigned i, used = 0, rates = 0, volts = 0;
    int kk, it;
    for (i = 0; i < n; i++) {
        unsigned j, newr = 1, newv = 1;
        if (strcmp(pt[i].role, "fit") || (int)i == skip)
            continue;
        used++;
        for (j = 0; j < i; j++) {
            if (strcmp(pt[j].role, "fit") || (int)j == skip)
                continue;
            if (pt[j].rate * pt[j].synapses == pt[i].rate * pt[i].synapses)
                newr = 0;
            if (pt[j].volts == pt[i].volts)
                newv = 0;
        }
        rates += newr;
        volts += newv;
    }
    if (used < 3 || rates < 2 || volts < 2)
        return -1;
    for (kk = 0; kk <= 800; kk++) {
        double e = fit_at_k(p, pt, n, skip, ticks, ncores, kk * 0.01, &t);
        if (e < best)
            best = e, kb = kk * 0.01;
    }
    if (best == HUGE_VAL)
        return -1;
    lo = kb > 0.01 ? kb - 0.01 : 0;
    hi = kb < 7.99 ? kb + 0.01 : 8;
    a = hi - g * (hi - lo);
    b = lo + g * (hi - lo);
    fa = fit_at_k(p, pt, n, skip, ticks, ncores, a, &t);
    fb = fit_at_k(p, pt, n, skip, ticks, ncores, b, &t);
    for (it = 0; it < 60; it++) {
        if (fa < fb) {
            hi = b, b = a, fb = fa;
            a = hi - g * (hi - lo);
            fa = fit_at_k(p, pt, n, skip, ticks, ncores, a, &t);
        } else {
            lo = a, a = b, fa = fb;
            b = lo + g * (hi - lo);
            fb = fit_at_k(p, pt, n, skip, ticks, ncores, b, &t);
        }
    }
    fit_at_k(p, pt, n, skip, ticks, ncores, 0.5 * (lo + hi), f);
    return 0;
}

int main(int argc, char **argv)
{
    const char *preset = "truenorth-28nm", *points = "data/energy/truenorth-validation.json", *csv = NULL;
    unsigned ticks = 1000, warmup = 50, threads = 2, mx = 64, my = 64, n = 0, i, j, a, bad = 0;
    point pt[MAXP];
    nm_energy_preset p;
    char err[1024];
    fitted f;
    FILE *fc = NULL;

    for (a = 1; a + 1 < (unsigned)argc; a += 2) {
        const char *v = argv[a + 1];
        if (!strcmp(argv[a], "--preset")) preset = v;
        else if (!strcmp(argv[a], "--points")) points = v;
        else if (!strcmp(argv[a], "--ticks")) ticks = (unsigned)atoi(v);
        else if (!strcmp(argv[a], "--warmup")) warmup = (unsigned)atoi(v);
        else if (!strcmp(argv[a], "--threads")) threads = (unsigned)atoi(v);
        else if (!strcmp(argv[a], "--csv")) csv = v;
        else if (!strcmp(argv[a], "--mesh") && sscanf(v, "%ux%u", &mx, &my) == 2) {}
        else break;
    }
    if (a != (unsigned)argc || ticks < 1 || threads < 1) {
        fprintf(stderr, "usage: %s [--preset P] [--points FILE] [--ticks N] [--warmup N] [--threads N] "
                        "[--mesh XxY] [--csv FILE]\n", argv[0]);
        return 2;
    }
    if (nm_energy_load(preset, &p, err, sizeof err)) {
        fprintf(stderr, "validate-energy: %s\n", err);
        return 2;
    }
    if (read_points(points, pt, &n))
        return 2;
    fprintf(stderr, "validate-energy: Merolla benchmark on %ux%u cores, %u ticks per rate (after %u), %u threads\n",
            mx, my, ticks, warmup, threads);
    for (i = 0; i < n; i++) {
        for (j = 0; j < i; j++)
            if (pt[j].rate == pt[i].rate && pt[j].synapses == pt[i].synapses)
                break;
        if (j < i)
            pt[i].counts = pt[j].counts, pt[i].measured_rate = pt[j].measured_rate;
        else if (measure(&pt[i], mx, my, ticks, warmup, threads))
            return 1;
    }

    /* 1. fit: synaptic_event, static_mw_per_core and static_exponent on the fit points */
    for (i = 0, j = 0; i < n; i++)
        if (!strcmp(pt[i].role, "fit")) {
            if (strcmp(pt[i].metric, "power_mw")) {
                fprintf(stderr, "validate-energy: only power_mw points can be fit points\n");
                return 2;
            }
            j++;
        }
    if (fit3(&p, pt, n, -1, ticks, mx * my, &f)) {
        fprintf(stderr, "validate-energy: the fit points do not determine three coefficients (need two rates and "
                        "two voltages)\n");
        return 2;
    }
    printf("Fit (%u points with role \"fit\", least squares on the relative error; the other coefficients are "
           "the preset's published component figures):\n", j);
    printf("  synaptic_event      fitted %8.4f pJ      preset %8.4f pJ   (at %.3f V)\n", f.e_syn,
           p.pj[NM_E_SYNAPTIC_EVENT], p.v_ref);
    printf("  static_mw_per_core  fitted %8.5f mW      preset %8.5f mW   (at %.3f V; %.1f mW per chip)\n", f.st,
           p.static_mw_per_core, p.v_ref, f.st * mx * my);
    printf("  static_exponent     fitted %8.3f         preset %8.3f\n", f.k, p.static_exp);
    if (fabs(f.e_syn - p.pj[NM_E_SYNAPTIC_EVENT]) > 0.01 * fabs(f.e_syn) ||
        fabs(f.st - p.static_mw_per_core) > 0.01 * fabs(f.st) || fabs(f.k - p.static_exp) > 0.01) {
        printf("  the preset's fitted values differ from this fit by more than 1 %% (0.01 for the exponent): "
               "update %s\n", preset);
        bad = 1;
    }

    /* 2. the table, with the preset as written */
    if (csv && !(fc = fopen(csv, "w"))) {
        perror(csv);
        return 1;
    }
    if (fc)
        fprintf(fc, "voltage_v,rate_hz,measured_rate_hz,synapses,tick_hz,metric,published,predicted,error_pct,role,"
                    "held_out_error_pct,source\n");
    printf("\n| V | rate (Hz) | synapses | ticks/s | quantity | published | predicted | error | used to | "
           "error if left out of the fit | source |\n");
    printf("|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (i = 0; i < n; i++) {
        double pr = predict(&p, &pt[i], ticks, mx * my), e = 100.0 * (pr - pt[i].published) / pt[i].published;
        const char *unit = strcmp(pt[i].metric, "power_mw") ? "pJ/syn. event" : "mW";
        char held[32] = "(a check point)";
        double eh = e;
        if (!strcmp(pt[i].role, "fit")) {
            fitted g;
            nm_energy_preset q = p;
            if (fit3(&p, pt, n, (int)i, ticks, mx * my, &g) == 0) {
                q.pj[NM_E_SYNAPTIC_EVENT] = g.e_syn;
                q.static_mw_per_core = g.st;
                q.static_exp = g.k;
                eh = 100.0 * (predict(&q, &pt[i], ticks, mx * my) - pt[i].published) / pt[i].published;
                snprintf(held, sizeof held, "%+.1f %%", eh);
            } else {
                snprintf(held, sizeof held, "(not determined)");
                eh = NAN;
            }
        }
        printf("| %.3f | %.2f (ran %.2f) | %u | %.0f | %s | %.1f %s | %.1f %s | %+.1f %% | %s | %s | %s |\n",
               pt[i].volts, pt[i].rate, pt[i].measured_rate, pt[i].synapses, pt[i].tick_hz,
               !strcmp(pt[i].metric, "power_mw") ? "power" : "energy per synaptic event", pt[i].published, unit, pr,
               unit, e, pt[i].role, held, pt[i].source);
        if (fc)
            fprintf(fc, "%.3f,%.2f,%.3f,%u,%.0f,%s,%.2f,%.3f,%.2f,%s,%.2f,\"%s\"\n", pt[i].volts, pt[i].rate,
                    pt[i].measured_rate, pt[i].synapses, pt[i].tick_hz, pt[i].metric, pt[i].published, pr, e,
                    pt[i].role, eh, pt[i].source);
        if (fabs(e) > 10.0)
            bad = 1;
    }
    if (fc)
        fclose(fc);
    /* 3. faster than real time: the same ticks in less time */
    for (i = 0; i < n && !(pt[i].rate == 20 && pt[i].synapses == 128); i++)
        ;
    if (i < n) {
        static const double speed[] = {1, 2, 5, 10};
        unsigned s;
        printf("\nFaster than real time (no published TrueNorth figure to check against): the %.0f Hz, %u-synapse "
               "benchmark at %.3f V, the same %u ticks run at a higher tick rate\n\n", pt[i].rate, pt[i].synapses,
               p.v_ref, ticks);
        printf("| ticks/s | power (mW) | static per tick (uJ) | dynamic per tick (uJ) | energy per synaptic event "
               "(pJ) |\n|---|---|---|---|---|\n");
        for (s = 0; s < sizeof speed / sizeof speed[0]; s++) {
            nm_energy_result r;
            nm_energy_compute(&p, p.v_ref, 1000.0 * speed[s], ticks, mx * my, &pt[i].counts, &r);
            printf("| %.0f | %.1f | %.2f | %.2f | %.2f |\n", 1000.0 * speed[s], r.power_mw,
                   r.static_pj / ticks * 1e-6, r.dynamic_pj / ticks * 1e-6, r.pj_per_synaptic_event);
        }
    }
    printf("\n%s\n", bad ? "validate-energy: FAIL (an error above 10 %, or a stale preset)"
                         : "validate-energy: every point within 10 %");
    return bad;
}
