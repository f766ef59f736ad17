/* nm_cmd_faults.c - `nmemu faults IMAGE --n N --seed S`: N random single faults, each run
 * against a clean run of the same image on the reference model, classified and tabulated
 * per memory and per field (docs/faults.md). */
#include "nm_cmd_faults.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "nm_faults.h"
#include "nm_image.h"
#include "nm_load.h"
#include "nm_output.h"
#include "nm_plot.h"
#include "nm_ref_chip.h"
#include "nm_regmap.h"

static struct camp_args {
    const char *input, *csv, *list, *plot;
    unsigned n, ticks, threads;
    uint64_t seed;
    double margin;
    int have_threads;
} A = {.n = 100, .ticks = 100, .seed = 1, .margin = 1.25};

static const nm_opt camp_opts[] = {
    {.name = "n", .kind = NM_OPT_UINT, .metavar = "N", .min = 1, .max = 10000000, .dest = &A.n,
     .help = "faults to inject, one per run (default 100)"},
    {.name = "seed", .kind = NM_OPT_U64, .metavar = "S", .min = 0, .max = 18446744073709551615.0, .dest = &A.seed,
     .help = "the campaign's seed: fault k is drawn from (S, k) alone (default 1)"},
    {.name = "ticks", .kind = NM_OPT_UINT, .metavar = "T", .min = 1, .max = 100000000, .dest = &A.ticks,
     .help = "ticks per run (default 100)"},
    {.name = "threads", .kind = NM_OPT_UINT, .metavar = "J", .min = 1, .max = NM_THREADS_MAX, .dest = &A.threads,
     .seen = &A.have_threads, .help = "runs in parallel (default: the CPUs online); results identical for any J"},
    {.name = "input", .kind = NM_OPT_STRING, .metavar = "F", .dest = &A.input,
     .help = "host spikes, as for nmemu run --input"},
    {.name = "overrun", .kind = NM_OPT_DOUBLE, .metavar = "X", .min = 1, .max = 1000, .dest = &A.margin,
     .help = "a tick longer than X times the clean run's longest tick is an\noverrun (default 1.25)"},
    {.name = "csv", .kind = NM_OPT_STRING, .metavar = "F", .dest = &A.csv,
     .help = "write the table (per memory and per field) as CSV"},
    {.name = "list", .kind = NM_OPT_STRING, .metavar = "F", .dest = &A.list,
     .help = "write every fault and its class as CSV"},
    {.name = "plot", .kind = NM_OPT_STRING, .metavar = "F.png", .dest = &A.plot,
     .help = "draw the classes per memory (gnuplot)"},
    {0},
};

const nm_cmd_spec nm_faults_spec = {
    "faults", "IMAGE", 1, 1, "A fault-injection campaign: N random single faults against a clean run (ref model).",
    "classes: masked (same spikes and off-chip packets as the clean run), spikes (some\n"
    "neuron spike differs, off-chip packets the same), outputs (an off-chip packet differs),\n"
    "hang/overrun (a tick failed or took longer than --overrun allows).\n"
    "exit status: 0 ok, 1 run failed, 2 usage, 3 bad input file\n",
    camp_opts};

enum { C_MASKED, C_SPIKES, C_OUTPUTS, C_HANG, NCLASS };
static const char *const class_names[NCLASS] = {"masked", "spikes", "outputs", "hang/overrun"};

/* What a run produced, tick by tick: spike k of tick t is spk[soff[t] + k]. */
typedef struct trace {
    nm_chip_spike *spk;
    size_t nspk, capspk;
    nm_offchip *off;
    size_t noff, capoff;
    size_t *soff, *ooff; /* ticks + 1 */
    uint64_t maxcyc;
} trace;

typedef struct job {
    nm_fault f;
    int cls;
    uint64_t diffs; /* spikes in one run and not the other */
} job;

