/* nmemu.c - the command line: the table of subcommands, and the small ones (compile,
 * decompile, info, pack-input, gen). `run` is in nm_cmd_run.c, `sweep` in nm_sweep.c,
 * `plot` in nm_plot.c; every subcommand parses its options from one table (nm_opts.h).
 *
 * Exit status: 0 success, 1 the run failed or (check) the backends diverged,
 * 2 bad usage, 3 a bad input file (image, network, spike program, preset).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../board/nm_board_run.h"
#include "nm_cmd_faults.h"
#include "nm_cmd_run.h"
#include "nm_compile.h"
#include "nm_gen.h"
#include "nm_image.h"
#include "nm_import.h"
#include "nm_load.h"
#include "loihi/nm_loihi_cli.h"
#include "loihi/nm_loihi_compile.h"
#include "loihi/nm_loihi_image.h"
#include "nm_rtl_shapes.h"
#include "nm_opts.h"
#include "nm_output.h"
#include "nm_plot.h"
#include "nm_sweep.h"

#define NMEMU_VERSION "0.3.0"

static const nm_opt no_opts[] = {{0}};

/* ------------------------------------------------------------------ compile */
static struct {
    const char *out;
    int have_out;
} C;

static const nm_opt compile_opts[] = {
    {.name = "output", .letter = 'o', .kind = NM_OPT_STRING, .metavar = "NET.nmi", .dest = &C.out,
     .seen = &C.have_out, .required = 1, .help = "the network image to write"},
    {0},
};
static const nm_cmd_spec compile_spec = {"compile", "NET.json", 1, 1,
                                         "Compile a network description (docs/network-format.md) into an image.",
                                         NULL, compile_opts};

static int cmd_compile(int argc, char **argv)
{
    char err[512];
    const char *args[1];
    unsigned nargs;
    nm_image *im;
    int rc = nm_opts_parse(&compile_spec, argc, argv, args, &nargs);
    if (rc)
        return rc == 1 ? 0 : rc;
    {
        char cerr[8400];
        const nm_out_role files[] = {{"the network", args[0], 0}, {"-o", C.out, 1}};
        if (nm_out_check_distinct(files, sizeof files / sizeof files[0], cerr, sizeof cerr))
            return nm_usage_error(&compile_spec, "%s", cerr);
    }
    if (nm_loihi_json_file_is_loihi(args[0])) /* "core_type": "loihi" */
        return nm_loihi_cli_compile(args[0], C.out);
    im = nm_compile_file(args[0], err, sizeof err);
    if (!im) {
        fprintf(stderr, "nmemu: %s\n", err);
        return NM_EXIT_INPUT;
    }
    if (nm_image_write(im, C.out, err, sizeof err)) {
        fprintf(stderr, "nmemu: %s\n", err);
        rc = NM_EXIT_RUN;
    }
    nm_image_free(im);
    return rc;
}

/* ------------------------------------------------------------------ decompile */
static struct {
    const char *out;
} D;

static const nm_opt decompile_opts[] = {
    {.name = "output", .letter = 'o', .kind = NM_OPT_STRING, .metavar = "NET.json", .dest = &D.out,
     .help = "write the JSON here (default: standard output)"},
    {0},
};
static const nm_cmd_spec decompile_spec = {"decompile", "NET.nmi", 1, 1,
                                           "Turn an image back into a network description (JSON).", NULL,
                                           decompile_opts};

static int cmd_decompile(int argc, char **argv)
{
    char err[4400];
    const char *args[1];
    unsigned nargs;
    nm_image *im;
    nm_out o;
    int rc = nm_opts_parse(&decompile_spec, argc, argv, args, &nargs);
    if (rc)
        return rc == 1 ? 0 : rc;
    {
        char cerr[8400];
        const nm_out_role files[] = {{"the image", args[0], 0}, {"-o", D.out, 1}};
        if (nm_out_check_distinct(files, sizeof files / sizeof files[0], cerr, sizeof cerr))
            return nm_usage_error(&decompile_spec, "%s", cerr);
    }
    if (nm_loihi_image_sniff_file(args[0])) /* core type 1 */
        return nm_loihi_cli_decompile(args[0], D.out);
    im = nm_image_read(args[0], err, sizeof err);
    if (!im) {
        fprintf(stderr, "nmemu: %s\n", err);
        return NM_EXIT_INPUT;
    }
    if (nm_out_open(&o, D.out ? D.out : "-", err, sizeof err)) {
        fprintf(stderr, "nmemu: %s\n", err);
        nm_image_free(im);
        return NM_EXIT_RUN;
    }
    rc = nm_decompile_write(im, o.f); /* streamed: never the whole text in memory */
    nm_image_free(im);
    if (rc) {
        nm_out_close(&o, 0, err, 0);
        fprintf(stderr, "nmemu: cannot write %s: %s\n", D.out ? D.out : "standard output",
                ferror(o.f) ? "write error" : "out of memory");
        return NM_EXIT_RUN;
    }
    if (nm_out_close(&o, 1, err, sizeof err)) {
        fprintf(stderr, "nmemu: %s\n", err);
        return NM_EXIT_RUN;
    }
    return 0;
}

