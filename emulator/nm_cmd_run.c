/* nm_cmd_run.c - `nmemu run IMAGE [options]`: load an image on a backend, feed it host
 * spikes, run ticks, write spikes, off-chip packets, a report and a waveform. */
#include "nm_cmd_run.h"

#include "loihi/nm_loihi_cli.h"
#include "loihi/nm_loihi_image.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "nm_chipmap.h"
#include "nm_core_prog.h"
#include "nm_energy.h"
#include "nm_energy_report.h"
#include "nm_groups.h"
#include "nm_image.h"
#include "nm_load.h"
#include "nm_mixed_chip.h"
#include "nm_output.h"
#include "nm_power_trace.h"
#include "nm_ref_chip.h"
#include "nm_regmap.h"
#include "nm_report.h"
#include "nm_rtl_chip.h"
#include "nm_rtl_shapes.h"

/* The options, as the table below fills them. */
static struct run_args {
    const char *backend, *input, *spikes, *outputs, *report, *trace, *energy, *rtl_cores, *power_trace, *groups;
    unsigned ticks, threads, trace_from, trace_to, power_window;
    uint64_t seed;
    double volts, tick_hz;
    int raster, have_seed, have_threads, have_from, have_to, check;
} A = {.backend = "ref", .energy = "truenorth-28nm", .ticks = 100, .tick_hz = 1000, .power_window = 10};

static const nm_opt run_opts[] = {
    {.name = "ticks", .kind = NM_OPT_UINT, .metavar = "N", .min = 1, .max = NM_TICKS_MAX, .dest = &A.ticks,
     .help = "ticks to run (default 100)"},
    {.name = "backend", .kind = NM_OPT_CHOICE, .metavar = "B", .choices = "rtl|ref|check", .dest = &A.backend,
     .help = "rtl: the Verilated chip; ref: the C reference model (default);\n"
             "check: both in lockstep, stop at the first divergence"},
    {.name = "input", .kind = NM_OPT_STRING, .metavar = "F", .dest = &A.input,
     .help = "host spikes: lines 'tick,x,y,axon' ('#' comments), or the\n"
             "binary form (docs/network-format.md)"},
    {.name = "rtl-cores", .kind = NM_OPT_STRING, .metavar = "LIST", .dest = &A.rtl_cores,
     .help = "ref backend: these cores also run as Verilated RTL cores, whose\n"
             "spikes the chip routes: X,Y[;X,Y...] or a rectangle X0,Y0:X1,Y1"},
    {.name = "check", .kind = NM_OPT_FLAG, .dest = &A.check,
     .help = "with --rtl-cores: compare each RTL core with the model's copy of\n"
             "itself after every tick; stop at the first divergence"},
    {.name = "spikes", .kind = NM_OPT_STRING, .metavar = "F", .dest = &A.spikes,
     .help = "write every neuron spike as 'tick,x,y,neuron'"},
    {.name = "outputs", .kind = NM_OPT_STRING, .metavar = "F", .dest = &A.outputs,
     .help = "write off-chip packets as 'tick,side,pos,dx,dy,axon,delay'"},
    {.name = "raster", .kind = NM_OPT_FLAG, .dest = &A.raster, .help = "print one line per tick: the spikes of every core"},
    {.name = "report", .kind = NM_OPT_STRING, .metavar = "F", .dest = &A.report,
     .help = "write a JSON run report: ticks, cycles per tick, every counter"},
    {.name = "trace", .kind = NM_OPT_STRING, .metavar = "F.fst", .dest = &A.trace,
     .help = "write a waveform of the RTL chip (GTKWave): FST, or VCD when F\n"
             "ends in .vcd; every cycle from reset unless a window is given"},
    {.name = "trace-from", .kind = NM_OPT_UINT, .metavar = "T", .min = 0, .max = NM_TICKS_MAX - 1,
     .dest = &A.trace_from, .seen = &A.have_from, .help = "start the waveform at tick T (its host input and tick request)"},
    {.name = "trace-to", .kind = NM_OPT_UINT, .metavar = "T", .min = 0, .max = NM_TICKS_MAX - 1, .dest = &A.trace_to,
     .seen = &A.have_to, .help = "end the waveform after tick T (default: the last tick)"},
    {.name = "seed", .kind = NM_OPT_U64, .metavar = "N", .min = 0, .max = 4294967295.0, .dest = &A.seed,
     .seen = &A.have_seed, .help = "replace the image's PRNG seeds: core k gets N + k"},
    {.name = "threads", .kind = NM_OPT_UINT, .metavar = "N", .min = 1, .max = NM_THREADS_MAX, .dest = &A.threads,
     .seen = &A.have_threads,
     .help = "worker threads of the ref backend (default: the CPUs online);\nresults are identical whatever N"},
    {.name = "energy", .kind = NM_OPT_STRING, .metavar = "P", .dest = &A.energy,
     .help = "energy preset: a name in data/energy (truenorth-28nm, the\n"
             "default, or loihi-14nm) or a preset file (docs/energy-model.md)"},
    {.name = "voltage", .kind = NM_OPT_DOUBLE, .metavar = "V", .min = 0, .min_open = 1, .max = NM_VOLTS_MAX,
     .dest = &A.volts, .help = "supply voltage (default: the preset's, 0.775 V for TrueNorth)"},
    {.name = "tick-rate", .kind = NM_OPT_DOUBLE, .metavar = "HZ", .min = 0, .min_open = 1, .max = NM_HZ_MAX,
     .dest = &A.tick_hz, .help = "ticks per second for power and static energy (default 1000)"},
    {.name = "power-trace", .kind = NM_OPT_STRING, .metavar = "F.csv", .dest = &A.power_trace,
     .help = "write the energy per event class of every window of ticks to F, and\n"
             "every core's to F less .csv plus .cores.csv (docs/energy-model.md s6)"},
    {.name = "power-window", .kind = NM_OPT_UINT, .metavar = "N", .min = 1, .max = NM_TICKS_MAX,
     .dest = &A.power_window, .help = "the window of --power-trace, in ticks (default 10)"},
    {.name = "groups", .kind = NM_OPT_STRING, .metavar = "FILE", .dest = &A.groups,
     .help = "energy per neuron group: the network JSON the image was compiled from\n"
             "(its parameter sets and id ranges) or a groups file (docs/energy-model.md s6)"},
    {0},
};

