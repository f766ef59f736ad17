/* nm_plot.c - gnuplot figures (nm_plot.h). */
#include "nm_plot.h"
#include "nm_power_trace.h"

#include "nm_opts.h"
#include "nm_output.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

int nm_plot_run(const char *script, const char *png, char *err, size_t errlen)
{
    nm_out o;
    FILE *g;
    int st;
    if (nm_out_begin(&o, png, err, errlen)) /* gnuplot draws under a temporary name (nm_output.h) */
        return -1;
    g = popen("gnuplot 2>&1", "w");
    if (!g) {
        snprintf(err, errlen, "cannot start gnuplot: %s", strerror(errno));
        nm_out_close(&o, 0, err, 0);
        return -1;
    }
    fprintf(g, "set terminal pngcairo size 1000,640 font 'sans,10'\nset output '%s'\n%s\nset output\n", nm_out_name(&o),
            script);
    st = pclose(g);
    if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        nm_out_close(&o, 0, err, 0);
        if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
            snprintf(err, errlen, "gnuplot is not installed (tools/install-deps gnuplot-nox)");
        else
            snprintf(err, errlen, "gnuplot failed drawing %s", png);
        return -1;
    }
    return nm_out_close(&o, 1, err, errlen);
}

/* Write `text` to path, whole or not at all. */
static int write_file(const char *path, const char *text, char *err, size_t errlen)
{
    return nm_out_write_file(path, text, strlen(text), err, errlen);
}

/* A growing string. */
typedef struct sbuf {
    char *s;
    size_t n, cap;
} sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#include <stdarg.h>
static void sb_printf(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    int k;
    for (;;) {
        va_start(ap, fmt);
        k = vsnprintf(b->s ? b->s + b->n : NULL, b->s ? b->cap - b->n : 0, fmt, ap);
        va_end(ap);
        if (k < 0)
            return;
        if (b->s && b->n + (size_t)k < b->cap) {
            b->n += (size_t)k;
            return;
        }
        b->cap = 2 * (b->cap + (size_t)k + 64);
        b->s = realloc(b->s, b->cap);
        if (!b->s)
            abort();
    }
}

/* Read the power trace's rows: per window first tick, ticks, and the columns. */
#define PT_COLS 18
typedef struct pt_row {
    double v[PT_COLS];
} pt_row;

static int read_trace(const char *path, pt_row **rows, size_t *n, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    char line[4096];
    size_t cap = 0, lineno = 0;
    *rows = NULL;
    *n = 0;
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    while (fgets(line, sizeof line, f)) {
        char *p = line, *end;
        unsigned k;
        lineno++;
        if (line[0] == '#' || !strncmp(line, "window,", 7))
            continue;
        if (*n == cap) {
            pt_row *nr = realloc(*rows, (cap = 2 * cap + 64) * sizeof **rows);
            if (!nr)
                abort();
            *rows = nr;
        }
        for (k = 0; k < PT_COLS; k++) {
            (*rows)[*n].v[k] = strtod(p, &end);
            if (end == p || (k + 1 < PT_COLS && *end != ',')) {
                snprintf(err, errlen, "%s: line %zu, column %u: expected a number (an nmemu power trace, "
                                      "nmemu run --power-trace)", path, lineno, k + 1);
                fclose(f);
                free(*rows);
                *rows = NULL;
                return -1;
            }
            p = end + 1;
        }
        (*n)++;
    }
    fclose(f);
    if (*n == 0) {
        snprintf(err, errlen, "%s: no windows (an nmemu power trace, nmemu run --power-trace)", path);
        return -1;
    }
    return 0;
}

/* power-trace.png: power per class over time; energy-cores-windows.png: activity energy
 * per core per tick in up to 16 groups of consecutive windows, on one colour scale. */
