/* nm_energy_report.c - energy in run reports (nm_energy_report.h). */
#include "nm_energy_report.h"

json_t *nm_energy_report_json(const nm_energy_run *run)
{
    nm_energy_counts tot;
    nm_energy_result r;
    json_t *e = json_object(), *classes = json_object(), *cores = json_array();
    unsigned k, i, ncores = run->mesh_x * run->mesh_y;
    nm_energy_meter_total(run->meter, &tot);
    nm_energy_compute(run->preset, run->volts, run->tick_hz, run->ticks, ncores, &tot, &r);
    json_object_set_new(e, "preset", json_string(run->preset->name));
    if (run->preset->note[0])
        json_object_set_new(e, "note", json_string(run->preset->note));
    json_object_set_new(e, "voltage_v", json_real(run->volts));
    json_object_set_new(e, "tick_rate_hz", json_real(run->tick_hz));
    json_object_set_new(e, "seconds", json_real(r.seconds));
    json_object_set_new(e, "total_pj", json_real(r.total_pj));
    json_object_set_new(e, "static_pj", json_real(r.static_pj));
    json_object_set_new(e, "dynamic_pj", json_real(r.dynamic_pj));
    json_object_set_new(e, "power_mw", json_real(r.power_mw));
    json_object_set_new(e, "pj_per_synaptic_event", json_real(r.pj_per_synaptic_event));
    json_object_set_new(e, "dynamic_pj_per_synaptic_event", json_real(r.dynamic_pj_per_synaptic_event));
    for (i = 0; i < NM_E_NCLASSES; i++)
        json_object_set_new(classes, nm_energy_class_name[i],
                            json_pack("{s:I,s:f,s:f}", "count", (json_int_t)tot.n[i], "pj_per_event",
                                      tot.n[i] ? r.class_pj[i] / (double)tot.n[i] : 0.0, "pj", r.class_pj[i]));
    json_object_set_new(e, "classes", classes);
    /* per core: its own events and its share of the static power; off-chip packets
     * are priced at chip level only */
    for (k = 0; k < ncores; k++) {
        nm_energy_counts c = run->meter->core[k];
        nm_energy_result rc;
        c.n[NM_E_OFFCHIP_PACKET] = 0;
        nm_energy_compute(run->preset, run->volts, run->tick_hz, run->ticks, 1, &c, &rc);
        json_array_append_new(cores, json_pack("{s:i,s:i,s:f,s:f,s:f}", "x", (int)(k % run->mesh_x), "y",
                                               (int)(k / run->mesh_x), "total_pj", rc.total_pj, "dynamic_pj",
                                               rc.dynamic_pj, "static_pj", rc.static_pj));
    }
    json_object_set_new(e, "cores", cores);
    return e;
}

/* pJ in 4 significant digits, without an exponent for large values ("30003", not "3e+04"). */
static void print_pj(FILE *f, double pj)
{
    fprintf(f, pj >= 1000 ? "%.0f pJ" : "%.4g pJ", pj);
}

void nm_energy_print_summary(FILE *f, const nm_energy_run *run)
{
    nm_energy_counts tot;
    nm_energy_result r;
    nm_energy_meter_total(run->meter, &tot);
    nm_energy_compute(run->preset, run->volts, run->tick_hz, run->ticks, run->mesh_x * run->mesh_y, &tot, &r);
    fprintf(f, "energy (%s at %.3f V, %g ticks/s): %.6g uJ in %.6g s (static %.6g uJ, dynamic %.6g uJ)\n",
            run->preset->name, run->volts, run->tick_hz, r.total_pj * 1e-6, r.seconds, r.static_pj * 1e-6,
            r.dynamic_pj * 1e-6);
    fprintf(f, "average power: %.4g mW\n", r.power_mw);
    if (tot.n[NM_E_SYNAPTIC_EVENT])
    {
        fputs("energy per synaptic event: ", f);
        print_pj(f, r.pj_per_synaptic_event);
        fputs(" with static energy, ", f);
        print_pj(f, r.dynamic_pj_per_synaptic_event);
        fprintf(f, " dynamic only (%llu synaptic events)\n", (unsigned long long)tot.n[NM_E_SYNAPTIC_EVENT]);
    }
    else
        fprintf(f, "energy per synaptic event: none happened\n");
    if (run->preset->note[0])
        fprintf(f, "note: %s\n", run->preset->note);
}