const nm_cmd_spec nm_run_spec = {
    "run", "IMAGE", 1, 1, "Run a network image on the RTL chip, the reference model, or both in lockstep.",
    "On a terminal, a progress line (ticks, ticks/s, time left) is drawn on stderr.\n"
    "exit status: 0 ok, 1 run failed or backends diverged, 2 usage, 3 bad input file\n",
    run_opts};

/* Everything a run holds; run_free releases whatever was made. */
typedef struct run_state {
    const char *image;
    nm_energy_preset preset;
    nm_image *im;
    nm_input *in;
    size_t nin, next;
    nm_chip_backend b[2];
    nm_chip_tick_out o[2];
    unsigned nb, nbuilt, nout; /* backends wanted, built, tick buffers made */
    nm_energy_meter meter;
    nm_power_trace ptrace;
    nm_groups grp;
    int have_grp;
    nm_out fs, fo, ftrace; /* spikes, off-chip packets, the waveform */
    char *row;
    uint32_t t;
    uint64_t nspikes, noff, cyc, cmin, cmax;
    double loop_wall, loop_cpu; /* seconds spent in the ticks (wall, process CPU) */
} run_state;

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

/* --rtl-cores: the chosen cores (one byte per core) and the chip that runs them */
static uint8_t *rtl_mask;
static nm_mixed_chip *M;

