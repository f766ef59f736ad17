/* nm_opts.c - getopt_long driven by one option table per subcommand (nm_opts.h). */
#include "nm_opts.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MAXOPTS 64
#define HELP_COL 22 /* column where the help text of an option starts */
#define VAL_HELP 1  /* getopt_long's value for --help; other long-only options get 256 + row */

static unsigned count_opts(const nm_opt *o)
{
    unsigned n = 0;
    while (o[n].name)
        n++;
    return n;
}

static int takes_value(const nm_opt *o)
{
    return o->kind != NM_OPT_FLAG;
}

/* "--ticks", or "-o" for an option with a letter (the form the synopsis uses). */
static const char *opt_label(const nm_opt *o, char *buf, size_t n)
{
    if (o->letter)
        snprintf(buf, n, "-%c", o->letter);
    else
        snprintf(buf, n, "--%s", o->name);
    return buf;
}

/* A whole-number bound as text: doubles above 2^64 - 1 (its nearest double is 2^64) print as
 * 2^64 - 1. */
static const char *whole(double x, char *buf, size_t n)
{
    if (x >= 18446744073709551615.0)
        snprintf(buf, n, "18446744073709551615");
    else
        snprintf(buf, n, "%.0f", x);
    return buf;
}

/* The range of a numeric option for its --help line: "1..64", "0 < V <= 5". */
static const char *range_text(const nm_opt *o, char *buf, size_t n)
{
    char lo[32], hi[32];
    if (o->kind == NM_OPT_DOUBLE)
        snprintf(buf, n, "%.10g %s %s <= %.10g", o->min, o->min_open ? "<" : "<=", o->metavar, o->max);
    else
        snprintf(buf, n, "%s..%s", whole(o->min, lo, sizeof lo), whole(o->max, hi, sizeof hi));
    return buf;
}

/* What a value of `o` must be, e.g. "a positive whole number (at most 64)". */
static const char *describe(const nm_opt *o, char *buf, size_t n)
{
    char lo[32], hi[32];
    switch (o->kind) {
    case NM_OPT_UINT:
    case NM_OPT_U64:
        if (o->min == 1)
            snprintf(buf, n, "a positive whole number (at most %s)", whole(o->max, hi, sizeof hi));
        else
            snprintf(buf, n, "a whole number %s..%s", whole(o->min, lo, sizeof lo), whole(o->max, hi, sizeof hi));
        break;
    case NM_OPT_DOUBLE:
        if (o->min == 0 && o->min_open)
            snprintf(buf, n, "a positive number (at most %.10g)", o->max);
        else
            snprintf(buf, n, "a number %s %.10g and at most %.10g", o->min_open ? "above" : "of at least", o->min, o->max);
        break;
    case NM_OPT_CHOICE:
        snprintf(buf, n, "one of %s", o->choices);
        break;
    default:
        snprintf(buf, n, "%s", o->metavar ? o->metavar : "a value");
    }
    return buf;
}

/* A whole number, decimal or 0x hex; no sign, no blanks. */
static int parse_whole(const char *v, double min, double max, unsigned long long *out)
{
    char *end;
    int hex = v[0] == '0' && (v[1] == 'x' || v[1] == 'X');
    if (!isxdigit((unsigned char)v[hex ? 2 : 0]) || (!hex && !isdigit((unsigned char)v[0])))
        return -1;
    errno = 0;
    *out = strtoull(v, &end, hex ? 16 : 10);
    if (*end || errno == ERANGE || (double)*out < min || (double)*out > max)
        return -1;
    return 0;
}

static int parse_real(const char *v, double min, int min_open, double max, double *out)
{
    char *end;
    *out = strtod(v, &end);
    if (end == v || *end || isspace((unsigned char)v[0]) || !isfinite(*out) || *out > max || *out < min || (min_open && *out == min))
        return -1;
    return 0;
}

static int is_choice(const char *choices, const char *v)
{
    size_t n = strlen(v);
    const char *c = choices;
    while (n && *c) {
        const char *bar = strchr(c, '|');
        size_t len = bar ? (size_t)(bar - c) : strlen(c);
        if (len == n && !strncmp(c, v, n))
            return 1;
        c += len + (bar != NULL);
    }
    return 0;
}

