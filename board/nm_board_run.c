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
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "../emulator/nm_energy.h"
#include "../emulator/nm_rtl_chip.h"
#include "nm_board.h"
#include "nm_board_mpi.h"

#define EXIT_RUN 1
#define EXIT_USAGE 2
#define EXIT_INPUT 3

static const char board_usage[] =
    "usage: [mpirun -np N] nmemu run BOARD.nmi [--ticks N] [--input SPIKES] [--spikes FILE]\n"
    "           [--outputs FILE] [--links FILE] [--report FILE] [--seed N] [--threads N]\n"
    "           [--energy PRESET|FILE] [--voltage V] [--tick-rate HZ]\n"
    "           [--link-cycles N] [--tick-cycles N] [--backend ref|rtl]\n"
    "a board image (nmemu gen merolla --board BXxBY, or \"board\" in the JSON) runs on the\n"
    "reference model, its chips split among the MPI ranks; results are identical for any\n"
    "number of ranks and threads (docs/scale-out.md)\n"
    "  --ticks N         ticks to run (default 100)\n"
    "  --input F         host spikes 'tick,x,y,axon' in board coordinates (x < board_x * mesh_x);\n"
    "                    each enters its chip's host port\n"
    "  --spikes F        every spike: 'tick,chip_x,chip_y,x,y,neuron', by tick, chip, core, neuron\n"
    "  --outputs F       packets that left the board: 'tick,chip_x,chip_y,side,pos,dx,dy,axon,delay'\n"
    "  --links F         packets per chip-to-chip link per tick: 'tick,chip_x,chip_y,side,packets'\n"
    "                    (side: the sending chip's edge, 0 east 1 west 2 north 3 south; nonzero only)\n"
    "  --report F        JSON run report: totals, cycles, links, latency bound, per-chip counts, energy\n"
    "  --seed N          replace the PRNG seeds: core k of chip c gets N + c * cores per chip + k\n"
    "  --threads N       worker threads per chip (default: the CPUs online / the ranks on this node)\n"
    "  --energy, --voltage, --tick-rate   as for a chip (nmemu --help)\n"
    "  --backend B       ref (default): the reference model; rtl: each chip a Verilated 4 x 4 chip\n"
    "                    (packets from neighbours enter its host port: its router counters differ)\n"
    "  --link-cycles N   clock cycles for a packet to cross one chip-to-chip link (default 256)\n"
    "  --tick-cycles N   the tick period in clock cycles, the latency bound (default 100000:\n"
    "                    a 100 MHz clock at 1,000 ticks/s)\n";

/* An output written under a temporary name and renamed when complete (rank 0 only). */
typedef struct outfile {
    FILE *f;
    char path[4096], tmp[4200];
} outfile;

/* the temporary names in use, removed if the job is ended by a signal (mpirun sends
 * SIGTERM to every rank when one fails) */
static const char *volatile tmp_names[4];

static void on_signal(int sig)
{
    unsigned i;
    for (i = 0; i < 4; i++)
        if (tmp_names[i])
            unlink(tmp_names[i]);
    signal(sig, SIG_DFL);
    raise(sig);
}

static int out_open(outfile *o, const char *path, const char *header)
{
    unsigned i;
    o->f = NULL;
    if (!path)
        return 0;
    snprintf(o->path, sizeof o->path, "%s", path);
    snprintf(o->tmp, sizeof o->tmp, "%s.tmp", path);
    for (i = 0; i < 4 && tmp_names[i]; i++)
        ;
    if (i < 4)
        tmp_names[i] = o->tmp;
    if (i == 0) {
        signal(SIGTERM, on_signal);
        signal(SIGINT, on_signal);
    }
    o->f = fopen(o->tmp, "w");
    if (!o->f)
        return -1;
    fputs(header, o->f);
    return 0;
}