typedef struct camp {
    const nm_image *im;
    const nm_input *in;
    size_t nin;
    trace clean;
    uint64_t budget;
    job *jobs;
    unsigned next_thread;
    int rc;
    char err[600];
    pthread_mutex_t mu;
} camp;

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static unsigned below(uint64_t *s, uint64_t n) { return (unsigned)(splitmix(s) % n); }

/* Fault k of the campaign, from (seed, k) alone: its memory uniformly among the eight,
 * then uniformly within it (packet faults pick one of the clean run's spikes). */
static void draw_fault(const camp *c, unsigned k, nm_fault *f)
{
    const nm_image *im = c->im;
    uint64_t s = A.seed ^ ((uint64_t)k * 0xD1B54A32D192ED03ull);
    unsigned ncores = im->mesh_x * im->mesh_y;
    splitmix(&s);
    memset(f, 0, sizeof *f);
    f->type = (nm_fault_type)below(&s, NM_FAULT_NTYPES);
    f->tick = below(&s, A.ticks);
    f->core = below(&s, ncores);
    f->neuron = below(&s, im->nneurons);
    f->axon = below(&s, im->naxons);
    f->value = below(&s, 2);
    f->ahead = below(&s, 16);
    f->bit = below(&s, 32);
    if ((f->type == NM_FAULT_FLIP_PACKET || f->type == NM_FAULT_DROP) && c->clean.nspk) {
        size_t i = (size_t)(splitmix(&s) % c->clean.nspk);
        uint32_t t = 0;
        while (c->clean.soff[t + 1] <= i)
            t++;
        f->tick = t;
        f->core = c->clean.spk[i].core;
        f->neuron = c->clean.spk[i].neuron;
    }
    if (f->type == NM_FAULT_FLIP_NEURON || f->type == NM_FAULT_FLIP_PACKET) {
        /* a bit uniformly among the bits of the NEURON words (DEST for a packet) */
        unsigned total = 0, g, j, b;
        for (g = 0; g < nm_regmap_nregs; g++)
            if (nm_regmap_regs[g].region_id == NM_REGION_NEURON &&
                (f->type == NM_FAULT_FLIP_NEURON || nm_regmap_regs[g].offset == NM_NEURON_DEST))
                for (j = 0; j < nm_regmap_regs[g].nfields; j++)
                    total += nm_regmap_regs[g].fields[j].width;
        b = below(&s, total);
        for (g = 0; g < nm_regmap_nregs; g++)
            if (nm_regmap_regs[g].region_id == NM_REGION_NEURON &&
                (f->type == NM_FAULT_FLIP_NEURON || nm_regmap_regs[g].offset == NM_NEURON_DEST))
                for (j = 0; j < nm_regmap_regs[g].nfields; j++) {
                    const nm_regmap_field *fl = &nm_regmap_regs[g].fields[j];
                    if (b < fl->width) {
                        f->word = nm_regmap_regs[g].offset;
                        f->field = fl->name;
                        f->bit = fl->lsb + b;
                        return;
                    }
                    b -= fl->width;
                }
    }
}

static int trace_add(trace *t, const nm_chip_tick_out *o)
{
    if (t->nspk + o->nspikes > t->capspk) {
        size_t cap = 2 * (t->nspk + o->nspikes) + 64;
        nm_chip_spike *p = realloc(t->spk, cap * sizeof *p);
        if (!p)
            return -1;
        t->spk = p;
        t->capspk = cap;
    }
    if (t->noff + o->noff > t->capoff) {
        size_t cap = 2 * (t->noff + o->noff) + 16;
        nm_offchip *p = realloc(t->off, cap * sizeof *p);
        if (!p)
            return -1;
        t->off = p;
        t->capoff = cap;
    }
    if (o->nspikes)
        memcpy(t->spk + t->nspk, o->spikes, o->nspikes * sizeof *o->spikes);
    t->nspk += o->nspikes;
    if (o->noff)
        memcpy(t->off + t->noff, o->off, o->noff * sizeof *o->off);
    t->noff += o->noff;
    if (o->cycles > t->maxcyc)
        t->maxcyc = o->cycles;
    return 0;
}