static int plot_trace(const char *path, const char *dir, int mx, int my, char *err, size_t errlen)
{
    pt_row *rows;
    size_t n, i, g, ngroups;
    char dat[4096], png[4096], cpath[4200], line[512];
    sbuf data = {0}, gp = {0};
    double *act = NULL, vmax = 0, gticks[16] = {0};
    FILE *f;
    int rc = -1, lineno = 0;
    if (read_trace(path, &rows, &n, err, errlen))
        return -1;
    /* columns: 0 window, 1 first_tick, 2 ticks, 3 seconds, 4 static, 5..11 classes, 12 dynamic, 13 total,
     * 14 power_mw, 15 dynamic_power_mw, 16 spikes, 17 synaptic_events; power (mW) = pJ / s x 1e-9 */
    sb_printf(&data, "# tick_mid static neuron_update synaptic_event hops spike_and_scheduler offchip total\n");
    for (i = 0; i < n; i++) {
        const double *v = rows[i].v, k = 1e-9 / v[3];
        sb_printf(&data, "%.9g %.9g %.9g %.9g %.9g %.9g %.9g %.9g\n", v[1] + v[2] / 2, v[4] * k, v[6] * k, v[5] * k,
                  (v[9] + v[10]) * k, (v[7] + v[8]) * k, v[11] * k, v[13] * k);
    }
    snprintf(dat, sizeof dat, "%s/power-trace.dat", dir);
    if (write_file(dat, data.s, err, errlen))
        goto out;
    snprintf(png, sizeof png, "%s/power-trace.png", dir);
    sb_printf(&gp,
              "set title 'Power over the run, per event class (windows of %.0f ticks)' noenhanced\n"
              "set xlabel 'tick (middle of the window)'\nset ylabel 'power (mW)'\nset grid\nset key outside right\n"
              "plot '%s' using 1:8 with linespoints pt 7 ps 0.5 lw 2 lc rgb '#202020' title 'total', "
              "'' using 1:2 with lines lw 2 title 'static', '' using 1:3 with lines lw 2 title 'neuron updates', "
              "'' using 1:4 with lines lw 2 title 'synaptic events', '' using 1:5 with lines lw 2 title 'hops', "
              "'' using 1:6 with lines lw 2 title 'spikes + scheduler', '' using 1:7 with lines lw 2 title 'off-chip'\n",
              rows[0].v[2], dat);
    if (nm_plot_run(gp.s, png, err, errlen))
        goto out;
    printf("%s\n", png);
    /* per-core activity energy, windows merged into at most 16 groups */
    ngroups = n < 16 ? n : 16;
    act = calloc(ngroups * (size_t)mx * (size_t)my, sizeof *act);
    if (!act)
        abort();
    for (i = 0; i < n; i++)
        gticks[i * ngroups / n] += rows[i].v[2];
    nm_power_trace_cores_path(path, cpath, sizeof cpath);
    f = fopen(cpath, "r");
    if (!f) {
        snprintf(err, errlen, "%s: %s (written next to the power trace by nmemu run --power-trace)", cpath,
                 strerror(errno));
        goto out;
    }
    while (fgets(line, sizeof line, f)) {
        unsigned long long w, ft;
        int x, y;
        double d, a;
        lineno++;
        if (!strncmp(line, "window,", 7))
            continue;
        if (sscanf(line, "%llu,%llu,%d,%d,%lf,%lf", &w, &ft, &x, &y, &d, &a) != 6 || w >= n || x < 0 || x >= mx ||
            y < 0 || y >= my) {
            snprintf(err, errlen, "%s: line %d: expected window,first_tick,x,y,dynamic_pj,activity_pj within the "
                                  "report's %dx%d mesh and the trace's %zu windows", cpath, lineno, mx, my, n);
            fclose(f);
            goto out;
        }
        g = (size_t)(w * ngroups / n);
        act[(g * (size_t)my + (size_t)y) * (size_t)mx + (size_t)x] += a * 1e-6 / gticks[g];
    }
    fclose(f);
    data.n = gp.n = 0;
    data.s[0] = 0;
    for (g = 0; g < ngroups; g++) {
        int x, y;
        for (y = 0; y < my; y++) {
            for (x = 0; x < mx; x++) {
                double v = act[(g * (size_t)my + (size_t)y) * (size_t)mx + (size_t)x];
                if (v > vmax)
                    vmax = v;
                sb_printf(&data, "%d %d %.9g\n", x, y, v);
            }
            sb_printf(&data, "\n");
        }
        sb_printf(&data, "\n");
    }
    snprintf(dat, sizeof dat, "%s/energy-cores-windows.dat", dir);
    if (write_file(dat, data.s, err, errlen))
        goto out;
    snprintf(png, sizeof png, "%s/energy-cores-windows.png", dir);
    {
        int cols = ngroups <= 1 ? 1 : ngroups <= 4 ? 2 : ngroups <= 9 ? 3 : 4;
        int nrow = (int)((ngroups + (size_t)cols - 1) / (size_t)cols);
        sb_printf(&gp,
                  "set multiplot layout %d,%d title 'Activity energy per core per tick (uJ), by window: synaptic "
                  "events, spikes, scheduler writes, hops'\nunset key\nset size ratio -1\nset palette rgbformulae 21,22,23\n"
                  "set cbrange [0:%.9g]\nset xrange [-0.5:%d.5]\nset yrange [-0.5:%d.5]\nset tics font 'sans,7'\n",
                  nrow, cols, vmax > 0 ? vmax : 1.0, mx - 1, my - 1);
        for (g = 0; g < ngroups; g++) {
            size_t w0 = (g * n + ngroups - 1) / ngroups, w1 = ((g + 1) * n + ngroups - 1) / ngroups - 1;
            double t0 = rows[w0].v[1], t1 = rows[w1].v[1] + rows[w1].v[2] - 1;
            sb_printf(&gp, "set title 'ticks %.0f-%.0f' font 'sans,8'\n%s\nplot '%s' index %zu using 1:2:3 with image\n",
                      t0, t1, g + 1 == ngroups ? "set colorbox" : "unset colorbox", dat, g);
        }
        sb_printf(&gp, "unset multiplot\n");
    }
    if (nm_plot_run(gp.s, png, err, errlen))
        goto out;
    printf("%s\n", png);
    rc = 0;
out:
    free(rows);
    free(act);
    free(data.s);
    free(gp.s);
    return rc;
}

