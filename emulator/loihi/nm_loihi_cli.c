/* nm_loihi_cli.c - nmemu compile/info/run for Loihi-core networks and images (docs/loihi-network-format.md). */
#include "nm_loihi_cli.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nm_load.h"
#include "nm_loihi_compile.h"
#include "nm_loihi_energy.h"
#include "nm_loihi_image.h"
#include "nm_loihi_prog.h"
#include "nm_loihi_regmap.h"
#include "nm_loihi_rtl.h"
#include "nm_loihi_rtl_chip.h"
#include "nm_mixed_chip.h"
#include "nm_output.h"
#include "nm_rtl_shapes.h"

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
    }
    nm_loihi_image_free(im);
    return 0;
}

/* ---------------------------------------------------------------- run */

static struct {
    unsigned ticks, threads;
    const char *backend, *input, *spikes, *energy, *rtl_cores;
    int check;
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
    {.name = "energy", .kind = NM_OPT_STRING, .metavar = "P", .dest = &LA.energy,
     .help = "Loihi energy preset (default loihi-davies2018)"},
    {.name = "rtl-cores", .kind = NM_OPT_STRING, .metavar = "LIST", .dest = &LA.rtl_cores,
     .help = "with --backend ref: run these cores as Verilated Loihi RTL cores inside the\n"
             "model chip: 'X,Y[;X,Y...]' or a rectangle 'X0,Y0:X1,Y1' (small geometry only)"},
    {.name = "check", .kind = NM_OPT_FLAG, .dest = &LA.check,
     .help = "with --rtl-cores: compare each RTL core with the model's copy of itself after\n"
             "every step (spikes, packets, cycles, every compartment's u, v, refractory, hw v)"},
    {.name = "step-hz", .kind = NM_OPT_DOUBLE, .metavar = "F", .min = 0, .max = NM_HZ_MAX, .min_open = 1,
     .dest = &LA.step_hz, .help = "steps per second, for static energy (default 1000)"},
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
    nm_out fs;
} lrun;

