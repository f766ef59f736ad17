/* nm_loihi_cli.c - nmemu compile/info/run for Loihi-core networks and images (docs/loihi-network-format.md). */
#include "nm_loihi_cli.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "nm_load.h"
#include "nm_loihi_compile.h"
#include "nm_loihi_energy.h"
#include "nm_loihi_image.h"
#include "nm_loihi_lockstep.h"
#include "nm_loihi_prog.h"
#include "nm_loihi_regmap.h"
#include "nm_loihi_rtl.h"
#include "nm_loihi_rtl_chip.h"
#include "nm_mixed_chip.h"
#include "nm_output.h"
#include "nm_rtl_shapes.h"
#include "nm_plot.h"

#define EXIT_RUN 1
#define EXIT_USAGE 2
#define EXIT_INPUT 3

int nm_loihi_cli_compile(const char *json_path, const char *image_path)
{
    char err[768];
    nm_loihi_image *im = nm_loihi_compile_file(json_path, err, sizeof err);
    if (!im) {
        fprintf(stderr, "nmemu: %s\n", err);
        return EXIT_INPUT;
    }
    if (nm_loihi_image_write(im, image_path, err, sizeof err)) {
        fprintf(stderr, "nmemu: %s\n", err);
        nm_loihi_image_free(im);
        return EXIT_RUN;
    }
    nm_loihi_image_free(im);
    return 0;
}

int nm_loihi_cli_decompile(const char *image_path, const char *out_path)
{
    char err[768];
    nm_loihi_image *im = nm_loihi_image_read(image_path, err, sizeof err);
    char *text;
    nm_out o;
    if (!im) {
        fprintf(stderr, "nmemu: %s\n", err);
        return EXIT_INPUT;
    }
    text = nm_loihi_decompile(im, err, sizeof err);
    nm_loihi_image_free(im);
    if (!text) {
        fprintf(stderr, "nmemu: %s: cannot be described in JSON: %s\n", image_path, err);
        return EXIT_INPUT;
    }
    if (!out_path) {
        fputs(text, stdout);
        free(text);
        return 0;
    }
    memset(&o, 0, sizeof o);
    if (nm_out_open(&o, out_path, err, sizeof err)) {
        fprintf(stderr, "nmemu: %s\n", err);
        free(text);
        return EXIT_RUN;
    }
    fputs(text, o.f);
    free(text);
    if (nm_out_close(&o, 1, err, sizeof err)) {
        fprintf(stderr, "nmemu: %s\n", err);
        return EXIT_RUN;
    }
    return 0;
}

int nm_loihi_cli_info(const char *image_path)
{
    char err[768];
    nm_loihi_image *im = nm_loihi_image_read(image_path, err, sizeof err);
    nm_loihi_image_layout l;
    uint64_t syn = 0, out = 0, upd = 0;
    unsigned k, n, ncores;
    if (!im) {
        fprintf(stderr, "nmemu: %s\n", err);
        return EXIT_INPUT;
    }
    nm_loihi_image_layout_of(&im->g, &l);
    ncores = im->mesh_x * im->mesh_y;
    for (k = 0; k < ncores; k++) {
        const uint32_t *w = im->words[k];
        uint32_t nupd = w[l.nupd] < im->g.ncomp ? w[l.nupd] : im->g.ncomp;
        upd += nupd;
        for (n = 0; n < im->g.naxin; n++)
            syn += (w[l.inaxon + n] >> NML_INAXON_CFG_LEN_LSB) & NML_INAXON_CFG_LEN_MASK;
        for (n = 0; n < im->g.ncomp; n++)
            out += (w[l.cx + NM_LOIHI_IMAGE_CX_WORDS * n + 1] >> NML_CX_AXMAP_LEN_LSB) & NML_CX_AXMAP_LEN_MASK;
    }
    printf("image %s: version 1.1, core type 1 (Loihi-style, docs/loihi-core.md)\n", image_path);
    printf("mesh %u x %u cores, each %u compartments, %u input axons, %u axon-map entries, %u synapse words, "
           "%u delay slots\n", im->mesh_x, im->mesh_y, im->g.ncomp, im->g.naxin, im->g.naxout, im->g.nsyn,
           im->g.ndslot);
    printf("compartments updated per step: %" PRIu64 "; synapses: %" PRIu64 "; axon-map entries: %" PRIu64 "\n", upd,
           syn, out);
    {
        /* the RTL backend's builds of the Loihi-style chip (docs/loihi-chip.md) */
        char shapes[4096], why[512], key[160];
        const char *state = "built";
        nm_rtl_lshape_list(shapes, sizeof shapes);
        nm_rtl_lshape_key(im->mesh_x, im->mesh_y, &im->g, key, sizeof key);
        if (nm_rtl_lshape_check(im->mesh_x, im->mesh_y, &im->g, why, sizeof why))
            state = "beyond the RTL backend's limit";
        else if (nm_rtl_lshape_fits_linked(im->mesh_x, im->mesh_y, &im->g))
            state = "runs on the linked build";
        else if (!nm_rtl_lshape_built(im->mesh_x, im->mesh_y, &im->g))
            state = "not built yet (the first --backend rtl or check run builds it)";
        printf("RTL model for this shape (%s): %s\n", key, state);
        printf("RTL shapes built: %s (cache %s)\n", shapes, nm_rtl_shape_cache());
        /* the lone cores --rtl-cores runs (docs/loihi-chip.md "--rtl-cores") */
        nm_rtl_lcore_list(shapes, sizeof shapes);
        nm_rtl_lcore_key(&im->g, key, sizeof key);
        if (nm_rtl_lcore_fits_linked(&im->g))
            state = "linked";
        else if (nm_rtl_lcore_built(&im->g))
            state = "built";
        else
            state = "not built yet (the first --rtl-cores run builds it)";
        printf("RTL core for --rtl-cores (%s): %s\n", key, state);
        printf("RTL core geometries built: %s\n", shapes);
    }
    printf("cores used (NUPD > 0 or an input axon with synapses): %u of %u\n", nm_loihi_image_cores_used(im), ncores);
    if (im->prov) { /* the provenance section: how the network was made */
        const char *p = im->prov;
        printf("provenance:\n");
        while (*p) {
            const char *nl = strchr(p, '\n');
            printf("  %.*s\n", (int)(nl - p), p);
            p = nl + 1;
        }
    } else {
        printf("provenance: none recorded\n");
    }
    nm_loihi_image_free(im);
    return 0;
}