/* The backend `name`, built for the image's geometry. */
static int make_backend(const char *name, const nm_image *im, nm_chip_backend *b, const char *trace_name)
{
    if (!strcmp(name, "ref")) {
        nm_ref_chip *c = nm_ref_chip_new(im->mesh_x, im->mesh_y, im->naxons, im->nneurons);
        if (!c)
            return -1;
        if (nm_ref_chip_set_threads(c, A.threads) != NM_OK) {
            nm_ref_chip_free(c);
            return -1;
        }
        if (A.rtl_cores) {
            /* some cores also as RTL (nm_mixed_chip.h); the cores were checked by run_read_inputs */
            char err[512];
            M = nm_mixed_chip_new(c, im->mesh_x, im->mesh_y, im->naxons, im->nneurons, rtl_mask, A.check, err,
                                  sizeof err);
            if (!M) {
                fprintf(stderr, "nmemu: %s\n", err);
                return -1;
            }
            nm_mixed_chip_backend(b, M);
            return 0;
        }
        nm_ref_chip_backend(b, c);
        return 0;
    }
    {
        /* the Verilated chip of the image's shape, built on first use (nm_rtl_shapes.h) */
        char err[1024];
        nm_rtl_chip_opts ro = {trace_name, A.have_from || A.have_to, A.trace_from, A.trace_to, NULL};
        nm_rtl_chip *c;
        ro.api = nm_rtl_shape_get(im->mesh_x, im->mesh_y, im->naxons, im->nneurons, err, sizeof err);
        if (!ro.api) {
            fprintf(stderr, "nmemu: %s\n", err);
            return -1;
        }
        c = nm_rtl_chip_new_opts(&ro);
        if (!c)
            return -1;
        nm_rtl_chip_backend(b, c);
        return 0;
    }
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
    const char *e = M && b->impl == M ? nm_mixed_chip_error(M) : strcmp(b->name, "rtl") ? "" : nm_rtl_chip_error(b->impl);
    snprintf(msg, sizeof msg, "%s%s", e[0] ? ": " : "", e);
    return msg;
}

/* Step 1: the options, and the rules between them. */
static int run_parse(run_state *s, int argc, char **argv)
{
    const char *args[1];
    unsigned nargs;
    int rc = nm_opts_parse(&nm_run_spec, argc, argv, args, &nargs);
    if (rc)
        return rc == 1 ? -1 : rc; /* -1: --help, done */
    s->image = args[0];
    if (!A.have_threads) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        A.threads = n < 1 ? 1u : n > NM_THREADS_MAX ? (unsigned)NM_THREADS_MAX : (unsigned)n;
    }
    if (A.trace && !strcmp(A.backend, "ref"))
        return nm_usage_error(&nm_run_spec, "--trace needs the rtl or check backend");
    if ((A.have_from || A.have_to) && !A.trace)
        return nm_usage_error(&nm_run_spec, "--trace-from and --trace-to need --trace F.fst (or F.vcd)");
    if (A.have_from || A.have_to) {
        if (!A.have_to)
            A.trace_to = A.ticks - 1;
        if (A.trace_from > A.trace_to || A.trace_from >= A.ticks)
            return nm_usage_error(&nm_run_spec, "the trace window (ticks %u to %u) must lie within the %u ticks run",
                                  A.trace_from, A.trace_to, A.ticks);
    }
    if (A.rtl_cores && strcmp(A.backend, "ref"))
        return nm_usage_error(&nm_run_spec, "--rtl-cores runs cores as RTL inside the ref backend (--backend ref)");
    if (A.check && !A.rtl_cores)
        return nm_usage_error(&nm_run_spec, "--check compares the --rtl-cores with the model; for the whole chip use "
                                            "--backend check");
    s->nb = strcmp(A.backend, "check") ? 1 : 2;
    if (A.power_trace && !strcmp(A.power_trace, "-"))
        return nm_usage_error(&nm_run_spec, "--power-trace -: the trace is two files, F and F.cores.csv "
                                            "(F less .csv): give a file name");
    {
        char err[8400], cores[4200];
        if (A.power_trace)
            nm_power_trace_cores_path(A.power_trace, cores, sizeof cores);
        const nm_out_role files[] = {{"the image", s->image, 0},
                                     {"--input", A.input, 0},
                                     {"--energy", A.energy, 0},
                                     {"--groups", A.groups, 0},
                                     {"--spikes", A.spikes, 1},
                                     {"--outputs", A.outputs, 1},
                                     {"--report", A.report, 1},
                                     {"--trace", A.trace, 1},
                                     {"--power-trace", A.power_trace, 1},
                                     {"--power-trace's per-core file", A.power_trace ? cores : NULL, 1}};
        if (nm_out_check_distinct(files, sizeof files / sizeof files[0], err, sizeof err))
            return nm_usage_error(&nm_run_spec, "%s", err);
    }
    return 0;
}