static void lrun_free(lrun *r)
{
    char e[256];
    unsigned k;
    nm_out_close(&r->fs, 0, e, sizeof e);
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

/* The Verilated chip, programmed with the image through the firmware. */
static int build_rtl(lrun *r, const char *image)
{
    char err[768];
    const nm_loihi_geom *bg, *ig = &r->im->g;
    nm_loihi_image_layout l;
    unsigned k;
    size_t i;
    /* the linked build if the image fits in it, else the build of the image's shape (made on
     * first use, cached: nm_rtl_shapes.h, docs/loihi-chip.md) */
    const nm_vlchip_api *api = nm_rtl_lshape_get(r->im->mesh_x, r->im->mesh_y, ig, err, sizeof err);
    if (!api) {
        fprintf(stderr, "nmemu: %s: %s\n", image, err);
        return NM_EXIT_RUN;
    }
    r->rtl = nm_loihi_rtl_chip_new_api(api, NULL, err, sizeof err);
    if (!r->rtl) {
        fprintf(stderr, "nmemu: %s\n", err);
        return NM_EXIT_RUN;
    }
    bg = nm_loihi_rtl_chip_geom(r->rtl);
    r->bw = nm_loihi_rtl_chip_mesh_x(r->rtl);
    if (bg->ncomp != ig->ncomp || bg->naxin != ig->naxin || bg->naxout != ig->naxout || bg->nsyn != ig->nsyn ||
        bg->ndslot != ig->ndslot || bg->ndprof != ig->ndprof || bg->ntprof != ig->ntprof ||
        bg->nsynfmt != ig->nsynfmt || bg->inq < ig->inq || r->im->mesh_x > r->bw ||
        r->im->mesh_y > nm_loihi_rtl_chip_mesh_y(r->rtl)) {
        fprintf(stderr, "nmemu: %s: the RTL chip of Loihi-style cores is built as %u x %u cores of %u compartments, "
                        "%u input axons, %u axon-map entries, %u synapse words, %u delay slots, %u/%u/%u profiles "
                        "and formats, input queue %u; the image has %u x %u cores of %u, %u, %u, %u, %u, %u/%u/%u, "
                        "queue %u (it needs the same core geometry, a queue at least as deep, and a mesh that "
                        "fits; docs/loihi-chip.md)\n",
                image, r->bw, nm_loihi_rtl_chip_mesh_y(r->rtl), bg->ncomp, bg->naxin, bg->naxout, bg->nsyn,
                bg->ndslot, bg->ndprof, bg->ntprof, bg->nsynfmt, bg->inq, r->im->mesh_x, r->im->mesh_y, ig->ncomp,
                ig->naxin, ig->naxout, ig->nsyn, ig->ndslot, ig->ndprof, ig->ntprof, ig->nsynfmt, ig->inq);
        return NM_EXIT_INPUT;
    }
    nm_loihi_image_layout_of(ig, &l);
    for (k = 0; k < r->im->mesh_x * r->im->mesh_y; k++) {
        unsigned core = (k / r->im->mesh_x) * r->bw + k % r->im->mesh_x;
        for (i = 0; i < l.nwords; i++)
            if (nm_fw_loihi_core_write(nm_loihi_rtl_chip_bus(r->rtl), core, nm_loihi_image_word_addr(&l, i),
                                       r->im->words[k][i]) != NM_FW_OK) {
                fprintf(stderr, "nmemu: %s: core %u: the RTL refused config word %zu (address 0x%05x)\n", image,
                        k, i, (unsigned)nm_loihi_image_word_addr(&l, i));
                return NM_EXIT_RUN;
            }
    }
    return 0;
}

/* check: the first divergence between the model and the RTL after step t; 0 if none. */
static int diverged(lrun *r, unsigned long t)
{
    static const char *const f[4] = {"u", "v", "refractory", "v (hardware view)"};
    static const int wid[4] = {24, 24, 6, 24};
    unsigned k, n, j;
    for (k = 0; k < r->im->mesh_x * r->im->mesh_y; k++) {
        unsigned x = k % r->im->mesh_x, y = k / r->im->mesh_x, core = y * r->bw + x;
        const nm_loihi_out *a = nm_loihi_chip_core_out(r->ref, k), *b = nm_loihi_rtl_chip_core_out(r->rtl, core);
        nm_loihi_ref *m = nm_loihi_chip_core(r->ref, k);
        for (j = 0; j < a->nspikes || j < b->nspikes; j++)
            if (j >= a->nspikes || j >= b->nspikes || a->spikes[j] != b->spikes[j]) {
                fprintf(stderr, "nmemu: check: backends diverged at step %lu, core (%u, %u): spike %u: ref %s%d, "
                                "rtl %s%d\n", t, x, y, j, j < a->nspikes ? "compartment " : "none",
                        j < a->nspikes ? a->spikes[j] : 0, j < b->nspikes ? "compartment " : "none",
                        j < b->nspikes ? b->spikes[j] : 0);
                return 1;
            }
        for (n = 0; n < r->im->g.ncomp; n++) {
            uint32_t w[4];
            if (nm_fw_loihi_read_cx_state(nm_loihi_rtl_chip_bus(r->rtl), core, n, w) != NM_FW_OK) {
                fprintf(stderr, "nmemu: check: step %lu, core (%u, %u): the RTL refused a state read\n", t, x, y);
                return 1;
            }
            for (j = 0; j < 4; j++) {
                uint32_t mw = 0;
                nm_loihi_ref_cfg_read(m, nm_loihi_addr_cx(n, NML_CX_U + j), &mw);
                if (mw != w[j]) {
                    fprintf(stderr, "nmemu: check: backends diverged at step %lu, core (%u, %u), compartment %u, "
                                    "%s: ref %ld, rtl %ld\n", t, x, y, n, f[j],
                            (long)nm_loihi_sext(mw, (unsigned)wid[j]), (long)nm_loihi_sext(w[j], (unsigned)wid[j]));
                    return 1;
                }
            }
        }
    }
    return 0;
}

/* --rtl-cores: a Verilated Loihi core for each chosen core, programmed with the image's words,
 * attached to the model chip (nm_loihi_chip_attach). */
static int build_rtl_cores(lrun *r, const char *image)
{
    char err[768];
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
    nm_loihi_image_layout_of(&r->im->g, &l);
    for (k = 0; k < n; k++) {
        if (!r->mask[k])
            continue;
        r->rc[k] = nm_loihi_rtl_new(&r->im->g, NULL, err, sizeof err);
        if (!r->rc[k]) {
            fprintf(stderr, "nmemu: %s: --rtl-cores: core (%u, %u): %s (the Verilated Loihi core is built for the small "
                            "geometry, docs/loihi-chip.md)\n", image, k % r->im->mesh_x, k / r->im->mesh_x, err);
            return NM_EXIT_INPUT;
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
    memset(&LA, 0, sizeof LA);
    LA.ticks = 100;
    LA.threads = 1;
    LA.backend = "ref";
    LA.energy = "loihi-davies2018";
    LA.step_hz = 1000;
    rc = nm_opts_parse(&nm_loihi_run_spec, argc, argv, args, &nargs);
    if (rc)
        return rc == 1 ? 0 : rc;
    use_ref = strcmp(LA.backend, "rtl") != 0;
    use_rtl = strcmp(LA.backend, "ref") != 0;
    if (LA.rtl_cores && use_rtl)
        return nm_usage_error(&nm_loihi_run_spec, "--rtl-cores runs cores as RTL inside the ref backend (--backend ref)");
    if (LA.check && !LA.rtl_cores)
        return nm_usage_error(&nm_loihi_run_spec, "--check compares the --rtl-cores with the model; for the whole chip "
                                                  "use --backend check");
    memset(&r, 0, sizeof r);
    {
        nm_out_role roles[3] = {{"the image", args[0], 0}, {"--input", LA.input, 0}, {"--spikes", LA.spikes, 1}};
        if (nm_out_check_distinct(roles, 3, err, sizeof err)) {
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
    if (nm_out_open(&r.fs, LA.spikes, err, sizeof err)) {
        fprintf(stderr, "nmemu: %s\n", err);
        lrun_free(&r);
        return NM_EXIT_RUN;
    }
    if (r.fs.f)
        fprintf(r.fs.f, "tick,x,y,compartment\n");
    for (t = 1; t <= LA.ticks; t++) {
        nm_loihi_chip_out o;
        nm_loihi_rtl_chip_out ro;
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
        if (r.fs.f)
            for (k = 0; k < ncores; k++) {
                unsigned x = k % r.im->mesh_x, y = k / r.im->mesh_x;
                const nm_loihi_out *co = use_ref ? nm_loihi_chip_core_out(r.ref, k)
                                                 : nm_loihi_rtl_chip_core_out(r.rtl, y * r.bw + x);
                for (j = 0; j < co->nspikes; j++)
                    fprintf(r.fs.f, "%lu,%u,%u,%u\n", t, x, y, co->spikes[j]);
            }
    }
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
                   "programming included)\n", r.nrc, rcyc);
            if (LA.check)
                printf("check: every RTL core agrees with the model's copy of itself on spikes, packets, cycles and "
                       "every compartment's u, v, refractory counter and hardware v at all %lu steps\n", ran);
        }
        printf("energy (%s, %.0f steps/s): %.3f uJ dynamic + %.3f uJ static = %.3f uJ\n", preset.name, LA.step_hz,
               er.dynamic_pj * 1e-6, er.static_pj * 1e-6, er.total_pj * 1e-6);
    }
    if (nm_out_close(&r.fs, status == 0, err, sizeof err)) {
        fprintf(stderr, "nmemu: %s\n", err);
        status = NM_EXIT_RUN;
    }
    lrun_free(&r);
    return status;
}
