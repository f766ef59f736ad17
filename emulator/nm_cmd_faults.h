/* nm_cmd_faults.h - `nmemu faults IMAGE --n N --seed S`: a campaign of random single
 * faults against a clean run on the reference model (docs/faults.md). */
#ifndef NM_CMD_FAULTS_H
#define NM_CMD_FAULTS_H

#include "nm_opts.h"

extern const nm_cmd_spec nm_faults_spec;
/* argv[0] is "faults"; returns an exit status (NM_EXIT_*). */
int nm_cmd_faults(int argc, char **argv);

#endif
