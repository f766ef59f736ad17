/* nm_sweep.h - `nmemu sweep`: one network at a list of input rates or voltages, on the
 * reference backend; a table (CSV) and a plot of power and energy per synaptic event. */
#ifndef NM_SWEEP_H
#define NM_SWEEP_H

#include "nm_opts.h"

/* argv[0] is "sweep". Returns an exit status (0, 1 run failed, 2 usage, 3 bad input file). */
extern const nm_cmd_spec nm_sweep_spec;
int nm_cmd_sweep(int argc, char **argv);

#endif
