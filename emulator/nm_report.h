/* nm_report.h - the run report (docs/network-format.md, "run report"): totals, cycles
 * per tick, and every core and router counter per core and for the chip, read through
 * the firmware driver. One writer for `nmemu run` and the SystemC platform `nmemu-sc`;
 * the energy section is added by nm_energy_report.h. */
#ifndef NM_REPORT_H
#define NM_REPORT_H

#include <jansson.h>
#include <stdint.h>

#include "../firmware/nm_fw.h"

typedef struct nm_report_run {
    const char *image, *backend;
    unsigned mesh_x, mesh_y;
    uint32_t ticks;
    uint64_t spikes, offchip;
    uint64_t cycles_min, cycles_max, cycles_total;
    int cycles_estimated;     /* the reference model's cycle counts are estimates */
} nm_report_run;

/* The report, or NULL when a counter cannot be read. */
json_t *nm_report_json(const nm_report_run *run, const nm_fw_bus *bus);

#endif
