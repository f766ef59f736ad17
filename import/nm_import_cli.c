/* nm_import_cli.c - `nmemu import nir FILE.nir -o OUT` and `nmemu import ranc DIR -o OUT`:
 * option tables (nm_opts.h), then read, lower, place, and write every output through
 * nm_output.h: all of them are kept, or none (a failure leaves no output behind). */
#include "nm_import.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nm_compile.h"
#include "nm_image.h"
#include "nm_load.h"
#include "nm_loihi_compile.h"
#include "nm_lower_loihi.h"
#include "nm_lower_tn.h"
#include "nm_nir.h"
#include "nm_output.h"
#include "nm_ranc.h"

static const nm_opt no_opts[] = {{0}};

const nm_cmd_spec nm_import_spec = {
    "import", "nir FILE.nir | ranc DIR", 2, 2,
    "Import a trained network: a NIR graph or RANC memory files (nmemu import nir --help, "
    "nmemu import ranc --help; docs/import.md).", NULL, no_opts};

/* ------------------------------------------------------------------ outputs */

#define MAX_OUTS 4

typedef struct outs {
    nm_out o[MAX_OUTS];
    int n;
} outs;

static FILE *outs_open(outs *s, const char *path, char *err, size_t errlen)
{
    nm_out *o = &s->o[s->n];
    memset(o, 0, sizeof *o);
    if (nm_out_open(o, path, err, errlen))
        return NULL;
    s->n++;
    return o->f;
}

/* Keep every output when ok, else throw them all away. 0, or -1 with a message. */
static int outs_close(outs *s, int ok, char *err, size_t errlen)
{
    int i, rc = ok ? 0 : -1;
    char e2[512];
    for (i = 0; i < s->n; i++)
        if (nm_out_close(&s->o[i], ok && rc == 0, e2, sizeof e2) && rc == 0) {
            snprintf(err, errlen, "%s", e2);
            rc = -1;
        }
    return rc;
}

static int ends_with(const char *s, const char *suf)
{
    size_t l = strlen(s), k = strlen(suf);
    return l >= k && !strcmp(s + l - k, suf);
}

/* The image as .nmi bytes, or as JSON whose first key is the comment. */
static int put_network(FILE *f, const nm_image *im, const char *path, const char *comment, char *err, size_t errlen)
{
    if (ends_with(path, ".json")) {
        char *js = nm_decompile(im);
        size_t i;
        if (!js) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
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
    } else {
        size_t len;
        uint8_t *b = nm_image_serialize(im, &len, err, errlen);
        if (!b)
            return -1;
        fwrite(b, 1, len, f);
        free(b);
    }
    return ferror(f) ? -1 : 0;
}