/* ------------------------------------------------------------------ pack-input */
static struct {
    const char *out;
    int have_out;
} P;

static const nm_opt pack_opts[] = {
    {.name = "output", .letter = 'o', .kind = NM_OPT_STRING, .metavar = "SPIKES.nsp", .dest = &P.out,
     .seen = &P.have_out, .required = 1, .help = "the binary spike program to write"},
    {0},
};
static const nm_cmd_spec pack_spec = {"pack-input", "IMAGE SPIKES.csv", 2, 2,
                                      "Check a text spike program against an image and write its binary form\n"
                                      "(docs/network-format.md).",
                                      NULL, pack_opts};

static int cmd_pack_input(int argc, char **argv)
{
    char err[512];
    const char *args[2];
    unsigned nargs;
    nm_image *im;
    nm_input *in = NULL;
    size_t n = 0;
    int rc = nm_opts_parse(&pack_spec, argc, argv, args, &nargs);
    if (rc)
        return rc == 1 ? 0 : rc;
    {
        char cerr[8400];
        const nm_out_role files[] = {{"the image", args[0], 0}, {"the spike program", args[1], 0}, {"-o", P.out, 1}};
        if (nm_out_check_distinct(files, sizeof files / sizeof files[0], cerr, sizeof cerr))
            return nm_usage_error(&pack_spec, "%s", cerr);
    }
    if (nm_loihi_image_sniff_file(args[0])) { /* core type 1 */
        fprintf(stderr, "nmemu: %s: an image of Loihi-style cores: the binary spike program has 8-bit axon "
                        "numbers and a Loihi core up to 4,096 input axons; give nmemu run the text spike program "
                        "(--input %s)\n", args[0], args[1]);
        return NM_EXIT_INPUT;
    }
    im = nm_image_read(args[0], err, sizeof err);
    if (!im) {
        fprintf(stderr, "nmemu: %s\n", err);
        return NM_EXIT_INPUT;
    }
    /* on a board, host spikes are in board coordinates (docs/scale-out.md) */
    if (nm_inputs_read(args[1], im->board_x * im->mesh_x, im->board_y * im->mesh_y, im->naxons, &in, &n, err,
                       sizeof err)) {
        fprintf(stderr, "nmemu: %s\n", err);
        rc = NM_EXIT_INPUT;
    } else if (nm_inputs_write_binary(P.out, in, n, err, sizeof err)) {
        fprintf(stderr, "nmemu: %s\n", err);
        rc = NM_EXIT_RUN;
    }
    free(in);
    nm_image_free(im);
    return rc;
}

/* ------------------------------------------------------------------ info */
static const nm_cmd_spec info_spec = {"info", "IMAGE", 1, 1, "Print an image's geometry and synapse count.", NULL,
                                      no_opts};

