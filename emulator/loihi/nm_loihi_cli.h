/* nm_loihi_cli.h - nmemu's commands on chips of Loihi-style cores (compile, info, run): nmemu
 * dispatches here when the JSON says "core_type": "loihi" or the image's header says core
 * type 1. Each returns nmemu's exit status (0, 1 run error, 2 usage, 3 bad input). */
#ifndef NM_LOIHI_CLI_H
#define NM_LOIHI_CLI_H

int nm_loihi_cli_compile(const char *json_path, const char *image_path);
int nm_loihi_cli_info(const char *image_path);
/* argv: the image and run's options (--ticks N, --backend ref, --input FILE, --spikes FILE,
 * --energy PRESET, --step-hz F), as nmemu run got them. */
int nm_loihi_cli_run(int argc, char **argv);

#endif