/* Check `v` against row `o` and store it; prints the error. 0 or NM_EXIT_USAGE. */
static int store(const nm_cmd_spec *spec, const nm_opt *o, const char *v)
{
    char what[160], lab[80], err[512];
    unsigned long long w;
    double d;
    opt_label(o, lab, sizeof lab);
    if (!o->letter)
        snprintf(lab, sizeof lab, "--%s", o->name);
    switch (o->kind) {
    case NM_OPT_FLAG:
        *(int *)o->dest = 1;
        break;
    case NM_OPT_STRING:
        if (!v[0])
            return nm_usage_error(spec, "%s needs %s, not an empty string", lab, describe(o, what, sizeof what));
        *(const char **)o->dest = v;
        break;
    case NM_OPT_CHOICE:
        if (!is_choice(o->choices, v))
            return nm_usage_error(spec, "%s needs %s, not '%s'", lab, describe(o, what, sizeof what), v);
        *(const char **)o->dest = v;
        break;
    case NM_OPT_UINT:
    case NM_OPT_U64:
        if (parse_whole(v, o->min, o->max, &w))
            return nm_usage_error(spec, "%s needs %s, not '%s'", lab, describe(o, what, sizeof what), v);
        if (o->kind == NM_OPT_UINT)
            *(unsigned *)o->dest = (unsigned)w;
        else
            *(uint64_t *)o->dest = (uint64_t)w;
        break;
    case NM_OPT_DOUBLE:
        if (parse_real(v, o->min, o->min_open, o->max, &d))
            return nm_usage_error(spec, "%s needs %s, not '%s'", lab, describe(o, what, sizeof what), v);
        *(double *)o->dest = d;
        break;
    case NM_OPT_CUSTOM:
        if (o->parse(v, o->dest, err, sizeof err))
            return nm_usage_error(spec, "%s needs %s, not '%s'", lab, err, v);
        break;
    }
    if (o->seen)
        *o->seen = 1;
    return 0;
}

/* The row that getopt_long's return value `c` stands for, or NULL. */
static const nm_opt *row_of(const nm_opt *opts, unsigned n, int c)
{
    unsigned i;
    if (c >= 256 && (unsigned)(c - 256) < n)
        return &opts[c - 256];
    for (i = 0; i < n && c > 0; i++)
        if (opts[i].letter == c)
            return &opts[i];
    return NULL;
}

/* An option getopt_long did not take: unknown, ambiguous, or a value given to a flag. */
static int bad_option(const nm_cmd_spec *spec, const nm_opt *opts, unsigned n, const char *arg)
{
    char names[512] = "";
    unsigned i, hits = 0;
    size_t len, used;
    const char *eq;
    if (strncmp(arg, "--", 2))
        return nm_usage_error(spec, "unknown option '%s'", arg);
    eq = strchr(arg, '=');
    len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2); /* the name as given, maybe a prefix */
    for (i = 0; i < n; i++) {
        if (strncmp(opts[i].name, arg + 2, len))
            continue;
        if (strlen(opts[i].name) == len && eq && !takes_value(&opts[i]))
            return nm_usage_error(spec, "--%s takes no value", opts[i].name);
        used = strlen(names);
        snprintf(names + used, sizeof names - used, "%s--%s", hits++ ? ", " : "", opts[i].name);
    }
    if (hits > 1)
        return nm_usage_error(spec, "option '%s' is ambiguous: %s", arg, names);
    return nm_usage_error(spec, "unknown option '%s'", arg);
}

static int wants_help(int argc, char **argv)
{
    int a;
    for (a = 1; a < argc && strcmp(argv[a], "--"); a++)
        if (!strcmp(argv[a], "--help") || !strcmp(argv[a], "-h"))
            return 1;
    return 0;
}