/* Step 2: the energy preset, the image and the spike program. */
static int run_read_inputs(run_state *s)
{
    char err[512];
    if (nm_energy_load(A.energy, &s->preset, err, sizeof err)) {
        fprintf(stderr, "nmemu: %s\n", err);
        return NM_EXIT_INPUT;
    }
    if (A.volts == 0)
        A.volts = s->preset.v_ref;
    s->im = nm_image_open(s->image, err, sizeof err); /* checked now, streamed into the chip */
    if (!s->im) {
        fprintf(stderr, "nmemu: %s\n", err);
        return NM_EXIT_INPUT;
    }
    if (A.input &&
        nm_inputs_read(A.input, s->im->mesh_x, s->im->mesh_y, s->im->naxons, &s->in, &s->nin, err, sizeof err)) {
        fprintf(stderr, "nmemu: %s\n", err);
        return NM_EXIT_INPUT;
    }
    if (A.rtl_cores) {
        rtl_mask = malloc((size_t)s->im->mesh_x * s->im->mesh_y);
        if (!rtl_mask) {
            fprintf(stderr, "nmemu: out of memory\n");
            return NM_EXIT_RUN;
        }
        if (nm_mixed_chip_parse(A.rtl_cores, s->im->mesh_x, s->im->mesh_y, rtl_mask, err, sizeof err) < 0)
            return nm_usage_error(&nm_run_spec, "%s", err);
    }
    if (s->nin && s->in[s->nin - 1].tick >= A.ticks) { /* sorted by tick: count from the end */
        size_t late = 0;
        while (late < s->nin && s->in[s->nin - 1 - late].tick >= A.ticks)
            late++;
        fprintf(stderr, "nmemu: warning: %s: %zu of its %zu spikes are for tick %u or later, beyond the %u ticks "
                        "run (ticks 0..%u): they are not sent\n",
                A.input, late, s->nin, A.ticks, A.ticks, A.ticks - 1);
    }
    return 0;
}

