/* nm_import_cli.c - `nmemu import nir FILE.nir -o OUT` and `nmemu import ranc DIR -o OUT`:
 * option tables for getopt_long, then read, lower, place, write (outputs written whole,
 * under a temporary name, or not at all). */
#include "nm_import.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nm_compile.h"
#include "nm_image.h"
#include "nm_load.h"
#include "nm_lower_tn.h"
#include "nm_nir.h"
#include "nm_ranc.h"

#define EX_OK 0
#define EX_USAGE 2
#define EX_INPUT 3

static const char usage_nir[] =
    "usage: nmemu import nir FILE.nir -o NET.json|NET.nmi [options]\n"
    "  --target truenorth   core type to map onto (the only one in this build)\n"
    "  --dt S               seconds per tick, for LIF time constants (default 0.001)\n"
    "  --reset subtract|zero  after a spike V -= threshold (default) or V = 0\n"
    "  --quant int2|int3|int4 weight bits per synapse = axon copies per input (default int4)\n"
    "  --quant-range max|pNN  per neuron, the largest |w| (default) or its NN-th percentile\n"
    "                       maps to the top weight code; larger weights clip\n"
    "  --lif-leak linear    accept LIF, its decay approximated by a constant leak\n"
    "  --v-floor F          potentials down to -F x v_threshold stay exact (default 400); below,\n"
    "                       V saturates at TrueNorth's -beta (18 bits); larger F, coarser weights\n"
    "  --input-map F        CSV: input element -> host spikes (x, y, axon, tick offset)\n"
    "  --neuron-map F       CSV: chip neuron -> graph node and element\n"
    "  --report F           the printed report, also to a file\n";

static const char usage_ranc[] =
    "usage: nmemu import ranc DIR --grid XxY -o NET.json|NET.nmi [options]\n"
    "  --grid XxY           RANC's GRID_DIMENSION_X and _Y (core file N is x = N % X, y = N / X)\n"
    "  --output-bus X,Y     the grid slot of RANC's output bus (OUTPUT_CORE_X/Y_COORDINATE)\n"
    "  --spikes-out F       tb_input.txt (with tb_num_inputs.txt) as an nmemu spike program\n";

static int ends_with(const char *s, const char *suf)
{
    size_t l = strlen(s), k = strlen(suf);
    return l >= k && !strcmp(s + l - k, suf);
}

/* Write the image as .nmi, or as JSON with a comment line. */
static int write_output(const nm_image *im, const char *path, const char *comment, char *err, size_t errlen)
{
    if (ends_with(path, ".json")) {
        char *js = nm_decompile(im), tmp[4096];
        FILE *f;
        size_t i;
        if (!js) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        snprintf(tmp, sizeof tmp, "%s.tmp", path);
        f = fopen(tmp, "w");
        if (!f) {
            free(js);
            snprintf(err, errlen, "%s: cannot create", path);
            return -1;
        }
        /* the description's first key: the comment (JSON-escaped) */
        fputs("{\n  \"comment\": \"", f);
        for (i = 0; comment[i]; i++) {
            unsigned char ch = (unsigned char)comment[i];
            if (ch == '"' || ch == '\\')
                fprintf(f, "\\%c", ch);
            else if (ch == '\n')
                fputs("\\n", f);
            else if (ch < 32)
                fprintf(f, "\\u%04x", ch);
            else
                fputc(ch, f);
        }
        fputs("\",", f);
        fputs(strchr(js, '{') + 1, f);
        free(js);
        if (ferror(f) | fclose(f) || rename(tmp, path)) {
            remove(tmp);
            snprintf(err, errlen, "%s: cannot write", path);
            return -1;
        }
        return 0;
    }
    return nm_image_write(im, path, err, errlen);
}

static int write_text(const char *path, const char *text, char *err, size_t errlen)
{
    char tmp[4096];
    FILE *f;
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    f = fopen(tmp, "w");
    if (!f || fputs(text, f) < 0 || (fclose(f) != 0 ? (f = NULL, 1) : (f = NULL, 0)) || rename(tmp, path)) {
        if (f)
            fclose(f);
        remove(tmp);
        snprintf(err, errlen, "%s: cannot write", path);
        return -1;
    }
    return 0;
}

