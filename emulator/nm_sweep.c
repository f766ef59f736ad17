/* nm_sweep.c - `nmemu sweep` (nm_sweep.h, docs/energy-model.md s7).
 *
 * --rates R1,R2,...: for each rate, a fresh chip loaded with the image; every axon of
 * the input cores receives a host spike in each tick with probability rate / tick rate
 * (a Bernoulli process, seeded, so a sweep is reproducible); N ticks run and the energy
 * is metered. --voltages V1,V2,...: the network runs once (with --rate R of input, 0 by
 * default) and the same counts are priced at each voltage. */
#include "nm_sweep.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nm_energy.h"
#include "nm_image.h"
#include "nm_load.h"
#include "nm_plot.h"
#include "nm_opts.h"
#include "nm_output.h"
#include "nm_ref_chip.h"

#define MAXPTS 64

/* The options, as the table below fills them. */
typedef struct point_list {
    double v[MAXPTS];
    unsigned n;
} point_list;

static struct {
    point_list rates, volts_list;
    const char *out, *plot, *energy, *cores;
    double volts, tick_hz, in_rate;
    unsigned ticks, threads;
    uint64_t seed;
    int have_out;
} S = {.energy = "truenorth-28nm", .cores = "0,0", .tick_hz = 1000, .ticks = 1000, .threads = 1, .seed = 1};

static int parse_rates(const char *v, void *dest, char *err, unsigned long errlen)
{
    point_list *l = dest;
    return nm_opts_parse_list(v, l->v, &l->n, MAXPTS, 0, NM_HZ_MAX, err, errlen);
}

static int parse_volts(const char *v, void *dest, char *err, unsigned long errlen)
{
    point_list *l = dest;
    unsigned i;
    if (nm_opts_parse_list(v, l->v, &l->n, MAXPTS, 0, NM_VOLTS_MAX, err, errlen))
        return -1;
    for (i = 0; i < l->n; i++)
        if (l->v[i] == 0) {
            snprintf(err, errlen, "up to %u voltages above 0 and at most %g, comma-separated", MAXPTS, NM_VOLTS_MAX);
            return -1;
        }
    return 0;
}

static const nm_opt sweep_opts[] = {
    {.name = "rates", .kind = NM_OPT_CUSTOM, .metavar = "R1,R2,..", .parse = parse_rates, .dest = &S.rates,
     .help = "input rates per axon in Hz: one run at each (up to 64)"},
    {.name = "voltages", .kind = NM_OPT_CUSTOM, .metavar = "V1,V2,..", .parse = parse_volts, .dest = &S.volts_list,
     .help = "supply voltages: one run, priced at each (up to 64)"},
    {.name = "output", .letter = 'o', .kind = NM_OPT_STRING, .metavar = "TABLE.csv", .dest = &S.out,
     .seen = &S.have_out, .required = 1, .help = "the table to write, one row per point"},
    {.name = "plot", .kind = NM_OPT_STRING, .metavar = "FIG.png", .dest = &S.plot,
     .help = "also plot power and energy per synaptic event (gnuplot)"},
    {.name = "ticks", .kind = NM_OPT_UINT, .metavar = "N", .min = 1, .max = NM_TICKS_MAX, .dest = &S.ticks,
     .help = "ticks per run (default 1000)"},
    {.name = "input-cores", .kind = NM_OPT_STRING, .metavar = "all|X,Y", .dest = &S.cores,
     .help = "the cores whose axons get input (default 0,0)"},
    {.name = "rate", .kind = NM_OPT_DOUBLE, .metavar = "R", .min = 0, .max = NM_HZ_MAX, .dest = &S.in_rate,
     .help = "input rate of a --voltages sweep (default 0)"},
    {.name = "energy", .kind = NM_OPT_STRING, .metavar = "P", .dest = &S.energy,
     .help = "energy preset, a name or a file (default truenorth-28nm)"},
    {.name = "voltage", .kind = NM_OPT_DOUBLE, .metavar = "V", .min = 0, .min_open = 1, .max = NM_VOLTS_MAX,
     .dest = &S.volts, .help = "supply voltage of a --rates sweep (default: the preset's)"},
    {.name = "tick-rate", .kind = NM_OPT_DOUBLE, .metavar = "HZ", .min = 0, .min_open = 1, .max = NM_HZ_MAX,
     .dest = &S.tick_hz, .help = "ticks per second (default 1000)"},
    {.name = "threads", .kind = NM_OPT_UINT, .metavar = "N", .min = 1, .max = NM_THREADS_MAX, .dest = &S.threads,
     .help = "worker threads of the reference model (default 1)"},
    {.name = "seed", .kind = NM_OPT_U64, .metavar = "N", .min = 0, .max = 18446744073709551615.0, .dest = &S.seed,
     .help = "seed of the Bernoulli input (default 1)"},
    {0},
};

