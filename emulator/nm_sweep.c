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
#include "nm_ref_chip.h"

#define MAXPTS 64

static const char usage[] =
    "usage: nmemu sweep IMAGE (--rates R1,R2,... | --voltages V1,V2,...) -o TABLE.csv\n"
    "                   [--plot FIG.png] [--ticks N] [--input-cores all|X,Y] [--rate R]\n"
    "                   [--energy P] [--voltage V] [--tick-rate HZ] [--threads N] [--seed N]\n";

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
    const char *image = NULL, *out = NULL, *plot = NULL, *energy = "truenorth-28nm", *cores = "0,0";
    double rates[MAXPTS], volts_list[MAXPTS], volts = 0, tick_hz = 1000, in_rate = 0;
    unsigned nr = 0, nv = 0, ticks = 1000, threads = 1, ix = 0, iy = 0, i, ncores;
    unsigned long long seed = 1;
    int all = 0, a, rc = 0;
    nm_energy_preset p;
    nm_image *im;
    char err[1024], tmp[4200];
    FILE *f;

    for (a = 0; a < argc; a++) {
        const char *v = a + 1 < argc ? argv[a + 1] : NULL;
        char *end = NULL;
        if (argv[a][0] != '-' && !image) {
            image = argv[a];
            continue;
        }
        if (!v) {
            fprintf(stderr, "nmemu: unknown or incomplete option '%s'\n%s", argv[a], usage);
            return 2;
        }
        a++;
        if (!strcmp(argv[a - 1], "--rates")) {
            if (parse_list(v, rates, &nr)) {
                fprintf(stderr, "nmemu: --rates needs up to %d rates >= 0 in Hz, comma-separated, not '%s'\n", MAXPTS, v);
                return 2;
            }
        } else if (!strcmp(argv[a - 1], "--voltages")) {
            if (parse_list(v, volts_list, &nv)) {
                fprintf(stderr, "nmemu: --voltages needs up to %d voltages, comma-separated, not '%s'\n", MAXPTS, v);
                return 2;
            }
        } else if (!strcmp(argv[a - 1], "-o")) {
            out = v;
        } else if (!strcmp(argv[a - 1], "--plot")) {
            plot = v;
        } else if (!strcmp(argv[a - 1], "--energy")) {
            energy = v;
        } else if (!strcmp(argv[a - 1], "--input-cores")) {
            cores = v;
        } else if (!strcmp(argv[a - 1], "--ticks") || !strcmp(argv[a - 1], "--threads")) {
            unsigned long n = strtoul(v, &end, 10);
            if (*end || v[0] == '-' || n < 1 || n > (argv[a - 1][3] == 'i' ? 100000000ul : 64ul)) {
                fprintf(stderr, "nmemu: %s needs a positive number, not '%s'\n", argv[a - 1], v);
                return 2;
            }
            *(argv[a - 1][3] == 'i' ? &ticks : &threads) = (unsigned)n;
        } else if (!strcmp(argv[a - 1], "--seed")) {
            seed = strtoull(v, &end, 0);
            if (*end) {
                fprintf(stderr, "nmemu: --seed needs a number, not '%s'\n", v);
                return 2;
            }
        } else if (!strcmp(argv[a - 1], "--voltage") || !strcmp(argv[a - 1], "--tick-rate") ||
                   !strcmp(argv[a - 1], "--rate")) {
            double x = strtod(v, &end);
            if (*end || end == v || !(x >= 0) || x > 1e9 || (x == 0 && strcmp(argv[a - 1], "--rate"))) {
                fprintf(stderr, "nmemu: %s needs a positive number, not '%s'\n", argv[a - 1], v);
                return 2;
            }
            if (!strcmp(argv[a - 1], "--voltage")) volts = x;
            else if (!strcmp(argv[a - 1], "--tick-rate")) tick_hz = x;
            else in_rate = x;
        } else {
            fprintf(stderr, "nmemu: unknown option '%s'\n%s", argv[a - 1], usage);
            return 2;
        }
    }
    if (!image || !out || (nr == 0) == (nv == 0)) {
        fprintf(stderr, "%s", usage);
        return 2;
    }
    if (!strcmp(cores, "all"))
        all = 1;
    else if (sscanf(cores, "%u,%u", &ix, &iy) != 2) {
        fprintf(stderr, "nmemu: --input-cores needs 'all' or X,Y, not '%s'\n", cores);
        return 2;
    }
    for (i = 0; i < nr; i++)
        if (rates[i] > tick_hz) {
            fprintf(stderr, "nmemu: rate %g Hz is above the tick rate %g: at most one spike per axon per tick\n",
                    rates[i], tick_hz);
            return 2;
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
    snprintf(tmp, sizeof tmp, "%s.tmp", out);
    f = fopen(tmp, "w");
    if (!f) {
        perror(tmp);
        nm_image_free(im);
        return 1;
    }
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
            printf("%s %g %s: %llu spikes, %.4g mW, per synaptic event %.4g pJ dynamic only, %.4g pJ with static\n",
                   nr ? "input rate" : "voltage", nr ? rate : v, nr ? "Hz" : "V", (unsigned long long)c.n[NM_E_SPIKE],
                   r.power_mw, r.dynamic_pj_per_synaptic_event, r.pj_per_synaptic_event);
        }
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
        char script[4096];
        const char *col = nr ? "1" : "2", *xl = nr ? "input rate per axon (Hz)" : "supply voltage (V)";
        snprintf(script, sizeof script,
                 "set datafile separator ','\nset key autotitle columnhead\nset grid\nset multiplot layout 1,2 "
                 "title '%s, %s at %g ticks/s' noenhanced\nset xlabel '%s'\nset ylabel 'power (mW)'\n"
                 "plot '%s' using %s:9 with linespoints pt 7 title 'average power'\n"
                 "set ylabel 'energy per synaptic event (pJ)'\n"
                 "plot '%s' using %s:10 with linespoints pt 7 lc rgb '#c03030' title 'with static', "
                 "'' using %s:11 with linespoints pt 5 lc rgb '#3b6ea5' title 'dynamic only'\n"
                 "unset multiplot\n",
                 image, p.name, tick_hz, xl, out, col, out, col, col);
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
