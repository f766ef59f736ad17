/* nm_loihi_cli.h - nmemu's commands on chips of Loihi-style cores (compile, info, run): nmemu
 * dispatches here when the JSON says "core_type": "loihi" or the image's header says core
 * type 1. Each returns nmemu's exit status (0, 1 run error, 2 usage, 3 bad input). */
#ifndef NM_LOIHI_CLI_H
#define NM_LOIHI_CLI_H

int nm_loihi_cli_compile(const char *json_path, const char *image_path);
int nm_loihi_cli_info(const char *image_path);
/* The image as a description (docs/loihi-network-format.md) to out_path (NULL: stdout). */
int nm_loihi_cli_decompile(const char *image_path, const char *out_path);
/* argv[0] "run", then the image and run's options (nm_loihi_run_spec: --ticks N,
 * --backend ref|rtl|check, --input FILE, --spikes FILE, --energy PRESET, --step-hz F). */
int nm_loihi_cli_run(int argc, char **argv);

#include <stdint.h>

#include "nm_opts.h"
extern const nm_cmd_spec nm_loihi_run_spec;

/* nmemu sweep on an image of Loihi-style cores: nm_sweep.c parses the options and hands them
 * over. Exactly one axis: rates (Bernoulli input per input axon of the input cores, one run at
 * each), step_hz_list (--tick-rates: one run priced at each step rate) or energies (a
 * comma-separated list of presets: one run priced with each). Voltages and synapse counts
 * (TrueNorth axes) are refused. */
typedef struct nm_loihi_sweep_args {
    const char *image, *out, *plot;
    const char *energy;   /* the preset when not swept (NULL: loihi-davies2018) */
    const char *energies; /* the presets to sweep, comma-separated (NULL: not swept) */
    const double *rates, *step_hz_list;
    unsigned nrates, nstep_hz, nvolts, nsyn;
    double rate, step_hz;   /* when not swept (rate < 0: 0) */
    unsigned ticks, warmup, ix, iy;
    int all_cores;
    uint64_t seed;
} nm_loihi_sweep_args;
int nm_loihi_cli_sweep(const nm_loihi_sweep_args *a);

#endif