static int out_close(outfile *o, int keep)
{
    int bad;
    unsigned i;
    if (!o->f)
        return 0;
    for (i = 0; i < 4; i++)
        if (tmp_names[i] == o->tmp)
            tmp_names[i] = NULL;
    bad = ferror(o->f) != 0;
    bad |= fclose(o->f) != 0;
    o->f = NULL;
    if (bad || !keep) {
        remove(o->tmp);
        return bad ? -1 : 0;
    }
    if (rename(o->tmp, o->path) != 0) {
        remove(o->tmp);
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------ dispatch */

int nm_board_run_wanted(int argc, char **argv)
{
    int a;
    if (nm_board_mpi_launched())
        return 1;
    for (a = 0; a < argc; a++) {
        unsigned char h[32];
        FILE *f;
        if (!strcmp(argv[a], "--help-board"))
            return 1;
        if (argv[a][0] == '-' || !(f = fopen(argv[a], "rb")))
            continue;
        if (fread(h, 1, sizeof h, f) == sizeof h && !memcmp(h, "NMI\x1a", 4) && (h[16] & NM_IMAGE_FLAG_BOARD)) {
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
    unsigned long ticks;
    double volts, tick_hz;
    nm_board_opts b;
    int threads_set;
} run_opts;

static int number(const char *opt, const char *v, unsigned long lo, unsigned long hi, unsigned long *out)
{
    char *end;
    unsigned long n = strtoul(v, &end, 0);
    if (!*v || *end || v[0] == '-' || n < lo || n > hi) {
        fprintf(stderr, "nmemu: --%s needs a number %lu..%lu, not '%s'\n", opt, lo, hi, v);
        return -1;
    }
    *out = n;
    return 0;
}

/* 0, EXIT_USAGE, or -1 for --help-board. Messages only when `say`. */
static int parse(int argc, char **argv, run_opts *o, int say)
{
    enum { O_TICKS = 256, O_INPUT, O_SPIKES, O_OUTPUTS, O_LINKS, O_REPORT, O_SEED, O_THREADS, O_ENERGY, O_VOLTAGE,
           O_TICKRATE, O_LINKCYC, O_TICKCYC, O_BACKEND, O_HELP, O_RASTER, O_TRACE };
    static const struct option table[] = {
        {"ticks", required_argument, 0, O_TICKS},       {"input", required_argument, 0, O_INPUT},
        {"spikes", required_argument, 0, O_SPIKES},     {"outputs", required_argument, 0, O_OUTPUTS},
        {"links", required_argument, 0, O_LINKS},       {"report", required_argument, 0, O_REPORT},
        {"seed", required_argument, 0, O_SEED},         {"threads", required_argument, 0, O_THREADS},
        {"energy", required_argument, 0, O_ENERGY},     {"voltage", required_argument, 0, O_VOLTAGE},
        {"tick-rate", required_argument, 0, O_TICKRATE}, {"link-cycles", required_argument, 0, O_LINKCYC},
        {"tick-cycles", required_argument, 0, O_TICKCYC}, {"backend", required_argument, 0, O_BACKEND},
        {"help-board", no_argument, 0, O_HELP},         {"raster", no_argument, 0, O_RASTER},
        {"trace", required_argument, 0, O_TRACE},       {0, 0, 0, 0}};
    int c;
    unsigned long n;
    memset(o, 0, sizeof *o);
    o->ticks = 100;
    o->energy = "truenorth-28nm";
    o->backend = "ref";
    o->tick_hz = 1000;
    o->b.threads = 1;
    o->b.link_cycles = 256;
    o->b.tick_cycles = 100000;
    optind = 1;
    opterr = say;
    /* argv[0] is "run": getopt starts at argv[1] */
    while ((c = getopt_long(argc, argv, "", table, NULL)) != -1) {
        const char *v = optarg;
        switch (c) {
        case O_TICKS:
            if (number("ticks", v, 1, 0xffffffffUL, &o->ticks))
                return EXIT_USAGE;
            break;
        case O_INPUT: o->input = v; break;
        case O_SPIKES: o->spikes = v; break;
        case O_OUTPUTS: o->outputs = v; break;
        case O_LINKS: o->links = v; break;
        case O_REPORT: o->report = v; break;
        case O_ENERGY: o->energy = v; break;
        case O_SEED:
            if (number("seed", v, 0, 0xffffffffUL, &n))
                return EXIT_USAGE;
            o->b.have_seed = 1;
            o->b.seed = (uint32_t)n;
            break;
        case O_THREADS:
            if (number("threads", v, 1, 64, &n))
                return EXIT_USAGE;
            o->b.threads = (unsigned)n;
            o->threads_set = 1;
            break;
        case O_LINKCYC:
            if (number("link-cycles", v, 0, 0xffffffffUL, &n))
                return EXIT_USAGE;
            o->b.link_cycles = (uint32_t)n;
            break;
        case O_TICKCYC:
            if (number("tick-cycles", v, 1, 0xffffffffUL, &n))
                return EXIT_USAGE;
            o->b.tick_cycles = (uint32_t)n;
            break;
        case O_VOLTAGE:
        case O_TICKRATE: {
            char *end;
            double x = strtod(v, &end);
            if (*end || end == v || !(x > 0) || x > (c == O_VOLTAGE ? 5.0 : 1e9)) {
                if (say)
                    fprintf(stderr, "nmemu: --%s needs a positive number%s, not '%s'\n",
                            c == O_VOLTAGE ? "voltage" : "tick-rate", c == O_VOLTAGE ? " of volts up to 5" : "", v);
                return EXIT_USAGE;
            }
            *(c == O_VOLTAGE ? &o->volts : &o->tick_hz) = x;
            break;
        }
        case O_BACKEND:
            if (strcmp(v, "ref") && strcmp(v, "rtl")) {
                if (say)
                    fprintf(stderr, "nmemu: a board runs on the ref or the rtl backend, not '%s' (docs/scale-out.md)\n", v);
                return EXIT_USAGE;
            }
            o->backend = v;
            break;
        case O_HELP:
            return -1;
        case O_RASTER:
        case O_TRACE:
            if (say)
                fprintf(stderr, "nmemu: --raster and --trace are for one chip; a board writes --spikes\n");
            return EXIT_USAGE;
        default:
            if (say)
                fputs(board_usage, stderr);
            return EXIT_USAGE;
        }
    }
    if (optind < argc)
        o->image = argv[optind++];
    if (!o->image || optind < argc) {
        if (say)
            fprintf(stderr, "nmemu: run needs one image%s%s\n%s", optind < argc ? ", not also " : "",
                    optind < argc ? argv[optind] : "", board_usage);
        return EXIT_USAGE;
    }
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
    outfile fs = {0}, fo = {0}, fl = {0};
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
    if (rank0 && (out_open(&fs, o->spikes, "tick,chip_x,chip_y,x,y,neuron\n") ||
                  out_open(&fo, o->outputs, "tick,chip_x,chip_y,side,pos,dx,dy,axon,delay\n") ||
                  out_open(&fl, o->links, "tick,chip_x,chip_y,side,packets\n")))
        return fail(R, EXIT_RUN, "cannot write the outputs (%s, %s, %s)", o->spikes ? o->spikes : "-",
                    o->outputs ? o->outputs : "-", o->links ? o->links : "-");

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
        exch[0] = exch[1] = exch_ns;
        if (R->comm.sum_u64(R->comm.ctx, exch, 1) || R->comm.min_u64(R->comm.ctx, exch + 1, 1) ||
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
                outfile fr;
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
                if (out_open(&fr, o->report, "") || json_dumpf(r, fr.f, JSON_INDENT(1) | JSON_PRESERVE_ORDER) ||
                    out_close(&fr, 1))
                    rc = EXIT_RUN;
                json_decref(r);
                if (rc)
                    fprintf(stderr, "nmemu: cannot write %s\n", o->report);
            }
            if (out_close(&fs, 1) || out_close(&fo, 1) || out_close(&fl, 1)) {
                fprintf(stderr, "nmemu: cannot write the outputs\n");
                rc = EXIT_RUN;
            }
            printf("nmemu run %s on %s: board %u x %u chips of %u x %u cores, %d rank%s x %u thread%s: "
                   "%lu ticks, %" PRIu64 " spikes, %" PRIu64 " off-board packets, %" PRIu64 " link packets\n",
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
            printf("wall: %.3f s, %.1f ticks/s; cpu (all ranks and threads): %.3f s, %.2f ms per tick; exchange: %.1f "
                   "us per tick (mean over ranks); peak memory per rank:",
                   wall, (double)o->ticks / wall, (double)cpu_ms * 1e-3, (double)cpu_ms / (double)o->ticks,
                   (double)exch[0] / R->comm.size / (double)o->ticks * 1e-3);
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
    /* argv[-1] is "run": getopt_long wants the program (here, the subcommand) first */
    rc = parse(argc + 1, argv - 1, &o, 1);
    if (rc == -1) {
        fputs(board_usage, stdout);
        return 0;
    }
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
