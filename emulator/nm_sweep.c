/* nm_sweep.c - `nmemu sweep` (nm_sweep.h, docs/energy-model.md s7).
 *
 * On an IMAGE: --rates R1,R2,...: for each rate, a fresh chip loaded with the image;
 * every axon of the input cores receives a host spike in each tick with probability
 * rate / tick rate (a Bernoulli process, seeded, so a sweep is reproducible); N ticks
 * run and the energy is metered. --voltages V1,... and --tick-rates F1,...: the network
 * runs once (with --rate R of input, 0 by default) and the same counts are priced at
 * each voltage or tick rate.
 *
 * On `merolla` (the benchmark network, nm_gen.h): --rates sweeps the network's own
 * firing rate and --synapse-counts its synapses per neuron, generating the network for
 * each point; --voltages and --tick-rates price one run. The published TrueNorth points
 * whose other parameters match the sweep's are drawn on the same axes. */
#include "nm_sweep.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "nm_energy.h"
#include "nm_gen.h"
#include "nm_image.h"
#include "nm_load.h"
#include "nm_plot.h"
#include "nm_ref_chip.h"

#define MAXPTS 64

static const char usage[] =
    "usage: nmemu sweep IMAGE (--rates R1,.. | --voltages V1,.. | --tick-rates F1,..) -o TABLE.csv\n"
    "                   [--plot FIG.png] [--ticks N] [--input-cores all|X,Y] [--rate R]\n"
    "                   [--energy P] [--voltage V] [--tick-rate HZ] [--threads N] [--seed N]\n"
    "       nmemu sweep merolla (--rates R1,.. | --synapse-counts S1,.. | --voltages V1,..\n"
    "                   | --tick-rates F1,..) -o TABLE.csv [--plot FIG.png] [--mesh XxY]\n"
    "                   [--rate HZ] [--synapses N] [--warmup N] [--published FILE|none] ...\n"
    "  merolla: the benchmark network generated for each point (64x64 cores by default,\n"
    "  --rate its firing rate, default 20 Hz, --synapses its synapses, default 128); the\n"
    "  published points that match (data/energy/truenorth-validation.json) are drawn\n";

static int parse_list(const char *s, double *v, unsigned *n)
{
    char *end;
    *n = 0;
    while (*s) {
        if (*n == MAXPTS)
            return -1;
        v[*n] = strtod(s, &end);
        if (end == s || !(v[*n] >= 0) || !isfinite(v[*n]))
            return -1;
        (*n)++;
        if (*end == ',')
            end++;
        else if (*end)
            return -1;
        s = end;
    }
    return *n ? 0 : -1;
}

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Run the image with Bernoulli input; counts into *c. */
static int run_once(const nm_image *im, double rate, double tick_hz, unsigned ticks, unsigned warmup, int all_cores,
                    unsigned ix, unsigned iy, unsigned threads, uint64_t seed, nm_energy_counts *c)
{
    nm_ref_chip *chip = nm_ref_chip_new(im->mesh_x, im->mesh_y, im->naxons, im->nneurons);
    nm_chip_backend b;
    nm_chip_tick_out o;
    nm_energy_meter m;
    char err[512];
    unsigned t, k, ax, ncores = im->mesh_x * im->mesh_y;
    uint64_t s = seed, thr = (uint64_t)(rate / tick_hz * 18446744073709551615.0);
    int rc = 0;
    if (!chip || nm_ref_chip_set_threads(chip, threads) || nm_chip_tick_out_init(&o, ncores, im->nneurons, 256) ||
        nm_energy_meter_init(&m, ncores)) {
        fprintf(stderr, "nmemu: out of memory\n");
        return 1;
    }
    nm_ref_chip_backend(&b, chip);
    if (nm_image_load(im, &b, err, sizeof err)) {
        fprintf(stderr, "nmemu: %s\n", err);
        return 3;
    }
    for (t = 0; t < warmup + ticks && !rc; t++) {
        if (warmup && t == warmup) {
            nm_energy_meter_sample(&m, &b);
            nm_energy_meter_clear(&m);
        }
        for (k = 0; k < ncores && rate > 0; k++) {
            unsigned x = k % im->mesh_x, y = k / im->mesh_x;
            if (!all_cores && (x != ix || y != iy))
                continue;
            for (ax = 0; ax < im->naxons; ax++) {
                nm_pkt p;
                if (rate < tick_hz && splitmix(&s) >= thr)
                    continue;
                p.dx = (int16_t)x;
                p.dy = (int16_t)y;
                p.axon = (uint8_t)ax;
                p.delay = 1;
                if (b.host_send(b.impl, nm_flit_pack(&p)) != NM_OK)
                    rc = 1;
            }
        }
        if (b.tick(b.impl, &o) != NM_OK)
            rc = 1;
        m.offchip += o.noff;
        if (t % 32768 == 32767)
            nm_energy_meter_sample(&m, &b);
    }
    nm_energy_meter_sample(&m, &b);
    nm_energy_meter_total(&m, c);
    nm_energy_meter_free(&m);
    nm_chip_tick_out_free(&o);
    b.free(b.impl);
    return rc;
}

