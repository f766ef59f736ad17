/* nm_power_trace.c - energy per window of ticks (nm_power_trace.h). */
#include "nm_power_trace.h"

#include <string.h>

#include "nm_chip_if.h"

void nm_power_trace_cores_path(const char *path, char *out, size_t outlen)
{
    size_t n = strlen(path);
    if (n > 4 && !strcmp(path + n - 4, ".csv"))
        n -= 4;
    snprintf(out, outlen, "%.*s.cores.csv", (int)n, path);
}

int nm_power_trace_open(nm_power_trace *pt, const char *path, unsigned window, const nm_energy_preset *preset,
                        double volts, double tick_hz, unsigned mesh_x, unsigned mesh_y,
                        const struct nm_chip_backend *b, char *err, size_t errlen)
{
    unsigned k;
    memset(pt, 0, sizeof *pt);
    if (window < 1) {
        snprintf(err, errlen, "power trace: the window must be at least one tick");
        return -1;
    }
    snprintf(pt->path, sizeof pt->path, "%s", path);
    nm_power_trace_cores_path(path, pt->cpath, sizeof pt->cpath);
    pt->preset = preset;
    pt->volts = volts;
    pt->tick_hz = tick_hz;
    pt->mesh_x = mesh_x;
    pt->mesh_y = mesh_y;
    pt->window = window;
    if (nm_energy_meter_init(&pt->meter, mesh_x * mesh_y)) {
        snprintf(err, errlen, "power trace: out of memory");
        return -1;
    }
    if (nm_energy_meter_sample(&pt->meter, b)) {
        snprintf(err, errlen, "power trace: cannot read the counters");
        nm_energy_meter_free(&pt->meter);
        return -1;
    }
    nm_energy_meter_clear(&pt->meter);
    if (nm_out_open(&pt->out, pt->path, err, errlen)) {
        nm_energy_meter_free(&pt->meter);
        return -1;
    }
    if (nm_out_open(&pt->cout, pt->cpath, err, errlen)) {
        nm_out_close(&pt->out, 0, err, 0);
        nm_energy_meter_free(&pt->meter);
        return -1;
    }
    pt->f = pt->out.f;
    pt->fc = pt->cout.f;
    fprintf(pt->f, "# nmemu power trace: %s at %.3f V, %g ticks/s, %ux%u cores, windows of %u ticks "
                   "(docs/energy-model.md s6)\n",
            preset->name, volts, tick_hz, mesh_x, mesh_y, window);
    fprintf(pt->f, "window,first_tick,ticks,seconds,static_pj");
    for (k = 0; k < NM_E_NCLASSES; k++)
        fprintf(pt->f, ",%s_pj", nm_energy_class_name[k]);
    fprintf(pt->f, ",dynamic_pj,total_pj,power_mw,dynamic_power_mw,spikes,synaptic_events\n");
    fprintf(pt->fc, "window,first_tick,x,y,dynamic_pj,activity_pj\n");
    return 0;
}

/* The window that just ended: one row in each file. */
static int write_window(nm_power_trace *pt, const struct nm_chip_backend *b, char *err, size_t errlen)
{
    nm_energy_counts tot;
    nm_energy_result r;
    unsigned k, ncores = pt->mesh_x * pt->mesh_y;
    if (nm_energy_meter_sample(&pt->meter, b)) {
        snprintf(err, errlen, "power trace: cannot read the counters");
        return -1;
    }
    nm_energy_meter_total(&pt->meter, &tot);
    nm_energy_compute(pt->preset, pt->volts, pt->tick_hz, pt->in_window, ncores, &tot, &r);
    fprintf(pt->f, "%llu,%llu,%u,%.9g,%.9g", (unsigned long long)pt->nwindows, (unsigned long long)pt->first_tick,
            pt->in_window, r.seconds, r.static_pj);
    for (k = 0; k < NM_E_NCLASSES; k++)
        fprintf(pt->f, ",%.9g", r.class_pj[k]);
    fprintf(pt->f, ",%.9g,%.9g,%.9g,%.9g,%llu,%llu\n", r.dynamic_pj, r.total_pj, r.power_mw,
            r.seconds > 0 ? r.dynamic_pj / r.seconds * 1e-9 : 0.0, (unsigned long long)tot.n[NM_E_SPIKE],
            (unsigned long long)tot.n[NM_E_SYNAPTIC_EVENT]);
    for (k = 0; k < ncores; k++) {
        nm_energy_counts c = pt->meter.core[k];
        nm_energy_result rc;
        c.n[NM_E_OFFCHIP_PACKET] = 0;
        nm_energy_compute(pt->preset, pt->volts, pt->tick_hz, pt->in_window, 1, &c, &rc);
        fprintf(pt->fc, "%llu,%llu,%u,%u,%.9g,%.9g\n", (unsigned long long)pt->nwindows,
                (unsigned long long)pt->first_tick, k % pt->mesh_x, k / pt->mesh_x, rc.dynamic_pj,
                rc.dynamic_pj - rc.class_pj[NM_E_NEURON_UPDATE]);
    }
    if (ferror(pt->f) || ferror(pt->fc)) {
        snprintf(err, errlen, "%s: cannot write", pt->path);
        return -1;
    }
    nm_energy_meter_clear(&pt->meter);
    pt->nwindows++;
    pt->first_tick += pt->in_window;
    pt->in_window = 0;
    return 0;
}

int nm_power_trace_tick(nm_power_trace *pt, const struct nm_chip_backend *b, uint32_t noff, char *err,
                        size_t errlen)
{
    pt->meter.offchip += noff;
    pt->in_window++;
    if (pt->in_window == pt->window)
        return write_window(pt, b, err, errlen);
    /* a long window: sample before the 32-bit counters can wrap */
    if (pt->in_window % 32768 == 0 && nm_energy_meter_sample(&pt->meter, b)) {
        snprintf(err, errlen, "power trace: cannot read the counters");
        return -1;
    }
    return 0;
}

int nm_power_trace_close(nm_power_trace *pt, const struct nm_chip_backend *b, int ok, char *err, size_t errlen)
{
    int rc = 0;
    if (!pt->f)
        return 0;
    if (ok && pt->in_window > 0 && write_window(pt, b, err, errlen))
        rc = -1;
    pt->f = pt->fc = NULL;
    /* a failure on the first file throws the second away */
    if (nm_out_close(&pt->out, ok && rc == 0, err, rc ? 0 : errlen))
        rc = -1;
    if (nm_out_close(&pt->cout, ok && rc == 0, err, rc ? 0 : errlen))
        rc = -1;
    nm_energy_meter_free(&pt->meter);
    return ok ? rc : 0;
}
