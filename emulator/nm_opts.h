/* nm_opts.h - the option tables of nmemu's subcommands, parsed with getopt_long.
 *
 * Each subcommand describes its options in ONE table of nm_opt rows: the long name (and
 * short letter), whether it takes a value and of what kind, the range a number must lie
 * in, where the value goes, and the line `nmemu SUB --help` prints for it. nm_opts_parse
 * builds getopt_long's tables from it, so names, values, ranges, error messages and help
 * come from one place for every subcommand (docs/nmemu.1). */
#ifndef NM_OPTS_H
#define NM_OPTS_H

#include <stdint.h>
#include <stdio.h>

#include "nm_energy.h"

/* Exit status of every subcommand. */
#define NM_EXIT_OK 0
#define NM_EXIT_RUN 1   /* the run failed, an output could not be written, backends diverged */
#define NM_EXIT_USAGE 2 /* bad usage */
#define NM_EXIT_INPUT 3 /* a bad input file (image, network, spike program, preset, report) */

/* Shared ranges: the same option has the same range wherever it appears. */
#define NM_TICKS_MAX 4294967295.0 /* ticks are counted in 32 bits (spike programs, outputs) */
#define NM_VOLTS_MAX NM_ENERGY_VOLTS_MAX /* --voltage, as a preset's reference_voltage_v */
#define NM_HZ_MAX 1e9             /* --tick-rate, --rate: 0 < Hz <= 1e9 */
#define NM_THREADS_MAX 64.0

typedef enum nm_opt_kind {
    NM_OPT_FLAG,   /* no value; *(int *)dest = 1 */
    NM_OPT_STRING, /* *(const char **)dest = the value */
    NM_OPT_CHOICE, /* *(const char **)dest = the value, one of `choices` ("a|b|c") */
    NM_OPT_UINT,   /* *(unsigned *)dest, a whole number in [min, max] (max <= UINT_MAX) */
    NM_OPT_U64,    /* *(uint64_t *)dest, a whole number in [min, max], decimal or 0x hex */
    NM_OPT_DOUBLE, /* *(double *)dest, a finite number in [min, max], or (min, max] if min_open */
    NM_OPT_CUSTOM  /* parse(value, dest, err, errlen) checks and stores it */
} nm_opt_kind;

typedef struct nm_opt {
    const char *name; /* long name without the dashes, e.g. "ticks" */
    int letter;       /* short option letter (e.g. 'o'), or 0 */
    nm_opt_kind kind;
    const char *metavar; /* the value's name in help, e.g. "N"; NULL for a flag */
    double min, max;     /* numeric range (UINT, U64, DOUBLE) */
    int min_open;        /* DOUBLE: the value must be > min, not >= min */
    const char *choices; /* CHOICE: "rtl|ref|check" */
    int (*parse)(const char *value, void *dest, char *err, unsigned long errlen); /* CUSTOM */
    void *dest;          /* where the value goes */
    int *seen;           /* set to 1 when the option is given (may be NULL) */
    int required;        /* the subcommand cannot run without it */
    const char *help;    /* the --help text; "\n" starts a continuation line */
} nm_opt;

/* A subcommand: its name, its positional arguments and its options. The table ends with
 * a row whose name is NULL. */
typedef struct nm_cmd_spec {
    const char *name;     /* "run" */
    const char *args;     /* positional arguments for the synopsis, e.g. "IMAGE" */
    unsigned nargs_min, nargs_max;
    const char *summary;  /* one line: what the subcommand does */
    const char *epilogue; /* printed after the options in --help (may be NULL) */
    const nm_opt *opts;
} nm_cmd_spec;

/* Parse argv[1..argc-1] (argv[0] is the subcommand's name) against `spec`: stores every
 * option, checks each value against its kind and range, puts the positional arguments in
 * args[0..*nargs-1] (room for spec->nargs_max) and checks their count and the required
 * options. Returns 0 to go on, 1 when --help was given and printed on stdout (exit 0), or
 * NM_EXIT_USAGE after printing what is wrong on stderr. */
int nm_opts_parse(const nm_cmd_spec *spec, int argc, char **argv, const char **args, unsigned *nargs);

/* The --help of a subcommand: synopsis, summary, one line per option, epilogue. */
void nm_opts_help(const nm_cmd_spec *spec, FILE *f);

/* The synopsis line of a subcommand ("nmemu run IMAGE [options]"), for nmemu --help. */
void nm_opts_synopsis(const nm_cmd_spec *spec, FILE *f);

/* Print "nmemu: <message>" and the hint to run `nmemu SUB --help` on stderr; returns
 * NM_EXIT_USAGE, so that `return nm_usage_error(spec, "...")` reads naturally. */
int nm_usage_error(const nm_cmd_spec *spec, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* A comma-separated list of at most `max` finite numbers in [min, max_value]: the parser
 * behind --rates and --voltages. 0, or -1 with a message. */
int nm_opts_parse_list(const char *s, double *v, unsigned *n, unsigned max, double min, double max_value,
                       char *err, unsigned long errlen);

#endif