/* A published point (data/energy/truenorth-validation.json). */
typedef struct pub_point {
    double volts, rate, tick_hz, value;
    unsigned synapses;
    int energy; /* 1: pJ per synaptic event, 0: power in mW */
} pub_point;

/* The published points; 0 (and *n = 0 when there are none), or -1 with a message. */
static int read_published(const char *path, pub_point *pts, unsigned *n, char *err, size_t errlen)
{
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je), *arr, *x;
    size_t i;
    *n = 0;
    if (!root) {
        snprintf(err, errlen, "%s: line %d: %s", path, je.line, je.text);
        return -1;
    }
    arr = json_object_get(root, "points");
    if (!json_is_array(arr)) {
        snprintf(err, errlen, "%s: points: expected an array", path);
        json_decref(root);
        return -1;
    }
    json_array_foreach(arr, i, x) {
        const char *metric = NULL;
        int syn = 0;
        pub_point *p = &pts[*n];
        p->tick_hz = 1000;
        if (*n == MAXPTS)
            break;
        if (json_unpack(x, "{s:F,s:F,s:i,s:s,s:F,s?F}", "voltage_v", &p->volts, "rate_hz", &p->rate, "synapses",
                        &syn, "metric", &metric, "published", &p->value, "tick_hz", &p->tick_hz) ||
            (strcmp(metric, "power_mw") && strcmp(metric, "pj_per_synaptic_event")) || syn < 0) {
            snprintf(err, errlen, "%s: points[%zu]: expected voltage_v, rate_hz, synapses, metric, published", path, i);
            json_decref(root);
            return -1;
        }
        p->synapses = (unsigned)syn;
        p->energy = strcmp(metric, "power_mw") != 0;
        (*n)++;
    }
    json_decref(root);
    return 0;
}

static int near(double a, double b)
{
    return fabs(a - b) <= 0.02 * fabs(b) + 1e-9;
}

