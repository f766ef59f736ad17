/* nm_report.c - the run report (nm_report.h). */
#include "nm_report.h"

#include <stdio.h>

/* Key names, in the order of the COUNTER region and of the router registers. */
static const char *const core_key[8] = {"synaptic_events", "neuron_updates", "spikes", "scheduler_writes",
                                        "row_reads", "row_writes", "busy_cycles", "stall_cycles"};
static const char *const router_key[6] = {"flits_local", "flits_east", "flits_west", "flits_north", "flits_south",
                                          "stall_cycles"};

json_t *nm_report_json(const nm_report_run *run, const nm_fw_bus *bus)
{
    json_t *r = json_object(), *cores = json_array(), *chip = json_object();
    uint64_t total[14] = {0};
    unsigned core, k;
    json_object_set_new(r, "image", json_string(run->image));
    json_object_set_new(r, "backend", json_string(run->backend));
    json_object_set_new(r, "mesh", json_pack("[ii]", (int)run->mesh_x, (int)run->mesh_y));
    json_object_set_new(r, "ticks", json_integer(run->ticks));
    json_object_set_new(r, "spikes", json_integer((json_int_t)run->spikes));
    json_object_set_new(r, "offchip_packets", json_integer((json_int_t)run->offchip));
    json_object_set_new(r, "cycles_per_tick",
                        json_pack("{s:I,s:f,s:I,s:I,s:b}", "min", (json_int_t)run->cycles_min, "mean",
                                  run->ticks ? (double)run->cycles_total / run->ticks : 0.0, "max",
                                  (json_int_t)run->cycles_max, "total", (json_int_t)run->cycles_total, "estimated",
                                  run->cycles_estimated));
    for (core = 0; core < run->mesh_x * run->mesh_y; core++) {
        json_t *c = json_object(), *cc = json_object(), *rc = json_object();
        uint32_t cv[8] = {0}, rv[6] = {0};
        json_object_set_new(c, "x", json_integer(core % run->mesh_x));
        json_object_set_new(c, "y", json_integer(core / run->mesh_x));
        json_object_set_new(c, "core", cc);
        json_object_set_new(c, "router", rc);
        json_array_append_new(cores, c);
        if (nm_fw_read_core_counters(bus, core, cv) || nm_fw_read_router_counters(bus, core, rv)) {
            json_decref(cores);
            json_decref(chip);
            json_decref(r);
            return NULL;
        }
        for (k = 0; k < 8; k++) {
            json_object_set_new(cc, core_key[k], json_integer(cv[k]));
            total[k] += cv[k];
        }
        for (k = 0; k < 6; k++) {
            json_object_set_new(rc, router_key[k], json_integer(rv[k]));
            total[8 + k] += rv[k];
        }
    }
    for (k = 0; k < 8; k++)
        json_object_set_new(chip, core_key[k], json_integer((json_int_t)total[k]));
    for (k = 0; k < 6; k++) {
        char key[32];
        snprintf(key, sizeof key, "router_%s", router_key[k]);
        json_object_set_new(chip, key, json_integer((json_int_t)total[8 + k]));
    }
    json_object_set_new(r, "counters", chip);
    json_object_set_new(r, "cores", cores);
    return r;
}
