/* nm_plot.h - PNG plots through gnuplot (Debian's gnuplot-nox): the spike raster, the
 * energy breakdown and the per-core energy heat map of a run (`nmemu plot`), and the
 * curves of `nmemu sweep`. Every PNG is drawn under a temporary name and renamed. */
#ifndef NM_PLOT_H
#define NM_PLOT_H

#include <stddef.h>

#include "nm_opts.h"

/* Run a gnuplot script that writes `png`; the script refers to the output as OUT.
 * 0, or -1 with a message. */
int nm_plot_run(const char *script, const char *png, char *err, size_t errlen);

/* `nmemu plot REPORT.json [--spikes SPIKES.csv] -o DIR`; argv[0] is "plot". Returns an
 * exit status (NM_EXIT_*). */
extern const nm_cmd_spec nm_plot_spec;
int nm_cmd_plot(int argc, char **argv);

#endif
