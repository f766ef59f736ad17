/* nm_board_run.c - `nmemu run BOARD.nmi` on one process or across MPI ranks
 * (docs/scale-out.md): rank 0 reads the input and writes every output; each rank runs
 * its chips; a failure on any rank ends the whole job with a message (MPI_Abort). */
#include "nm_board_run.h"

#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "../emulator/nm_energy.h"
#include "../emulator/nm_opts.h"
#include "../emulator/nm_output.h"
#include "../emulator/nm_rtl_chip.h"
#include "nm_board.h"
#include "nm_board_mpi.h"

#define EXIT_RUN NM_EXIT_RUN
#define EXIT_USAGE NM_EXIT_USAGE
#define EXIT_INPUT NM_EXIT_INPUT

/* ------------------------------------------------------------------ dispatch */

int nm_board_run_wanted(int argc, char **argv)
{
    int a;
    if (nm_board_mpi_launched())
        return 1;
    for (a = 0; a < argc; a++) {
        unsigned char h[32];
        struct stat st;
        FILE *f;
        if (!strcmp(argv[a], "--help-board"))
            return 1;
        /* only regular files: never open a FIFO or a device given as an output */
        if (argv[a][0] == '-' || stat(argv[a], &st) != 0 || !S_ISREG(st.st_mode) || !(f = fopen(argv[a], "rb")))
            continue;
        if (fread(h, 1, sizeof h, f) == sizeof h && !memcmp(h, "NMI\x1a", 4) &&
            (((uint32_t)h[16] | (uint32_t)h[17] << 8 | (uint32_t)h[18] << 16 | (uint32_t)h[19] << 24) &
             NM_IMAGE_FLAG_BOARD)) {
            fclose(f);
            return 1;
        }
        fclose(f);
    }
    return 0;
}

/* ------------------------------------------------------------------ options */

typedef struct run_opts {
    const char *image, *input, *spikes, *outputs, *links, *report, *energy, *backend;
    unsigned ticks, threads, seed, link_cycles, tick_cycles;
    double volts, tick_hz;
    int have_seed, threads_set, raster, trace_given, faults_given;
    const char *trace, *faults;
    nm_board_opts b;
} run_opts;

static run_opts A;