int nm_cmd_sweep(int argc, char **argv)
{
    const char *image = NULL, *out = NULL, *plot = NULL, *energy = "truenorth-28nm", *cores = "0,0";
    const char *published = NULL;
    double list[MAXPTS], volts = 0, tick_hz = 1000, in_rate = 0, gen_rate = 20;
    unsigned n = 0, ticks = 1000, threads = 1, ix = 0, iy = 0, i, ncores, synapses = 128, mesh_x = 64,
             mesh_y = 64, warmup = 50, npub = 0, nshown = 0;
    unsigned long long seed = 1;
    int all = 0, a, rc = 0, merolla, rate_given = 0, warmup_given = 0, any_syn = 0;
    char axis = 0; /* r rates, v voltages, s synapse counts, t tick rates */
    nm_energy_preset p;
    nm_image *im = NULL;
    nm_energy_counts c;
    pub_point pub[MAXPTS];
    char err[8192], tmp[4200], pubpath[4200];
    FILE *f;

    for (a = 0; a < argc; a++) {
        const char *v = a + 1 < argc ? argv[a + 1] : NULL, *o = argv[a];
        char *end = NULL;
        if (o[0] != '-' && !image) {
            image = o;
            continue;
        }
        if (!v) {
            fprintf(stderr, "nmemu: unknown or incomplete option '%s'\n%s", o, usage);
            return 2;
        }
        a++;
        if (!strcmp(o, "--rates") || !strcmp(o, "--voltages") || !strcmp(o, "--synapse-counts") ||
            !strcmp(o, "--tick-rates")) {
            if (axis) {
                fprintf(stderr, "nmemu: sweep one quantity at a time (--rates, --voltages, --synapse-counts or "
                                "--tick-rates)\n%s", usage);
                return 2;
            }
            axis = o[2] == 'r' ? 'r' : o[2] == 'v' ? 'v' : o[2] == 's' ? 's' : 't';
            if (parse_list(v, list, &n) || (axis == 't' && list[0] == 0)) {
                fprintf(stderr, "nmemu: %s needs up to %d numbers >= 0, comma-separated, not '%s'\n", o, MAXPTS, v);
                return 2;
            }
            for (i = 0; i < n; i++)
                if ((axis == 's' && (list[i] > 256 || list[i] != floor(list[i]))) || ((axis == 't' || axis == 'v') &&
                                                                                       !(list[i] > 0))) {
                    fprintf(stderr, "nmemu: %s: %g is not %s\n", o, list[i],
                            axis == 's' ? "a whole number of synapses 0..256" : "above 0");
                    return 2;
                }
        } else if (!strcmp(o, "-o")) {
            out = v;
        } else if (!strcmp(o, "--plot")) {
            plot = v;
        } else if (!strcmp(o, "--energy")) {
            energy = v;
        } else if (!strcmp(o, "--published")) {
            published = v;
        } else if (!strcmp(o, "--input-cores")) {
            cores = v;
        } else if (!strcmp(o, "--mesh")) {
            if (sscanf(v, "%ux%u", &mesh_x, &mesh_y) != 2 || mesh_x < 1 || mesh_x > 64 || mesh_y < 1 || mesh_y > 64) {
                fprintf(stderr, "nmemu: --mesh needs XxY, each 1..64, not '%s'\n", v);
                return 2;
            }
        } else if (!strcmp(o, "--ticks") || !strcmp(o, "--threads") || !strcmp(o, "--synapses") ||
                   !strcmp(o, "--warmup")) {
            unsigned long x = strtoul(v, &end, 10);
            unsigned long lo = o[2] == 't' ? 1 : 0,
                          hi = !strcmp(o, "--ticks") ? 100000000ul : !strcmp(o, "--threads") ? 64ul
                             : o[2] == 's' ? 256ul : 1000000ul;
            if (*end || v[0] == '-' || !*v || x < lo || x > hi) {
                fprintf(stderr, "nmemu: %s needs a number %lu..%lu, not '%s'\n", o, lo, hi, v);
                return 2;
            }
            if (!strcmp(o, "--ticks")) ticks = (unsigned)x;
            else if (!strcmp(o, "--threads")) threads = (unsigned)x;
            else if (o[2] == 's') synapses = (unsigned)x;
            else warmup = (unsigned)x, warmup_given = 1;
        } else if (!strcmp(o, "--seed")) {
            seed = strtoull(v, &end, 0);
            if (*end) {
                fprintf(stderr, "nmemu: --seed needs a number, not '%s'\n", v);
                return 2;
            }
        } else if (!strcmp(o, "--voltage") || !strcmp(o, "--tick-rate") || !strcmp(o, "--rate")) {
            double x = strtod(v, &end);
            if (*end || end == v || !(x >= 0) || x > 1e9 || (x == 0 && strcmp(o, "--rate"))) {
                fprintf(stderr, "nmemu: %s needs a positive number, not '%s'\n", o, v);
                return 2;
            }
            if (!strcmp(o, "--voltage")) volts = x;
            else if (!strcmp(o, "--tick-rate")) tick_hz = x;
            else in_rate = gen_rate = x, rate_given = 1;
        } else {
            fprintf(stderr, "nmemu: unknown option '%s'\n%s", o, usage);
            return 2;
        }
    }
    if (!image || !out || !axis) {
        fprintf(stderr, "%s", usage);
        return 2;
    }
    merolla = !strcmp(image, "merolla");
    if (axis == 's' && !merolla) {
        fprintf(stderr, "nmemu: --synapse-counts sweeps the generated benchmark: nmemu sweep merolla ...\n");
        return 2;
    }
    if (!merolla)
        warmup = warmup_given ? warmup : 0;
    (void)rate_given;
    if (!strcmp(cores, "all"))
        all = 1;
    else if (sscanf(cores, "%u,%u", &ix, &iy) != 2) {
        fprintf(stderr, "nmemu: --input-cores needs 'all' or X,Y, not '%s'\n", cores);
        return 2;
    }
    for (i = 0; axis == 'r' && i < n; i++)
        if (list[i] > tick_hz) {
            fprintf(stderr, "nmemu: rate %g Hz is above the tick rate %g: at most one spike per %s per tick\n",
                    list[i], tick_hz, merolla ? "neuron" : "axon");
            return 2;
        }
    if (nm_energy_load(energy, &p, err, sizeof err)) {
        fprintf(stderr, "nmemu: %s\n", err);
        return 3;
    }
    if (volts == 0)
        volts = p.v_ref;
    if (merolla) {
        nm_gen_merolla_opts g;
        nm_gen_merolla_defaults(&g);
        g.mesh_x = mesh_x;
        g.mesh_y = mesh_y;
        g.rate_hz = axis == 'r' ? list[0] : gen_rate;
        g.synapses = axis == 's' ? (unsigned)list[0] : synapses;
        /* check the options once before any run */
        im = nm_gen_merolla(&g, NULL, err, sizeof err);
        if (!im) {
            fprintf(stderr, "nmemu: merolla: %s\n", err);
            return 2;
        }
        in_rate = 0;
        all = 1;
    } else {
        im = nm_image_read(image, err, sizeof err);
        if (!im) {
            fprintf(stderr, "nmemu: %s\n", err);
            return 3;
        }
        if (!all && (ix >= im->mesh_x || iy >= im->mesh_y)) {
            fprintf(stderr, "nmemu: --input-cores %u,%u is outside the %ux%u mesh\n", ix, iy, im->mesh_x, im->mesh_y);
            nm_image_free(im);
            return 2;
        }
    }
    /* the published points: the benchmark on the full chip, a TrueNorth preset */
    if (merolla && !published && im->mesh_x * im->mesh_y == 4096 && !strncmp(p.name, "truenorth", 9)) {
        char dirs[8192], *dir, *save = NULL;
        nm_energy_data_dirs(dirs, sizeof dirs);
        for (dir = strtok_r(dirs, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
            snprintf(pubpath, sizeof pubpath, "%s/truenorth-validation.json", dir);
            if (access(pubpath, R_OK) == 0) {
                published = pubpath;
                break;
            }
        }
    }
    if (published && strcmp(published, "none") && read_published(published, pub, &npub, err, sizeof err)) {
        fprintf(stderr, "nmemu: %s\n", err);
        nm_image_free(im);
        return 3;
    }
    ncores = im->mesh_x * im->mesh_y;
    snprintf(tmp, sizeof tmp, "%s.tmp", out);
    f = fopen(tmp, "w");
    if (!f) {
        perror(tmp);
        nm_image_free(im);
        return 1;
    }
    fprintf(f, "input_rate_hz,voltage_v,ticks,spikes,synaptic_events,static_pj,dynamic_pj,total_pj,power_mw,"
               "pj_per_synaptic_event,dynamic_pj_per_synaptic_event,synapses,tick_rate_hz,firing_rate_hz\n");
    for (i = 0; i < n && !rc; i++) {
        nm_energy_result r;
        double v = axis == 'v' ? list[i] : volts, th = axis == 't' ? list[i] : tick_hz;
        double rate = merolla ? (axis == 'r' ? list[i] : gen_rate) : (axis == 'r' ? list[i] : in_rate);
        unsigned syn = axis == 's' ? (unsigned)list[i] : synapses;
        double x = axis == 'r' ? rate : axis == 'v' ? v : axis == 's' ? syn : th, fr;
        if (merolla && (axis == 'r' || axis == 's') && i > 0) {
            nm_gen_merolla_opts g;
            nm_gen_merolla_defaults(&g);
            g.mesh_x = mesh_x;
            g.mesh_y = mesh_y;
            g.rate_hz = rate;
            g.synapses = syn;
            nm_image_free(im);
            im = nm_gen_merolla(&g, NULL, err, sizeof err);
            if (!im) {
                fprintf(stderr, "nmemu: merolla: %s\n", err);
                rc = 2;
                break;
            }
        }
        if (axis == 'r' || axis == 's' || i == 0)
            rc = run_once(im, merolla ? 0 : rate, th, ticks, warmup, all, ix, iy, threads, seed, &c);
        if (rc)
            break;
        nm_energy_compute(&p, v, th, ticks, ncores, &c, &r);
        any_syn |= c.n[NM_E_SYNAPTIC_EVENT] > 0;
        /* the network's own rate per neuron, in spikes per second of chip time at 1 kHz */
        fr = (double)c.n[NM_E_SPIKE] / ((double)ncores * im->nneurons) / ((double)ticks / th);
        fprintf(f, "%g,%g,%u,%llu,%llu,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%u,%g,%.6g\n", merolla ? 0.0 : rate, v, ticks,
                (unsigned long long)c.n[NM_E_SPIKE], (unsigned long long)c.n[NM_E_SYNAPTIC_EVENT], r.static_pj,
                r.dynamic_pj, r.total_pj, r.power_mw, r.pj_per_synaptic_event, r.dynamic_pj_per_synaptic_event,
                merolla ? syn : 0u, th, fr);
        printf("%s %g%s: %llu spikes, %.4g mW, per synaptic event %.4g pJ dynamic only, %.4g pJ with static\n",
               axis == 'r' ? (merolla ? "firing rate" : "input rate") : axis == 'v' ? "voltage"
               : axis == 's' ? "synapses" : "tick rate",
               x, axis == 'r' ? " Hz" : axis == 'v' ? " V" : axis == 's' ? "" : " ticks/s",
               (unsigned long long)c.n[NM_E_SPIKE], r.power_mw, r.dynamic_pj_per_synaptic_event,
               r.pj_per_synaptic_event);
    }
    if (fclose(f) || rc || rename(tmp, out)) {
        remove(tmp);
        nm_image_free(im);
        if (!rc)
            fprintf(stderr, "nmemu: cannot write %s\n", out);
        return rc ? rc : 1;
    }
    printf("table: %s\n", out);
    if (plot) {
        /* x column of the table, its label; published points that match the fixed parameters */
        const char *col = axis == 'r' ? (merolla ? "14" : "1") : axis == 'v' ? "2" : axis == 's' ? "12" : "13";
        const char *xl = axis == 'r' ? (merolla ? "firing rate (Hz)" : "input rate per axon (Hz)")
                         : axis == 'v' ? "supply voltage (V)" : axis == 's' ? "active synapses per neuron"
                         : "tick rate (ticks/s)";
        char pubp[4096] = "", pube[4096] = "";
        size_t lp = 0, le = 0;
        char *script;
        size_t cap = 16384;
        for (i = 0; i < npub; i++) {
            const pub_point *q = &pub[i];
            double x = axis == 'r' ? q->rate : axis == 'v' ? q->volts : axis == 's' ? q->synapses : q->tick_hz;
            if ((axis != 'v' && fabs(q->volts - volts) > 1e-3) || (axis != 'r' && !near(q->rate, gen_rate)) ||
                (axis != 's' && q->synapses != synapses) || (axis != 't' && q->tick_hz != tick_hz))
                continue;
            if (q->energy)
                le += (size_t)snprintf(pube + le, sizeof pube - le, "%g,%g\n", x, q->value);
            else
                lp += (size_t)snprintf(pubp + lp, sizeof pubp - lp, "%g,%g\n", x, q->value);
            nshown++;
        }
        script = malloc(cap);
        if (!script)
            abort();
        /* the right panel only when there were synaptic events to divide by */
        snprintf(script, cap,
                 "set datafile separator ','\nset key autotitle columnhead\nset grid\n"
                 "$pub << EOD\nx,published\n%sEOD\n$pube << EOD\nx,published\n%sEOD\n"
                 "set multiplot layout 1,%d title '%s, %s at %g V, %g ticks/s%s' noenhanced\nset xlabel '%s'\n"
                 "set ylabel 'power (mW)'\n"
                 "plot '%s' using %s:9 with linespoints pt 7 title 'nmemu'%s\n",
                 pubp, pube, any_syn ? 2 : 1, merolla ? "merolla benchmark" : image, p.name, volts, tick_hz,
                 nshown ? " (squares: published TrueNorth)" : "", xl, out, col,
                 lp ? ", $pub using 1:2 with points pt 4 ps 2 lw 2 lc rgb '#000000' title 'published'" : "");
        if (any_syn)
            snprintf(script + strlen(script), cap - strlen(script),
                     "set ylabel 'energy per synaptic event (pJ)'\n"
                     "plot '%s' using %s:($5 > 0 ? $10 : 1/0) with linespoints pt 7 lc rgb '#c03030' title "
                     "'with static', '' using %s:($5 > 0 ? $11 : 1/0) with linespoints pt 5 lc rgb '#3b6ea5' "
                     "title 'dynamic only'%s\n",
                     out, col, col,
                     le ? ", $pube using 1:2 with points pt 4 ps 2 lw 2 lc rgb '#000000' title 'published'" : "");
        snprintf(script + strlen(script), cap - strlen(script), "unset multiplot\n");
        if (nm_plot_run(script, plot, err, sizeof err)) {
            fprintf(stderr, "nmemu: %s\n", err);
            free(script);
            nm_image_free(im);
            return 1;
        }
        free(script);
        printf("plot: %s%s\n", plot, nshown ? "" : " (no published point matches this sweep)");
        if (nshown)
            printf("published points drawn: %u (%s)\n", nshown, published);
    }
    nm_image_free(im);
    return 0;
}