/* ---------------------------------------------------------------- run */

static struct {
    unsigned ticks, threads;
    const char *backend, *input, *spikes, *outputs, *energy, *rtl_cores, *report, *faults;
    int check, raster;
    double step_hz;
} LA;

static const nm_opt loihi_run_opts[] = {
    {.name = "ticks", .kind = NM_OPT_UINT, .metavar = "N", .min = 1, .max = NM_TICKS_MAX, .dest = &LA.ticks,
     .help = "steps to run (default 100)"},
    {.name = "backend", .kind = NM_OPT_CHOICE, .metavar = "B", .choices = "rtl|ref|check", .dest = &LA.backend,
     .help = "ref: the C model chip (default); rtl: the Verilated chip of Loihi-style\n"
             "cores (built for the image's shape on first use, docs/loihi-chip.md);\n"
             "check: both in lockstep, stop at the first divergence"},
    {.name = "threads", .kind = NM_OPT_UINT, .metavar = "N", .min = 1, .max = 64, .dest = &LA.threads,
     .help = "threads of the ref model chip (default 1); results are identical\nwhatever N"},
    {.name = "input", .kind = NM_OPT_STRING, .metavar = "F", .dest = &LA.input,
     .help = "host spikes: lines 'tick,x,y,axon' ('#' comments)"},
    {.name = "spikes", .kind = NM_OPT_STRING, .metavar = "F", .dest = &LA.spikes,
     .help = "write every spike as 'tick,x,y,compartment'"},
    {.name = "outputs", .kind = NM_OPT_STRING, .metavar = "F", .dest = &LA.outputs,
     .help = "with --backend rtl or check: write the packets that left the RTL chip's\n"
             "mesh as 'tick,side,pos,dx,dy,axon' (the model drops them)"},
    {.name = "raster", .kind = NM_OPT_FLAG, .dest = &LA.raster,
     .help = "print one line per step: the spikes of every core and the step's cycles"},
    {.name = "energy", .kind = NM_OPT_STRING, .metavar = "P", .dest = &LA.energy,
     .help = "Loihi energy preset (default loihi-davies2018)"},
    {.name = "rtl-cores", .kind = NM_OPT_STRING, .metavar = "LIST", .dest = &LA.rtl_cores,
     .help = "with --backend ref: run these cores as Verilated Loihi RTL cores inside the\n"
             "model chip: 'X,Y[;X,Y...]' or a rectangle 'X0,Y0:X1,Y1' (small geometry only)"},
    {.name = "check", .kind = NM_OPT_FLAG, .dest = &LA.check,
     .help = "with --rtl-cores: compare each RTL core with the model's copy of itself after\n"
             "every step (spikes, packets, cycles, every compartment's u, v, refractory, hw v)"},
    {.name = "report", .kind = NM_OPT_STRING, .metavar = "F", .dest = &LA.report,
     .help = "write a JSON report of the run and its energy (per class, per core;\nnmemu plot draws it)"},
    {.name = "step-hz", .kind = NM_OPT_DOUBLE, .metavar = "F", .min = 0, .max = NM_HZ_MAX, .min_open = 1,
     .dest = &LA.step_hz, .help = "steps per second, for static energy (default 1000)"},
    {.name = "faults", .kind = NM_OPT_STRING, .metavar = "PLAN.json", .dest = &LA.faults,
     .help = "refused: fault plans are for TrueNorth-style images (docs/faults.md)"},
    {.name = NULL}};

const nm_cmd_spec nm_loihi_run_spec = {
    "run", "IMAGE", 1, 1, "Run an image of Loihi-style cores on the model chip, the RTL chip, or both in lockstep.",
    "exit status: 0 ok, 1 run failed or backends diverged, 2 usage, 3 bad input file\n", loihi_run_opts};

typedef struct lrun {
    nm_loihi_image *im;
    nm_loihi_chip *ref;
    nm_loihi_rtl_chip *rtl;
    unsigned bw;      /* the RTL build's mesh width (core index y * bw + x) */
    uint8_t *mask;    /* --rtl-cores: 1 for a core run as RTL */
    nm_loihi_rtl **rc;
    nm_loihi_backend *rb;
    unsigned nrc;
    int fault;            /* NMEMU_RTL_FAULT: core index, or -1 */
    unsigned long fault_step;
    nm_input *in;
    size_t nin, next;
    nm_out fs, fo;
} lrun;

static void lrun_free(lrun *r)
{
    char e[256];
    unsigned k;
    nm_out_close(&r->fs, 0, e, sizeof e);
    nm_out_close(&r->fo, 0, e, sizeof e);
    nm_loihi_rtl_chip_free(r->rtl);
    nm_loihi_chip_free(r->ref);
    if (r->rc)
        for (k = 0; k < r->im->mesh_x * r->im->mesh_y; k++)
            nm_loihi_rtl_free(r->rc[k]);
    free(r->rc);
    free(r->rb);
    free(r->mask);
    nm_loihi_image_free(r->im);
    free(r->in);
}