static const nm_opt board_opts[] = {
    {.name = "ticks", .kind = NM_OPT_UINT, .metavar = "N", .min = 1, .max = NM_TICKS_MAX, .dest = &A.ticks,
     .help = "ticks to run (default 100)"},
    {.name = "backend", .kind = NM_OPT_CHOICE, .metavar = "B", .choices = "ref|rtl", .dest = &A.backend,
     .help = "ref: the reference model (default); rtl: every chip a Verilated 4 x 4 chip\n"
             "(packets from neighbours enter its host port: its router counters differ)"},
    {.name = "input", .kind = NM_OPT_STRING, .metavar = "F", .dest = &A.input,
     .help = "host spikes 'tick,x,y,axon' in board coordinates (x < board_x * mesh_x);\n"
             "each enters its chip's host port"},
    {.name = "spikes", .kind = NM_OPT_STRING, .metavar = "F", .dest = &A.spikes,
     .help = "every spike: 'tick,chip_x,chip_y,x,y,neuron', by tick, chip, core, neuron"},
    {.name = "outputs", .kind = NM_OPT_STRING, .metavar = "F", .dest = &A.outputs,
     .help = "packets that left the board: 'tick,chip_x,chip_y,side,pos,dx,dy,axon,delay'"},
    {.name = "links", .kind = NM_OPT_STRING, .metavar = "F", .dest = &A.links,
     .help = "packets per chip-to-chip link per tick: 'tick,chip_x,chip_y,side,packets'\n"
             "(side: the sending chip's edge, 0 east 1 west 2 north 3 south; nonzero only)"},
    {.name = "report", .kind = NM_OPT_STRING, .metavar = "F", .dest = &A.report,
     .help = "JSON run report: totals, cycles, links, latency bound, per-chip counts, energy"},
    {.name = "seed", .kind = NM_OPT_UINT, .metavar = "N", .min = 0, .max = 4294967295.0, .dest = &A.seed,
     .seen = &A.have_seed, .help = "replace the PRNG seeds: core k of chip c gets N + c * cores per chip + k"},
    {.name = "threads", .kind = NM_OPT_UINT, .metavar = "N", .min = 1, .max = NM_THREADS_MAX, .dest = &A.threads,
     .seen = &A.threads_set,
     .help = "worker threads per chip (default: the CPUs online / the ranks on this node)"},
    {.name = "energy", .kind = NM_OPT_STRING, .metavar = "PRESET", .dest = &A.energy,
     .help = "energy preset, a name in data/energy or a file (default truenorth-28nm)"},
    {.name = "voltage", .kind = NM_OPT_DOUBLE, .metavar = "V", .min = 0, .min_open = 1, .max = NM_VOLTS_MAX,
     .dest = &A.volts, .help = "supply voltage (default: the preset's)"},
    {.name = "tick-rate", .kind = NM_OPT_DOUBLE, .metavar = "HZ", .min = 0, .min_open = 1, .max = NM_HZ_MAX,
     .dest = &A.tick_hz, .help = "ticks per second for power and static energy (default 1000)"},
    {.name = "link-cycles", .kind = NM_OPT_UINT, .metavar = "N", .min = 0, .max = 4294967295.0,
     .dest = &A.link_cycles, .help = "clock cycles to cross one chip-to-chip link (default 256)"},
    {.name = "tick-cycles", .kind = NM_OPT_UINT, .metavar = "N", .min = 1, .max = 4294967295.0,
     .dest = &A.tick_cycles,
     .help = "the tick period in clock cycles, the latency bound (default 100000:\n"
             "a 100 MHz clock at 1,000 ticks/s)"},
    {.name = "help-board", .kind = NM_OPT_FLAG, .dest = &A.raster,
     .help = "this help (also: nmemu run BOARD.nmi --help)"},
    {.name = "raster", .kind = NM_OPT_FLAG, .dest = &A.raster, .help = "(one chip only)"},
    {.name = "trace", .kind = NM_OPT_STRING, .metavar = "F", .dest = &A.trace, .seen = &A.trace_given,
     .help = "(one chip only)"},
    {.name = "faults", .kind = NM_OPT_STRING, .metavar = "PLAN.json", .dest = &A.faults, .seen = &A.faults_given,
     .help = "(one chip only: docs/faults.md)"},
    {0},
};

static const nm_cmd_spec board_spec = {
    "run", "BOARD.nmi", 1, 1,
    "Run a board of chips (an image with a board section, or any image under mpirun), split among\n"
    "the MPI ranks; the results are the same for any number of ranks and threads (docs/scale-out.md).",
    "[mpirun -np N] nmemu run BOARD.nmi ...  (as root: OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1)\n"
    "exit status: 0 ok, 1 run failed, 2 usage, 3 bad input file (on any rank)\n",
    board_opts};

/* 0 to run, -1 after --help, or NM_EXIT_USAGE. */
static int parse(int argc, char **argv, run_opts *o)
{
    const char *args[1];
    unsigned nargs, i;
    int rc;
    memset(&A, 0, sizeof A);
    A.ticks = 100;
    A.energy = "truenorth-28nm";
    A.backend = "ref";
    A.tick_hz = 1000;
    A.link_cycles = 256;
    A.tick_cycles = 100000;
    for (i = 1; i < (unsigned)argc; i++)
        if (!strcmp(argv[i], "--help-board")) {
            nm_opts_help(&board_spec, stdout);
            return -1;
        }
    rc = nm_opts_parse(&board_spec, argc, argv, args, &nargs);
    if (rc)
        return rc == 1 ? -1 : rc;
    A.image = args[0];
    if (A.raster || A.trace_given)
        return nm_usage_error(&board_spec, "--raster and --trace are for one chip; a board writes --spikes");
    if (A.faults_given)
        return nm_usage_error(&board_spec, "--faults is for one chip (nmemu run IMAGE --faults PLAN.json, without "
                                           "mpirun): a board of chips takes no fault plan (docs/faults.md)");
    A.b.threads = A.threads ? A.threads : 1;
    A.b.link_cycles = A.link_cycles;
    A.b.tick_cycles = A.tick_cycles;
    A.b.have_seed = A.have_seed;
    A.b.seed = A.seed;
    {
        char err[512];
        nm_out_role files[] = {{"the image", A.image, 0}, {"--input", A.input, 0},   {"--spikes", A.spikes, 1},
                               {"--outputs", A.outputs, 1}, {"--links", A.links, 1}, {"--report", A.report, 1}};
        if (nm_out_check_distinct(files, sizeof files / sizeof files[0], err, sizeof err))
            return nm_usage_error(&board_spec, "%s", err);
    }
    *o = A;
    return 0;
}