static struct {
    const char *dir, *spikes, *trace;
    int have_dir;
} PL;

static const nm_opt plot_opts[] = {
    {.name = "output", .letter = 'o', .kind = NM_OPT_STRING, .metavar = "DIR", .dest = &PL.dir, .seen = &PL.have_dir,
     .required = 1, .help = "the directory for the figures (made if missing)"},
    {.name = "spikes", .kind = NM_OPT_STRING, .metavar = "SPIKES.csv", .dest = &PL.spikes,
     .help = "also draw the spike raster from this file (nmemu run --spikes)"},
    {.name = "power-trace", .kind = NM_OPT_STRING, .metavar = "F.csv", .dest = &PL.trace,
     .help = "also draw this power trace (nmemu run --power-trace; default: the one the\nreport names)"},
    {0},
};

const nm_cmd_spec nm_plot_spec = {"plot", "REPORT.json", 1, 1,
                                  "Draw PNG figures of a run report (nmemu run --report): energy by class, energy\n"
                                  "per core and per neuron group, the power trace and the spike raster (gnuplot).",
                                  NULL, plot_opts};

/* The figures and their data files must not be the report, the spike file or the power
 * trace and its per-core file (trace NULL: none). 0, or -1 with a message. */
static int plot_check_files(const char *report, const char *spikes, const char *trace, const char *dir, char *err,
                            size_t errlen)
{
    static const char *const names[] = {"energy-classes.dat", "energy-classes.png", "energy-cores.dat",
                                        "energy-cores.png",   "raster.png",         "energy-groups.dat",
                                        "energy-groups.png",  "power-trace.dat",    "power-trace.png",
                                        "energy-cores-windows.dat", "energy-cores-windows.png"};
    enum { NNAMES = sizeof names / sizeof names[0] };
    char outs[NNAMES][4096];
    char cores[4200];
    nm_out_role files[4 + NNAMES] = {{"the report", report, 0},
                                     {"--spikes", spikes, 0},
                                     {"the power trace", trace, 0},
                                     {"the power trace's per-core file", NULL, 0}};
    size_t i;
    if (trace) {
        nm_power_trace_cores_path(trace, cores, sizeof cores);
        files[3].path = cores;
    }
    for (i = 0; i < NNAMES; i++) {
        snprintf(outs[i], sizeof outs[i], "%s/%s", dir, names[i]);
        files[4 + i] = (nm_out_role){"the figure file", outs[i], 1};
    }
    return nm_out_check_distinct(files, 4 + NNAMES, err, errlen);
}

