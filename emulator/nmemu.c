/* nmemu.c - the command line: inspect and run network images.
 *
 *   nmemu compile NET.json -o NET.nmi
 *   nmemu decompile NET.nmi [-o NET.json]
 *   nmemu info IMAGE
 *   nmemu pack-input IMAGE SPIKES.csv -o SPIKES.nsp
 *   nmemu run IMAGE [--ticks N] [--backend rtl|ref|check] [--input SPIKES]
 *                   [--spikes FILE] [--outputs FILE] [--report FILE] [--raster]
 *
 * Exit status: 0 success, 1 the run failed or (check) the backends diverged,
 * 2 bad usage, 3 a bad input file (image or spike program).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "nm_chipmap.h"
#include "nm_compile.h"
#include "nm_core_prog.h"
#include "nm_energy.h"
#include "nm_energy_report.h"
#include "nm_power_trace.h"
#include "nm_groups.h"
#include "nm_gen.h"
#include "nm_plot.h"
#include "nm_sweep.h"
#include "nm_image.h"
#include "nm_load.h"
#include "nm_ref_chip.h"
#include "nm_regmap.h"
#include "nm_report.h"
#include "nm_rtl_chip.h"

#define NMEMU_VERSION "0.3.0"
#define EXIT_RUN 1
#define EXIT_USAGE 2
#define EXIT_INPUT 3

static const char usage_text[] =
    "usage: nmemu compile NET.json -o NET.nmi     (docs/network-format.md)\n"
    "       nmemu decompile NET.nmi [-o NET.json]\n"
    "       nmemu info IMAGE\n"
    "       nmemu pack-input IMAGE SPIKES.csv -o SPIKES.nsp   (the binary spike form)\n"
    "       nmemu gen merolla -o NET.nmi [--mesh XxY] [--rate HZ|0] [--synapses N]\n"
    "                         [--tick-rate HZ] [--seed N] [--stochastic 0|1]\n"
    "                         (the TrueNorth benchmark network; docs/energy-model.md s5)\n"
    "       nmemu run IMAGE [--ticks N] [--backend rtl|ref|check] [--input SPIKES]\n"
    "                       [--spikes FILE] [--outputs FILE] [--report FILE] [--raster]\n"
    "                       [--trace F.fst|F.vcd [--trace-from T] [--trace-to T]]\n"
    "                       [--seed N] [--threads N]\n"
    "                       [--energy PRESET|FILE] [--voltage V] [--tick-rate HZ]\n"
    "                       [--power-trace F.csv [--power-window N]] [--groups FILE]\n"
    "       nmemu plot REPORT.json [--spikes SPIKES.csv] [--power-trace F.csv] -o DIR\n"
    "                       (PNG figures, gnuplot)\n"
    "       nmemu sweep IMAGE (--rates R1,R2,.. | --voltages V1,V2,..) -o TABLE.csv\n"
    "                   [--plot FIG.png] [--ticks N] [--input-cores all|X,Y] ... (nmemu sweep --help)\n"
    "       nmemu --version | --help\n"
    "\n"
    "run options:\n"
    "  --ticks N        ticks to run (default 100)\n"
    "  --backend B      rtl: the Verilated chip; ref: the C reference model (default);\n"
    "                   check: both in lockstep, stop at the first divergence\n"
    "  --input F        host spikes: lines 'tick,x,y,axon' ('#' comments), or the\n"
    "                   binary form (docs/network-format.md)\n"
    "  --spikes F       write every neuron spike as 'tick,x,y,neuron'\n"
    "  --outputs F      write off-chip packets as 'tick,side,pos,dx,dy,axon,delay'\n"
    "  --raster         print one line per tick: the spikes of every core\n"
    "  --report F       write a JSON run report: ticks, cycles per tick, every counter\n"
    "  --trace F.fst    write a waveform of the RTL chip (GTKWave): FST, or VCD when F\n"
    "                   ends in .vcd; every cycle from reset unless a window is given\n"
    "  --trace-from T   start the waveform at tick T (its host input and tick request)\n"
    "  --trace-to T     end the waveform after tick T (default: the last tick)\n"
    "  --seed N         replace the image's PRNG seeds: core k gets N + k\n"
    "  --energy P       energy preset: a name in data/energy (truenorth-28nm, the\n"
    "                   default, or loihi-14nm) or a preset file (docs/energy-model.md)\n"
    "  --voltage V      supply voltage (default: the preset's, 0.775 V for TrueNorth)\n"
    "  --tick-rate HZ   ticks per second for power and static energy (default 1000)\n"
    "  --power-trace F  write energy per event class per window of ticks to F (CSV), and\n"
    "                   every core's per window to F less .csv plus .cores.csv\n"
    "  --power-window N the window of --power-trace, in ticks (default 10)\n"
    "  --groups FILE    energy per neuron group: the network JSON the image came from\n"
    "                   (its parameter sets and id ranges) or a groups file\n"
    "  --threads N      worker threads of the ref backend (default: the CPUs online);\n"
    "                   results are identical whatever N\n"
    "on a terminal, a progress line (ticks, ticks/s, time left) is drawn on stderr\n"
    "exit status: 0 ok, 1 run failed or backends diverged, 2 usage, 3 bad input file\n";

/* An output file written under a temporary name and renamed when complete. */
typedef struct outfile {
    FILE *f;
    char path[4096], tmp[4200];
} outfile;