/* ------------------------------------------------------------------ the run */

/* --backend rtl: every chip of a rank is a Verilated chip */
static int make_rtl_chip(nm_chip_backend *b)
{
    nm_rtl_chip *c = nm_rtl_chip_new(NULL);
    if (!c)
        return -1;
    nm_rtl_chip_backend(b, c);
    return 0;
}

typedef struct run {
    nm_board_comm comm;
    int mpi;
    nm_board *b;
    unsigned bx, by, mx, my, na, nn, nchips, first, nlocal;
} run;

/* Say what went wrong (naming the rank on several) and end the whole job. */
static int fail(run *r, int code, const char *fmt, ...)
{
    char msg[1536];
    int n;
    va_list ap;
    if (r->comm.size > 1)
        n = snprintf(msg, sizeof msg, "nmemu: rank %d of %d: ", r->comm.rank, r->comm.size);
    else
        n = snprintf(msg, sizeof msg, "nmemu: ");
    va_start(ap, fmt);
    vsnprintf(msg + n, sizeof msg - (size_t)n - 1, fmt, ap);
    va_end(ap);
    /* one write, so the line is not cut by another process's output */
    strcat(msg, "\n");
    fputs(msg, stderr);
    fflush(stderr);
    if (r->comm.size > 1)
        r->comm.abort(r->comm.ctx, code); /* does not return */
    return code;
}

static int cmp_off(const void *a, const void *b)
{
    const nm_board_off *x = a, *y = b;
    if (x->tick != y->tick) return x->tick < y->tick ? -1 : 1;
    if (x->chip != y->chip) return x->chip < y->chip ? -1 : 1;
    if (x->side != y->side) return x->side < y->side ? -1 : 1;
    if (x->pos != y->pos) return x->pos < y->pos ? -1 : 1;
    if (x->pkt.dx != y->pkt.dx) return x->pkt.dx < y->pkt.dx ? -1 : 1;
    if (x->pkt.dy != y->pkt.dy) return x->pkt.dy < y->pkt.dy ? -1 : 1;
    if (x->pkt.axon != y->pkt.axon) return x->pkt.axon < y->pkt.axon ? -1 : 1;
    return (x->pkt.delay > y->pkt.delay) - (x->pkt.delay < y->pkt.delay);
}

/* Peak resident memory of this process, kB (VmHWM), or 0. */
static uint64_t peak_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    unsigned long kb = 0;
    if (!f)
        return 0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "VmHWM: %lu kB", &kb) == 1)
            break;
    fclose(f);
    return kb;
}

/* The fault-injection hook of the tests: NMEMU_FAULT=RANK:TICK kills that rank
 * (SIGKILL, as a lost node) when it reaches that tick. */
static void maybe_die(int rank, uint32_t t)
{
    const char *f = getenv("NMEMU_FAULT");
    int fr;
    unsigned long ft;
    if (f && sscanf(f, "%d:%lu", &fr, &ft) == 2 && fr == rank && ft == t) {
        fflush(NULL);
        raise(SIGKILL);
    }
}

/* CPU seconds of this process, every thread */
static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static const char *const side_name[4] = {"east", "west", "north", "south"};

/* (V / V_ref)^dynamic_exponent: the dynamic scaling of nm_energy.h */
static double energy_scale(const nm_energy_preset *p, double volts)
{
    return pow(volts / p->v_ref, p->dyn_exp);
}