/* Step 3: the backends, each loaded with the image (and the --seed). */
static int run_build_chip(run_state *s)
{
    nm_image *im = s->im;
    unsigned k, i, ncores = im->mesh_x * im->mesh_y;
    char err[4400];
    /* the waveform, under a temporary name; fstapi writes NAME.hier beside an FST, and a
     * VCD is written as NAME.fst.tmp first (nm_vmodel.hpp): a signal removes those too */
    if (nm_out_begin(&s->ftrace, A.trace, err, sizeof err)) {
        fprintf(stderr, "nmemu: cannot write %s\n", err);
        return NM_EXIT_RUN;
    }
    if (nm_out_add_companion(&s->ftrace, ".hier") || nm_out_add_companion(&s->ftrace, ".fst.tmp") ||
        nm_out_add_companion(&s->ftrace, ".fst.tmp.hier")) {
        fprintf(stderr, "nmemu: too many temporary files open\n");
        return NM_EXIT_RUN;
    }
    if (nm_energy_meter_init(&s->meter, ncores)) {
        fprintf(stderr, "nmemu: out of memory\n");
        return NM_EXIT_RUN;
    }
    for (k = 0; k < s->nb; k++) {
        const char *name = s->nb == 2 ? (k ? "rtl" : "ref") : A.backend;
        int rtl = !strcmp(name, "rtl");
        if (make_backend(name, im, &s->b[k], A.trace ? nm_out_name(&s->ftrace) : NULL)) {
            fprintf(stderr, "nmemu: cannot build the %s backend%s%s\n", name, A.trace && rtl ? ": cannot write " : "",
                    A.trace && rtl ? A.trace : "");
            return NM_EXIT_RUN;
        }
        s->nbuilt++;
        if (nm_chip_tick_out_init(&s->o[k], ncores, im->nneurons, 256)) {
            fprintf(stderr, "nmemu: out of memory\n");
            return NM_EXIT_RUN;
        }
        s->nout++;
        if (nm_image_load(im, &s->b[k], err, sizeof err)) {
            fprintf(stderr, "nmemu: %s: %s\n", s->image, err);
            return NM_EXIT_INPUT;
        }
        for (i = 0; A.have_seed && i < ncores; i++)
            if (s->b[k].apb_write(s->b[k].impl,
                                  nm_chip_paddr(NM_CHIP_REGION_CORE, i, NM_ADDR(NM_REGION_CTRL, NM_CTRL_PRNG)),
                                  (uint32_t)(A.seed + i)) != NM_OK) {
                fprintf(stderr, "nmemu: cannot set the PRNG seed of core %u on the %s backend\n", i, name);
                return NM_EXIT_RUN;
            }
    }
    if (A.groups) {
        if (nm_groups_load(&s->grp, A.groups, im, err, sizeof err)) {
            fprintf(stderr, "nmemu: %s\n", err);
            return NM_EXIT_INPUT;
        }
        s->have_grp = 1;
    }
    nm_image_release_cores(im); /* loaded: only the geometry is needed from here on */
    s->row = calloc(ncores + 1, 1);
    if (!s->row) {
        fprintf(stderr, "nmemu: out of memory\n");
        return NM_EXIT_RUN;
    }
    return 0;
}

/* Step 4: the spike and off-chip packet files, with their header lines. */
static int run_open_outputs(run_state *s)
{
    char err[4400];
    if (nm_out_open(&s->fs, A.spikes, err, sizeof err) || nm_out_open(&s->fo, A.outputs, err, sizeof err)) {
        fprintf(stderr, "nmemu: %s\n", err);
        return NM_EXIT_RUN;
    }
    if (s->fs.f)
        fputs("tick,x,y,neuron\n", s->fs.f);
    if (s->fo.f)
        fputs("tick,side,pos,dx,dy,axon,delay\n", s->fo.f);
    if (A.power_trace && nm_power_trace_open(&s->ptrace, A.power_trace, A.power_window, &s->preset, A.volts,
                                             A.tick_hz, s->im->mesh_x, s->im->mesh_y, &s->b[s->nb - 1], err,
                                             sizeof err)) {
        fprintf(stderr, "nmemu: %s\n", err);
        return NM_EXIT_RUN;
    }
    return 0;
}

/* One tick t on every backend: its host spikes, the tick, the comparison (check), the
 * counts, the raster line and the output lines. */