int nm_opts_parse(const nm_cmd_spec *spec, int argc, char **argv, const char **args, unsigned *nargs)
{
    struct option lo[MAXOPTS + 2];
    char shorts[3 * MAXOPTS + 4], lab[80];
    const nm_opt *opts = spec->opts, *o;
    unsigned n = count_opts(opts), i, k = 0;
    int c, rc;
    *nargs = 0;
    if (wants_help(argc, argv)) {
        nm_opts_help(spec, stdout);
        return 1;
    }
    if (n > MAXOPTS)
        return nm_usage_error(spec, "internal error: too many options");
    shorts[k++] = ':'; /* report a missing value as ':' */
    for (i = 0; i < n; i++) {
        lo[i].name = opts[i].name;
        lo[i].has_arg = takes_value(&opts[i]) ? required_argument : no_argument;
        lo[i].flag = NULL;
        lo[i].val = opts[i].letter ? opts[i].letter : (int)(256 + i);
        if (opts[i].letter) {
            shorts[k++] = (char)opts[i].letter;
            if (takes_value(&opts[i]))
                shorts[k++] = ':';
        }
    }
    lo[n] = (struct option){"help", no_argument, NULL, VAL_HELP};
    lo[n + 1] = (struct option){NULL, 0, NULL, 0};
    shorts[k] = 0;
    opterr = 0;
    optind = 0; /* glibc: start afresh, argv[0] is the subcommand */
    while ((c = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
        if (c == '?')
            return optopt && optopt < 256 && !row_of(opts, n, optopt) ? nm_usage_error(spec, "unknown option '-%c'", optopt)
                   : bad_option(spec, opts, n, argv[optind - 1]);
        if (c == ':') {
            o = row_of(opts, n, optopt);
            if (!o)
                return nm_usage_error(spec, "option '%s' needs a value", argv[optind - 1]);
            if (!o->letter || !strncmp(argv[optind - 1], "--", 2))
                snprintf(lab, sizeof lab, "--%s", o->name);
            else
                opt_label(o, lab, sizeof lab);
            return nm_usage_error(spec, "%s needs a value (%s)", lab, o->metavar ? o->metavar : "?");
        }
        o = row_of(opts, n, c);
        if (!o)
            return nm_usage_error(spec, "unknown option '%s'", argv[optind - 1]);
        rc = store(spec, o, optarg);
        if (rc)
            return rc;
    }
    for (; optind < argc; optind++) {
        if (*nargs == spec->nargs_max)
            return spec->nargs_max ? nm_usage_error(spec, "%s takes %s, not also '%s'", spec->name, spec->args, argv[optind])
                                   : nm_usage_error(spec, "%s takes no argument, not '%s'", spec->name, argv[optind]);
        args[(*nargs)++] = argv[optind];
    }
    if (*nargs < spec->nargs_min)
        return nm_usage_error(spec, "%s needs %s", spec->name, spec->args);
    for (i = 0; i < n; i++)
        if (opts[i].required && !(opts[i].seen && *opts[i].seen))
            return nm_usage_error(spec, "%s needs %s %s", spec->name, opt_label(&opts[i], lab, sizeof lab),
                                  opts[i].metavar ? opts[i].metavar : "");
    return 0;
}

void nm_opts_synopsis(const nm_cmd_spec *spec, FILE *f)
{
    const nm_opt *o;
    char lab[80];
    fprintf(f, "nmemu %s%s%s", spec->name, spec->args[0] ? " " : "", spec->args);
    for (o = spec->opts; o->name; o++)
        if (o->required)
            fprintf(f, " %s %s", opt_label(o, lab, sizeof lab), o->metavar);
    fprintf(f, " [options]\n");
}

void nm_opts_help(const nm_cmd_spec *spec, FILE *f)
{
    const nm_opt *o;
    char what[160];
    fputs("usage: ", f);
    nm_opts_synopsis(spec, f);
    fprintf(f, "%s\n\noptions:\n", spec->summary);
    for (o = spec->opts; o->name; o++) {
        const char *h = o->help, *nl;
        int col = o->letter ? fprintf(f, "  -%c, --%s", o->letter, o->name) : fprintf(f, "  --%s", o->name);
        if (o->metavar)
            col += fprintf(f, " %s", o->metavar);
        if (col >= HELP_COL - 1) {
            fputc('\n', f);
            col = 0;
        }
        for (;;) {
            nl = strchr(h, '\n');
            fprintf(f, "%*s%.*s", HELP_COL - col, "", nl ? (int)(nl - h) : (int)strlen(h), h);
            col = 0;
            if (!nl)
                break;
            fputc('\n', f);
            h = nl + 1;
        }
        if (o->kind == NM_OPT_UINT || o->kind == NM_OPT_U64 || o->kind == NM_OPT_DOUBLE)
            fprintf(f, " (%s)", range_text(o, what, sizeof what));
        if (o->required)
            fputs(" (required)", f);
        fputc('\n', f);
    }
    fprintf(f, "  -h, --help%*sthis help\n", HELP_COL - 12, "");
    if (spec->epilogue)
        fputs(spec->epilogue, f);
}

int nm_usage_error(const nm_cmd_spec *spec, const char *fmt, ...)
{
    va_list ap;
    fputs("nmemu: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\nusage: ", stderr);
    nm_opts_synopsis(spec, stderr);
    fprintf(stderr, "(nmemu %s --help lists the options)\n", spec->name);
    return NM_EXIT_USAGE;
}

int nm_opts_parse_list(const char *s, double *v, unsigned *n, unsigned max, double min, double max_value,
                       char *err, unsigned long errlen)
{
    char item[64];
    *n = 0;
    for (;;) {
        size_t len = strcspn(s, ",");
        if (*n == max) {
            snprintf(err, errlen, "at most %u values", max);
            return -1;
        }
        snprintf(item, sizeof item, "%.*s", len < sizeof item ? (int)len : (int)sizeof item - 1, s);
        if (len >= sizeof item || parse_real(item, min, 0, max_value, &v[*n])) {
            snprintf(err, errlen, "up to %u numbers %.10g..%.10g, comma-separated ('%.*s' is not one)", max, min, max_value,
                     (int)(len < 40 ? len : 40), s);
            return -1;
        }
        (*n)++;
        if (!s[len])
            return 0;
        s += len + 1;
    }
}
