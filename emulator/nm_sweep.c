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
#include "nm_opts.h"
#include "nm_output.h"
#include "nm_plot.h"
#include "nm_ref_chip.h"
#include "loihi/nm_loihi_cli.h"
#include "loihi/nm_loihi_image.h"

#define MAXPTS 64

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

/* The options, as the table below fills them. */
typedef struct point_list {
    double v[MAXPTS];
    unsigned n;
} point_list;

static struct {
    point_list rates, volts_list, syn_list, tick_list;
    const char *out, *plot, *energy, *cores, *published, *mesh, *energies;
    double volts, tick_hz, rate;
    unsigned ticks, threads, synapses, warmup;
    uint64_t seed;
    int have_out, have_warmup, have_energy;
} S = {.energy = "truenorth-28nm", .cores = "0,0", .tick_hz = 1000, .rate = -1, .ticks = 1000, .threads = 1,
       .synapses = 128, .warmup = 50, .seed = 1};

static int parse_rates(const char *v, void *dest, char *err, unsigned long errlen)
{
    point_list *l = dest;
    return nm_opts_parse_list(v, l->v, &l->n, MAXPTS, 0, NM_HZ_MAX, err, errlen);
}

/* voltages and tick rates: above 0 */
static int parse_positive(const char *v, void *dest, char *err, unsigned long errlen, double max)
{
    point_list *l = dest;
    unsigned i;
    if (nm_opts_parse_list(v, l->v, &l->n, MAXPTS, 0, max, err, errlen))
        return -1;
    for (i = 0; i < l->n; i++)
        if (l->v[i] == 0) {
            snprintf(err, errlen, "up to %u numbers above 0 and at most %g, comma-separated", MAXPTS, max);
            return -1;
        }
    return 0;
}

static int parse_volts(const char *v, void *dest, char *err, unsigned long errlen)
{
    return parse_positive(v, dest, err, errlen, NM_VOLTS_MAX);
}

static int parse_ticks_list(const char *v, void *dest, char *err, unsigned long errlen)
{
    return parse_positive(v, dest, err, errlen, NM_HZ_MAX);
}

static int parse_syn(const char *v, void *dest, char *err, unsigned long errlen)
{
    point_list *l = dest;
    unsigned i;
    if (nm_opts_parse_list(v, l->v, &l->n, MAXPTS, 0, 256, err, errlen))
        return -1;
    for (i = 0; i < l->n; i++)
        if (l->v[i] != floor(l->v[i])) {
            snprintf(err, errlen, "up to %u whole numbers of synapses 0..256, comma-separated", MAXPTS);
            return -1;
        }
    return 0;
}

