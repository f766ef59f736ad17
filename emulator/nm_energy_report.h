/* nm_energy_report.h - the energy section of run reports and the human summary. */
#ifndef NM_ENERGY_REPORT_H
#define NM_ENERGY_REPORT_H

#include <jansson.h>
#include <stdio.h>

#include "nm_energy.h"

typedef struct nm_energy_run {
    const nm_energy_preset *preset;
    double volts, tick_hz;
    uint64_t ticks;
    unsigned mesh_x, mesh_y;
    const nm_energy_meter *meter;
} nm_energy_run;

/* The report's "energy" object (docs/energy-model.md s6): totals, per class, per core. */
json_t *nm_energy_report_json(const nm_energy_run *run);

/* Total energy, average power and energy per synaptic event (with and without the
 * static energy), one line each. */
void nm_energy_print_summary(FILE *f, const nm_energy_run *run);

#endif