static int cmd_nir(int argc, char **argv)
{
    enum { O_TARGET = 256, O_DT, O_RESET, O_QUANT, O_RANGE, O_LIF, O_IMAP, O_NMAP, O_REPORT, O_FLOOR };
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'},   {"target", required_argument, NULL, O_TARGET},
        {"dt", required_argument, NULL, O_DT},        {"reset", required_argument, NULL, O_RESET},
        {"quant", required_argument, NULL, O_QUANT},  {"quant-range", required_argument, NULL, O_RANGE},
        {"lif-leak", required_argument, NULL, O_LIF}, {"input-map", required_argument, NULL, O_IMAP},
        {"neuron-map", required_argument, NULL, O_NMAP}, {"report", required_argument, NULL, O_REPORT},
        {"v-floor", required_argument, NULL, O_FLOOR},
        {"help", no_argument, NULL, 'h'},             {NULL, 0, NULL, 0}};
    nm_tn_opts o;
    const char *out = NULL, *imap = NULL, *nmap = NULL, *report = NULL, *in;
    char err[1024], *end, hdr[512];
    nm_graph *g;
    nm_tn_net *net;
    nm_image *im;
    int c, rc = EX_INPUT;
    size_t hl;
    memset(&o, 0, sizeof o);
    o.dt = 1e-3;
    o.reset_subtract = 1;
    o.wbits = 4;
    o.range_pct = 100;
    o.v_floor = 400;
    o.naxons = o.nneurons = 256;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case O_TARGET:
            if (strcmp(optarg, "truenorth") && strcmp(optarg, "tn")) {
                fprintf(stderr, "nmemu import nir: --target %s: only 'truenorth' is in this build (Loihi-mode cores "
                                "come with their core type)\n", optarg);
                return EX_USAGE;
            }
            break;
        case O_DT:
            o.dt = strtod(optarg, &end);
            if (*end || !(o.dt > 0)) {
                fprintf(stderr, "nmemu import nir: --dt needs a positive number of seconds, not '%s'\n", optarg);
                return EX_USAGE;
            }
            break;
        case O_RESET:
            if (!strcmp(optarg, "subtract"))
                o.reset_subtract = 1;
            else if (!strcmp(optarg, "zero"))
                o.reset_subtract = 0;
            else {
                fprintf(stderr, "nmemu import nir: --reset needs 'subtract' or 'zero', not '%s'\n", optarg);
                return EX_USAGE;
            }
            break;
        case O_QUANT:
            if (!strcmp(optarg, "int2") || !strcmp(optarg, "int3") || !strcmp(optarg, "int4"))
                o.wbits = optarg[3] - '0';
            else {
                fprintf(stderr, "nmemu import nir: --quant needs int2, int3 or int4, not '%s'\n", optarg);
                return EX_USAGE;
            }
            break;
        case O_RANGE:
            if (!strcmp(optarg, "max"))
                o.range_pct = 100;
            else if (optarg[0] == 'p' && (o.range_pct = strtod(optarg + 1, &end), !*end) && o.range_pct > 0 &&
                     o.range_pct <= 100)
                ;
            else {
                fprintf(stderr, "nmemu import nir: --quant-range needs 'max' or pNN (0 < NN <= 100), not '%s'\n",
                        optarg);
                return EX_USAGE;
            }
            break;
        case O_LIF:
            if (strcmp(optarg, "linear")) {
                fprintf(stderr, "nmemu import nir: --lif-leak needs 'linear', not '%s'\n", optarg);
                return EX_USAGE;
            }
            o.lif_linear = 1;
            break;
        case O_FLOOR:
            o.v_floor = strtod(optarg, &end);
            if (*end || !(o.v_floor >= 1)) {
                fprintf(stderr, "nmemu import nir: --v-floor needs a number >= 1, not '%s'\n", optarg);
                return EX_USAGE;
            }
            break;
        case O_IMAP: imap = optarg; break;
        case O_NMAP: nmap = optarg; break;
        case O_REPORT: report = optarg; break;
        case 'h': fputs(usage_nir, stdout); return EX_OK;
        default:
            fprintf(stderr, "nmemu import nir: unknown option or missing value '%s'\n%s", argv[optind - 1], usage_nir);
            return EX_USAGE;
        }
    }
    if (optind != argc - 1 || !out) {
        fprintf(stderr, "nmemu import nir: needs one FILE.nir and -o NET.json|NET.nmi\n%s", usage_nir);
        return EX_USAGE;
    }
    in = argv[optind];
    if (!ends_with(out, ".json") && !ends_with(out, ".nmi")) {
        fprintf(stderr, "nmemu import nir: -o %s: the name must end in .json or .nmi\n", out);
        return EX_USAGE;
    }
    g = nm_nir_read(in, err, sizeof err);
    if (!g) {
        fprintf(stderr, "nmemu import nir: %s\n", err);
        return EX_INPUT;
    }
    net = nm_lower_tn(g, &o, err, sizeof err);
    if (!net) {
        fprintf(stderr, "nmemu import nir: %s: %s\n", in, err);
        nm_graph_free(g);
        return EX_INPUT;
    }
    snprintf(hdr, sizeof hdr, "imported by nmemu import nir from %s onto TrueNorth-mode cores\n", in);
    hl = strlen(hdr);
    {
        size_t rl = strlen(net->report);
        char *full = malloc(hl + rl + 1);
        if (!full)
            goto done;
        memcpy(full, hdr, hl);
        memcpy(full + hl, net->report, rl + 1);
        im = nm_tn_image(net, err, sizeof err);
        if (!im || (imap && nm_tn_write_input_map(net, g, imap, err, sizeof err)) ||
            (nmap && nm_tn_write_neuron_map(net, g, nmap, err, sizeof err)) ||
            (report && write_text(report, full, err, sizeof err)) || write_output(im, out, full, err, sizeof err)) {
            fprintf(stderr, "nmemu import nir: %s\n", err);
            rc = 1;
        } else {
            fputs(full, stdout);
            printf("wrote %s\n", out);
            rc = EX_OK;
        }
        nm_image_free(im);
        free(full);
    }