static int cmd_info(int argc, char **argv)
{
    char err[512];
    const char *args[1];
    unsigned nargs, k, j;
    nm_image *im;
    uint64_t syn = 0;
    int rc = nm_opts_parse(&info_spec, argc, argv, args, &nargs);
    if (rc)
        return rc == 1 ? 0 : rc;
    if (nm_loihi_image_sniff_file(args[0])) /* core type 1 */
        return nm_loihi_cli_info(args[0]);
    im = nm_image_read(args[0], err, sizeof err);
    if (!im) {
        fprintf(stderr, "nmemu: %s\n", err);
        return NM_EXIT_INPUT;
    }
    for (k = 0; k < im->chip_images * im->mesh_x * im->mesh_y; k++)
        for (j = 0; j < im->nneurons * im->naxons / 32; j++)
            syn += (unsigned)__builtin_popcount(im->cores[k].xbar[j]);
    printf("image %s: version %u.%u\n", args[0], NM_IMAGE_VERSION_MAJOR, NM_IMAGE_VERSION_MINOR);
    if (nm_image_is_board(im)) /* the mesh line is per chip; synapses count every chip image */
        printf("board %u x %u chips (%s), %u cores, %u neurons in all\n", im->board_x, im->board_y,
               im->chip_images == 1 ? "one chip repeated" : "each chip its own cores",
               im->board_x * im->board_y * im->mesh_x * im->mesh_y,
               im->board_x * im->board_y * im->mesh_x * im->mesh_y * im->nneurons);
    printf("mesh %u x %u cores, each %u axons x %u neurons (%u neurons in all)\n", im->mesh_x, im->mesh_y,
           im->naxons, im->nneurons, im->mesh_x * im->mesh_y * im->nneurons);
    printf("synapses (crossbar bits set): %" PRIu64 " (%.1f%% of the crossbars)\n", syn,
           100.0 * (double)syn / ((double)im->chip_images * im->mesh_x * im->mesh_y * im->nneurons * im->naxons));
    if (im->prov) { /* how the network was made (docs/image-format.md, "Provenance") */
        const char *q = im->prov;
        printf("provenance:\n");
        for (; *q; q = strchr(q, '\n') + 1)
            printf("  %.*s\n", (int)(strchr(q, '\n') - q), q);
    } else {
        printf("provenance: none recorded\n");
    }
    {
        /* the RTL backend's builds of the chip (docs/chip.md section 8) */
        char shapes[4096], why[512];
        const char *state = "built";
        nm_rtl_shape_list(shapes, sizeof shapes);
        snprintf(err, sizeof err, "%ux%u-%ux%u", im->mesh_x, im->mesh_y, im->naxons, im->nneurons);
        if (nm_rtl_shape_check(im->mesh_x, im->mesh_y, im->naxons, im->nneurons, why, sizeof why))
            state = "beyond the RTL backend's limit";
        else if (!nm_rtl_shape_built(im->mesh_x, im->mesh_y, im->naxons, im->nneurons))
            state = "not built yet (the first --backend rtl or check run builds it)";
        printf("RTL model for this shape (%s): %s\n", err, state);
        printf("RTL shapes built: %s (cache %s)\n", shapes, nm_rtl_shape_cache());
    }
    nm_image_free(im);
    return 0;
}

/* ------------------------------------------------------------------ gen */
static nm_gen_merolla_opts G;
static struct {
    const char *out;
    int have_out;
} GO;

/* --mesh XxY: each side 1..64 is checked by the generator, which names the rule. */
static int parse_mesh(const char *v, void *dest, char *err, unsigned long errlen)
{
    nm_gen_merolla_opts *g = dest;
    char tail;
    if (sscanf(v, "%ux%u%c", &g->mesh_x, &g->mesh_y, &tail) != 2 || v[0] < '0' || v[0] > '9') {
        snprintf(err, errlen, "XxY (e.g. 64x64)");
        return -1;
    }
    return 0;
}

/* --board BXxBY: each side 1..64 is checked by the generator. */
static int parse_board(const char *v, void *dest, char *err, unsigned long errlen)
{
    nm_gen_merolla_opts *g = dest;
    char tail;
    if (sscanf(v, "%ux%u%c", &g->board_x, &g->board_y, &tail) != 2 || v[0] < '0' || v[0] > '9') {
        snprintf(err, errlen, "BXxBY (e.g. 4x4)");
        return -1;
    }
    return 0;
}

static const nm_opt gen_opts[] = {
    {.name = "output", .letter = 'o', .kind = NM_OPT_STRING, .metavar = "NET.nmi", .dest = &GO.out,
     .seen = &GO.have_out, .required = 1, .help = "the network image to write"},
    {.name = "mesh", .kind = NM_OPT_CUSTOM, .metavar = "XxY", .parse = parse_mesh, .dest = &G,
     .help = "cores in x and y, each 1..64 (default 64x64)"},
    {.name = "board", .kind = NM_OPT_CUSTOM, .metavar = "BXxBY", .parse = parse_board, .dest = &G,
     .help = "a board of chips, each side 1..64 (default 1x1; docs/scale-out.md)"},
    {.name = "rate", .kind = NM_OPT_DOUBLE, .metavar = "HZ", .min = 0, .max = NM_HZ_MAX, .dest = &G.rate_hz,
     .help = "mean firing rate the network is tuned for (default 20; 0: an idle chip,\nno leak, nothing fires)"},
    {.name = "synapses", .kind = NM_OPT_UINT, .metavar = "N", .min = 0, .max = 256, .dest = &G.synapses,
     .help = "synapses per neuron (default 128)"},
    {.name = "tick-rate", .kind = NM_OPT_DOUBLE, .metavar = "HZ", .min = 0, .min_open = 1, .max = NM_HZ_MAX,
     .dest = &G.tick_hz, .help = "ticks per second the rate refers to (default 1000)"},
    {.name = "seed", .kind = NM_OPT_U64, .metavar = "N", .min = 0, .max = 18446744073709551615.0, .dest = &G.seed,
     .help = "seed of the random wiring"},
    {.name = "stochastic", .kind = NM_OPT_UINT, .metavar = "0|1", .min = 0, .max = 1, .dest = &G.stochastic,
     .help = "1: stochastic synapses and leak (the W-stochastic variant)"},
    {0},
};
static const nm_cmd_spec gen_spec = {"gen", "merolla", 1, 1,
                                     "Generate the TrueNorth benchmark network (docs/energy-model.md s5).", NULL,
                                     gen_opts};