/* The Verilated chip, programmed with the image through the firmware (nm_loihi_lockstep.c). */
static int build_rtl(lrun *r, const char *image)
{
    char err[1024];
    int rc;
    /* the linked build if the image fits in it, else the build of the image's shape (made on
     * first use, cached: nm_rtl_shapes.h, docs/loihi-chip.md) */
    const nm_vlchip_api *api = nm_rtl_lshape_get(r->im->mesh_x, r->im->mesh_y, &r->im->g, err, sizeof err);
    if (!api) {
        fprintf(stderr, "nmemu: %s: %s\n", image, err);
        return NM_EXIT_RUN;
    }
    if ((rc = nm_loihi_lockstep_rtl_new(api, r->im, image, &r->rtl, err, sizeof err)) != NM_OK) {
        fprintf(stderr, "nmemu: %s\n", err);
        return rc == NM_ERR_ARG ? NM_EXIT_INPUT : NM_EXIT_RUN;
    }
    r->bw = nm_loihi_rtl_chip_mesh_x(r->rtl);
    return 0;
}

/* check: the first divergence between the model and the RTL after step t; 0 if none. */
static int diverged(lrun *r, unsigned long t)
{
    char msg[512];
    if (!nm_loihi_lockstep_diverged(r->ref, r->rtl, r->im->mesh_x, r->im->mesh_y, r->im->g.ncomp, t, msg,
                                    sizeof msg))
        return 0;
    fprintf(stderr, "nmemu: %s\n", msg);
    return 1;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* --rtl-cores: a Verilated Loihi core for each chosen core, programmed with the image's words,
 * attached to the model chip (nm_loihi_chip_attach). */
static int build_rtl_cores(lrun *r, const char *image)
{
    char err[768];
    const nm_vloihi_api *api;
    unsigned k, n = r->im->mesh_x * r->im->mesh_y;
    nm_loihi_image_layout l;
    size_t i;
    int cnt;
    r->mask = calloc(n, 1);
    r->rc = calloc(n, sizeof *r->rc);
    r->rb = calloc(n, sizeof *r->rb);
    if (!r->mask || !r->rc || !r->rb) {
        fprintf(stderr, "nmemu: out of memory\n");
        return NM_EXIT_RUN;
    }
    cnt = nm_mixed_chip_parse(LA.rtl_cores, r->im->mesh_x, r->im->mesh_y, r->mask, err, sizeof err);
    if (cnt < 0) {
        fprintf(stderr, "nmemu: --rtl-cores: %s\n", err);
        return NM_EXIT_USAGE;
    }
    /* the Verilated core of the image's geometry: the linked one (small), else a library built
     * on demand into the cache of Verilated builds (emulator/nm_rtl_shapes.h) */
    if (nm_rtl_lcore_check(&r->im->g, err, sizeof err)) {
        fprintf(stderr, "nmemu: %s: --rtl-cores: %s\n", image, err);
        return NM_EXIT_INPUT;
    }
    api = nm_rtl_lcore_get(&r->im->g, err, sizeof err);
    if (!api) {
        fprintf(stderr, "nmemu: %s: --rtl-cores: %s\n", image, err);
        return NM_EXIT_RUN;
    }
    nm_loihi_image_layout_of(&r->im->g, &l);
    for (k = 0; k < n; k++) {
        if (!r->mask[k])
            continue;
        r->rc[k] = nm_loihi_rtl_new_api(api, &r->im->g, NULL, NULL, err, sizeof err);
        if (!r->rc[k]) {
            fprintf(stderr, "nmemu: %s: --rtl-cores: core (%u, %u): %s\n", image, k % r->im->mesh_x,
                    k / r->im->mesh_x, err);
            return NM_EXIT_RUN;
        }
        for (i = 0; i < l.nwords; i++)
            if (nm_loihi_rtl_cfg_write(r->rc[k], nm_loihi_image_word_addr(&l, i), r->im->words[k][i]) != NM_OK) {
                fprintf(stderr, "nmemu: %s: core %u: the RTL core refused config word %zu (address 0x%05x)\n", image,
                        k, i, (unsigned)nm_loihi_image_word_addr(&l, i));
                return NM_EXIT_RUN;
            }
        nm_loihi_rtl_backend(&r->rb[k], r->rc[k]);
        if (nm_loihi_chip_attach(r->ref, k, &r->rb[k]) != NM_OK) {
            fprintf(stderr, "nmemu: out of memory\n");
            return NM_EXIT_RUN;
        }
        r->nrc++;
    }
    {
        /* NMEMU_RTL_FAULT=X,Y,T (tests, as for TrueNorth images): before step T, v = 100,000 in
         * compartment 0 of the RTL copy of core (X, Y) */
        const char *f = getenv("NMEMU_RTL_FAULT");
        unsigned fx, fy;
        unsigned long ft;
        r->fault = -1;
        if (f && sscanf(f, "%u,%u,%lu", &fx, &fy, &ft) == 3 && fx < r->im->mesh_x && fy < r->im->mesh_y &&
            r->rc[fy * r->im->mesh_x + fx]) {
            r->fault = (int)(fy * r->im->mesh_x + fx);
            r->fault_step = ft;
        }
    }
    return 0;
}

/* --rtl-cores --check: the first difference between an RTL core and the model's copy of it after
 * step t; 0 if none. */
static int rtl_cores_diverged(lrun *r, unsigned long t)
{
    static const char *const f[4] = {"u", "v", "refractory", "v (hardware view)"};
    static const int wid[4] = {24, 24, 6, 24};
    unsigned k, n, j;
    for (k = 0; k < r->im->mesh_x * r->im->mesh_y; k++) {
        unsigned x = k % r->im->mesh_x, y = k / r->im->mesh_x;
        const nm_loihi_out *a, *b;
        nm_loihi_ref *m;
        if (!r->rc || !r->rc[k])
            continue;
        a = nm_loihi_chip_model_out(r->ref, k);
        b = nm_loihi_chip_core_out(r->ref, k);
        m = nm_loihi_chip_core(r->ref, k);
        for (j = 0; j < a->nspikes || j < b->nspikes; j++)
            if (j >= a->nspikes || j >= b->nspikes || a->spikes[j] != b->spikes[j]) {
                fprintf(stderr, "nmemu: check: RTL core (%u, %u) diverged from the model at step %lu: spike %u: ref %s%d, "
                                "rtl %s%d\n", x, y, t, j, j < a->nspikes ? "compartment " : "none",
                        j < a->nspikes ? a->spikes[j] : 0, j < b->nspikes ? "compartment " : "none",
                        j < b->nspikes ? b->spikes[j] : 0);
                return 1;
            }
        for (j = 0; j < a->npkts || j < b->npkts; j++)
            if (j >= a->npkts || j >= b->npkts || a->pkts[j].dx != b->pkts[j].dx || a->pkts[j].dy != b->pkts[j].dy ||
                a->pkts[j].axon != b->pkts[j].axon) {
                fprintf(stderr, "nmemu: check: RTL core (%u, %u) diverged from the model at step %lu: packet %u of "
                                "ref %u, rtl %u\n", x, y, t, j, a->npkts, b->npkts);
                return 1;
            }
        if (a->cycles != b->cycles) {
            fprintf(stderr, "nmemu: check: RTL core (%u, %u) diverged from the model at step %lu: cycles: ref %u, "
                            "rtl %u\n", x, y, t, a->cycles, b->cycles);
            return 1;
        }
        for (n = 0; n < r->im->g.ncomp; n++)
            for (j = 0; j < 4; j++) {
                uint32_t mw = 0, w = 0;
                uint32_t addr = nm_loihi_addr_cx(n, NML_CX_U + j);
                nm_loihi_ref_cfg_read(m, addr, &mw);
                if (nm_loihi_rtl_cfg_read(r->rc[k], addr, &w) != NM_OK) {
                    fprintf(stderr, "nmemu: check: step %lu, RTL core (%u, %u): a state read was refused: %s\n", t, x,
                            y, nm_loihi_rtl_error(r->rc[k]));
                    return 1;
                }
                if (mw != w) {
                    fprintf(stderr, "nmemu: check: RTL core (%u, %u) diverged from the model at step %lu, compartment "
                                    "%u, %s: ref %ld, rtl %ld\n", x, y, t, n, f[j],
                            (long)nm_loihi_sext(mw, (unsigned)wid[j]), (long)nm_loihi_sext(w, (unsigned)wid[j]));
                    return 1;
                }
            }
    }
    return 0;
}

/* The run report (the shape of nmemu run --report's, docs/loihi-energy.md section 5): mesh,
 * steps, counts and energy per class, per core; nmemu plot draws it. 0 or -1 with err. */
static int write_report(const char *path, const lrun *r, const nm_loihi_energy_preset *p,
                        const nm_loihi_energy_counts *cnt, const nm_loihi_energy_result *er, double step_hz,
                        unsigned long steps, char *err, size_t errlen)
{
    json_t *root = json_object(), *e = nm_loihi_energy_json(p, step_hz, cnt, er), *cores = json_array();
    unsigned k, ncores = r->im->mesh_x * r->im->mesh_y;
    nm_out o;
    char *text;
    int rc;
    double per_core_static = p->static_mw_per_chip * 1e9 / (double)p->cores_per_chip * er->seconds;
    json_object_set_new(root, "core_type", json_string("loihi"));
    json_object_set_new(root, "mesh", json_pack("[ii]", (int)r->im->mesh_x, (int)r->im->mesh_y));
    json_object_set_new(root, "compartments_per_core", json_integer(r->im->g.ncomp));
    json_object_set_new(root, "ticks", json_integer((json_int_t)steps));
    json_object_set_new(root, "energy", e);
    json_object_set_new(e, "cores", cores);
    for (k = 0; k < ncores; k++) {
        const nm_loihi_ref *m = nm_loihi_chip_core(r->ref, k);
        uint32_t upd = nm_loihi_ref_counter(m, NML_COUNTER_CX_UPDATES), act = nm_loihi_ref_counter(m, NML_COUNTER_CX_ACTIVE);
        /* activity: what follows spikes (synaptic ops, spikes, packets out); the updates are
         * the rest of a core's dynamic energy (hops and barriers are the chip's, not a core's) */
        double activity = nm_loihi_ref_counter(m, NML_COUNTER_SYN_OPS) * p->pj[NM_LE_SYN_OP] +
                          nm_loihi_ref_counter(m, NML_COUNTER_SPIKES) * p->pj[NM_LE_SPIKE] +
                          nm_loihi_ref_counter(m, NML_COUNTER_PKTS_OUT) * p->pj[NM_LE_PKT_OUT];
        double dyn = activity + act * p->pj[NM_LE_CX_ACTIVE] + (upd - act) * p->pj[NM_LE_CX_INACTIVE];
        json_array_append_new(cores, json_pack("{s:i,s:i,s:f,s:f,s:f}", "x", (int)(k % r->im->mesh_x), "y",
                                               (int)(k / r->im->mesh_x), "dynamic_pj", dyn, "activity_pj", activity,
                                               "static_pj", per_core_static));
    }
    text = json_dumps(root, JSON_INDENT(1) | JSON_REAL_PRECISION(10));
    json_decref(root);
    if (!text) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    memset(&o, 0, sizeof o);
    rc = nm_out_open(&o, path, err, errlen);
    if (!rc) {
        fputs(text, o.f);
        fputc('\n', o.f);
        rc = nm_out_close(&o, 1, err, errlen);
    }
    free(text);
    return rc ? -1 : 0;
}

int nm_loihi_cli_run(int argc, char **argv)
{
    const char *args[1];
    unsigned nargs = 0, ncores;
    char err[768];
    lrun r;
    int rc, use_ref, use_rtl, status = 0;
    nm_loihi_energy_preset preset;
    nm_loihi_energy_counts cnt;
    nm_loihi_energy_result er;
    uint64_t nspk = 0, npk = 0, cyc = 0;
    unsigned long t, ran = 0;
    double w0, loop_wall, loop_cpu;
    clock_t c0;
    memset(&LA, 0, sizeof LA);
    LA.ticks = 100;
    LA.threads = 1;
    LA.backend = "ref";
    LA.energy = "loihi-davies2018";
    LA.step_hz = 1000;
    rc = nm_opts_parse(&nm_loihi_run_spec, argc, argv, args, &nargs);
    if (rc)
        return rc == 1 ? 0 : rc;
    if (LA.faults)
        return nm_usage_error(&nm_loihi_run_spec, "--faults: fault plans are for TrueNorth-style chips (core type 0); "
                                                  "%s is an image of Loihi-style cores (docs/faults.md)", args[0]);
    use_ref = strcmp(LA.backend, "rtl") != 0;
    use_rtl = strcmp(LA.backend, "ref") != 0;
    if (LA.rtl_cores && use_rtl)
        return nm_usage_error(&nm_loihi_run_spec, "--rtl-cores runs cores as RTL inside the ref backend (--backend ref)");
    if (LA.outputs && !use_rtl)
        return nm_usage_error(&nm_loihi_run_spec, "--outputs needs --backend rtl or check: the model chip drops the "
                                                  "packets that leave its mesh");
    if (LA.check && !LA.rtl_cores)
        return nm_usage_error(&nm_loihi_run_spec, "--check compares the --rtl-cores with the model; for the whole chip "
                                                  "use --backend check");
    memset(&r, 0, sizeof r);
    {
        nm_out_role roles[5] = {{"the image", args[0], 0}, {"--input", LA.input, 0}, {"--spikes", LA.spikes, 1},
                                {"--outputs", LA.outputs, 1}, {"--report", LA.report, 1}};
        if (nm_out_check_distinct(roles, 5, err, sizeof err)) {
            fprintf(stderr, "nmemu: %s\n", err);
            return NM_EXIT_USAGE;
        }
    }
    if (nm_loihi_energy_load(LA.energy, &preset, err, sizeof err)) {
        fprintf(stderr, "nmemu: %s\n", err);
        return NM_EXIT_INPUT;
    }
    r.im = nm_loihi_image_read(args[0], err, sizeof err);
    if (!r.im) {
        fprintf(stderr, "nmemu: %s\n", err);
        return NM_EXIT_INPUT;
    }
    ncores = r.im->mesh_x * r.im->mesh_y;
    if (LA.input && nm_inputs_read(LA.input, r.im->mesh_x, r.im->mesh_y, r.im->g.naxin, &r.in, &r.nin, err, sizeof err)) {
        fprintf(stderr, "nmemu: %s\n", err);
        lrun_free(&r);
        return NM_EXIT_INPUT;
    }
    /* the model chip also prices the energy on the rtl backend: both run the same steps */
    r.ref = nm_loihi_image_load(r.im, err, sizeof err);
    if (!r.ref) {
        fprintf(stderr, "nmemu: %s: %s\n", args[0], err);
        lrun_free(&r);
        return NM_EXIT_INPUT;
    }
    if (LA.threads > 1 && nm_loihi_chip_set_threads(r.ref, LA.threads, err, sizeof err) != NM_OK) {
        fprintf(stderr, "nmemu: %s\n", err);
        lrun_free(&r);
        return NM_EXIT_RUN;
    }
    if (use_rtl && (rc = build_rtl(&r, args[0])) != 0) {
        lrun_free(&r);
        return rc;
    }
    if (LA.rtl_cores && (rc = build_rtl_cores(&r, args[0])) != 0) {
        lrun_free(&r);
        return rc;
    }
    if (nm_out_open(&r.fs, LA.spikes, err, sizeof err) || nm_out_open(&r.fo, LA.outputs, err, sizeof err)) {
        fprintf(stderr, "nmemu: %s\n", err);
        lrun_free(&r);
        return NM_EXIT_RUN;
    }
    if (r.fs.f)
        fprintf(r.fs.f, "tick,x,y,compartment\n");
    if (r.fo.f)
        fprintf(r.fo.f, "tick,side,pos,dx,dy,axon\n");
    if (LA.raster)
        printf("raster: one row per step, one column per core (index y * %u + x), the count of its spikes\n"
               "  (. none, 1-9, + ten or more)\n",
               r.im->mesh_x);
    w0 = now_s();
    c0 = clock();
    for (t = 1; t <= LA.ticks; t++) {
        nm_loihi_chip_out o;
        nm_loihi_rtl_chip_out ro = {0, 0};
        char row[64 * 64 + 1]; /* --raster: a mesh is at most 64 x 64 cores */
        unsigned k, j;
        /* an input spike for tick T enters the queue before step T (tick 0: before step 1) */
        while (r.next < r.nin && r.in[r.next].tick <= t) {
            const nm_input *p = &r.in[r.next];
            int e = nm_loihi_chip_inject(r.ref, p->y * r.im->mesh_x + p->x, p->axon);
            if (e == NM_ERR_FULL)
                fprintf(stderr, "nmemu: tick %lu: core (%u, %u) input queue full, input spike dropped\n", t, p->x,
                        p->y);
            if (use_rtl &&
                nm_loihi_rtl_chip_host_send(r.rtl, nm_fw_loihi_host_flit((int)p->x, (int)p->y, p->axon)) != NM_OK) {
                fprintf(stderr, "nmemu: tick %lu: the RTL chip did not take a host packet: %s\n", t,
                        nm_loihi_rtl_chip_error(r.rtl));
                status = NM_EXIT_RUN;
                break;
            }
            r.next++;
        }
        if (status)
            break;
        if (r.nrc && r.fault >= 0 && t == r.fault_step &&
            nm_loihi_rtl_cfg_write(r.rc[r.fault], nm_loihi_addr_cx(0, NML_CX_V), 100000u) != NM_OK) {
            fprintf(stderr, "nmemu: NMEMU_RTL_FAULT: the RTL core refused the write\n");
            status = NM_EXIT_RUN;
            break;
        }
        if ((rc = nm_loihi_chip_step(r.ref, &o)) != NM_OK) {
            fprintf(stderr, "nmemu: step %lu failed: %s\n", t, nm_loihi_strerror(rc));
            status = NM_EXIT_RUN;
            break;
        }
        if (LA.check && rtl_cores_diverged(&r, t)) {
            status = NM_EXIT_RUN;
            ran = t;
            break;
        }
        if (use_rtl && (rc = nm_loihi_rtl_chip_step(r.rtl, &ro)) != NM_OK) {
            fprintf(stderr, "nmemu: step %lu: the RTL chip failed: %s %s\n", t, nm_loihi_strerror(rc),
                    nm_loihi_rtl_chip_error(r.rtl));
            status = NM_EXIT_RUN;
            break;
        }
        ran = t;
        if (use_ref && use_rtl && diverged(&r, t)) {
            status = NM_EXIT_RUN;
            break;
        }
        nspk += o.nspikes;
        npk += o.npkts;
        if (!use_rtl)
            cyc += o.cycles;
        else
            cyc += ro.cycles;
        if (r.fs.f || LA.raster)
            for (k = 0; k < ncores; k++) {
                unsigned x = k % r.im->mesh_x, y = k / r.im->mesh_x;
                const nm_loihi_out *co = use_ref ? nm_loihi_chip_core_out(r.ref, k)
                                                 : nm_loihi_rtl_chip_core_out(r.rtl, y * r.bw + x);
                for (j = 0; r.fs.f && j < co->nspikes; j++)
                    fprintf(r.fs.f, "%lu,%u,%u,%u\n", t, x, y, co->spikes[j]);
                row[k] = (char)(co->nspikes == 0 ? '.' : co->nspikes < 10 ? '0' + (int)co->nspikes : '+');
            }
        if (LA.raster) {
            row[ncores] = 0;
            printf("%6lu |%s| %" PRIu32 " cycles\n", t, row, use_rtl ? ro.cycles : o.cycles);
        }
        if (r.fo.f) {
            unsigned n;
            const nm_loihi_rtl_offchip *q = nm_loihi_rtl_chip_offchip(r.rtl, &n);
            for (j = 0; j < n; j++) /* flit {axon[11:0], dy[8:0], dx[8:0]}, dx and dy signed */
                fprintf(r.fo.f, "%" PRIu32 ",%u,%u,%d,%d,%u\n", q[j].step, q[j].side, q[j].pos,
                        (int)(q[j].flit & 0x1ffu) - (q[j].flit & 0x100u ? 512 : 0),
                        (int)((q[j].flit >> 9) & 0x1ffu) - ((q[j].flit >> 9) & 0x100u ? 512 : 0),
                        (unsigned)(q[j].flit >> 18) & 0xfffu);
        }
    }
    loop_wall = now_s() - w0;
    loop_cpu = (double)(clock() - c0) / CLOCKS_PER_SEC;
    if (!status) {
        nm_loihi_energy_count_chip(r.ref, &cnt);
        nm_loihi_energy_compute(&preset, LA.step_hz, &cnt, &er);
        printf("ran %lu steps on %u x %u Loihi-style cores (%s): %" PRIu64 " spikes, %" PRIu64 " packets, %" PRIu64
               " synaptic ops, %" PRIu64 " of %" PRIu64 " updates active; %" PRIu64 " cycles (%s)\n",
               ran, r.im->mesh_x, r.im->mesh_y, LA.backend, nspk, npk, cnt.n[NM_LE_SYN_OP], cnt.n[NM_LE_CX_ACTIVE],
               cnt.n[NM_LE_CX_ACTIVE] + cnt.n[NM_LE_CX_INACTIVE], cyc,
               use_rtl ? "RTL chip, step request to step done" : "slowest core per step");
        if (use_ref && use_rtl)
            printf("check: ref and rtl agree on every spike and every compartment's u, v, refractory counter "
                   "and hardware v at all %lu steps\n", ran);
        if (r.nrc) {
            uint64_t rcyc = 0;
            unsigned k;
            for (k = 0; k < ncores; k++)
                if (r.rc[k])
                    rcyc += nm_loihi_rtl_cycles(r.rc[k]);
            printf("rtl-cores: %u Loihi-style cores ran as Verilated RTL cores (%" PRIu64 " RTL clock cycles, "
                   "programming included), %.1f steps/s (%.3f s wall, %.3f s CPU for the steps)\n", r.nrc, rcyc,
                   loop_wall > 0 ? ran / loop_wall : 0.0, loop_wall, loop_cpu);
            if (LA.check)
                printf("check: every RTL core agrees with the model's copy of itself on spikes, packets, cycles and "
                       "every compartment's u, v, refractory counter and hardware v at all %lu steps\n", ran);
        }
        {
            char lines[1024];
            nm_loihi_energy_summary(lines, sizeof lines, &preset, LA.step_hz, ncores, &cnt, &er);
            fputs(lines, stdout);
        }
        if (LA.report) {
            if (write_report(LA.report, &r, &preset, &cnt, &er, LA.step_hz, ran, err, sizeof err)) {
                fprintf(stderr, "nmemu: %s\n", err);
                status = NM_EXIT_RUN;
            } else {
                printf("report: %s\n", LA.report);
            }
        }
    }
    if (nm_out_close(&r.fs, status == 0, err, sizeof err) || nm_out_close(&r.fo, status == 0, err, sizeof err)) {
        fprintf(stderr, "nmemu: %s\n", err);
        status = NM_EXIT_RUN;
    }
    lrun_free(&r);
    return status;
}

/* ---------------------------------------------------------------- sweep */

static uint64_t sweep_mix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* One run of the image: warmup steps, then `ticks` metered ones; every input axon of the
 * input cores gets a spike before each step with probability rate / step_hz (seeded). */
static int sweep_run(const nm_loihi_image *im, const nm_loihi_sweep_args *a, double rate, double step_hz,
                     nm_loihi_energy_counts *out)
{
    char err[768];
    nm_loihi_chip *chip = nm_loihi_image_load(im, err, sizeof err);
    nm_loihi_energy_counts c0;
    uint64_t s = a->seed, thr = (uint64_t)(rate / step_hz * 18446744073709551615.0);
    unsigned long t;
    unsigned k, ax, ncores = im->mesh_x * im->mesh_y, c;
    if (!chip) {
        fprintf(stderr, "nmemu: %s: %s\n", a->image, err);
        return NM_EXIT_INPUT;
    }
    memset(&c0, 0, sizeof c0);
    for (t = 0; t < (unsigned long)a->warmup + a->ticks; t++) {
        nm_loihi_chip_out o;
        if (t == a->warmup && a->warmup)
            nm_loihi_energy_count_chip(chip, &c0);
        for (k = 0; k < ncores && rate > 0; k++) {
            if (!a->all_cores && (k % im->mesh_x != a->ix || k / im->mesh_x != a->iy))
                continue;
            for (ax = 0; ax < im->g.naxin; ax++)
                if (rate >= step_hz || sweep_mix(&s) < thr)
                    nm_loihi_chip_inject(chip, k, ax); /* a full queue drops it, as on the chip */
        }
        if (nm_loihi_chip_step(chip, &o) != NM_OK) {
            fprintf(stderr, "nmemu: step %lu failed\n", t + 1);
            nm_loihi_chip_free(chip);
            return NM_EXIT_RUN;
        }
    }
    nm_loihi_energy_count_chip(chip, out);
    for (c = 0; c < NM_LE_NCLASSES; c++)
        out->n[c] -= c0.n[c];
    out->steps -= c0.steps;
    nm_loihi_chip_free(chip);
    return 0;
}

int nm_loihi_cli_sweep(const nm_loihi_sweep_args *a)
{
    enum { MAXP = 64 };
    char err[1024], names[MAXP][256];
    nm_loihi_energy_preset presets[MAXP], base;
    nm_loihi_image *im;
    nm_loihi_energy_counts cnt;
    nm_out table;
    unsigned n, i, np = 0, nlists = (a->nrates > 0) + (a->nstep_hz > 0) + (a->energies != NULL);
    char axis;
    double rate = a->rate >= 0 ? a->rate : 0;
    int rc = 0, any_syn = 0;
    if (a->nvolts || a->nsyn) {
        fprintf(stderr, "nmemu: sweep: %s is an image of Loihi-style cores: %s\n", a->image,
                a->nvolts ? "its energy presets have no supply voltage (sweep --energies P1,P2 or --tick-rates)"
                          : "--synapse-counts sweeps the generated TrueNorth benchmark (nmemu sweep merolla)");
        return NM_EXIT_USAGE;
    }
    if (nlists != 1) {
        fprintf(stderr, "nmemu: sweep: on an image of Loihi-style cores give exactly one of --rates, --tick-rates "
                        "and --energies\n");
        return NM_EXIT_USAGE;
    }
    axis = a->nrates ? 'r' : a->nstep_hz ? 't' : 'e';
    n = axis == 'r' ? a->nrates : axis == 't' ? a->nstep_hz : 0;
    if (nm_loihi_energy_load(a->energy ? a->energy : "loihi-davies2018", &base, err, sizeof err)) {
        fprintf(stderr, "nmemu: %s\n", err);
        return NM_EXIT_INPUT;
    }
    if (axis == 'e') {
        const char *p = a->energies;
        while (*p) {
            size_t l = strcspn(p, ",");
            if (!l || l >= sizeof names[0] || np == MAXP) {
                fprintf(stderr, "nmemu: sweep: --energies %s: expected 1..%d preset names or files, "
                                "comma-separated\n", a->energies, MAXP);
                return NM_EXIT_USAGE;
            }
            snprintf(names[np], sizeof names[np], "%.*s", (int)l, p);
            if (nm_loihi_energy_load(names[np], &presets[np], err, sizeof err)) {
                fprintf(stderr, "nmemu: %s\n", err);
                return NM_EXIT_INPUT;
            }
            np++;
            p += l + (p[l] == ',');
            if (p[-1] == ',' && !*p) {
                fprintf(stderr, "nmemu: sweep: --energies %s: a trailing comma\n", a->energies);
                return NM_EXIT_USAGE;
            }
        }
        n = np;
    }
    for (i = 0; axis == 'r' && i < n; i++)
        if (a->rates[i] > a->step_hz) {
            fprintf(stderr, "nmemu: sweep: rate %g Hz is above the step rate %g: at most one spike per input axon "
                            "per step\n", a->rates[i], a->step_hz);
            return NM_EXIT_USAGE;
        }
    if (axis != 'r' && rate > a->step_hz) {
        fprintf(stderr, "nmemu: sweep: --rate %g Hz is above the step rate %g\n", rate, a->step_hz);
        return NM_EXIT_USAGE;
    }
    im = nm_loihi_image_read(a->image, err, sizeof err);
    if (!im) {
        fprintf(stderr, "nmemu: %s\n", err);
        return NM_EXIT_INPUT;
    }
    if (!a->all_cores && (a->ix >= im->mesh_x || a->iy >= im->mesh_y)) {
        fprintf(stderr, "nmemu: --input-cores %u,%u is outside the %ux%u mesh\n", a->ix, a->iy, im->mesh_x,
                im->mesh_y);
        nm_loihi_image_free(im);
        return NM_EXIT_USAGE;
    }
    memset(&table, 0, sizeof table);
    if (nm_out_open(&table, a->out, err, sizeof err)) {
        fprintf(stderr, "nmemu: %s\n", err);
        nm_loihi_image_free(im);
        return NM_EXIT_RUN;
    }
    fprintf(table.f, "input_rate_hz,preset,steps,step_hz,spikes,syn_ops,packets,active_updates,inactive_updates,"
                     "static_pj,static_used_pj,dynamic_pj,total_pj,power_mw,pj_per_syn_op,dynamic_pj_per_syn_op,"
                     "cores_used\n");
    for (i = 0; i < n && !rc; i++) {
        const nm_loihi_energy_preset *p = axis == 'e' ? &presets[i] : &base;
        double th = axis == 't' ? a->step_hz_list[i] : a->step_hz, r = axis == 'r' ? a->rates[i] : rate;
        nm_loihi_energy_result er;
        double mw, per, dper;
        uint64_t syn;
        if (axis == 'r' || i == 0)
            rc = sweep_run(im, a, r, th, &cnt);
        if (rc)
            break;
        nm_loihi_energy_compute(p, th, &cnt, &er);
        syn = cnt.n[NM_LE_SYN_OP];
        any_syn |= syn > 0;
        mw = er.seconds > 0 ? er.total_pj / er.seconds * 1e-9 : 0;
        per = syn ? er.total_pj / (double)syn : 0;
        dper = syn ? er.dynamic_pj / (double)syn : 0;
        fprintf(table.f, "%g,%s,%u,%g,%llu,%llu,%llu,%llu,%llu,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%u\n", r, p->name,
                a->ticks, th, (unsigned long long)cnt.n[NM_LE_SPIKE], (unsigned long long)syn,
                (unsigned long long)cnt.n[NM_LE_PKT_OUT], (unsigned long long)cnt.n[NM_LE_CX_ACTIVE],
                (unsigned long long)cnt.n[NM_LE_CX_INACTIVE], er.static_pj, er.static_used_pj, er.dynamic_pj,
                er.total_pj, mw, per, dper, cnt.ncores_used);
        if (axis == 'r')
            printf("input rate %g Hz", r);
        else if (axis == 't')
            printf("step rate %g steps/s", th);
        else
            printf("preset %s", p->name);
        printf(": %llu spikes, %llu synaptic ops, %.4g uJ dynamic, %.4g uJ static (whole chip; %.4g uJ for the "
               "%u core%s used), %.4g mW\n",
               (unsigned long long)cnt.n[NM_LE_SPIKE], (unsigned long long)syn, er.dynamic_pj * 1e-6,
               er.static_pj * 1e-6, er.static_used_pj * 1e-6, cnt.ncores_used, cnt.ncores_used == 1 ? "" : "s", mw);
    }
    if (nm_out_close(&table, rc == 0, err, sizeof err) || rc) {
        if (!rc)
            fprintf(stderr, "nmemu: %s\n", err);
        nm_loihi_image_free(im);
        return rc ? rc : NM_EXIT_RUN;
    }
    printf("table: %s\n", a->out);
    if (a->plot) {
        const char *col = axis == 'r' ? "1" : axis == 't' ? "4" : "0";
        const char *xl = axis == 'r' ? "input rate per axon (Hz)" : axis == 't' ? "step rate (steps/s)" : "preset";
        char script[4096];
        int k = snprintf(script, sizeof script,
                         "set datafile separator ','\nset key autotitle columnhead\nset grid\n"
                         "set multiplot layout 1,%d title '%s (Loihi-style cores)' noenhanced\nset xlabel '%s'\n"
                         "set logscale y\n" /* static and dynamic differ by orders of magnitude */
                         "set ylabel 'power (mW)'\n"
                         "plot '%s' using %s:14%s with linespoints pt 7 title 'whole chip', '' using %s:(($11 + $12) / "
                         "($3 / $4) * 1e-9) with linespoints pt 5 title 'cores used only'\n",
                         any_syn ? 2 : 1, a->image, xl, a->out, col, axis == 'e' ? ":xtic(2)" : "", col);
        if (any_syn && k > 0 && (size_t)k < sizeof script)
            snprintf(script + k, sizeof script - (size_t)k,
                     "set ylabel 'energy per synaptic op (pJ)'\n"
                     "plot '%s' using %s:($6 > 0 ? $15 : 1/0)%s with linespoints pt 7 lc rgb '#c03030' title "
                     "'with static', '' using %s:($6 > 0 ? $16 : 1/0) with linespoints pt 5 lc rgb '#3b6ea5' "
                     "title 'dynamic only'\nunset multiplot\n",
                     a->out, col, axis == 'e' ? ":xtic(2)" : "", col);
        else if (k > 0 && (size_t)k < sizeof script)
            snprintf(script + k, sizeof script - (size_t)k, "unset multiplot\n");
        if (nm_plot_run(script, a->plot, err, sizeof err)) {
            fprintf(stderr, "nmemu: %s\n", err);
            nm_loihi_image_free(im);
            return NM_EXIT_RUN;
        }
        printf("plot: %s\n", a->plot);
    }
    nm_loihi_image_free(im);
    return 0;
}