const nm_cmd_spec nm_sweep_spec = {
    "sweep", "IMAGE", 1, 1,
    "Run one network at a list of input rates (--rates) or price one run at a list of\n"
    "voltages (--voltages) on the reference model: a CSV table and a plot (docs/energy-model.md s7).",
    NULL, sweep_opts};

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Run the image with Bernoulli input; counts into *c. */
static int run_once(const nm_image *im, double rate, double tick_hz, unsigned ticks, int all_cores, unsigned ix,
                    unsigned iy, unsigned threads, uint64_t seed, nm_energy_counts *c)
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
    for (t = 0; t < ticks && !rc; t++) {
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

int nm_cmd_sweep(int argc, char **argv)
{
    const char *image, *out, *plot, *energy, *cores, *args[1];
    double *rates = S.rates.v, *volts_list = S.volts_list.v, volts, tick_hz, in_rate;
    unsigned nr, nv, ticks, threads, ix = 0, iy = 0, i, ncores, nargs;
    unsigned long long seed;
    int all = 0, rc = nm_opts_parse(&nm_sweep_spec, argc, argv, args, &nargs);
    nm_energy_preset p;
    nm_image *im;
    char err[4400], junk;
    nm_out table;
    FILE *f;

    if (rc)
        return rc == 1 ? 0 : rc;
    image = args[0];
    out = S.out, plot = S.plot, energy = S.energy, cores = S.cores;
    volts = S.volts, tick_hz = S.tick_hz, in_rate = S.in_rate;
    nr = S.rates.n, nv = S.volts_list.n, ticks = S.ticks, threads = S.threads, seed = S.seed;
    if ((nr == 0) == (nv == 0))
        return nm_usage_error(&nm_sweep_spec, "sweep needs exactly one of --rates and --voltages");
    {
        const nm_out_role files[] = {{"the image", image, 0}, {"--energy", energy, 0}, {"-o", out, 1},
                                     {"--plot", plot, 1}};
        if (nm_out_check_distinct(files, sizeof files / sizeof files[0], err, sizeof err))
            return nm_usage_error(&nm_sweep_spec, "%s", err);
    }
    if (!strcmp(cores, "all"))
        all = 1;
    else if (sscanf(cores, "%u,%u%c", &ix, &iy, &junk) != 2 || cores[0] < '0' || cores[0] > '9') {
        return nm_usage_error(&nm_sweep_spec, "--input-cores needs 'all' or X,Y, not '%s'", cores);
    }
    for (i = 0; i < nr; i++)
        if (rates[i] > tick_hz) {
            return nm_usage_error(&nm_sweep_spec,
                                  "rate %g Hz is above the tick rate %g: at most one spike per axon per tick",
                                  rates[i], tick_hz);
        }
    if (nm_energy_load(energy, &p, err, sizeof err)) {
        fprintf(stderr, "nmemu: %s\n", err);
        return 3;
    }
    if (volts == 0)
        volts = p.v_ref;
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
    ncores = im->mesh_x * im->mesh_y;
    if (nm_out_open(&table, out, err, sizeof err)) {
        fprintf(stderr, "nmemu: %s\n", err);
        nm_image_free(im);
        return 1;
    }
    f = table.f;
    fprintf(f, "input_rate_hz,voltage_v,ticks,spikes,synaptic_events,static_pj,dynamic_pj,total_pj,power_mw,"
               "pj_per_synaptic_event,dynamic_pj_per_synaptic_event\n");
    {
        nm_energy_counts c;
        unsigned npts = nr ? nr : nv;
        for (i = 0; i < npts && !rc; i++) {
            nm_energy_result r;
            double rate = nr ? rates[i] : in_rate, v = nv ? volts_list[i] : volts;
            if (nr || i == 0)
                rc = run_once(im, rate, tick_hz, ticks, all, ix, iy, threads, seed, &c);
            if (rc)
                break;
            nm_energy_compute(&p, v, tick_hz, ticks, ncores, &c, &r);
            fprintf(f, "%g,%g,%u,%llu,%llu,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g\n", rate, v, ticks,
                    (unsigned long long)c.n[NM_E_SPIKE], (unsigned long long)c.n[NM_E_SYNAPTIC_EVENT], r.static_pj,
                    r.dynamic_pj, r.total_pj, r.power_mw, r.pj_per_synaptic_event, r.dynamic_pj_per_synaptic_event);
            printf("%s %g %s: %llu spikes, %.4g mW, %.4g pJ per synaptic event with static energy (%.4g dynamic "
                   "only)\n",
                   nr ? "input rate" : "voltage", nr ? rate : v, nr ? "Hz" : "V", (unsigned long long)c.n[NM_E_SPIKE],
                   r.power_mw, r.pj_per_synaptic_event, r.dynamic_pj_per_synaptic_event);
        }
    }
    if (nm_out_close(&table, rc == 0, err, sizeof err) || rc) {
        nm_image_free(im);
        if (!rc)
            fprintf(stderr, "nmemu: %s\n", err);
        return rc ? rc : 1;
    }
    printf("table: %s\n", out);
    if (plot) {
        char script[4096];
        const char *col = nr ? "1" : "2", *xl = nr ? "input rate per axon (Hz)" : "supply voltage (V)";
        snprintf(script, sizeof script,
                 "set datafile separator ','\nset key autotitle columnhead\nset grid\nset multiplot layout 1,2 "
                 "title '%s, %s at %g ticks/s' noenhanced\nset xlabel '%s'\nset ylabel 'power (mW)'\n"
                 "plot '%s' using %s:9 with linespoints pt 7 title 'average power'\n"
                 "set ylabel 'energy per synaptic event (pJ)'\n"
                 "plot '%s' using %s:10 with linespoints pt 7 lc rgb '#c03030' title 'pJ per synaptic event'\n"
                 "unset multiplot\n",
                 image, p.name, tick_hz, xl, out, col, out, col);
        if (nm_plot_run(script, plot, err, sizeof err)) {
            fprintf(stderr, "nmemu: %s\n", err);
            nm_image_free(im);
            return 1;
        }
        printf("plot: %s\n", plot);
    }
    nm_image_free(im);
    return 0;
}
