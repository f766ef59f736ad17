/* nm_cmd_run.h - `nmemu run`: an image on the rtl, ref or check backend (docs/nmemu.1). */
#ifndef NM_CMD_RUN_H
#define NM_CMD_RUN_H

#include "nm_opts.h"

extern const nm_cmd_spec nm_run_spec;

/* argv[0] is "run"; returns an exit status (NM_EXIT_*). */
int nm_cmd_run(int argc, char **argv);

#endif