static const nm_opt sweep_opts[] = {
    {.name = "rates", .kind = NM_OPT_CUSTOM, .metavar = "R1,R2,..", .parse = parse_rates, .dest = &S.rates,
     .help = "IMAGE: input rates per axon in Hz, one run at each; merolla: the network's\nfiring rate, generated "
             "for each (up to 64)"},
    {.name = "voltages", .kind = NM_OPT_CUSTOM, .metavar = "V1,V2,..", .parse = parse_volts, .dest = &S.volts_list,
     .help = "supply voltages: one run, priced at each (up to 64)"},
    {.name = "tick-rates", .kind = NM_OPT_CUSTOM, .metavar = "F1,F2,..", .parse = parse_ticks_list,
     .dest = &S.tick_list, .help = "ticks per second: one run, priced at each (up to 64)"},
    {.name = "synapse-counts", .kind = NM_OPT_CUSTOM, .metavar = "S1,S2,..", .parse = parse_syn, .dest = &S.syn_list,
     .help = "merolla only: active synapses per neuron, 0..256, generated for each"},
    {.name = "output", .letter = 'o', .kind = NM_OPT_STRING, .metavar = "TABLE.csv", .dest = &S.out,
     .seen = &S.have_out, .required = 1, .help = "the table to write, one row per point"},
    {.name = "plot", .kind = NM_OPT_STRING, .metavar = "FIG.png", .dest = &S.plot,
     .help = "also plot power and energy per synaptic event (gnuplot)"},
    {.name = "ticks", .kind = NM_OPT_UINT, .metavar = "N", .min = 1, .max = NM_TICKS_MAX, .dest = &S.ticks,
     .help = "ticks per run (default 1000)"},
    {.name = "input-cores", .kind = NM_OPT_STRING, .metavar = "all|X,Y", .dest = &S.cores,
     .help = "the cores whose axons get input (default 0,0)"},
    {.name = "rate", .kind = NM_OPT_DOUBLE, .metavar = "R", .min = 0, .max = NM_HZ_MAX, .dest = &S.rate,
     .help = "IMAGE: input rate when --rates is not swept (default 0); merolla: the\nnetwork's firing rate "
             "(default 20)"},
    {.name = "synapses", .kind = NM_OPT_UINT, .metavar = "N", .min = 0, .max = 256, .dest = &S.synapses,
     .help = "merolla: active synapses per neuron when not swept (default 128)"},
    {.name = "mesh", .kind = NM_OPT_STRING, .metavar = "XxY", .dest = &S.mesh,
     .help = "merolla: the mesh, each side 1..64 (default 64x64)"},
    {.name = "warmup", .kind = NM_OPT_UINT, .metavar = "N", .min = 0, .max = 1000000, .dest = &S.warmup,
     .seen = &S.have_warmup, .help = "ticks run before the metered ones (default 50 for merolla, 0 for an IMAGE)"},
    {.name = "published", .kind = NM_OPT_STRING, .metavar = "FILE|none", .dest = &S.published,
     .help = "merolla: the published points to draw (default\ndata/energy/truenorth-validation.json on 64x64 "
             "with a TrueNorth preset)"},
    {.name = "energy", .kind = NM_OPT_STRING, .metavar = "P", .dest = &S.energy, .seen = &S.have_energy,
     .help = "energy preset, a name or a file (default truenorth-28nm; loihi-davies2018\non a Loihi image)"},
    {.name = "energies", .kind = NM_OPT_STRING, .metavar = "P1,P2,..", .dest = &S.energies,
     .help = "Loihi image: energy presets, one run priced with each\n(e.g. loihi-davies2018,loihi-sanafe)"},
    {.name = "voltage", .kind = NM_OPT_DOUBLE, .metavar = "V", .min = 0, .min_open = 1, .max = NM_VOLTS_MAX,
     .dest = &S.volts, .help = "supply voltage when not swept (default: the preset's)"},
    {.name = "tick-rate", .kind = NM_OPT_DOUBLE, .metavar = "HZ", .min = 0, .min_open = 1, .max = NM_HZ_MAX,
     .dest = &S.tick_hz, .help = "ticks per second when not swept (default 1000)"},
    {.name = "threads", .kind = NM_OPT_UINT, .metavar = "N", .min = 1, .max = NM_THREADS_MAX, .dest = &S.threads,
     .help = "worker threads of the reference model (default 1)"},
    {.name = "seed", .kind = NM_OPT_U64, .metavar = "N", .min = 0, .max = 18446744073709551615.0, .dest = &S.seed,
     .help = "seed of the Bernoulli input (default 1)"},
    {0},
};

const nm_cmd_spec nm_sweep_spec = {
    "sweep", "IMAGE|merolla", 1, 1,
    "Run one network at a list of input rates (--rates) or price one run at a list of\n"
    "voltages (--voltages) or tick rates (--tick-rates) on the reference model; on `merolla`,\n"
    "the benchmark network generated for each firing rate (--rates) or synapse count\n"
    "(--synapse-counts), with the published TrueNorth points drawn: a CSV table and a plot\n"
    "(docs/energy-model.md s7).",
    NULL, sweep_opts};

