/* nm_plot.c - gnuplot figures (nm_plot.h). */
#include "nm_plot.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

int nm_plot_run(const char *script, const char *png, char *err, size_t errlen)
{
    char tmp[4200];
    FILE *g;
    int st;
    snprintf(tmp, sizeof tmp, "%s.tmp", png);
    g = popen("gnuplot 2>&1", "w");
    if (!g) {
        snprintf(err, errlen, "cannot start gnuplot: %s", strerror(errno));
        return -1;
    }
    fprintf(g, "set terminal pngcairo size 1000,640 font 'sans,10'\nset output '%s'\n%s\nset output\n", tmp, script);
    st = pclose(g);
    if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        remove(tmp);
        if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
            snprintf(err, errlen, "gnuplot is not installed (tools/install-deps gnuplot-nox)");
        else
            snprintf(err, errlen, "gnuplot failed drawing %s", png);
        return -1;
    }
    if (rename(tmp, png)) {
        snprintf(err, errlen, "%s: %s", png, strerror(errno));
        remove(tmp);
        return -1;
    }
    return 0;
}

/* Write `text` to path atomically. */
static int write_file(const char *path, const char *text, char *err, size_t errlen)
{
    char tmp[4200];
    FILE *f;
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    f = fopen(tmp, "w");
    if (!f || fputs(text, f) < 0 || fclose(f)) {
        snprintf(err, errlen, "%s: cannot write", path);
        remove(tmp);
        return -1;
    }
    if (rename(tmp, path)) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        remove(tmp);
        return -1;
    }
    return 0;
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

int nm_cmd_plot(int argc, char **argv)
{
    const char *report = NULL, *spikes = NULL, *dir = NULL;
    char err[1024], path[4096], png[4096];
    json_error_t je;
    json_t *r, *e, *classes, *cores, *mesh, *x;
    const char *key;
    sbuf data = {0}, gp = {0};
    size_t i;
    int a, mx, my, rc = 1;
    for (a = 0; a < argc; a++) {
        if (!strcmp(argv[a], "-o") && a + 1 < argc)
            dir = argv[++a];
        else if (!strcmp(argv[a], "--spikes") && a + 1 < argc)
            spikes = argv[++a];
        else if (argv[a][0] != '-' && !report)
            report = argv[a];
        else {
            fprintf(stderr, "usage: nmemu plot REPORT.json [--spikes SPIKES.csv] -o DIR\n");
            return 2;
        }
    }
    if (!report || !dir) {
        fprintf(stderr, "usage: nmemu plot REPORT.json [--spikes SPIKES.csv] -o DIR\n");
        return 2;
    }
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
    sb_printf(&gp,
              "set title 'Energy by event class: %s at %.3f V, %g ticks/s, %.4g mW' noenhanced\n"
              "set style fill solid 0.8\nset boxwidth 0.7\nset ylabel 'energy (uJ)'\nset xtics rotate by -30 noenhanced\n"
              "set grid ytics\nunset key\nplot '%s' using 0:2:xtic(1) with boxes lc rgb '#3b6ea5'\n",
              json_string_value(json_object_get(e, "preset")), json_real_value(json_object_get(e, "voltage_v")),
              json_real_value(json_object_get(e, "tick_rate_hz")), json_real_value(json_object_get(e, "power_mw")),
              path);
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
                  "set title \"Activity energy per core (uJ): synaptic events, spikes, scheduler writes, hops\\n"
                  "every core adds %.4g uJ static and %.4g uJ of neuron updates (mean)\"\nset xlabel 'x'\n"
                  "set ylabel 'y'\nset xrange [-0.5:%d.5]\nset yrange [-0.5:%d.5]\nset size ratio -1\n"
                  "set palette rgbformulae 21,22,23\nplot '%s' using 1:2:3 with image notitle\n",
                  json_real_value(json_object_get(e, "static_pj_per_core")) * 1e-6, n > 0 ? upd / n * 1e-6 : 0.0,
                  mx - 1, my - 1, path);
        if (nm_plot_run(gp.s, png, err, sizeof err))
            goto fail;
        printf("%s\n", png);
    }
    /* 3. the spike raster */
    if (spikes) {
        gp.n = 0;
        snprintf(png, sizeof png, "%s/raster.png", dir);
        sb_printf(&gp,
                  "set title 'Spike raster' noenhanced\nset xlabel 'tick'\nset ylabel 'neuron (core index x 256 + neuron)'\n"
                  "set datafile separator ','\nunset key\n"
                  "plot '%s' every ::1 using 1:(($3 * %d + $2) * 256 + $4) with dots lc rgb '#202020'\n",
                  spikes, mx);
        if (nm_plot_run(gp.s, png, err, sizeof err))
            goto fail;
        printf("%s\n", png);
    }
    rc = 0;
fail:
    if (rc)
        fprintf(stderr, "nmemu: %s\n", err);
    free(data.s);
    free(gp.s);
    json_decref(r);
    return rc;
}