static int run_tick(run_state *s, uint32_t t)
{
    const nm_image *im = s->im;
    nm_chip_tick_out *o;
    unsigned k, i;
    /* host spikes for tick t enter now, with delay 1 (docs/chip.md section 2) */
    for (; s->next < s->nin && s->in[s->next].tick == t; s->next++) {
        nm_pkt p = nm_input_packet(&s->in[s->next]);
        if (s->have_grp)
            nm_groups_host(&s->grp, &p);
        for (k = 0; k < s->nb; k++)
            if (s->b[k].host_send(s->b[k].impl, nm_flit_pack(&p)) != NM_OK) {
                fprintf(stderr, "nmemu: host input for tick %" PRIu32 " failed on the %s backend%s\n", t,
                        s->b[k].name, rtl_error(&s->b[k]));
                return NM_EXIT_RUN;
            }
    }
    for (k = 0; k < s->nb; k++)
        if (s->b[k].tick(s->b[k].impl, &s->o[k]) != NM_OK) {
            fprintf(stderr, "nmemu: tick %" PRIu32 " failed on the %s backend%s\n", t, s->b[k].name,
                    rtl_error(&s->b[k]));
            return NM_EXIT_RUN;
        }
    if (s->nb == 2 && diverged(t, &s->b[0], &s->b[1], &s->o[0], &s->o[1]))
        return NM_EXIT_RUN;
    k = s->nb - 1; /* report the RTL's view when both run */
    o = &s->o[k];
    s->meter.offchip += o->noff;
    if (t % 32768 == 32767 && nm_energy_meter_sample(&s->meter, &s->b[k])) /* before 32-bit counters wrap */
        return NM_EXIT_RUN;
    if (s->have_grp)
        nm_groups_tick(&s->grp, o);
    if (s->ptrace.f) {
        char err[512];
        if (nm_power_trace_tick(&s->ptrace, &s->b[k], o->noff, err, sizeof err)) {
            fprintf(stderr, "nmemu: %s\n", err);
            return NM_EXIT_RUN;
        }
    }
    s->nspikes += o->nspikes;
    s->noff += o->noff;
    s->cyc += o->cycles;
    if (o->cycles < s->cmin)
        s->cmin = o->cycles;
    if (o->cycles > s->cmax)
        s->cmax = o->cycles;
    if (A.raster) {
        unsigned cnt[4096] = {0};
        for (i = 0; i < o->nspikes; i++)
            cnt[o->spikes[i].core]++;
        for (i = 0; i < im->mesh_x * im->mesh_y; i++)
            s->row[i] = (char)(cnt[i] == 0 ? '.' : cnt[i] < 10 ? '0' + cnt[i] : '+');
        printf("%6" PRIu32 " |%s| %" PRIu32 " cycles\n", t, s->row, o->cycles);
    }
    for (i = 0; s->fs.f && i < o->nspikes; i++)
        fprintf(s->fs.f, "%" PRIu32 ",%u,%u,%u\n", t, o->spikes[i].core % im->mesh_x, o->spikes[i].core / im->mesh_x,
                o->spikes[i].neuron);
    for (i = 0; s->fo.f && i < o->noff; i++) {
        const nm_offchip *p = &o->off[i];
        fprintf(s->fo.f, "%" PRIu32 ",%u,%u,%d,%d,%u,%u\n", p->tick, p->side, p->pos, p->pkt.dx, p->pkt.dy,
                p->pkt.axon, p->pkt.delay);
    }
    return 0;
}

/* Step 5: the ticks, with a progress line on a terminal. */
static int run_ticks(run_state *s)
{
    int tty = isatty(2) && !A.raster, rc = 0;
    double t0 = now_s(), last = 0;
    if (A.raster)
        printf("raster: one row per tick, one column per core (index y * %u + x), the count of its spikes\n"
               "  (. none, 1-9, + ten or more)\n",
               s->im->mesh_x);
    s->cmin = UINT64_MAX;
    for (s->t = 0; s->t < A.ticks && rc == 0; s->t++) {
        if (tty)
            progress(s->t, A.ticks, t0, &last, 0);
        rc = run_tick(s, s->t);
        if (rc)
            break;
    }
    if (tty)
        progress(s->t, A.ticks, t0, &last, 1);
    if (rc == 0 && nm_energy_meter_sample(&s->meter, &s->b[s->nb - 1]))
        rc = NM_EXIT_RUN;
    return rc;
}