static int run_board(run *R, const run_opts *o)
{
    nm_energy_preset preset;
    char err[1024];
    nm_input *in = NULL;
    uint64_t nin = 0, next = 0;
    nm_board_tick_out out = {0};
    nm_out fs, fo, fl;
    uint32_t t, *cycles = NULL;
    uint64_t *links = NULL, *link_total = NULL, *link_max = NULL, tot[4] = {0}, *counts = NULL, *all_counts = NULL;
    double volts = o->volts, t0, wall, cpu0, cpu;
    int rank0 = R->comm.rank == 0, rc = 0;
    unsigned i, k;
    size_t nl;

    if (rank0 && nm_energy_load(o->energy, &preset, err, sizeof err))
        return fail(R, EXIT_INPUT, "%s", err);
    if (rank0 && volts == 0)
        volts = preset.v_ref;
    {
        nm_board_opts bo = o->b;
        if (!strcmp(o->backend, "rtl"))
            bo.make_chip = make_rtl_chip;
        R->b = nm_board_new(o->image, &R->comm, &bo, err, sizeof err);
    }
    if (!R->b)
        return fail(R, strstr(err, "out of memory") ? EXIT_RUN : EXIT_INPUT, "%s", err);
    nm_board_geometry(R->b, &R->bx, &R->by, &R->mx, &R->my, &R->na, &R->nn);
    nm_board_local(R->b, &R->first, &R->nlocal);
    R->nchips = R->bx * R->by;
    nl = (size_t)R->nchips * 4;
    /* host input: read by rank 0, handed to every rank */
    if (rank0 && o->input) {
        size_t n = 0;
        if (nm_inputs_read(o->input, R->bx * R->mx, R->by * R->my, R->na, &in, &n, err, sizeof err))
            return fail(R, EXIT_INPUT, "%s", err);
        nin = n;
    }
    if (R->comm.bcast(R->comm.ctx, &nin, sizeof nin))
        return fail(R, EXIT_RUN, "cannot share the input");
    if (!rank0 && nin && !(in = malloc(nin * sizeof *in)))
        return fail(R, EXIT_RUN, "out of memory for %" PRIu64 " input spikes", nin);
    if (nin && R->comm.bcast(R->comm.ctx, in, nin * sizeof *in))
        return fail(R, EXIT_RUN, "cannot share the input");
    cycles = calloc(o->ticks, sizeof *cycles);
    links = calloc(nl, sizeof *links);
    link_total = calloc(nl, sizeof *link_total);
    link_max = calloc(nl, sizeof *link_max);
    counts = calloc((size_t)(R->nlocal ? R->nlocal : 1) * NM_E_NCLASSES, sizeof *counts);
    if (!cycles || !links || !link_total || !link_max || !counts)
        return fail(R, EXIT_RUN, "out of memory");
    memset(&fs, 0, sizeof fs);
    memset(&fo, 0, sizeof fo);
    memset(&fl, 0, sizeof fl);
    if (rank0) {
        if (nm_out_open(&fs, o->spikes, err, sizeof err) || nm_out_open(&fo, o->outputs, err, sizeof err) ||
            nm_out_open(&fl, o->links, err, sizeof err))
            return fail(R, EXIT_RUN, "%s", err);
        if (fs.f)
            fputs("tick,chip_x,chip_y,x,y,neuron\n", fs.f);
        if (fo.f)
            fputs("tick,chip_x,chip_y,side,pos,dx,dy,axon,delay\n", fo.f);
        if (fl.f)
            fputs("tick,chip_x,chip_y,side,packets\n", fl.f);
    }
    t0 = nm_board_now();
    cpu0 = cpu_now();
    for (t = 0; t < o->ticks; t++) {
        const uint32_t *lt;
        maybe_die(R->comm.rank, t);
        for (; next < nin && in[next].tick == t; next++)
            if (nm_board_host_input(R->b, &in[next]) != NM_OK)
                return fail(R, EXIT_RUN, "host input for tick %" PRIu32 " failed", t);
        if (nm_board_tick(R->b, &R->comm, &out, err, sizeof err) != NM_OK)
            return fail(R, EXIT_RUN, "%s", err);
        cycles[t] = out.cycles;
        tot[0] += out.nspikes;
        tot[1] += out.noff;
        /* packets per link this tick, summed over the ranks that counted them */
        lt = nm_board_links_tick(R->b);
        for (k = 0; k < nl; k++)
            links[k] = lt[k];
        if (R->comm.sum_u64(R->comm.ctx, links, nl))
            return fail(R, EXIT_RUN, "cannot sum the link counters");
        for (k = 0; k < nl; k++) {
            link_total[k] += links[k];
            if (links[k] > link_max[k])
                link_max[k] = links[k];
            if (fl.f && links[k])
                fprintf(fl.f, "%" PRIu32 ",%u,%u,%u,%" PRIu64 "\n", t, (k / 4) % R->bx, (k / 4) / R->bx, k % 4,
                        links[k]);
        }
        if (o->spikes) {
            nm_board_spike *all = NULL;
            size_t len = 0;
            if (R->comm.gatherv(R->comm.ctx, out.spikes, out.nspikes * sizeof *out.spikes, (void **)&all, &len))
                return fail(R, EXIT_RUN, "cannot gather the spikes");
            /* ranks hold contiguous chip ranges: rank order is chip order */
            for (i = 0; fs.f && i < len / sizeof *all; i++)
                fprintf(fs.f, "%" PRIu32 ",%u,%u,%u,%u,%u\n", t, all[i].chip % R->bx, all[i].chip / R->bx,
                        all[i].core % R->mx, all[i].core / R->mx, all[i].neuron);
            free(all);
        }
        if (o->outputs) {
            nm_board_off *all = NULL;
            size_t len = 0, m;
            if (R->comm.gatherv(R->comm.ctx, out.off, out.noff * sizeof *out.off, (void **)&all, &len))
                return fail(R, EXIT_RUN, "cannot gather the off-board packets");
            m = len / sizeof *all;
            if (fo.f) {
                qsort(all, m, sizeof *all, cmp_off);
                for (i = 0; i < m; i++)
                    fprintf(fo.f, "%" PRIu32 ",%u,%u,%u,%u,%d,%d,%u,%u\n", all[i].tick, all[i].chip % R->bx,
                            all[i].chip / R->bx, all[i].side, all[i].pos, all[i].pkt.dx, all[i].pkt.dy,
                            all[i].pkt.axon, all[i].pkt.delay);
            }
            free(all);
        }
    }
    wall = nm_board_now() - t0;
    cpu = cpu_now() - cpu0;
    if (nm_board_chip_counts(R->b, counts) != NM_OK)
        return fail(R, EXIT_RUN, "cannot read the counters");
    {
        /* totals and statistics over the ranks */
        const nm_board_latency *lat = nm_board_latency_stats(R->b);
        uint64_t lsum[2] = {lat->crossing_packets, lat->late};
        uint64_t lmin[2] = {lat->first_late, (uint64_t)lat->worst_margin ^ (1ull << 63)}; /* signed order */
        uint64_t mem = peak_kb(), *mems = NULL, exch_ns = (uint64_t)(R->comm.exchange_s * 1e9), exch[2];
        uint64_t cpu_ms = (uint64_t)(cpu * 1e3);
        size_t len = 0;
        if (R->comm.sum_u64(R->comm.ctx, tot, 2) || R->comm.sum_u64(R->comm.ctx, lsum, 2) ||
            R->comm.min_u64(R->comm.ctx, lmin, 2) || R->comm.max_u32(R->comm.ctx, cycles, o->ticks))
            return fail(R, EXIT_RUN, "cannot sum the results");
        if (R->comm.gatherv(R->comm.ctx, counts, (size_t)R->nlocal * NM_E_NCLASSES * sizeof *counts,
                            (void **)&all_counts, &len) ||
            R->comm.gatherv(R->comm.ctx, &mem, sizeof mem, (void **)&mems, &len))
            return fail(R, EXIT_RUN, "cannot gather the counters");
        uint64_t comp[2] = {(uint64_t)(R->comm.compute_s * 1e9), (uint64_t)(R->comm.compute_s * 1e9)};
        exch[0] = exch[1] = exch_ns;
        if (R->comm.sum_u64(R->comm.ctx, exch, 1) || R->comm.min_u64(R->comm.ctx, exch + 1, 1) ||
            R->comm.sum_u64(R->comm.ctx, comp, 1) || R->comm.min_u64(R->comm.ctx, comp + 1, 1) ||
            R->comm.sum_u64(R->comm.ctx, &cpu_ms, 1))
            return fail(R, EXIT_RUN, "cannot sum the exchange time");
        if (rank0) {
            nm_energy_counts ec = {{0}};
            nm_energy_result er;
            uint64_t cmin = UINT64_MAX, cmax = 0, csum = 0, link_packets = 0;
            double link_pj, scale = energy_scale(&preset, volts);
            int64_t worst = (int64_t)(lmin[1] ^ (1ull << 63));
            unsigned c;
            for (t = 0; t < o->ticks; t++) {
                csum += cycles[t];
                if (cycles[t] < cmin) cmin = cycles[t];
                if (cycles[t] > cmax) cmax = cycles[t];
            }
            for (k = 0; k < nl; k++)
                link_packets += link_total[k];
            for (i = 0; i < R->nchips; i++)
                for (c = 0; c < NM_E_NCLASSES; c++)
                    ec.n[c] += all_counts[(size_t)i * NM_E_NCLASSES + c];
            nm_energy_compute(&preset, volts, o->tick_hz, o->ticks, R->nchips * R->mx * R->my, &ec, &er);
            link_pj = (double)link_packets * preset.link_pj * scale;
            er.total_pj += link_pj;
            er.dynamic_pj += link_pj;
            er.power_mw = er.seconds > 0 ? er.total_pj / er.seconds * 1e-9 : 0;
            if (ec.n[NM_E_SYNAPTIC_EVENT])
                er.pj_per_synaptic_event = er.total_pj / (double)ec.n[NM_E_SYNAPTIC_EVENT];
            if (o->report) {
                nm_out fr;
                json_t *r = json_object(), *jl = json_array(), *jc = json_array(), *e = json_object(),
                       *cl = json_object(), *lb = json_object();
                json_object_set_new(r, "image", json_string(o->image));
                json_object_set_new(r, "backend", json_string(o->backend));
                json_object_set_new(r, "board", json_pack("[ii]", (int)R->bx, (int)R->by));
                json_object_set_new(r, "mesh", json_pack("[ii]", (int)R->mx, (int)R->my));
                json_object_set_new(r, "ticks", json_integer((json_int_t)o->ticks));
                json_object_set_new(r, "spikes", json_integer((json_int_t)tot[0]));
                json_object_set_new(r, "offboard_packets", json_integer((json_int_t)tot[1]));
                json_object_set_new(r, "link_packets", json_integer((json_int_t)link_packets));
                json_object_set_new(r, "cycles_per_tick",
                                    json_pack("{s:I,s:f,s:I,s:I,s:b}", "min", (json_int_t)cmin, "mean",
                                              (double)csum / (double)o->ticks, "max", (json_int_t)cmax, "total",
                                              (json_int_t)csum, "estimated", strcmp(o->backend, "rtl") != 0));
                json_object_set_new(lb, "link_cycles", json_integer(o->b.link_cycles));
                json_object_set_new(lb, "tick_cycles", json_integer(o->b.tick_cycles));
                json_object_set_new(lb, "crossing_packets", json_integer((json_int_t)lsum[0]));
                json_object_set_new(lb, "late_packets", json_integer((json_int_t)lsum[1]));
                if (lsum[0])
                    json_object_set_new(lb, "worst_margin_cycles", json_integer((json_int_t)worst));
                if (lmin[0] != UINT64_MAX) {
                    unsigned ch = (unsigned)(lmin[0] >> 2 & 0x3fffffffu);
                    json_object_set_new(lb, "first_late",
                                        json_pack("{s:I,s:[ii],s:s}", "tick", (json_int_t)(lmin[0] >> 32), "chip",
                                                  (int)(ch % R->bx), (int)(ch / R->bx), "side",
                                                  side_name[lmin[0] & 3u]));
                }
                json_object_set_new(r, "link_latency", lb);
                for (k = 0; k < nl; k++)
                    if (link_total[k])
                        json_array_append_new(jl, json_pack("{s:[ii],s:s,s:I,s:I}", "chip", (int)((k / 4) % R->bx),
                                                            (int)((k / 4) / R->bx), "side", side_name[k % 4],
                                                            "packets", (json_int_t)link_total[k], "max_per_tick",
                                                            (json_int_t)link_max[k]));
                json_object_set_new(r, "links", jl);
                for (i = 0; i < R->nchips; i++) {
                    nm_energy_counts cc;
                    nm_energy_result cr;
                    json_t *jn = json_object();
                    for (c = 0; c < NM_E_NCLASSES; c++) {
                        cc.n[c] = all_counts[(size_t)i * NM_E_NCLASSES + c];
                        json_object_set_new(jn, nm_energy_class_name[c], json_integer((json_int_t)cc.n[c]));
                    }
                    nm_energy_compute(&preset, volts, o->tick_hz, o->ticks, R->mx * R->my, &cc, &cr);
                    json_array_append_new(jc, json_pack("{s:[ii],s:o,s:f}", "chip", (int)(i % R->bx),
                                                        (int)(i / R->bx), "counts", jn, "energy_pj", cr.total_pj));
                }
                json_object_set_new(r, "chips", jc);
                json_object_set_new(e, "preset", json_string(preset.name));
                json_object_set_new(e, "voltage_v", json_real(volts));
                json_object_set_new(e, "tick_rate_hz", json_real(o->tick_hz));
                json_object_set_new(e, "seconds", json_real(er.seconds));
                json_object_set_new(e, "total_pj", json_real(er.total_pj));
                json_object_set_new(e, "static_pj", json_real(er.static_pj));
                json_object_set_new(e, "dynamic_pj", json_real(er.dynamic_pj));
                json_object_set_new(e, "power_mw", json_real(er.power_mw));
                json_object_set_new(e, "pj_per_synaptic_event", json_real(er.pj_per_synaptic_event));
                for (c = 0; c < NM_E_NCLASSES; c++)
                    json_object_set_new(cl, nm_energy_class_name[c],
                                        json_pack("{s:I,s:f}", "count", (json_int_t)ec.n[c], "pj", er.class_pj[c]));
                json_object_set_new(cl, "link_packet",
                                    json_pack("{s:I,s:f}", "count", (json_int_t)link_packets, "pj", link_pj));
                json_object_set_new(e, "classes", cl);
                json_object_set_new(r, "energy", e);
                memset(&fr, 0, sizeof fr);
                if (nm_out_open(&fr, o->report, err, sizeof err) ||
                    json_dumpf(r, fr.f, JSON_INDENT(1) | JSON_PRESERVE_ORDER) || nm_out_close(&fr, 1, err, sizeof err)) {
                    nm_out_close(&fr, 0, err, sizeof err);
                    fprintf(stderr, "nmemu: %s\n", err);
                    rc = EXIT_RUN;
                }
                json_decref(r);
            }
            if (nm_out_close(&fs, 1, err, sizeof err) || nm_out_close(&fo, 1, err, sizeof err) ||
                nm_out_close(&fl, 1, err, sizeof err)) {
                fprintf(stderr, "nmemu: %s\n", err);
                rc = EXIT_RUN;
            }
            printf("nmemu run %s on %s: board %u x %u chips of %u x %u cores, %d rank%s x %u thread%s: "
                   "%u ticks, %" PRIu64 " spikes, %" PRIu64 " off-board packets, %" PRIu64 " link packets\n",
                   o->image, o->backend, R->bx, R->by, R->mx, R->my, R->comm.size, R->comm.size > 1 ? "s" : "", o->b.threads,
                   o->b.threads > 1 ? "s" : "", o->ticks, tot[0], tot[1], link_packets);
            printf("cycles per tick: min %" PRIu64 ", mean %.1f, max %" PRIu64 " (%s, the slowest chip of each tick)\n",
                   cmin, (double)csum / (double)o->ticks, cmax,
                   strcmp(o->backend, "rtl") ? "reference-model estimate" : "RTL cycles");
            if (lsum[1]) {
                unsigned ch = (unsigned)(lmin[0] >> 2 & 0x3fffffffu);
                printf("link latency OVERRUN: %" PRIu64 " of %" PRIu64 " packets that crossed a link landed after "
                       "their delivery tick began (first: tick %" PRIu64 ", the %s link of chip (%u, %u)); worst "
                       "margin %" PRId64 " cycles (link %" PRIu32 ", tick %" PRIu32 " cycles)\n",
                       lsum[1], lsum[0], lmin[0] >> 32, side_name[lmin[0] & 3u], ch % R->bx, ch / R->bx, worst,
                       o->b.link_cycles, o->b.tick_cycles);
            } else if (lsum[0]) {
                printf("link latency: all %" PRIu64 " packets that crossed a link landed in time (worst margin %" PRId64
                       " cycles; link %" PRIu32 ", tick %" PRIu32 " cycles)\n",
                       lsum[0], worst, o->b.link_cycles, o->b.tick_cycles);
            }
            printf("energy (%s at %.3f V, %g ticks/s): %.6g uJ in %.6g s (static %.6g uJ, dynamic %.6g uJ, "
                   "links %.6g uJ)\n",
                   preset.name, volts, o->tick_hz, er.total_pj * 1e-6, er.seconds, er.static_pj * 1e-6,
                   er.dynamic_pj * 1e-6, link_pj * 1e-6);
            printf("average power: %.4g mW\n", er.power_mw);
            if (!preset.has_link)
                printf("note: the preset gives no link_packet energy: links priced at 0\n");
            printf("wall: %.3f s, %.1f ticks/s; cpu (all ranks and threads): %.3f s, %.2f ms per tick\n", wall,
                   (double)o->ticks / wall, (double)cpu_ms * 1e-3, (double)cpu_ms / (double)o->ticks);
            printf("per tick, mean over ranks: own work %.2f ms, exchange %.2f ms (Alltoallv, with the wait for the "
                   "slowest rank; least: %.2f ms)\n",
                   (double)comp[0] / R->comm.size / (double)o->ticks * 1e-6,
                   (double)exch[0] / R->comm.size / (double)o->ticks * 1e-6, (double)exch[1] / (double)o->ticks * 1e-6);
            printf("peak memory per rank:");
            for (i = 0; i < (unsigned)R->comm.size; i++)
                printf(" %.0f MB", (double)mems[i] / 1024.0);
            printf("\n");
            if (o->spikes)
                printf("spikes: %s\n", o->spikes);
            if (o->outputs)
                printf("outputs: %s\n", o->outputs);
            if (o->links)
                printf("links: %s\n", o->links);
            if (o->report)
                printf("report: %s\n", o->report);
        }
        free(mems);
    }
    free(all_counts);
    free(counts);
    free(cycles);
    free(links);
    free(link_total);
    free(link_max);
    free(in);
    nm_board_tick_out_free(&out);
    return rc;
}