static int out_open(outfile *o, const char *path, const char *header)
{
    o->f = NULL;
    if (!path)
        return 0;
    snprintf(o->path, sizeof o->path, "%s", path);
    snprintf(o->tmp, sizeof o->tmp, "%s.tmp", path);
    o->f = fopen(o->tmp, "w");
    if (!o->f) {
        perror(o->tmp);
        return -1;
    }
    fputs(header, o->f);
    return 0;
}

static int out_close(outfile *o, int keep)
{
    int bad;
    if (!o->f)
        return 0;
    bad = ferror(o->f) != 0;
    bad |= fclose(o->f) != 0;
    o->f = NULL;
    if (bad || !keep) {
        remove(o->tmp);
        if (bad)
            fprintf(stderr, "nmemu: cannot write %s\n", o->path);
        return bad ? -1 : 0;
    }
    if (rename(o->tmp, o->path) != 0) {
        perror(o->path);
        remove(o->tmp);
        return -1;
    }
    return 0;
}

static int cmd_compile(int argc, char **argv)
{
    char err[512];
    nm_image *im;
    if (argc != 3 || strcmp(argv[1], "-o")) {
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    im = nm_compile_file(argv[0], err, sizeof err);
    if (!im) {
        fprintf(stderr, "nmemu: %s\n", err);
        return EXIT_INPUT;
    }
    if (nm_image_write(im, argv[2], err, sizeof err)) {
        fprintf(stderr, "nmemu: %s\n", err);
        nm_image_free(im);
        return EXIT_RUN;
    }
    nm_image_free(im);
    return 0;
}

static int cmd_decompile(int argc, char **argv)
{
    char err[512];
    nm_image *im;
    char *text;
    outfile o;
    if ((argc != 1 && argc != 3) || (argc == 3 && strcmp(argv[1], "-o"))) {
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    im = nm_image_read(argv[0], err, sizeof err);
    if (!im) {
        fprintf(stderr, "nmemu: %s\n", err);
        return EXIT_INPUT;
    }
    text = nm_decompile(im);
    nm_image_free(im);
    if (!text) {
        fprintf(stderr, "nmemu: out of memory\n");
        return EXIT_RUN;
    }
    if (argc == 1) {
        puts(text);
        free(text);
        return 0;
    }
    if (out_open(&o, argv[2], "")) {
        free(text);
        return EXIT_RUN;
    }
    fputs(text, o.f);
    fputc('\n', o.f);
    free(text);
    return out_close(&o, 1) ? EXIT_RUN : 0;
}

static int cmd_pack_input(int argc, char **argv)
{
    char err[512];
    nm_image *im;
    nm_input *in = NULL;
    size_t n = 0;
    int rc = 0;
    if (argc != 4 || strcmp(argv[2], "-o")) {
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    im = nm_image_read(argv[0], err, sizeof err);
    if (!im) {
        fprintf(stderr, "nmemu: %s\n", err);
        return EXIT_INPUT;
    }
    if (nm_inputs_read(argv[1], im->mesh_x, im->mesh_y, im->naxons, &in, &n, err, sizeof err)) {
        fprintf(stderr, "nmemu: %s\n", err);
        rc = EXIT_INPUT;
    } else if (nm_inputs_write_binary(argv[3], in, n, err, sizeof err)) {
        fprintf(stderr, "nmemu: %s\n", err);
        rc = EXIT_RUN;
    }
    free(in);
    nm_image_free(im);
    return rc;
}

static int cmd_info(int argc, char **argv)
{
    char err[512];
    nm_image *im;
    unsigned k, j;
    uint64_t syn = 0;
    if (argc != 1) {
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    im = nm_image_read(argv[0], err, sizeof err);
    if (!im) {
        fprintf(stderr, "nmemu: %s\n", err);
        return EXIT_INPUT;
    }
    for (k = 0; k < im->mesh_x * im->mesh_y; k++)
        for (j = 0; j < im->nneurons * im->naxons / 32; j++)
            syn += (unsigned)__builtin_popcount(im->cores[k].xbar[j]);
    printf("image %s: version %u.%u\n", argv[0], NM_IMAGE_VERSION_MAJOR, NM_IMAGE_VERSION_MINOR);
    printf("mesh %u x %u cores, each %u axons x %u neurons (%u neurons in all)\n", im->mesh_x, im->mesh_y,
           im->naxons, im->nneurons, im->mesh_x * im->mesh_y * im->nneurons);
    printf("synapses (crossbar bits set): %" PRIu64 " (%.1f%% of the crossbars)\n", syn,
           100.0 * (double)syn / ((double)im->mesh_x * im->mesh_y * im->nneurons * im->naxons));
    nm_image_free(im);
    return 0;
}

static int parse_double(const char *opt, const char *v, double *out)
{
    char *end;
    *out = strtod(v, &end);
    if (*end || end == v || !(*out > 0) || *out > 1e9) {
        fprintf(stderr, "nmemu: %s needs a positive number, not '%s'\n", opt, v);
        return -1;
    }
    return 0;
}

static int cmd_gen(int argc, char **argv)
{
    nm_gen_merolla_opts g;
    nm_gen_merolla_info info;
    const char *out = NULL;
    char err[512], *end;
    nm_image *im;
    int a;
    nm_gen_merolla_defaults(&g);
    if (argc < 1 || strcmp(argv[0], "merolla")) {
        fprintf(stderr, "nmemu: gen knows one network, 'merolla'\n%s", usage_text);
        return EXIT_USAGE;
    }
    for (a = 1; a < argc; a++) {
        const char *v = a + 1 < argc ? argv[a + 1] : NULL;
        if (!v) {
            fprintf(stderr, "nmemu: unknown or incomplete option '%s'\n%s", argv[a], usage_text);
            return EXIT_USAGE;
        }
        if (!strcmp(argv[a], "-o")) {
            out = v;
        } else if (!strcmp(argv[a], "--mesh")) {
            if (sscanf(v, "%ux%u", &g.mesh_x, &g.mesh_y) != 2) {
                fprintf(stderr, "nmemu: --mesh needs XxY (e.g. 64x64), not '%s'\n", v);
                return EXIT_USAGE;
            }
        } else if (!strcmp(argv[a], "--rate")) {
            if (strcmp(v, "0") && parse_double("--rate", v, &g.rate_hz)) /* 0: the idle chip */
                return EXIT_USAGE;
            if (!strcmp(v, "0"))
                g.rate_hz = 0;
        } else if (!strcmp(argv[a], "--tick-rate")) {
            if (parse_double("--tick-rate", v, &g.tick_hz))
                return EXIT_USAGE;
        } else if (!strcmp(argv[a], "--stochastic")) {
            if (strcmp(v, "0") && strcmp(v, "1")) {
                fprintf(stderr, "nmemu: --stochastic needs 0 or 1, not '%s'\n", v);
                return EXIT_USAGE;
            }
            g.stochastic = v[0] == '1';
        } else if (!strcmp(argv[a], "--synapses")) {
            unsigned long n = strtoul(v, &end, 10);
            if (*end || v[0] == '-' || n > 256) {
                fprintf(stderr, "nmemu: --synapses needs a number 0..256, not '%s'\n", v);
                return EXIT_USAGE;
            }
            g.synapses = (unsigned)n;
        } else if (!strcmp(argv[a], "--seed")) {
            g.seed = strtoull(v, &end, 0);
            if (*end || v[0] == '-') {
                fprintf(stderr, "nmemu: --seed needs a number, not '%s'\n", v);
                return EXIT_USAGE;
            }
        } else {
            fprintf(stderr, "nmemu: unknown option '%s'\n%s", argv[a], usage_text);
            return EXIT_USAGE;
        }
        a++;
    }
    if (!out) {
        fprintf(stderr, "nmemu: gen merolla needs -o NET.nmi\n");
        return EXIT_USAGE;
    }
    im = nm_gen_merolla(&g, &info, err, sizeof err);
    if (!im) {
        fprintf(stderr, "nmemu: gen merolla: %s\n", err);
        return EXIT_USAGE;
    }
    if (nm_image_write(im, out, err, sizeof err)) {
        fprintf(stderr, "nmemu: %s\n", err);
        nm_image_free(im);
        return EXIT_RUN;
    }
    printf("%s: Merolla benchmark, %ux%u cores, %u synapses per neuron, leak %d, threshold %u: "
           "%.3f Hz at %g ticks/s without input noise\n",
           out, g.mesh_x, g.mesh_y, g.synapses, info.lambda, info.alpha, info.rate_hz, g.tick_hz);
    nm_image_free(im);
    return 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* On a terminal: ticks done, ticks/s and time left, redrawn at most 5 times a second. */
static void progress(uint32_t done, unsigned long total, double t0, double *last, int final)
{
    double t = now_s(), rate;
    if (!final && t - *last < 0.2)
        return;
    *last = t;
    rate = t > t0 ? done / (t - t0) : 0;
    fprintf(stderr, "\r%" PRIu32 "/%lu ticks  %.1f ticks/s  ETA %.0f s   ", done, total, rate,
            rate > 0 ? (double)(total - done) / rate : 0.0);
    if (final)
        fputc('\n', stderr);
}

/* Worker threads of the ref backend (--threads). */
static unsigned ref_threads = 1;

/* Waveform window of the rtl backend (--trace-from, --trace-to). */
static int trace_window;
static uint32_t trace_from, trace_to;

/* The backend for `name`, built for the image's geometry. */
static int make_backend(const char *name, const nm_image *im, nm_chip_backend *b, const char *fst)
{
    if (!strcmp(name, "ref")) {
        nm_ref_chip *c = nm_ref_chip_new(im->mesh_x, im->mesh_y, im->naxons, im->nneurons);
        if (!c)
            return -1;
        if (nm_ref_chip_set_threads(c, ref_threads) != NM_OK) {
            nm_ref_chip_free(c);
            return -1;
        }
        nm_ref_chip_backend(b, c);
        return 0;
    }
    if (!strcmp(name, "rtl")) {
        nm_rtl_chip_opts ro = {fst, trace_window, trace_from, trace_to};
        nm_rtl_chip *c = nm_rtl_chip_new_opts(&ro);
        if (!c)
            return -1;
        nm_rtl_chip_backend(b, c);
        return 0;
    }
    return -1;
}

/* First difference between two ticks' results, or 0. */
static int diverged(uint32_t t, const nm_chip_backend *a, const nm_chip_backend *b, const nm_chip_tick_out *oa,
                    const nm_chip_tick_out *ob)
{
    unsigned k, core, j, mx = a->mesh_x;
    for (k = 0; k < oa->nspikes || k < ob->nspikes; k++) {
        const nm_chip_spike *x = k < oa->nspikes ? &oa->spikes[k] : NULL, *y = k < ob->nspikes ? &ob->spikes[k] : NULL;
        if (!x || !y || x->core != y->core || x->neuron != y->neuron) {
            const nm_chip_spike *s = x && (!y || x->core < y->core || (x->core == y->core && x->neuron < y->neuron)) ? x : y;
            fprintf(stderr, "nmemu: divergence at tick %" PRIu32 ", core (%u, %u), neuron %u: spike: %s=%d %s=%d\n", t,
                    s->core % mx, s->core / mx, s->neuron, a->name, s == x, b->name, s == y);
            return 1;
        }
    }
    if (oa->noff != ob->noff) {
        fprintf(stderr, "nmemu: divergence at tick %" PRIu32 ": off-chip packets: %s=%" PRIu32 " %s=%" PRIu32 "\n",
                t, a->name, oa->noff, b->name, ob->noff);
        return 1;
    }
    for (core = 0; core < a->mesh_x * a->mesh_y; core++)
        for (j = 0; j < a->nneurons; j++) {
            uint32_t addr = nm_chip_paddr(NM_CHIP_REGION_CORE, core,
                                          NM_ADDR(NM_REGION_NEURON, j * NM_NEURON_STRIDE + NM_NEURON_STATE));
            uint32_t va = 0, vb = 0;
            a->apb_read(a->impl, addr, &va);
            b->apb_read(b->impl, addr, &vb);
            if (va != vb) {
                fprintf(stderr, "nmemu: divergence at tick %" PRIu32 ", core (%u, %u), neuron %u: V: %s=%d %s=%d\n",
                        t, core % mx, core / mx, j, a->name, nm_sext(va, 20), b->name, nm_sext(vb, 20));
                return 1;
            }
        }
    return 0;
}

/* ": <what the RTL harness said>" after an RTL assertion (assertion builds), or "". */
static const char *rtl_error(const nm_chip_backend *b)
{
    static char msg[1100];
    const char *e = strcmp(b->name, "rtl") ? "" : nm_rtl_chip_error(b->impl);
    snprintf(msg, sizeof msg, "%s%s", e[0] ? ": " : "", e);
    return msg;
}

static int cmd_run(int argc, char **argv)
{
    const char *image = NULL, *backend = "ref", *input = NULL, *spikes = NULL, *outputs = NULL, *report = NULL;
    int raster = 0, tty = isatty(2), have_seed = 0;
    unsigned long seed = 0;
    const char *trace = NULL;
    double t0, last = 0;
    char *row = NULL;
    unsigned long ticks = 100;
    char err[512];
    nm_image *im;
    nm_input *in = NULL;
    size_t nin = 0, next = 0;
    nm_chip_backend b[2];
    nm_chip_tick_out o[2];
    unsigned nb, k, i;
    uint32_t t;
    uint64_t nspikes = 0, noff = 0, cyc = 0, cmin = UINT64_MAX, cmax = 0;
    outfile fs, fo;
    int rc = 0, a, threads_set = 0;
    const char *energy = "truenorth-28nm";
    double volts = 0, tick_hz = 1000;
    nm_energy_preset preset;
    nm_energy_meter meter = {0};
    const char *power_trace = NULL;
    unsigned long power_window = 10;
    nm_power_trace ptrace = {0};
    const char *groups = NULL;
    nm_groups grp = {0};

    for (a = 0; a < argc; a++) {
        const char *v = a + 1 < argc ? argv[a + 1] : NULL;
        if (!strcmp(argv[a], "--ticks") && v) {
            char *end;
            ticks = strtoul(v, &end, 10);
            if (*end || v[0] == '-' || ticks == 0) {
                fprintf(stderr, "nmemu: --ticks needs a positive number, not '%s'\n", v);
                return EXIT_USAGE;
            }
            a++;
        } else if (!strcmp(argv[a], "--backend") && v) {
            backend = v;
            a++;
        } else if (!strcmp(argv[a], "--input") && v) {
            input = v;
            a++;
        } else if (!strcmp(argv[a], "--spikes") && v) {
            spikes = v;
            a++;
        } else if (!strcmp(argv[a], "--report") && v) {
            report = v;
            a++;
        } else if (!strcmp(argv[a], "--seed") && v) {
            char *end;
            seed = strtoul(v, &end, 0);
            if (*end || v[0] == '-' || seed > 0xffffffffUL) {
                fprintf(stderr, "nmemu: --seed needs a number 0..4294967295, not '%s'\n", v);
                return EXIT_USAGE;
            }
            have_seed = 1;
            a++;
        } else if (!strcmp(argv[a], "--trace") && v) {
            trace = v;
            a++;
        } else if ((!strcmp(argv[a], "--trace-from") || !strcmp(argv[a], "--trace-to")) && v) {
            char *end;
            unsigned long n = strtoul(v, &end, 10);
            if (*end || v[0] == '-' || v[0] == 0 || n > 0xffffffffUL) {
                fprintf(stderr, "nmemu: %s needs a tick number, not '%s'\n", argv[a], v);
                return EXIT_USAGE;
            }
            if (argv[a][8] == 'f')
                trace_from = (uint32_t)n;
            else
                trace_to = (uint32_t)n;
            trace_window |= argv[a][8] == 'f' ? 1 : 2;
            a++;
        } else if (!strcmp(argv[a], "--energy") && v) {
            energy = v;
            a++;
        } else if (!strcmp(argv[a], "--groups") && v) {
            groups = v;
            a++;
        } else if (!strcmp(argv[a], "--power-trace") && v) {
            power_trace = v;
            a++;
        } else if (!strcmp(argv[a], "--power-window") && v) {
            char *end;
            power_window = strtoul(v, &end, 10);
            if (*end || v[0] == '-' || power_window == 0 || power_window > 0xffffffffUL) {
                fprintf(stderr, "nmemu: --power-window needs a positive number of ticks, not '%s'\n", v);
                return EXIT_USAGE;
            }
            a++;
        } else if ((!strcmp(argv[a], "--voltage") || !strcmp(argv[a], "--tick-rate")) && v) {
            char *end;
            double x = strtod(v, &end);
            if (*end || end == v || !(x > 0) || x > (argv[a][2] == 'v' ? 5.0 : 1e9)) {
                fprintf(stderr, "nmemu: %s needs a positive number%s, not '%s'\n", argv[a],
                        argv[a][2] == 'v' ? " of volts up to 5" : "", v);
                return EXIT_USAGE;
            }
            *(argv[a][2] == 'v' ? &volts : &tick_hz) = x;
            a++;
        } else if (!strcmp(argv[a], "--threads") && v) {
            char *end;
            unsigned long n = strtoul(v, &end, 10);
            if (*end || v[0] == '-' || n < 1 || n > 64) {
                fprintf(stderr, "nmemu: --threads needs a number 1..64, not '%s'\n", v);
                return EXIT_USAGE;
            }
            ref_threads = (unsigned)n;
            threads_set = 1;
            a++;
        } else if (!strcmp(argv[a], "--raster")) {
            raster = 1;
        } else if (!strcmp(argv[a], "--outputs") && v) {
            outputs = v;
            a++;
        } else if (argv[a][0] != '-' && !image) {
            image = argv[a];
        } else {
            fprintf(stderr, "nmemu: unknown or incomplete option '%s'\n%s", argv[a], usage_text);
            return EXIT_USAGE;
        }
    }
    if (!image) {
        fputs(usage_text, stderr);
        return EXIT_USAGE;
    }
    if (!threads_set) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        ref_threads = n < 1 ? 1u : n > 64 ? 64u : (unsigned)n;
    }
    if (strcmp(backend, "ref") && strcmp(backend, "rtl") && strcmp(backend, "check")) {
        fprintf(stderr, "nmemu: --backend must be rtl, ref or check, not '%s'\n", backend);
        return EXIT_USAGE;
    }
    if (trace && !strcmp(backend, "ref")) {
        fprintf(stderr, "nmemu: --trace needs the rtl or check backend\n");
        return EXIT_USAGE;
    }
    if (trace_window && !trace) {
        fprintf(stderr, "nmemu: --trace-from and --trace-to need --trace F.fst (or F.vcd)\n");
        return EXIT_USAGE;
    }
    if (trace_window) {
        if (!(trace_window & 2))
            trace_to = (uint32_t)(ticks - 1);
        if (trace_from > trace_to || trace_from >= ticks) {
            fprintf(stderr, "nmemu: the trace window (ticks %" PRIu32 " to %" PRIu32 ") must lie within the %lu ticks run\n",
                    trace_from, trace_to, ticks);
            return EXIT_USAGE;
        }
    }
    if (nm_energy_load(energy, &preset, err, sizeof err)) {
        fprintf(stderr, "nmemu: %s\n", err);
        return EXIT_INPUT;
    }
    if (volts == 0)
        volts = preset.v_ref;
    im = nm_image_read(image, err, sizeof err);
    if (!im) {
        fprintf(stderr, "nmemu: %s\n", err);
        return EXIT_INPUT;
    }
    if (nm_energy_meter_init(&meter, im->mesh_x * im->mesh_y)) {
        fprintf(stderr, "nmemu: out of memory\n");
        return EXIT_RUN;
    }
    if (input && nm_inputs_read(input, im->mesh_x, im->mesh_y, im->naxons, &in, &nin, err, sizeof err)) {
        fprintf(stderr, "nmemu: %s\n", err);
        nm_image_free(im);
        return EXIT_INPUT;
    }
    nb = strcmp(backend, "check") ? 1 : 2;
    for (k = 0; k < nb; k++) {
        const char *name = nb == 2 ? (k ? "rtl" : "ref") : backend;
        if (make_backend(name, im, &b[k], strcmp(name, "rtl") ? NULL : trace) || nm_chip_tick_out_init(&o[k], im->mesh_x * im->mesh_y, im->nneurons, 256)) {
            fprintf(stderr, "nmemu: cannot build the %s backend%s%s\n", name, trace && !strcmp(name, "rtl") ? ": cannot write " : "",
                    trace && !strcmp(name, "rtl") ? trace : "");
            return EXIT_RUN;
        }
        if (nm_image_load(im, &b[k], err, sizeof err)) {
            fprintf(stderr, "nmemu: %s: %s\n", image, err);
            return EXIT_INPUT;
        }
        for (i = 0; have_seed && i < im->mesh_x * im->mesh_y; i++)
            if (b[k].apb_write(b[k].impl,
                               nm_chip_paddr(NM_CHIP_REGION_CORE, i, NM_ADDR(NM_REGION_CTRL, NM_CTRL_PRNG)),
                               (uint32_t)(seed + i)) != NM_OK)
                return EXIT_RUN;
    }
    if (groups && nm_groups_load(&grp, groups, im, err, sizeof err)) {
        fprintf(stderr, "nmemu: %s\n", err);
        return EXIT_INPUT;
    }
    nm_image_release_cores(im); /* loaded: only the geometry is needed from here on */
    if (power_trace && nm_power_trace_open(&ptrace, power_trace, (unsigned)power_window, &preset, volts, tick_hz,
                                           im->mesh_x, im->mesh_y, &b[nb - 1], err, sizeof err)) {
        fprintf(stderr, "nmemu: %s\n", err);
        return EXIT_RUN;
    }
    row = calloc(im->mesh_x * im->mesh_y + 1, 1);
    if (!row)
        return EXIT_RUN;
    if (raster)
        printf("raster: one row per tick, one column per core (index y * %u + x), the count of its spikes\n"
               "  (. none, 1-9, + ten or more)\n",
               im->mesh_x);
    if (out_open(&fs, spikes, "tick,x,y,neuron\n") || out_open(&fo, outputs, "tick,side,pos,dx,dy,axon,delay\n"))
        return EXIT_RUN;
    tty = tty && !raster;
    t0 = now_s();
    for (t = 0; t < ticks && rc == 0; t++) {
        if (tty)
            progress(t, ticks, t0, &last, 0);
        /* host spikes for tick t enter now, with delay 1 (docs/chip.md section 2) */
        for (; next < nin && in[next].tick == t; next++) {
            nm_pkt p = nm_input_packet(&in[next]);
            if (groups)
                nm_groups_host(&grp, &p);
            for (k = 0; k < nb && rc == 0; k++)
                if (b[k].host_send(b[k].impl, nm_flit_pack(&p)) != NM_OK) {
                    fprintf(stderr, "nmemu: host input for tick %" PRIu32 " failed on the %s backend%s\n", t, b[k].name,
                            rtl_error(&b[k]));
                    rc = EXIT_RUN;
                }
        }
        for (k = 0; k < nb && rc == 0; k++)
            if (b[k].tick(b[k].impl, &o[k]) != NM_OK) {
                fprintf(stderr, "nmemu: tick %" PRIu32 " failed on the %s backend%s\n", t, b[k].name, rtl_error(&b[k]));
                rc = EXIT_RUN;
            }
        if (rc)
            break;
        if (nb == 2 && diverged(t, &b[0], &b[1], &o[0], &o[1])) {
            rc = EXIT_RUN;
            break;
        }
        k = nb - 1; /* report the RTL's view when both run */
        meter.offchip += o[k].noff;
        if (t % 32768 == 32767 && nm_energy_meter_sample(&meter, &b[k])) /* before 32-bit counters wrap */
            rc = EXIT_RUN;
        if (groups)
            nm_groups_tick(&grp, &o[k]);
        if (power_trace && nm_power_trace_tick(&ptrace, &b[k], o[k].noff, err, sizeof err)) {
            fprintf(stderr, "nmemu: %s\n", err);
            rc = EXIT_RUN;
        }
        nspikes += o[k].nspikes;
        noff += o[k].noff;
        cyc += o[k].cycles;
        if (o[k].cycles < cmin) cmin = o[k].cycles;
        if (o[k].cycles > cmax) cmax = o[k].cycles;
        if (raster) {
            unsigned cnt[4096] = {0};
            for (i = 0; i < o[k].nspikes; i++)
                cnt[o[k].spikes[i].core]++;
            for (i = 0; i < im->mesh_x * im->mesh_y; i++)
                row[i] = (char)(cnt[i] == 0 ? '.' : cnt[i] < 10 ? '0' + cnt[i] : '+');
            printf("%6" PRIu32 " |%s| %" PRIu32 " cycles\n", t, row, o[k].cycles);
        }
        for (i = 0; fs.f && i < o[k].nspikes; i++)
            fprintf(fs.f, "%" PRIu32 ",%u,%u,%u\n", t, o[k].spikes[i].core % im->mesh_x,
                    o[k].spikes[i].core / im->mesh_x, o[k].spikes[i].neuron);
        for (i = 0; fo.f && i < o[k].noff; i++) {
            const nm_offchip *p = &o[k].off[i];
            fprintf(fo.f, "%" PRIu32 ",%u,%u,%d,%d,%u,%u\n", p->tick, p->side, p->pos, p->pkt.dx, p->pkt.dy,
                    p->pkt.axon, p->pkt.delay);
        }
    }
    if (tty)
        progress(t, ticks, t0, &last, 1);
    for (k = 0; trace && k < nb; k++)
        if (!strcmp(b[k].name, "rtl") && nm_rtl_chip_close_trace(b[k].impl) != NM_OK) {
            fprintf(stderr, "nmemu: cannot write the waveform %s\n", trace);
            rc = EXIT_RUN;
        }
    if (out_close(&fs, rc == 0) || out_close(&fo, rc == 0))
        rc = EXIT_RUN;
    if (power_trace && nm_power_trace_close(&ptrace, &b[nb - 1], rc == 0, err, sizeof err)) {
        fprintf(stderr, "nmemu: %s\n", err);
        rc = EXIT_RUN;
    }
    if (rc == 0 && nm_energy_meter_sample(&meter, &b[nb - 1]))
        rc = EXIT_RUN;
    if (rc == 0 && report) {
        outfile fr;
        nm_report_run rr = {image, b[nb - 1].name, im->mesh_x, im->mesh_y, t, nspikes, noff, cmin, cmax, cyc,
                            !strcmp(b[nb - 1].name, "ref")};
        nm_fw_bus bus = nm_chip_fw_bus(&b[nb - 1]);
        json_t *r = nm_report_json(&rr, &bus);
        nm_energy_run er = {&preset, volts, tick_hz, t, im->mesh_x, im->mesh_y, &meter};
        if (r)
            json_object_set_new(r, "energy", nm_energy_report_json(&er));
        if (r && groups)
            json_object_set_new(json_object_get(r, "energy"), "groups", nm_groups_report_json(&grp, &er));
        if (r && power_trace) {
            char cp[4200];
            nm_power_trace_cores_path(power_trace, cp, sizeof cp);
            json_object_set_new(json_object_get(r, "energy"), "power_trace",
                                json_pack("{s:s,s:s,s:I}", "file", power_trace, "cores_file", cp, "window_ticks",
                                          (json_int_t)power_window));
        }
        if (!r || out_open(&fr, report, "") || json_dumpf(r, fr.f, JSON_INDENT(1) | JSON_PRESERVE_ORDER) ||
            out_close(&fr, 1))
            rc = EXIT_RUN;
        json_decref(r);
    }
    if (rc == 0) {
        printf("nmemu run %s on %s: %" PRIu32 " ticks, %" PRIu64 " spikes, %" PRIu64 " off-chip packets\n", image,
               backend, t, nspikes, noff);
        printf("cycles per tick: min %" PRIu64 ", mean %.1f, max %" PRIu64 ", total %" PRIu64 "%s\n", cmin,
               (double)cyc / t, cmax, cyc, strcmp(backend, "ref") ? "" : " (reference-model estimate)");
        {
            nm_energy_run er = {&preset, volts, tick_hz, t, im->mesh_x, im->mesh_y, &meter};
            nm_energy_print_summary(stdout, &er);
            if (groups)
                nm_groups_print(stdout, &grp, &er);
        }
        if (nb == 2)
            printf("check: ref and rtl agree on every spike, off-chip packet and V at every tick\n");
        if (spikes)
            printf("spikes: %s\n", spikes);
        if (outputs)
            printf("outputs: %s\n", outputs);
        if (report)
            printf("report: %s\n", report);
        if (power_trace) {
            char cp[4200];
            nm_power_trace_cores_path(power_trace, cp, sizeof cp);
            printf("power trace: %s (%llu windows of %lu ticks), per core: %s\n", power_trace,
                   (unsigned long long)ptrace.nwindows, power_window, cp);
        }
        if (trace)
            printf("waveform: %s%s\n", trace, trace_window ? " (the window of ticks asked for)" : "");
    }
    for (k = 0; k < nb; k++) {
        b[k].free(b[k].impl);
        nm_chip_tick_out_free(&o[k]);
    }
    free(in);
    free(row);
    nm_energy_meter_free(&meter);
    if (groups)
        nm_groups_free(&grp);
    nm_image_free(im);
    return rc;
}

int main(int argc, char **argv)
{
    int i;
    for (i = 2; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(usage_text, stdout);
            return 0;
        }
    if (argc >= 2 && !strcmp(argv[1], "--version")) {
        printf("nmemu %s\n", NMEMU_VERSION);
        return 0;
    }
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        fputs(usage_text, stdout);
        return 0;
    }
    if (argc >= 2 && !strcmp(argv[1], "compile"))
        return cmd_compile(argc - 2, argv + 2);
    if (argc >= 2 && !strcmp(argv[1], "decompile"))
        return cmd_decompile(argc - 2, argv + 2);
    if (argc >= 2 && !strcmp(argv[1], "pack-input"))
        return cmd_pack_input(argc - 2, argv + 2);
    if (argc >= 2 && !strcmp(argv[1], "sweep"))
        return nm_cmd_sweep(argc - 2, argv + 2);
    if (argc >= 2 && !strcmp(argv[1], "plot"))
        return nm_cmd_plot(argc - 2, argv + 2);
    if (argc >= 2 && !strcmp(argv[1], "gen"))
        return cmd_gen(argc - 2, argv + 2);
    if (argc >= 2 && !strcmp(argv[1], "info"))
        return cmd_info(argc - 2, argv + 2);
    if (argc >= 2 && !strcmp(argv[1], "run"))
        return cmd_run(argc - 2, argv + 2);
    fputs(usage_text, stderr);
    return EXIT_USAGE;
}