/* Step 6: close the waveform and the output files: kept after a good run, removed
 * otherwise. */
static int run_close_outputs(run_state *s, int rc)
{
    char err[4400];
    unsigned k;
    for (k = 0; A.trace && k < s->nbuilt; k++)
        if (!strcmp(s->b[k].name, "rtl") && nm_rtl_chip_close_trace(s->b[k].impl) != NM_OK) {
            fprintf(stderr, "nmemu: cannot write the waveform %s\n", A.trace);
            rc = rc ? rc : NM_EXIT_RUN;
        }
    if (nm_out_close(&s->ftrace, rc == 0, err, sizeof err)) {
        fprintf(stderr, "nmemu: %s\n", err);
        rc = rc ? rc : NM_EXIT_RUN;
    }
    if (nm_out_close(&s->fs, rc == 0, err, sizeof err)) {
        fprintf(stderr, "nmemu: %s\n", err);
        rc = rc ? rc : NM_EXIT_RUN;
    }
    if (nm_out_close(&s->fo, rc == 0, err, sizeof err)) {
        fprintf(stderr, "nmemu: %s\n", err);
        rc = rc ? rc : NM_EXIT_RUN;
    }
    if (s->ptrace.f && nm_power_trace_close(&s->ptrace, &s->b[s->nb - 1], rc == 0, err, sizeof err)) {
        fprintf(stderr, "nmemu: %s\n", err);
        rc = rc ? rc : NM_EXIT_RUN;
    }
    return rc;
}

/* Step 7: the JSON run report (--report). */
static int run_write_report(run_state *s)
{
    const nm_chip_backend *b = &s->b[s->nb - 1];
    nm_report_run rr = {s->image, b->name, s->im->mesh_x, s->im->mesh_y, s->t, s->nspikes, s->noff, s->cmin, s->cmax,
                        s->cyc, !strcmp(b->name, "ref")};
    nm_fw_bus bus = nm_chip_fw_bus(b);
    nm_energy_run er = {&s->preset, A.volts, A.tick_hz, s->t, s->im->mesh_x, s->im->mesh_y, &s->meter};
    char err[4400];
    nm_out fr;
    json_t *r;
    int rc = 0;
    if (!A.report)
        return 0;
    r = nm_report_json(&rr, &bus);
    if (r)
        json_object_set_new(r, "energy", nm_energy_report_json(&er));
    if (r && s->have_grp)
        json_object_set_new(json_object_get(r, "energy"), "groups", nm_groups_report_json(&s->grp, &er));
    if (r && A.power_trace) {
        char cp[4200];
        nm_power_trace_cores_path(A.power_trace, cp, sizeof cp);
        json_object_set_new(json_object_get(r, "energy"), "power_trace",
                            json_pack("{s:s,s:s,s:I}", "file", A.power_trace, "cores_file", cp, "window_ticks",
                                      (json_int_t)A.power_window));
    }
    if (!r) {
        fprintf(stderr, "nmemu: cannot build the run report\n");
        return NM_EXIT_RUN;
    }
    if (nm_out_open(&fr, A.report, err, sizeof err)) {
        fprintf(stderr, "nmemu: %s\n", err);
        rc = NM_EXIT_RUN;
    } else if (json_dumpf(r, fr.f, JSON_INDENT(1) | JSON_PRESERVE_ORDER)) {
        nm_out_close(&fr, 0, err, sizeof err);
        fprintf(stderr, "nmemu: cannot write %s\n", A.report);
        rc = NM_EXIT_RUN;
    } else if (nm_out_close(&fr, 1, err, sizeof err)) {
        fprintf(stderr, "nmemu: %s\n", err);
        rc = NM_EXIT_RUN;
    }
    json_decref(r);
    return rc;
}

