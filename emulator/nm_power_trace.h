/* nm_power_trace.h - `nmemu run --power-trace F.csv`: energy per event class per window
 * of ticks, so a run shows its power over time (docs/energy-model.md s6).
 *
 * F.csv has one row per window (the last one may be shorter); F.cores.csv has, per
 * window, every core's dynamic and activity energy, for the per-window heat maps of
 * `nmemu plot`. Both are written through nm_output (temporary names renamed when
 * complete, devices written directly, nothing left behind on an error or a signal). */
#ifndef NM_POWER_TRACE_H
#define NM_POWER_TRACE_H

#include <stdint.h>
#include <stdio.h>

#include "nm_energy.h"
#include "nm_output.h"

struct nm_chip_backend;

typedef struct nm_power_trace {
    FILE *f, *fc;                /* the streams of out and cout; NULL when closed */
    nm_out out, cout;            /* F.csv and F.cores.csv */
    char path[4096], cpath[4200];
    const nm_energy_preset *preset;
    double volts, tick_hz;
    unsigned mesh_x, mesh_y, window;
    unsigned in_window;          /* ticks run in the current window */
    uint64_t first_tick, nwindows;
    nm_energy_meter meter;       /* its own meter: counts since the window began */
} nm_power_trace;

/* Open F.csv and F.cores.csv (F less a trailing .csv, plus .cores.csv) and take the
 * counters' current values as the start. 0, or -1 with a message. */
int nm_power_trace_open(nm_power_trace *pt, const char *path, unsigned window, const nm_energy_preset *preset,
                        double volts, double tick_hz, unsigned mesh_x, unsigned mesh_y,
                        const struct nm_chip_backend *b, char *err, size_t errlen);

/* After every tick: `noff` off-chip packets left in it. Writes a row when a window is
 * complete. 0, or -1 (APB or write error, message in err). */
int nm_power_trace_tick(nm_power_trace *pt, const struct nm_chip_backend *b, uint32_t noff, char *err,
                        size_t errlen);

/* Write the last, partial window (if any ticks ran in it) and put both files in place
 * when ok, or throw them away. 0, or -1 with a message. */
int nm_power_trace_close(nm_power_trace *pt, const struct nm_chip_backend *b, int ok, char *err, size_t errlen);

/* The path of the per-core file for trace path `path`. */
void nm_power_trace_cores_path(const char *path, char *out, size_t outlen);

#endif