static void trace_free(trace *t)
{
    free(t->spk);
    free(t->off);
    free(t->soff);
    free(t->ooff);
}

/* Spikes in one sorted list and not the other. */
static uint64_t spike_diff(const nm_chip_spike *a, size_t na, const nm_chip_spike *b, size_t nb)
{
    size_t i = 0, j = 0;
    uint64_t d = 0;
    while (i < na || j < nb) {
        uint32_t ka = i < na ? (uint32_t)a[i].core << 16 | a[i].neuron : UINT32_MAX;
        uint32_t kb = j < nb ? (uint32_t)b[j].core << 16 | b[j].neuron : UINT32_MAX;
        if (ka == kb)
            i++, j++;
        else if (ka < kb)
            i++, d++;
        else
            j++, d++;
    }
    return d;
}

static int same_off(const nm_offchip *a, const nm_offchip *b, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (a[i].tick != b[i].tick || a[i].side != b[i].side || a[i].pos != b[i].pos || a[i].pkt.dx != b[i].pkt.dx ||
            a[i].pkt.dy != b[i].pkt.dy || a[i].pkt.axon != b[i].pkt.axon || a[i].pkt.delay != b[i].pkt.delay)
            return 0;
    return 1;
}

/* One run: the image, the host spikes, `plan` (may be empty). With rec, the run is
 * recorded (the clean run); otherwise it is compared with c->clean into *j. */