int nm_board_cmd_run(int argc, char **argv)
{
    run R;
    run_opts o;
    char err[512];
    int rc, launched = nm_board_mpi_launched();
    memset(&R, 0, sizeof R);
    rc = parse(argc, argv, &o); /* argv[0] is "run" */
    if (rc == -1)
        return 0;
    if (rc)
        return rc;
    if (launched) {
        if (nm_board_mpi_init(NULL, NULL, &R.comm, err, sizeof err)) {
            if (launched > 1) {
                fprintf(stderr, "nmemu: started by mpirun with %d processes, but %s\n", launched, err);
                return EXIT_RUN;
            }
            nm_board_comm_local(&R.comm); /* one process: run without MPI */
        } else {
            R.mpi = 1;
        }
    } else {
        nm_board_comm_local(&R.comm);
    }
    if (!o.threads_set) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        const char *ls = getenv("OMPI_COMM_WORLD_LOCAL_SIZE");
        long per = ls ? atol(ls) : R.comm.size;
        n = per > 1 ? n / per : n;
        o.b.threads = n < 1 ? 1u : n > 64 ? 64u : (unsigned)n;
    }
    rc = run_board(&R, &o);
    nm_board_free(R.b);
    if (R.mpi)
        nm_board_mpi_finalize();
    return rc;
}