/* Step 8: the summary on stdout. */
static void run_print_summary(const run_state *s)
{
    nm_energy_run er = {&s->preset, A.volts, A.tick_hz, s->t, s->im->mesh_x, s->im->mesh_y, &s->meter};
    printf("nmemu run %s on %s: %" PRIu32 " ticks, %" PRIu64 " spikes, %" PRIu64 " off-chip packets\n", s->image,
           A.backend, s->t, s->nspikes, s->noff);
    printf("cycles per tick: min %" PRIu64 ", mean %.1f, max %" PRIu64 ", total %" PRIu64 "%s\n", s->cmin,
           (double)s->cyc / s->t, s->cmax, s->cyc, strcmp(A.backend, "ref") ? "" : " (reference-model estimate)");
    nm_energy_print_summary(stdout, &er);
    if (s->have_grp)
        nm_groups_print(stdout, &s->grp, &er);
    if (s->nb == 2)
        printf("check: ref and rtl agree on every spike, off-chip packet and V at every tick\n");
    if (M)
        printf("rtl-cores: %u cores ran as Verilated RTL cores, %" PRIu64 " RTL cycles, %.1f ticks/s (%.3f s wall, "
               "%.3f s CPU for the ticks)%s\n", nm_mixed_chip_count(M), nm_mixed_chip_rtl_cycles(M),
               s->loop_wall > 0 ? s->t / s->loop_wall : 0.0, s->loop_wall, s->loop_cpu,
               A.check ? "; check: every RTL core agreed with the model's copy (spikes, packets, cycles, V) at every tick"
                       : "");
    if (A.spikes)
        printf("spikes: %s\n", A.spikes);
    if (A.outputs)
        printf("outputs: %s\n", A.outputs);
    if (A.report)
        printf("report: %s\n", A.report);
    if (A.power_trace) {
        char cp[4200];
        nm_power_trace_cores_path(A.power_trace, cp, sizeof cp);
        printf("power trace: %s (%llu windows of %u ticks), per core: %s\n", A.power_trace,
               (unsigned long long)s->ptrace.nwindows, A.power_window, cp);
    }
    if (A.trace)
        printf("waveform: %s%s\n", A.trace, A.have_from || A.have_to ? " (the window of ticks asked for)" : "");
}

static void run_free(run_state *s)
{
    unsigned k;
    for (k = 0; k < s->nbuilt; k++)
        s->b[k].free(s->b[k].impl);
    for (k = 0; k < s->nout; k++)
        nm_chip_tick_out_free(&s->o[k]);
    free(s->in);
    free(s->row);
    nm_energy_meter_free(&s->meter);
    if (s->ptrace.f) {
        char err[64];
        nm_power_trace_close(&s->ptrace, &s->b[0], 0, err, sizeof err);
    }
    if (s->have_grp)
        nm_groups_free(&s->grp);
    nm_image_free(s->im);
    free(rtl_mask);
    rtl_mask = NULL;
    M = NULL; /* freed with its backend */
}

int nm_cmd_run(int argc, char **argv)
{
    run_state s;
    int rc, a;
    for (a = 1; a < argc; a++) /* an image of Loihi-style cores (core type 1); argv[0] is "run" */
        if (argv[a][0] != '-' && nm_loihi_image_sniff_file(argv[a]))
            return nm_loihi_cli_run(argc, argv);
    memset(&s, 0, sizeof s);
    rc = run_parse(&s, argc, argv);
    if (rc)
        return rc < 0 ? 0 : rc;
    rc = run_read_inputs(&s);
    if (!rc)
        rc = run_build_chip(&s);
    if (!rc)
        rc = run_open_outputs(&s);
    if (!rc) {
        double w0 = now_s();
        clock_t c0 = clock();
        rc = run_ticks(&s);
        s.loop_wall = now_s() - w0;
        s.loop_cpu = (double)(clock() - c0) / CLOCKS_PER_SEC;
    }
    rc = run_close_outputs(&s, rc);
    if (!rc)
        rc = run_write_report(&s);
    if (!rc)
        run_print_summary(&s);
    run_free(&s);
    return rc;
}
