/* nm_groups.h - energy per neuron group (`nmemu run --groups FILE`, docs/energy-model.md s6).
 *
 * Groups come from the network description the image was compiled from (each
 * parameter set is a group; a neurons[] entry without one is the group "core X,Y ids
 * A-B") or from a groups file, {"groups": {"NAME": [[x, y], [x, y, first, last], ...]}}
 * ([x, y] is a whole core). Neurons in no group form "(no group)"; the hops of host input
 * packets form "(host input)".
 *
 * Attribution: spikes, hops and off-chip packets exactly, by the neuron that sent them
 * (X-first routing from its core with its dx, dy); static energy and neuron updates by
 * the group's share of each core's neurons; synaptic events and scheduler writes by the
 * group's share of each core's crossbar connections (exact when a group owns whole cores,
 * an estimate otherwise: the chip counts them per core, not per neuron). */
#ifndef NM_GROUPS_H
#define NM_GROUPS_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "nm_chip_if.h"
#include "nm_energy.h"
#include "nm_energy_report.h"
#include "nm_image.h"

typedef struct nm_groups {
    unsigned ngroups;            /* including "(no group)" (index 0) and "(host input)" (last) */
    char (*name)[80];
    unsigned mesh_x, mesh_y, nneurons;
    uint16_t *of;                /* group per neuron, core * nneurons + j */
    uint16_t *route_ew, *route_ns; /* hops of one spike of that neuron */
    uint8_t *route_off;          /* 1 when its spikes leave the mesh */
    uint16_t *conn;              /* its crossbar connections */
    uint64_t *spikes, *hops_ew, *hops_ns, *offchip; /* per group, accumulated */
} nm_groups;

/* Read the groups from a network JSON or a groups file for this image (before the
 * image's cores are released). 0, or -1 with the file and JSON path named in err. */
int nm_groups_load(nm_groups *g, const char *path, const nm_image *im, char *err, size_t errlen);
void nm_groups_free(nm_groups *g);

/* Count one tick's spikes by group; count one host packet's hops. */
void nm_groups_tick(nm_groups *g, const nm_chip_tick_out *o);
void nm_groups_host(nm_groups *g, const nm_pkt *p);

/* The report's "groups" array: per group its neurons, spikes, energy per class, static,
 * dynamic and total (docs/energy-model.md s6). */
json_t *nm_groups_report_json(const nm_groups *g, const nm_energy_run *run);

/* One line per group: name, total, dynamic, static, spikes. */
void nm_groups_print(FILE *f, const nm_groups *g, const nm_energy_run *run);

#endif