int nm_cmd_plot(int argc, char **argv)
{
    const char *report = NULL, *spikes = NULL, *dir = NULL, *trace = NULL;
    char err[8192], path[4096], png[4096];
    json_error_t je;
    json_t *r, *e, *classes, *cores, *mesh, *x;
    const char *key;
    sbuf data = {0}, gp = {0};
    size_t i;
    int mx, my, rc, loihi, per_core = 256;
    const char *args[1];
    unsigned nargs;
    rc = nm_opts_parse(&nm_plot_spec, argc, argv, args, &nargs);
    if (rc)
        return rc == 1 ? 0 : rc;
    rc = 1;
    report = args[0];
    dir = PL.dir;
    spikes = PL.spikes;
    trace = PL.trace;
    if (plot_check_files(report, spikes, trace, dir, err, sizeof err))
        return nm_usage_error(&nm_plot_spec, "%s", err);
    r = json_load_file(report, 0, &je);
    if (!r) {
        fprintf(stderr, "nmemu: %s: line %d: %s\n", report, je.line, je.text);
        return 3;
    }
    e = json_object_get(r, "energy");
    mesh = json_object_get(r, "mesh");
    classes = json_object_get(e, "classes");
    cores = json_object_get(e, "cores");
    if (!json_is_object(classes) || !json_is_array(cores) || json_unpack(mesh, "[ii]", &mx, &my)) {
        fprintf(stderr, "nmemu: %s: not an nmemu run report with an energy section (nmemu run --report)\n", report);
        json_decref(r);
        return 3;
    }
    /* a report of Loihi-style cores (nmemu run IMAGE --report on a core-type-1 image) */
    loihi = json_is_string(json_object_get(r, "core_type")) &&
            !strcmp(json_string_value(json_object_get(r, "core_type")), "loihi");
    if (json_is_integer(json_object_get(r, "compartments_per_core")))
        per_core = (int)json_integer_value(json_object_get(r, "compartments_per_core"));
    /* the power trace the report names, unless --power-trace gave one */
    if (!trace && json_is_string(json_object_get(json_object_get(e, "power_trace"), "file"))) {
        trace = json_string_value(json_object_get(json_object_get(e, "power_trace"), "file"));
        if (plot_check_files(report, spikes, trace, dir, err, sizeof err)) {
            fprintf(stderr, "nmemu: %s (the power trace named in %s)\n", err, report);
            json_decref(r);
            return NM_EXIT_USAGE;
        }
    }
    if (mkdir(dir, 0777) && errno != EEXIST) {
        fprintf(stderr, "nmemu: %s: %s\n", dir, strerror(errno));
        json_decref(r);
        return 1;
    }
    /* 1. energy by class (and static), a bar chart */
    sb_printf(&data, "# class energy_uJ\nstatic %.9g\n", json_real_value(json_object_get(e, "static_pj")) * 1e-6);
    json_object_foreach(classes, key, x) sb_printf(&data, "%s %.9g\n", key, json_real_value(json_object_get(x, "pj")) * 1e-6);
    snprintf(path, sizeof path, "%s/energy-classes.dat", dir);
    if (write_file(path, data.s, err, sizeof err))
        goto fail;
    snprintf(png, sizeof png, "%s/energy-classes.png", dir);
    {
        /* a Loihi run's report (core_type "loihi") has no supply voltage */
        char volts[64] = "";
        if (json_is_number(json_object_get(e, "voltage_v")))
            snprintf(volts, sizeof volts, " at %.3f V", json_real_value(json_object_get(e, "voltage_v")));
        sb_printf(&gp,
                  "set title 'Energy by event class: %s%s, %g ticks/s, %.4g mW' noenhanced\n"
                  "set style fill solid 0.8\nset boxwidth 0.7\nset ylabel 'energy (uJ)'\nset xtics rotate by -30 noenhanced\n"
                  "set grid ytics\nunset key\nplot '%s' using 0:2:xtic(1) with boxes lc rgb '#3b6ea5'\n",
                  json_string_value(json_object_get(e, "preset")), volts,
                  json_real_value(json_object_get(e, "tick_rate_hz")), json_real_value(json_object_get(e, "power_mw")),
                  path);
    }
    if (nm_plot_run(gp.s, png, err, sizeof err))
        goto fail;
    printf("%s\n", png);
    /* 2. energy per core, a heat map over the mesh: the energy that follows activity
     * (dynamic less the per-tick neuron updates), which static and neuron updates,
     * nearly the same on every core, would otherwise drown */
    data.n = gp.n = 0;
    data.s[0] = 0;
    {
        double upd = 0, n = 0;
        json_array_foreach(cores, i, x) {
            double dyn = json_real_value(json_object_get(x, "dynamic_pj")),
                   act = json_object_get(x, "activity_pj") ? json_real_value(json_object_get(x, "activity_pj")) : dyn;
            upd += dyn - act;
            n++;
            sb_printf(&data, "%d %d %.9g\n", (int)json_integer_value(json_object_get(x, "x")),
                      (int)json_integer_value(json_object_get(x, "y")), act * 1e-6);
            if ((int)json_integer_value(json_object_get(x, "x")) == mx - 1)
                sb_printf(&data, "\n");
        }
        snprintf(path, sizeof path, "%s/energy-cores.dat", dir);
        if (write_file(path, data.s, err, sizeof err))
            goto fail;
        snprintf(png, sizeof png, "%s/energy-cores.png", dir);
        sb_printf(&gp,
                  "set title \"Activity energy per core (uJ): %s\\n"
                  "every core adds %.4g uJ static and %.4g uJ of %s updates (mean)\"\nset xlabel 'x'\n"
                  "set ylabel 'y'\nset xrange [-0.5:%d.5]\nset yrange [-0.5:%d.5]\nset size ratio -1\n"
                  "set palette rgbformulae 21,22,23\nplot '%s' using 1:2:3 with image notitle\n",
                  loihi ? "synaptic ops, spikes, packets out" : "synaptic events, spikes, scheduler writes, hops",
                  json_real_value(json_object_get(e, "static_pj_per_core")) * 1e-6, n > 0 ? upd / n * 1e-6 : 0.0,
                  loihi ? "compartment" : "neuron", mx - 1, my - 1, path);
        if (nm_plot_run(gp.s, png, err, sizeof err))
            goto fail;
        printf("%s\n", png);
    }
    /* 3. the spike raster */
    if (spikes) {
        gp.n = 0;
        snprintf(png, sizeof png, "%s/raster.png", dir);
        sb_printf(&gp,
                  "set title 'Spike raster' noenhanced\nset xlabel 'tick'\nset ylabel '%s (core index x %d + %s)'\n"
                  "set datafile separator ','\nunset key\n"
                  "plot '%s' every ::1 using 1:(($3 * %d + $2) * %d + $4) with dots lc rgb '#202020'\n",
                  loihi ? "compartment" : "neuron", per_core, loihi ? "compartment" : "neuron", spikes, mx, per_core);
        if (nm_plot_run(gp.s, png, err, sizeof err))
            goto fail;
        printf("%s\n", png);
    }
    /* 4. energy per neuron group (nmemu run --groups): dynamic and static, stacked */
    if (json_array_size(json_object_get(e, "groups")) > 0) {
        json_t *groups = json_object_get(e, "groups");
        data.n = gp.n = 0;
        data.s[0] = 0;
        sb_printf(&data, "# group dynamic_uJ static_uJ\n");
        json_array_foreach(groups, i, x) {
            char name[96], *c;
            snprintf(name, sizeof name, "%s", json_string_value(json_object_get(x, "name")) ?
                                                  json_string_value(json_object_get(x, "name")) : "?");
            for (c = name; *c; c++)
                if (*c == '"' || *c == '\\')
                    *c = '_';
            sb_printf(&data, "\"%s\" %.9g %.9g\n", name, json_real_value(json_object_get(x, "dynamic_pj")) * 1e-6,
                      json_real_value(json_object_get(x, "static_pj")) * 1e-6);
        }
        snprintf(path, sizeof path, "%s/energy-groups.dat", dir);
        if (write_file(path, data.s, err, sizeof err))
            goto fail;
        snprintf(png, sizeof png, "%s/energy-groups.png", dir);
        sb_printf(&gp,
                  "set title 'Energy per neuron group (uJ)' noenhanced\nset style data histograms\n"
                  "set style histogram rowstacked\nset style fill solid 0.8\nset boxwidth 0.7\n"
                  "set ylabel 'energy (uJ)'\nset xtics rotate by -30 noenhanced\nset grid ytics\nset key top right\n"
                  "plot '%s' using 2:xtic(1) title 'dynamic' lc rgb '#c03030', '' using 3 title 'static' "
                  "lc rgb '#3b6ea5'\n",
                  path);
        if (nm_plot_run(gp.s, png, err, sizeof err))
            goto fail;
        printf("%s\n", png);
    }
    /* 5. the power trace, and the per-core heat map per window */
    if (trace && plot_trace(trace, dir, mx, my, err, sizeof err))
        goto fail;
    rc = 0;
fail:
    if (rc)
        fprintf(stderr, "nmemu: %s\n", err);
    free(data.s);
    free(gp.s);
    json_decref(r);
    return rc;
}