/* The file's name without its folders (what the provenance records as the source). */
static const char *args_file_base(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* The provenance of a TrueNorth-mode image (docs/image-format.md): "tool=...\nsource=NAME\n"
 * and the choices in `rest` (lines "key=value\n"); malloc'd, NULL if out of memory. */
static char *tn_provenance(const char *tool, const char *path, const char *rest)
{
    const char *base = *args_file_base(path) ? args_file_base(path) : path; /* "dir/": the path */
    size_t n = strlen(tool) + strlen(base) + strlen(rest) + 32, i, k;
    char *t = malloc(n);
    if (!t)
        return NULL;
    k = (size_t)snprintf(t, n, "tool=%s\nsource=", tool);
    for (i = 0; base[i]; i++)
        if ((unsigned char)base[i] >= 32 && base[i] != 127) /* the value has no control characters */
            t[k++] = base[i];
    snprintf(t + k, n - k, "\n%s", rest);
    return t;
}

static int check_out_name(const nm_cmd_spec *spec, const char *out)
{
    if (!ends_with(out, ".json") && !ends_with(out, ".nmi"))
        return nm_usage_error(spec, "-o %s: the name must end in .json (a description) or .nmi (an image)", out);
    return 0;
}

/* ------------------------------------------------------------------ import nir */

static struct {
    const char *out, *imap, *nmap, *report, *target, *reset, *quant, *lif;
    double dt, vfloor, range, vscale;
    int seen_out, seen_reset, seen_quant, seen_vfloor, wexp_set, wexp;
} N;

static int parse_vscale(const char *v, void *dest, char *err, unsigned long errlen)
{
    double *d = dest, x;
    char *end;
    if (!strcmp(v, "auto")) {
        *d = 0;
        return 0;
    }
    x = strtod(v, &end);
    if (end != v && !*end && x > 0 && x <= 8388607) {
        *d = x;
        return 0;
    }
    snprintf(err, errlen, "'auto' or units of v per 1.0 of the graph, 0 < S <= 8388607");
    return -1;
}

static int parse_wexp(const char *v, void *dest, char *err, unsigned long errlen)
{
    long x;
    char *end;
    (void)dest;
    if (!strcmp(v, "auto")) {
        N.wexp_set = 0;
        return 0;
    }
    x = strtol(v, &end, 10);
    if (end != v && !*end && x >= -6 && x <= 7) {
        N.wexp_set = 1;
        N.wexp = (int)x;
        return 0;
    }
    snprintf(err, errlen, "'auto' or Loihi's weight exponent -6..7 (x = weight << (6 + E))");
    return -1;
}

static int parse_range(const char *v, void *dest, char *err, unsigned long errlen)
{
    double *d = dest, p;
    char *end;
    if (!strcmp(v, "max")) {
        *d = 100;
        return 0;
    }
    if (v[0] == 'p' && (p = strtod(v + 1, &end), end != v + 1 && !*end) && p > 0 && p <= 100) {
        *d = p;
        return 0;
    }
    snprintf(err, errlen, "'max' or pNN, a percentile 0 < NN <= 100");
    return -1;
}

static const nm_opt nir_opts[] = {
    {"output", 'o', NM_OPT_STRING, "NET.json|NET.nmi", 0, 0, 0, NULL, NULL, &N.out, &N.seen_out, 1,
     "the network: a description (.json, the choices in its comment) or an image (.nmi)"},
    {"target", 0, NM_OPT_CHOICE, "CORES", 0, 0, 0, "loihi|truenorth", NULL, &N.target, NULL, 0,
     "core type to map onto (default: loihi when the graph has LIF,\nCubaLIF, LI or CubaLI nodes, else truenorth)"},
    {"dt", 0, NM_OPT_DOUBLE, "S", 0, 1e3, 1, NULL, NULL, &N.dt, NULL, 0, "seconds per tick, for LIF (default 0.001)"},
    {"reset", 0, NM_OPT_CHOICE, "MODE", 0, 0, 0, "subtract|zero", NULL, &N.reset, &N.seen_reset, 0,
     "after a spike V -= threshold (subtract, default on truenorth) or\nV = 0 (zero; loihi takes only zero)",
     },
    {"quant", 0, NM_OPT_CHOICE, "BITS", 0, 0, 0, "int1|int2|int3|int4|int5|int6|int7|int8", NULL, &N.quant,
     &N.seen_quant, 0,
     "weight bits: truenorth int2..int4 = axon copies per input (default\nint4); loihi int1..int8 = the synapse format's bits (default int8)"},
    {"v-scale", 0, NM_OPT_CUSTOM, "auto|S", 0, 0, 0, NULL, parse_vscale, &N.vscale, NULL, 0,
     "loihi: units of v per 1.0 of the graph (default auto: per layer,\nthe largest threshold is 2^17 units)"},
    {"wgt-exp", 0, NM_OPT_CUSTOM, "auto|E", 0, 0, 0, NULL, parse_wexp, NULL, NULL, 0,
     "loihi: the synapse formats' weight exponent -6..7 (default auto:\nper layer, the largest weight in the top code)"},
    {"quant-range", 0, NM_OPT_CUSTOM, "max|pNN", 0, 0, 0, NULL, parse_range, &N.range, NULL, 0,
     "per neuron, the largest |w| (default) or its NN-th percentile\nmaps to the top code; larger weights clip"},
    {"v-floor", 0, NM_OPT_DOUBLE, "F", 1, 1e6, 0, NULL, NULL, &N.vfloor, &N.seen_vfloor, 0,
     "potentials down to -F x v_threshold stay exact (truenorth: default\n400, V saturates at -beta; loihi: default none, v saturates at\n-2^23 units)"},
    {"lif-leak", 0, NM_OPT_CHOICE, "linear", 0, 0, 0, "linear", NULL, &N.lif, NULL, 0,
     "accept LIF, its decay approximated by a constant leak"},
    {"input-map", 0, NM_OPT_STRING, "F", 0, 0, 0, NULL, NULL, &N.imap, NULL, 0,
     "CSV: input element -> host spikes (x, y, axon, tick offset)"},
    {"neuron-map", 0, NM_OPT_STRING, "F", 0, 0, 0, NULL, NULL, &N.nmap, NULL, 0,
     "CSV: chip neuron -> graph node and element"},
    {"report", 0, NM_OPT_STRING, "F", 0, 0, 0, NULL, NULL, &N.report, NULL, 0, "the printed report, also to a file"},
    {0}};

const nm_cmd_spec nm_import_nir_spec = {
    "import nir", "FILE.nir", 1, 1,
    "Map a NIR graph (HDF5) onto Loihi-mode cores (compartments, synapse formats, axon-map fan-out)\n"
    "or TrueNorth-mode cores (quantization, splitters, partial-sum pairs); prints the choices, a\n"
    "quantization report per layer and the placement (docs/import.md).",
    NULL, nir_opts};

/* --target loihi: lower, compile the description (the compiler checks every limit again), write
 * the outputs all or none. g is freed. */
static int nir_loihi(const char *file, nm_graph *g)
{
    nm_ll_opts o;
    nm_ll_net *net;
    nm_loihi_image *li = NULL;
    char err[1024], hdr[512];
    outs os;
    FILE *fo, *fi = NULL, *fn = NULL, *fr = NULL;
    int rc = NM_EXIT_RUN;
    if (N.seen_reset && !strcmp(N.reset, "subtract")) {
        fprintf(stderr, "nmemu import nir: --reset subtract: a Loihi compartment resets v to 0 after a spike "
                        "(docs/loihi-core.md section 5); subtracting the threshold would need the pre-spike v, "
                        "which no synapse or bias can deliver; use --reset zero (the default on loihi) or "
                        "--target truenorth\n");
        nm_graph_free(g);
        return NM_EXIT_USAGE;
    }
    memset(&o, 0, sizeof o);
    o.dt = N.dt;
    o.wbits = N.seen_quant ? N.quant[3] - '0' : 8;
    o.vscale = N.vscale;
    o.wexp_set = N.wexp_set;
    o.wexp = N.wexp;
    o.vfloor = N.seen_vfloor ? N.vfloor : 0;
    net = nm_lower_loihi(g, &o, err, sizeof err);
    nm_graph_free(g);
    if (!net) {
        fprintf(stderr, "nmemu import nir: %s: %s\n", file, err);
        return NM_EXIT_INPUT;
    }
    {
        /* the discretization choices, recorded in the image (docs/image-format.md, provenance) */
        char prov[2048], vs[64], we[32], vf[64], *js;
        const char *brace = strchr(net->json, '{');
        size_t pl, fl, i, n = 0;
        if (N.vscale > 0)
            snprintf(vs, sizeof vs, "%.10g", N.vscale);
        else
            snprintf(vs, sizeof vs, "auto");
        if (N.wexp_set)
            snprintf(we, sizeof we, "%d", N.wexp);
        else
            snprintf(we, sizeof we, "auto");
        if (N.seen_vfloor)
            snprintf(vf, sizeof vf, "%.10g", N.vfloor);
        else
            snprintf(vf, sizeof vf, "none");
        n += (size_t)snprintf(prov + n, sizeof prov - n, "\n  \"provenance\": {\"tool\": \"nmemu import nir\", "
                              "\"source\": \"");
        for (i = 0; args_file_base(file)[i] && n + 8 < sizeof prov; i++) {
            unsigned char ch = (unsigned char)args_file_base(file)[i];
            if (ch < 32)
                continue;
            if (ch == '"' || ch == '\\')
                prov[n++] = '\\';
            prov[n++] = (char)ch;
        }
        snprintf(prov + n, sizeof prov - n, "\", \"target\": \"loihi\", \"dt\": \"%.10g\", \"reset\": \"zero\", "
                 "\"quant\": \"int%d\", \"v-scale\": \"%s\", \"wgt-exp\": \"%s\", \"v-floor\": \"%s\"},", N.dt, o.wbits,
                 vs, we, vf);
        pl = strlen(prov);
        fl = strlen(net->json);
        js = brace ? malloc(fl + pl + 1) : NULL;
        if (!js) {
            fprintf(stderr, "nmemu import nir: out of memory\n");
            nm_ll_net_free(net);
            return NM_EXIT_RUN;
        }
        memcpy(js, net->json, (size_t)(brace - net->json) + 1);
        memcpy(js + (brace - net->json) + 1, prov, pl);
        memcpy(js + (brace - net->json) + 1 + pl, brace + 1, fl - (size_t)(brace - net->json));
        free(net->json);
        net->json = js;
    }
    li = nm_loihi_compile_text(net->json, "the lowered network", err, sizeof err);
    if (!li) {
        fprintf(stderr, "nmemu import nir: %s: the Loihi description it lowered to does not compile: %s\n", file, err);
        nm_ll_net_free(net);
        return NM_EXIT_INPUT;
    }
    snprintf(hdr, sizeof hdr, "imported by nmemu import nir from %s onto Loihi-mode cores\n", file);
    memset(&os, 0, sizeof os);
    err[0] = 0;
    if (!(fo = outs_open(&os, N.out, err, sizeof err)) || (N.imap && !(fi = outs_open(&os, N.imap, err, sizeof err))) ||
        (N.nmap && !(fn = outs_open(&os, N.nmap, err, sizeof err))) ||
        (N.report && !(fr = outs_open(&os, N.report, err, sizeof err)))) {
        outs_close(&os, 0, err, sizeof err);
        fprintf(stderr, "nmemu import nir: %s\n", err[0] ? err : "cannot open an output");
        goto done;
    }
    if (ends_with(N.out, ".json"))
        fputs(net->json, fo);
    else {
        size_t len;
        uint8_t *b = nm_loihi_image_serialize(li, &len, err, sizeof err);
        if (b)
            fwrite(b, 1, len, fo);
        free(b);
        if (!b) {
            outs_close(&os, 0, err, sizeof err);
            fprintf(stderr, "nmemu import nir: %s\n", err);
            goto done;
        }
    }
    if (fi)
        fputs(net->input_map, fi);
    if (fn)
        fputs(net->neuron_map, fn);
    if (fr) {
        fputs(hdr, fr);
        fputs(net->report, fr);
    }
    if (outs_close(&os, 1, err, sizeof err)) {
        fprintf(stderr, "nmemu import nir: %s\n", err);
        goto done;
    }
    fputs(hdr, stdout);
    fputs(net->report, stdout);
    printf("wrote %s\n", N.out);
    rc = NM_EXIT_OK;
done:
    nm_loihi_image_free(li);
    nm_ll_net_free(net);
    return rc;
}

static int cmd_nir(int argc, char **argv)
{
    const char *args[1];
    unsigned nargs = 0;
    nm_tn_opts o;
    char err[1024], hdr[512], *full = NULL;
    nm_graph *g = NULL;
    nm_tn_net *net = NULL;
    nm_image *im = NULL;
    outs os;
    FILE *fo, *fi = NULL, *fn = NULL, *fr = NULL;
    int rc;
    size_t hl, rl;
    memset(&N, 0, sizeof N);
    N.dt = 1e-3;
    N.vfloor = 400;
    N.range = 100;
    N.reset = "subtract";
    N.quant = "int4";
    N.vscale = 0;
    rc = nm_opts_parse(&nm_import_nir_spec, argc, argv, args, &nargs);
    if (rc)
        return rc == 1 ? NM_EXIT_OK : rc;
    if ((rc = check_out_name(&nm_import_nir_spec, N.out)))
        return rc;
    {
        nm_out_role roles[] = {{"the NIR file", args[0], 0}, {"-o", N.out, 1}, {"--input-map", N.imap, 1},
                               {"--neuron-map", N.nmap, 1}, {"--report", N.report, 1}};
        if (nm_out_check_distinct(roles, sizeof roles / sizeof roles[0], err, sizeof err))
            return nm_usage_error(&nm_import_nir_spec, "%s", err);
    }
    g = nm_nir_read(args[0], err, sizeof err);
    if (!g) {
        fprintf(stderr, "nmemu import nir: %s\n", err);
        return NM_EXIT_INPUT;
    }
    if (N.target ? !strcmp(N.target, "loihi") : nm_ll_prefers_loihi(g))
        return nir_loihi(args[0], g);
    if (o.wbits = N.quant[3] - '0', o.wbits < 2 || o.wbits > 4) {
        nm_graph_free(g);
        return nm_usage_error(&nm_import_nir_spec, "--quant %s: TrueNorth-mode cores take int2, int3 or int4",
                              N.quant);
    }
    if (N.vscale > 0 || N.wexp_set) {
        nm_graph_free(g);
        return nm_usage_error(&nm_import_nir_spec, "--v-scale and --wgt-exp are for --target loihi");
    }
    memset(&o, 0, sizeof o);
    o.dt = N.dt;
    o.reset_subtract = !strcmp(N.reset, "subtract");
    o.wbits = N.quant[3] - '0';
    o.range_pct = N.range;
    o.v_floor = N.vfloor;
    o.lif_linear = N.lif != NULL;
    o.naxons = o.nneurons = 256;
    net = nm_lower_tn(g, &o, err, sizeof err);
    if (!net) {
        fprintf(stderr, "nmemu import nir: %s: %s\n", args[0], err);
        nm_graph_free(g);
        return NM_EXIT_INPUT;
    }
    snprintf(hdr, sizeof hdr, "imported by nmemu import nir from %s onto TrueNorth-mode cores\n", args[0]);
    hl = strlen(hdr);
    rl = strlen(net->report);
    full = malloc(hl + rl + 1);
    im = nm_tn_image(net, err, sizeof err);
    rc = NM_EXIT_RUN;
    memset(&os, 0, sizeof os);
    if (!full || !im) {
        fprintf(stderr, "nmemu import nir: %s\n", full ? err : "out of memory");
        goto done;
    }
    memcpy(full, hdr, hl);
    memcpy(full + hl, net->report, rl + 1);
    {
        /* the discretization choices, recorded in the image (issue 17) */
        char rest[512], range[32];
        if (N.range >= 100)
            snprintf(range, sizeof range, "max");
        else
            snprintf(range, sizeof range, "p%.10g", N.range);
        snprintf(rest, sizeof rest, "target=truenorth\ndt=%.10g\nreset=%s\nquant=int%d\nquant-range=%s\n"
                 "v-floor=%.10g\nlif-leak=%s\n", N.dt, o.reset_subtract ? "subtract" : "zero", o.wbits, range,
                 N.vfloor, N.lif ? N.lif : "refused");
        im->prov = tn_provenance("nmemu import nir", args[0], rest);
        if (!im->prov) {
            fprintf(stderr, "nmemu import nir: out of memory\n");
            goto done;
        }
    }
    if (!(fo = outs_open(&os, N.out, err, sizeof err)) || (N.imap && !(fi = outs_open(&os, N.imap, err, sizeof err))) ||
        (N.nmap && !(fn = outs_open(&os, N.nmap, err, sizeof err))) ||
        (N.report && !(fr = outs_open(&os, N.report, err, sizeof err))) ||
        put_network(fo, im, N.out, full, err, sizeof err) || (fi && nm_tn_write_input_map(net, g, fi)) ||
        (fn && nm_tn_write_neuron_map(net, g, fn)) || (fr && fputs(full, fr) < 0)) {
        if (!err[0])
            snprintf(err, sizeof err, "write error");
        outs_close(&os, 0, err, sizeof err);
        fprintf(stderr, "nmemu import nir: %s\n", err);
        goto done;
    }
    if (outs_close(&os, 1, err, sizeof err)) {
        fprintf(stderr, "nmemu import nir: %s\n", err);
        goto done;
    }
    fputs(full, stdout);
    printf("wrote %s\n", N.out);
    rc = NM_EXIT_OK;
done:
    free(full);
    nm_image_free(im);
    nm_tn_net_free(net);
    nm_graph_free(g);
    return rc;
}

/* ------------------------------------------------------------------ import ranc */

static struct {
    const char *out, *spikes;
    unsigned gx, gy;
    int bx, by, seen_out, seen_grid;
} R;

static int parse_grid(const char *v, void *dest, char *err, unsigned long errlen)
{
    unsigned x, y;
    char c;
    (void)dest;
    if (sscanf(v, "%ux%u%c", &x, &y, &c) != 2 || x < 1 || y < 1 || x > 64 || y > 64) {
        snprintf(err, errlen, "XxY, each 1..64 (RANC's GRID_DIMENSION_X and _Y)");
        return -1;
    }
    R.gx = x;
    R.gy = y;
    return 0;
}

static int parse_bus(const char *v, void *dest, char *err, unsigned long errlen)
{
    int x, y;
    char c;
    (void)dest;
    if (sscanf(v, "%d,%d%c", &x, &y, &c) != 2 || x < 0 || y < 0 || x > 63 || y > 63) {
        snprintf(err, errlen, "X,Y, the grid slot of RANC's output bus");
        return -1;
    }
    R.bx = x;
    R.by = y;
    return 0;
}

static const nm_opt ranc_opts[] = {
    {"output", 'o', NM_OPT_STRING, "NET.json|NET.nmi", 0, 0, 0, NULL, NULL, &R.out, &R.seen_out, 1,
     "the network: a description (.json) or an image (.nmi)"},
    {"grid", 0, NM_OPT_CUSTOM, "XxY", 0, 0, 0, NULL, parse_grid, NULL, &R.seen_grid, 1,
     "RANC's GRID_DIMENSION_X and _Y (file N is core x = N % X, y = N / X)"},
    {"output-bus", 0, NM_OPT_CUSTOM, "X,Y", 0, 0, 0, NULL, parse_bus, NULL, NULL, 0,
     "the grid slot of RANC's output bus (OUTPUT_CORE_X/Y_COORDINATE)"},
    {"spikes-out", 0, NM_OPT_STRING, "F", 0, 0, 0, NULL, NULL, &R.spikes, NULL, 0,
     "tb_input.txt (with tb_num_inputs.txt) as an nmemu spike program"},
    {0}};

const nm_cmd_spec nm_import_ranc_spec = {
    "import ranc", "DIR", 1, 1,
    "Read RANC memory files (csram_NNN.mem, tc_NNN.mem, tb_input.txt) into a TrueNorth-mode\n"
    "image and spike program (docs/import.md: every semantic difference and its mapping).",
    NULL, ranc_opts};

static int cmd_ranc(int argc, char **argv)
{
    const char *args[1];
    unsigned nargs = 0;
    nm_ranc_opts o;
    nm_ranc_net net;
    char err[1024], comment[768];
    outs os;
    FILE *fo, *fs = NULL;
    int rc;
    memset(&R, 0, sizeof R);
    R.bx = R.by = -1;
    rc = nm_opts_parse(&nm_import_ranc_spec, argc, argv, args, &nargs);
    if (rc)
        return rc == 1 ? NM_EXIT_OK : rc;
    if ((rc = check_out_name(&nm_import_ranc_spec, R.out)))
        return rc;
    {
        nm_out_role roles[] = {{"-o", R.out, 1}, {"--spikes-out", R.spikes, 1}};
        if (nm_out_check_distinct(roles, 2, err, sizeof err))
            return nm_usage_error(&nm_import_ranc_spec, "%s", err);
    }
    o.grid_x = R.gx;
    o.grid_y = R.gy;
    o.out_x = R.bx;
    o.out_y = R.by;
    if (nm_ranc_read(args[0], &o, &net, err, sizeof err)) {
        fprintf(stderr, "nmemu import ranc: %s\n", err);
        return NM_EXIT_INPUT;
    }
    if (R.spikes && !net.in) {
        fprintf(stderr, "nmemu import ranc: --spikes-out: %s has no tb_input.txt\n", args[0]);
        nm_ranc_free(&net);
        return NM_EXIT_INPUT;
    }
    if (o.out_x >= 0)
        snprintf(comment, sizeof comment,
                 "imported by nmemu import ranc from %s: grid %ux%u, output bus at %d,%d, %u cores of %u axons x %u "
                 "neurons; delay = RANC tick + 1; output-bus packets leave the chip eastward (docs/import.md)",
                 args[0], o.grid_x, o.grid_y, o.out_x, o.out_y, net.cores_read, net.naxons, net.nneurons);
    else
        snprintf(comment, sizeof comment,
                 "imported by nmemu import ranc from %s: grid %ux%u, no output bus, %u cores of %u axons x %u "
                 "neurons; delay = RANC tick + 1 (docs/import.md)",
                 args[0], o.grid_x, o.grid_y, net.cores_read, net.naxons, net.nneurons);
    {
        char rest[128];
        if (o.out_x >= 0)
            snprintf(rest, sizeof rest, "grid=%ux%u\noutput-bus=%d,%d\n", o.grid_x, o.grid_y, o.out_x, o.out_y);
        else
            snprintf(rest, sizeof rest, "grid=%ux%u\noutput-bus=none\n", o.grid_x, o.grid_y);
        net.im->prov = tn_provenance("nmemu import ranc", args[0], rest);
        if (!net.im->prov) {
            fprintf(stderr, "nmemu import ranc: out of memory\n");
            nm_ranc_free(&net);
            return NM_EXIT_RUN;
        }
    }
    memset(&os, 0, sizeof os);
    err[0] = 0;
    rc = NM_EXIT_RUN;
    if (!(fo = outs_open(&os, R.out, err, sizeof err)) || (R.spikes && !(fs = outs_open(&os, R.spikes, err, sizeof err))) ||
        put_network(fo, net.im, R.out, comment, err, sizeof err)) {
        if (!err[0])
            snprintf(err, sizeof err, "write error");
        outs_close(&os, 0, err, sizeof err);
        fprintf(stderr, "nmemu import ranc: %s\n", err);
        goto done;
    }
    if (fs) {
        size_t i;
        fputs("# tick,x,y,axon (from RANC's tb_input.txt: packet group k with tick field d lands in tick k + d)\n", fs);
        for (i = 0; i < net.nin; i++)
            fprintf(fs, "%u,%u,%u,%u\n", net.in[i].tick, net.in[i].x, net.in[i].y, net.in[i].axon);
    }
    if (outs_close(&os, 1, err, sizeof err)) {
        fprintf(stderr, "nmemu import ranc: %s\n", err);
        goto done;
    }
    printf("%s\n", comment);
    printf("  %u neurons send to the output bus; %zu input packets%s%s\n", net.to_output_bus, net.nin,
           R.spikes ? " written to " : "", R.spikes ? R.spikes : "");
    printf("wrote %s\n", R.out);
    rc = NM_EXIT_OK;
done:
    nm_ranc_free(&net);
    return rc;
}

int nm_cmd_import(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "nir"))
        return cmd_nir(argc - 1, argv + 1);
    if (argc >= 2 && !strcmp(argv[1], "ranc"))
        return cmd_ranc(argc - 1, argv + 1);
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        nm_opts_help(&nm_import_nir_spec, stdout);
        fputc('\n', stdout);
        nm_opts_help(&nm_import_ranc_spec, stdout);
        return NM_EXIT_OK;
    }
    if (argc < 2)
        return nm_usage_error(&nm_import_spec, "import needs 'nir FILE.nir' or 'ranc DIR'");
    return nm_usage_error(&nm_import_spec, "import knows 'nir' and 'ranc', not '%s'", argv[1]);
}