static int cmd_gen(int argc, char **argv)
{
    nm_gen_merolla_info info;
    const char *args[1];
    unsigned nargs;
    char err[512];
    nm_image *im;
    int rc;
    nm_gen_merolla_defaults(&G);
    rc = nm_opts_parse(&gen_spec, argc, argv, args, &nargs);
    if (rc)
        return rc == 1 ? 0 : rc;
    if (strcmp(args[0], "merolla"))
        return nm_usage_error(&gen_spec, "gen knows one network, 'merolla', not '%s'", args[0]);
    im = nm_gen_merolla(&G, &info, err, sizeof err);
    if (!im) {
        fprintf(stderr, "nmemu: gen merolla: %s\n", err);
        return NM_EXIT_USAGE;
    }
    if (nm_image_write(im, GO.out, err, sizeof err)) {
        fprintf(stderr, "nmemu: %s\n", err);
        nm_image_free(im);
        return NM_EXIT_RUN;
    }
    if (G.board_x * G.board_y > 1)
        printf("%s: a board of %ux%u chips\n", GO.out, G.board_x, G.board_y);
    printf("%s: Merolla benchmark, %ux%u cores, %u synapses per neuron, leak %d, threshold %u: "
           "%.3f Hz at %g ticks/s without input noise\n",
           GO.out, G.mesh_x, G.mesh_y, G.synapses, info.lambda, info.alpha, info.rate_hz, G.tick_hz);
    nm_image_free(im);
    return 0;
}

/* ------------------------------------------------------------------ main */
static const struct command {
    const nm_cmd_spec *spec;
    int (*run)(int argc, char **argv);
} commands[] = {
    {&compile_spec, cmd_compile}, {&decompile_spec, cmd_decompile}, {&info_spec, cmd_info},
    {&pack_spec, cmd_pack_input}, {&gen_spec, cmd_gen},             {&nm_run_spec, nm_cmd_run},
    {&nm_faults_spec, nm_cmd_faults}, {&nm_plot_spec, nm_cmd_plot},   {&nm_sweep_spec, nm_cmd_sweep},
    {&nm_import_spec, nm_cmd_import},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *f)
{
    unsigned i;
    fputs("usage:\n", f);
    for (i = 0; i < NCOMMANDS; i++) {
        fputs("  ", f);
        nm_opts_synopsis(commands[i].spec, f);
    }
    fputs("  nmemu --version | --help\n"
          "nmemu COMMAND --help lists a command's options (man nmemu: docs/nmemu.1)\n"
          "exit status: 0 ok, 1 run failed or backends diverged, 2 usage, 3 bad input file\n",
          f);
}

int main(int argc, char **argv)
{
    unsigned i;
    nm_out_catch_signals(); /* a Ctrl-C leaves no temporary file behind */
    if (argc < 2) {
        fputs("nmemu: no command given\n", stderr);
        usage(stderr);
        return NM_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("nmemu %s\n", NMEMU_VERSION);
        return 0;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(stdout);
        return 0;
    }
    /* a board image, or a run under mpirun: the board run (docs/scale-out.md) */
    if (!strcmp(argv[1], "run") && nm_board_run_wanted(argc - 2, argv + 2))
        return nm_board_cmd_run(argc - 1, argv + 1);
    for (i = 0; i < NCOMMANDS; i++)
        if (!strcmp(argv[1], commands[i].spec->name))
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "nmemu: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return NM_EXIT_USAGE;
}