done:
    nm_tn_net_free(net);
    nm_graph_free(g);
    return rc;
}

static int write_spikes(const char *path, const nm_input *in, size_t n, char *err, size_t errlen)
{
    char tmp[4096];
    FILE *f;
    size_t i;
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    f = fopen(tmp, "w");
    if (!f) {
        snprintf(err, errlen, "%s: cannot create", path);
        return -1;
    }
    fputs("# tick,x,y,axon (from RANC's tb_input.txt: packet group k with tick field d lands in tick k + d)\n", f);
    for (i = 0; i < n; i++)
        fprintf(f, "%u,%u,%u,%u\n", in[i].tick, in[i].x, in[i].y, in[i].axon);
    if (ferror(f) | fclose(f) || rename(tmp, path)) {
        remove(tmp);
        snprintf(err, errlen, "%s: cannot write", path);
        return -1;
    }
    return 0;
}

static int cmd_ranc(int argc, char **argv)
{
    enum { O_GRID = 256, O_BUS, O_SPIKES };
    static const struct option opts[] = {{"output", required_argument, NULL, 'o'},
                                         {"grid", required_argument, NULL, O_GRID},
                                         {"output-bus", required_argument, NULL, O_BUS},
                                         {"spikes-out", required_argument, NULL, O_SPIKES},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    nm_ranc_opts o = {0, 0, -1, -1};
    nm_ranc_net net;
    const char *out = NULL, *spikes = NULL;
    char err[1024], comment[512];
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case O_GRID:
            if (sscanf(optarg, "%ux%u", &o.grid_x, &o.grid_y) != 2) {
                fprintf(stderr, "nmemu import ranc: --grid needs XxY (e.g. 5x1), not '%s'\n", optarg);
                return EX_USAGE;
            }
            break;
        case O_BUS:
            if (sscanf(optarg, "%d,%d", &o.out_x, &o.out_y) != 2 || o.out_x < 0 || o.out_y < 0) {
                fprintf(stderr, "nmemu import ranc: --output-bus needs X,Y, not '%s'\n", optarg);
                return EX_USAGE;
            }
            break;
        case O_SPIKES: spikes = optarg; break;
        case 'h': fputs(usage_ranc, stdout); return EX_OK;
        default:
            fprintf(stderr, "nmemu import ranc: unknown option or missing value '%s'\n%s", argv[optind - 1], usage_ranc);
            return EX_USAGE;
        }
    }
    if (optind != argc - 1 || !out || !o.grid_x) {
        fprintf(stderr, "nmemu import ranc: needs one DIR, --grid XxY and -o NET.json|NET.nmi\n%s", usage_ranc);
        return EX_USAGE;
    }
    if (!ends_with(out, ".json") && !ends_with(out, ".nmi")) {
        fprintf(stderr, "nmemu import ranc: -o %s: the name must end in .json or .nmi\n", out);
        return EX_USAGE;
    }
    if (nm_ranc_read(argv[optind], &o, &net, err, sizeof err)) {
        fprintf(stderr, "nmemu import ranc: %s\n", err);
        return EX_INPUT;
    }
    snprintf(comment, sizeof comment,
             "imported by nmemu import ranc from %s: grid %ux%u, output bus %s%d,%d%s, %u cores of %u axons x %u "
             "neurons; delay = RANC tick + 1; output-bus packets leave the chip eastward",
             argv[optind], o.grid_x, o.grid_y, o.out_x >= 0 ? "at " : "none (", o.out_x, o.out_y,
             o.out_x >= 0 ? "" : ")", net.cores_read, net.naxons, net.nneurons);
    if (spikes && !net.in) {
        fprintf(stderr, "nmemu import ranc: --spikes-out: %s has no tb_input.txt\n", argv[optind]);
        nm_ranc_free(&net);
        return EX_INPUT;
    }
    if ((spikes && write_spikes(spikes, net.in, net.nin, err, sizeof err)) ||
        write_output(net.im, out, comment, err, sizeof err)) {
        fprintf(stderr, "nmemu import ranc: %s\n", err);
        nm_ranc_free(&net);
        return 1;
    }
    printf("%s\n", comment);
    printf("  %u neurons send to the output bus; %zu input packets%s%s\n", net.to_output_bus, net.nin,
           spikes ? " written to " : "", spikes ? spikes : "");
    printf("wrote %s\n", out);
    nm_ranc_free(&net);
    return EX_OK;
}

int nm_cmd_import(int argc, char **argv)
{
    if (argc >= 1 && !strcmp(argv[0], "nir"))
        return cmd_nir(argc, argv);
    if (argc >= 1 && !strcmp(argv[0], "ranc"))
        return cmd_ranc(argc, argv);
    fprintf(stderr, "usage: nmemu import nir FILE.nir -o OUT [options]\n"
                    "       nmemu import ranc DIR --grid XxY -o OUT [options]\n"
                    "       (nmemu import nir --help, nmemu import ranc --help)\n");
    return EX_USAGE;
}