int nm_cmd_sweep(int argc, char **argv)
{
    const char *image, *out, *plot, *energy, *cores, *published, *args[1];
    double list[MAXPTS], volts, tick_hz, in_rate, gen_rate;
    unsigned n = 0, ticks, threads, ix = 0, iy = 0, i, ncores, synapses, mesh_x = 64, mesh_y = 64, warmup, npub = 0,
             nshown = 0, nargs, nlists;
    unsigned long long seed;
    int all = 0, rc = nm_opts_parse(&nm_sweep_spec, argc, argv, args, &nargs), merolla, any_syn = 0;
    char axis = 0; /* r rates, v voltages, s synapse counts, t tick rates */
    nm_energy_preset p;
    nm_image *im = NULL;
    nm_energy_counts c;
    pub_point pub[MAXPTS];
    char err[8192], pubpath[4200], junk;
    nm_out table;
    FILE *f;

    if (rc)
        return rc == 1 ? 0 : rc;
    image = args[0];
    out = S.out, plot = S.plot, energy = S.energy, cores = S.cores, published = S.published;
    volts = S.volts, tick_hz = S.tick_hz, ticks = S.ticks, threads = S.threads, seed = S.seed;
    synapses = S.synapses, warmup = S.warmup;
    in_rate = S.rate >= 0 ? S.rate : 0;
    gen_rate = S.rate >= 0 ? S.rate : 20;
    if (strcmp(image, "merolla") && nm_loihi_image_sniff_file(image)) { /* core type 1: its own axes */
        nm_loihi_sweep_args a;
        memset(&a, 0, sizeof a);
        if (!strcmp(S.cores, "all"))
            a.all_cores = 1;
        else if (sscanf(S.cores, "%u,%u%c", &a.ix, &a.iy, &junk) != 2 || S.cores[0] < '0' || S.cores[0] > '9')
            return nm_usage_error(&nm_sweep_spec, "--input-cores needs 'all' or X,Y, not '%s'", S.cores);
        if (S.plot) {
            const nm_out_role files[] = {{"the image", image, 0}, {"-o", out, 1}, {"--plot", plot, 1}};
            if (nm_out_check_distinct(files, sizeof files / sizeof files[0], err, sizeof err))
                return nm_usage_error(&nm_sweep_spec, "%s", err);
        } else {
            const nm_out_role files[] = {{"the image", image, 0}, {"-o", out, 1}};
            if (nm_out_check_distinct(files, sizeof files / sizeof files[0], err, sizeof err))
                return nm_usage_error(&nm_sweep_spec, "%s", err);
        }
        a.image = image, a.out = out, a.plot = plot, a.energy = S.have_energy ? energy : NULL;
        a.energies = S.energies, a.rates = S.rates.v, a.nrates = S.rates.n, a.step_hz_list = S.tick_list.v;
        a.nstep_hz = S.tick_list.n, a.nvolts = S.volts_list.n, a.nsyn = S.syn_list.n, a.rate = S.rate;
        a.step_hz = tick_hz, a.ticks = ticks, a.warmup = S.have_warmup ? warmup : 0, a.seed = seed;
        return nm_loihi_cli_sweep(&a);
    }
    if (S.energies)
        return nm_usage_error(&nm_sweep_spec, "--energies sweeps the presets of an image of Loihi-style cores; on "
                                              "TrueNorth-style images give one --energy");
    nlists = (S.rates.n > 0) + (S.volts_list.n > 0) + (S.syn_list.n > 0) + (S.tick_list.n > 0);
    if (nlists != 1)
        return nm_usage_error(&nm_sweep_spec, "sweep needs exactly one of --rates, --voltages, --tick-rates and "
                                              "--synapse-counts");
    {
        const point_list *l = S.rates.n ? &S.rates : S.volts_list.n ? &S.volts_list : S.syn_list.n ? &S.syn_list
                                                                                               : &S.tick_list;
        axis = S.rates.n ? 'r' : S.volts_list.n ? 'v' : S.syn_list.n ? 's' : 't';
        n = l->n;
        memcpy(list, l->v, n * sizeof list[0]);
    }
    if (S.mesh && (sscanf(S.mesh, "%ux%u%c", &mesh_x, &mesh_y, &junk) != 2 || mesh_x < 1 || mesh_x > 64 ||
                   mesh_y < 1 || mesh_y > 64))
        return nm_usage_error(&nm_sweep_spec, "--mesh needs XxY, each side 1..64, not '%s'", S.mesh);
    merolla = !strcmp(image, "merolla");
    if (axis == 's' && !merolla)
        return nm_usage_error(&nm_sweep_spec, "--synapse-counts sweeps the generated benchmark: nmemu sweep merolla");
    if (!merolla && !S.have_warmup)
        warmup = 0;
    {
        const nm_out_role files[] = {{"the image", merolla ? NULL : image, 0},
                                     {"--energy", energy, 0},
                                     {"--published", published && strcmp(published, "none") ? published : NULL, 0},
                                     {"-o", out, 1},
                                     {"--plot", plot, 1}};
        if (nm_out_check_distinct(files, sizeof files / sizeof files[0], err, sizeof err))
            return nm_usage_error(&nm_sweep_spec, "%s", err);
    }
    if (!strcmp(cores, "all"))
        all = 1;
    else if (sscanf(cores, "%u,%u%c", &ix, &iy, &junk) != 2 || cores[0] < '0' || cores[0] > '9')
        return nm_usage_error(&nm_sweep_spec, "--input-cores needs 'all' or X,Y, not '%s'", cores);
    for (i = 0; axis == 'r' && i < n; i++)
        if (list[i] > tick_hz)
            return nm_usage_error(&nm_sweep_spec, "rate %g Hz is above the tick rate %g: at most one spike per %s "
                                                  "per tick", list[i], tick_hz, merolla ? "neuron" : "axon");
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
    if (nm_image_is_board(im)) { /* sweep runs one chip */
        fprintf(stderr, "nmemu: %s is a board of %ux%u chips; sweep runs one chip (run a board with nmemu run, "
                        "docs/scale-out.md)\n", image, im->board_x, im->board_y);
        nm_image_free(im);
        return 3;
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
        if (published) { /* the default file is an input too */
            const nm_out_role files[] = {{"the published points", published, 0}, {"-o", out, 1}, {"--plot", plot, 1}};
            if (nm_out_check_distinct(files, sizeof files / sizeof files[0], err, sizeof err)) {
                nm_image_free(im);
                return nm_usage_error(&nm_sweep_spec, "%s", err);
            }
        }
    }
    if (published && strcmp(published, "none") && read_published(published, pub, &npub, err, sizeof err)) {
        fprintf(stderr, "nmemu: %s\n", err);
        nm_image_free(im);
        return 3;
    }
    ncores = im->mesh_x * im->mesh_y;
    if (nm_out_open(&table, out, err, sizeof err)) {
        fprintf(stderr, "nmemu: %s\n", err);
        nm_image_free(im);
        return 1;
    }
    f = table.f;
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
        printf("%s %g%s: %llu spikes, %.4g mW, per synaptic event %.4g pJ with static energy, %.4g pJ dynamic "
               "only\n",
               axis == 'r' ? (merolla ? "firing rate" : "input rate") : axis == 'v' ? "voltage"
               : axis == 's' ? "synapses" : "tick rate",
               x, axis == 'r' ? " Hz" : axis == 'v' ? " V" : axis == 's' ? "" : " ticks/s",
               (unsigned long long)c.n[NM_E_SPIKE], r.power_mw, r.pj_per_synaptic_event,
               r.dynamic_pj_per_synaptic_event);
    }
    if (nm_out_close(&table, rc == 0, err, sizeof err) || rc) {
        nm_image_free(im);
        if (!rc)
            fprintf(stderr, "nmemu: %s\n", err);
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