static int one_run(camp *c, const nm_fault_plan *plan, trace *rec, job *j, char *err, size_t errlen)
{
    const nm_image *im = c->im;
    nm_ref_chip *chip = nm_ref_chip_new(im->mesh_x, im->mesh_y, im->naxons, im->nneurons);
    nm_chip_backend b;
    nm_chip_tick_out o;
    size_t next = 0;
    uint32_t t;
    int rc = 0, spikes = 0, outs = 0, hang = 0;
    if (!chip || nm_chip_tick_out_init(&o, im->mesh_x * im->mesh_y, im->nneurons, 64)) {
        nm_ref_chip_free(chip);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    nm_ref_chip_backend(&b, chip);
    if (nm_image_load(im, &b, err, errlen)) {
        rc = -1;
        goto out;
    }
    if (j)
        j->diffs = 0;
    for (t = 0; t < A.ticks && !hang; t++) {
        for (; next < c->nin && c->in[next].tick == t; next++) {
            nm_pkt p = nm_input_packet(&c->in[next]);
            if (b.host_send(b.impl, nm_flit_pack(&p)) != NM_OK) {
                snprintf(err, errlen, "host input for tick %" PRIu32 " refused", t);
                rc = -1;
                goto out;
            }
        }
        if (nm_faults_before_tick(plan, &b, t, err, errlen)) {
            rc = -1;
            goto out;
        }
        if (b.tick(b.impl, &o) != NM_OK) {
            if (!j) {
                snprintf(err, errlen, "the clean run failed at tick %" PRIu32, t);
                rc = -1;
                goto out;
            }
            hang = 1;
            break;
        }
        if (nm_faults_after_tick(plan, &b, t, err, errlen)) {
            rc = -1;
            goto out;
        }
        if (rec) {
            rec->soff[t] = rec->nspk;
            rec->ooff[t] = rec->noff;
            if (trace_add(rec, &o)) {
                snprintf(err, errlen, "out of memory");
                rc = -1;
                goto out;
            }
            continue;
        }
        {
            const trace *cl = &c->clean;
            size_t ns = cl->soff[t + 1] - cl->soff[t], no = cl->ooff[t + 1] - cl->ooff[t];
            uint64_t d = spike_diff(cl->spk + cl->soff[t], ns, o.spikes, o.nspikes);
            j->diffs += d;
            spikes |= d != 0;
            outs |= no != o.noff || !same_off(cl->off + cl->ooff[t], o.off, no);
            hang |= o.cycles > c->budget;
        }
    }
    if (rec) {
        rec->soff[A.ticks] = rec->nspk;
        rec->ooff[A.ticks] = rec->noff;
    } else
        j->cls = hang ? C_HANG : outs ? C_OUTPUTS : spikes ? C_SPIKES : C_MASKED;
out:
    nm_chip_tick_out_free(&o);
    nm_ref_chip_free(chip);
    return rc;
}

static void *worker(void *arg)
{
    camp *c = arg;
    unsigned id, k, nth;
    pthread_mutex_lock(&c->mu);
    id = c->next_thread++;
    pthread_mutex_unlock(&c->mu);
    nth = A.threads;
    for (k = id; k < A.n; k += nth) {
        char err[600];
        nm_fault_plan plan = {&c->jobs[k].f, 1};
        if (one_run(c, &plan, NULL, &c->jobs[k], err, sizeof err)) {
            pthread_mutex_lock(&c->mu);
            if (!c->rc) {
                c->rc = 1;
                snprintf(c->err, sizeof c->err, "fault %u: %.500s", k, err);
            }
            pthread_mutex_unlock(&c->mu);
            break;
        }
    }
    return NULL;
}

/* The rows of the table: one per memory, then one per field of neuron and packet flips. */
typedef struct row {
    char name[40];
    unsigned long n, cls[NCLASS];
} row;

static unsigned find_row(row *rows, unsigned *nrows, const char *name)
{
    unsigned i;
    for (i = 0; i < *nrows; i++)
        if (!strcmp(rows[i].name, name))
            return i;
    memset(&rows[i], 0, sizeof rows[i]);
    snprintf(rows[i].name, sizeof rows[i].name, "%s", name);
    (*nrows)++;
    return i;
}

static unsigned tabulate(const camp *c, row *rows)
{
    unsigned nrows = 0, k, i;
    /* the memories first, in a fixed order, then the total, then the fields as met */
    for (i = 0; i < NM_FAULT_NTYPES; i++)
        find_row(rows, &nrows, nm_fault_memory((nm_fault_type)i));
    find_row(rows, &nrows, "all");
    for (k = 0; k < A.n; k++) {
        const job *j = &c->jobs[k];
        unsigned r = find_row(rows, &nrows, nm_fault_memory(j->f.type));
        rows[r].n++, rows[r].cls[j->cls]++;
        r = find_row(rows, &nrows, "all");
        rows[r].n++, rows[r].cls[j->cls]++;
    }
    for (i = 0; i < nm_regmap_nregs; i++) { /* fields in register-map order */
        const nm_regmap_reg *g = &nm_regmap_regs[i];
        unsigned f2;
        for (f2 = 0; g->region_id == NM_REGION_NEURON && f2 < g->nfields; f2++) {
            unsigned pk;
            for (pk = 0; pk < 2; pk++) {
                char name[40];
                unsigned long n = 0, cls[NCLASS] = {0};
                for (k = 0; k < A.n; k++) {
                    const job *j = &c->jobs[k];
                    if (j->f.type == (pk ? NM_FAULT_FLIP_PACKET : NM_FAULT_FLIP_NEURON) &&
                        !strcmp(j->f.field, g->fields[f2].name))
                        n++, cls[j->cls]++;
                }
                if (!n)
                    continue;
                snprintf(name, sizeof name, "%s.%s", pk ? "packet" : "neuron", g->fields[f2].name);
                k = find_row(rows, &nrows, name);
                rows[k].n = n;
                memcpy(rows[k].cls, cls, sizeof cls);
            }
        }
    }
    return nrows;
}

static void print_table(FILE *f, const row *rows, unsigned nrows)
{
    unsigned i, k;
    fprintf(f, "%-16s %7s", "memory/field", "faults");
    for (k = 0; k < NCLASS; k++)
        fprintf(f, " %14s", class_names[k]);
    fputc('\n', f);
    for (i = 0; i < nrows; i++) {
        fprintf(f, "%-16s %7lu", rows[i].name, rows[i].n);
        for (k = 0; k < NCLASS; k++)
            fprintf(f, " %6lu %6.1f%%", rows[i].cls[k], rows[i].n ? 100.0 * (double)rows[i].cls[k] / (double)rows[i].n : 0.0);
        fputc('\n', f);
    }
}

static int write_csv(const char *path, const row *rows, unsigned nrows, char *err, size_t errlen)
{
    nm_out o;
    unsigned i, k;
    if (nm_out_open(&o, path, err, errlen))
        return -1;
    fputs("memory,faults,masked,spikes,outputs,hang_overrun\n", o.f);
    for (i = 0; i < nrows; i++) {
        fprintf(o.f, "%s,%lu", rows[i].name, rows[i].n);
        for (k = 0; k < NCLASS; k++)
            fprintf(o.f, ",%lu", rows[i].cls[k]);
        fputc('\n', o.f);
    }
    return nm_out_close(&o, 1, err, errlen);
}

static int write_list(const char *path, const camp *c, char *err, size_t errlen)
{
    nm_out o;
    unsigned k;
    unsigned mx = c->im->mesh_x;
    if (nm_out_open(&o, path, err, errlen))
        return -1;
    fputs("k,class,spike_diffs,fault\n", o.f);
    for (k = 0; k < A.n; k++) {
        json_t *j = nm_fault_json(&c->jobs[k].f, mx);
        char *s = j ? json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
        char *q;
        fprintf(o.f, "%u,%s,%" PRIu64 ",\"", k, class_names[c->jobs[k].cls], c->jobs[k].diffs);
        for (q = s; q && *q; q++) /* CSV: a quote inside a quoted field is doubled */
            fputs(*q == '"' ? "\"\"" : (char[2]){*q, 0}, o.f);
        fputs("\"\n", o.f);
        free(s);
        json_decref(j);
    }
    return nm_out_close(&o, 1, err, errlen);
}

static int draw_plot(const char *png, const row *rows, char *err, size_t errlen)
{
    char script[4096];
    size_t len = 0;
    unsigned i;
    len += (size_t)snprintf(script + len, sizeof script - len,
                            "$d << EOD\n");
    for (i = 0; i < NM_FAULT_NTYPES + 1u; i++)
        len += (size_t)snprintf(script + len, sizeof script - len, "%s %lu %lu %lu %lu\n", rows[i].name,
                                rows[i].cls[0], rows[i].cls[1], rows[i].cls[2], rows[i].cls[3]);
    snprintf(script + len, sizeof script - len,
             "EOD\nset title 'fault campaign: %u single faults, seed %" PRIu64 ", %u ticks'\n"
             "set style data histograms\nset style histogram rowstacked\nset style fill solid 0.8 border -1\n"
             "set termoption noenhanced\nset boxwidth 0.7\nset ylabel 'share of the faults in that memory (%%)'\n"
             "set yrange [0:100]\nset key outside right\nset xtics rotate by -30\nn(c) = 100.0 * column(c) / "
             "($2 + $3 + $4 + $5)\n"
             "plot $d using (n(2)):xtic(1) title 'masked' lc rgb '#4caf50', '' using (n(3)) title 'spikes' "
             "lc rgb '#2196f3', '' using (n(4)) title 'outputs' lc rgb '#ff9800', '' using (n(5)) title "
             "'hang/overrun' lc rgb '#f44336'\n",
             A.n, A.seed, A.ticks);
    return nm_plot_run(script, png, err, errlen);
}

int nm_cmd_faults(int argc, char **argv)
{
    const char *args[1];
    unsigned nargs, nrows, k;
    camp c;
    nm_image *im = NULL;
    nm_input *in = NULL;
    size_t nin = 0;
    char err[8400];
    int rc = nm_opts_parse(&nm_faults_spec, argc, argv, args, &nargs);
    row rows[64];
    pthread_t th[64];
    nm_fault_plan none = {NULL, 0};
    if (rc)
        return rc == 1 ? 0 : rc;
    if (!A.have_threads) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        A.threads = n < 1 ? 1u : n > 64 ? 64u : (unsigned)n;
    }
    {
        const nm_out_role files[] = {{"the image", args[0], 0}, {"--input", A.input, 0}, {"--csv", A.csv, 1},
                                     {"--list", A.list, 1},     {"--plot", A.plot, 1}};
        if (nm_out_check_distinct(files, sizeof files / sizeof files[0], err, sizeof err))
            return nm_usage_error(&nm_faults_spec, "%s", err);
    }
    im = nm_image_read(args[0], err, sizeof err);
    if (!im) {
        fprintf(stderr, "nmemu: %s\n", err);
        return NM_EXIT_INPUT;
    }
    if (A.input && nm_inputs_read(A.input, im->mesh_x, im->mesh_y, im->naxons, &in, &nin, err, sizeof err)) {
        fprintf(stderr, "nmemu: %s\n", err);
        nm_image_free(im);
        return NM_EXIT_INPUT;
    }
    memset(&c, 0, sizeof c);
    c.im = im;
    c.in = in;
    c.nin = nin;
    pthread_mutex_init(&c.mu, NULL);
    c.clean.soff = calloc((size_t)A.ticks + 1, sizeof *c.clean.soff);
    c.clean.ooff = calloc((size_t)A.ticks + 1, sizeof *c.clean.ooff);
    c.jobs = calloc(A.n, sizeof *c.jobs);
    rc = NM_EXIT_RUN;
    if (!c.clean.soff || !c.clean.ooff || !c.jobs) {
        fprintf(stderr, "nmemu: out of memory\n");
        goto done;
    }
    if (one_run(&c, &none, &c.clean, NULL, err, sizeof err)) {
        fprintf(stderr, "nmemu: the clean run: %s\n", err);
        goto done;
    }
    c.budget = (uint64_t)((double)c.clean.maxcyc * A.margin);
    for (k = 0; k < A.n; k++)
        draw_fault(&c, k, &c.jobs[k].f);
    if (A.threads > A.n)
        A.threads = A.n;
    for (k = 1; k < A.threads; k++)
        if (pthread_create(&th[k], NULL, worker, &c)) {
            fprintf(stderr, "nmemu: cannot start thread %u\n", k);
            A.threads = k; /* the started ones cover only their share: report it failed */
            c.rc = 1;
            snprintf(c.err, sizeof c.err, "cannot start the worker threads");
            break;
        }
    if (!c.rc)
        worker(&c);
    for (k = 1; k < A.threads; k++)
        pthread_join(th[k], NULL);
    if (c.rc) {
        fprintf(stderr, "nmemu: %s\n", c.err);
        goto done;
    }
    nrows = tabulate(&c, rows);
    printf("nmemu faults %s: %u single faults, seed %" PRIu64 ", %u ticks each; clean run: %zu spikes, %zu off-chip "
           "packets, longest tick %" PRIu64 " cycles (overrun above %" PRIu64 ")\n",
           args[0], A.n, A.seed, A.ticks, c.clean.nspk, c.clean.noff, c.clean.maxcyc, c.budget);
    print_table(stdout, rows, nrows);
    rc = 0;
    if (A.csv && write_csv(A.csv, rows, nrows, err, sizeof err))
        rc = NM_EXIT_RUN;
    else if (A.list && write_list(A.list, &c, err, sizeof err))
        rc = NM_EXIT_RUN;
    else if (A.plot && draw_plot(A.plot, rows, err, sizeof err))
        rc = NM_EXIT_RUN;
    if (rc)
        fprintf(stderr, "nmemu: %s\n", err);
done:
    trace_free(&c.clean);
    free(c.jobs);
    free(in);
    nm_image_free(im);
    pthread_mutex_destroy(&c.mu);
    return rc;
}
