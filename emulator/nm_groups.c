/* nm_groups.c - energy per neuron group (nm_groups.h). */
#include "nm_groups.h"

#include <stdlib.h>
#include <string.h>

#include "nm_core_prog.h"

#define MAXGROUPS 1000

void nm_groups_free(nm_groups *g)
{
    free(g->name);
    free(g->of);
    free(g->route_ew);
    free(g->route_ns);
    free(g->route_off);
    free(g->conn);
    free(g->spikes);
    free(g->hops_ew);
    free(g->hops_ns);
    free(g->offchip);
    memset(g, 0, sizeof *g);
}

/* The group called `name`, added if new; -1 when there are too many. */
static int group_of(nm_groups *g, const char *name)
{
    unsigned i;
    for (i = 0; i < g->ngroups; i++)
        if (!strcmp(g->name[i], name))
            return (int)i;
    if (g->ngroups >= MAXGROUPS)
        return -1;
    snprintf(g->name[g->ngroups], sizeof g->name[0], "%s", name);
    return (int)g->ngroups++;
}

/* An integer in lo..hi at `v`, else an error naming `path`. */
static int get_int(json_t *v, long lo, long hi, long *out, const char *what, const char *path, char *err,
                   size_t errlen)
{
    if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
        snprintf(err, errlen, "%s: %s: expected an integer %ld..%ld", what, path, lo, hi);
        return -1;
    }
    *out = (long)json_integer_value(v);
    return 0;
}

static int assign(nm_groups *g, int grp, long x, long y, long lo, long hi)
{
    long j;
    for (j = lo; j <= hi; j++)
        g->of[((unsigned)y * g->mesh_x + (unsigned)x) * g->nneurons + (unsigned)j] = (uint16_t)grp;
    return 0;
}

/* network JSON: cores[].x, .y, .neurons[].id|ids, .params */
static int from_network(nm_groups *g, json_t *root, const char *what, char *err, size_t errlen)
{
    json_t *cores = json_object_get(root, "cores"), *c, *n;
    size_t i, k;
    char path[160];
    if (!json_is_array(cores)) {
        snprintf(err, errlen, "%s: cores: expected an array (a network description, docs/network-format.md, "
                              "or a groups file {\"groups\": ...})", what);
        return -1;
    }
    json_array_foreach(cores, i, c) {
        long x, y;
        json_t *ns = json_object_get(c, "neurons");
        snprintf(path, sizeof path, "cores[%zu].x", i);
        if (get_int(json_object_get(c, "x"), 0, g->mesh_x - 1, &x, what, path, err, errlen))
            return -1;
        snprintf(path, sizeof path, "cores[%zu].y", i);
        if (get_int(json_object_get(c, "y"), 0, g->mesh_y - 1, &y, what, path, err, errlen))
            return -1;
        if (ns && !json_is_array(ns)) {
            snprintf(err, errlen, "%s: cores[%zu].neurons: expected an array", what, i);
            return -1;
        }
        json_array_foreach(ns, k, n) {
            json_t *id = json_object_get(n, "id"), *ids = json_object_get(n, "ids"), *pr = json_object_get(n, "params");
            long lo, hi;
            char name[80];
            int grp;
            snprintf(path, sizeof path, "cores[%zu].neurons[%zu].%s", i, k, id ? "id" : "ids");
            if (id) {
                if (get_int(id, 0, g->nneurons - 1, &lo, what, path, err, errlen))
                    return -1;
                hi = lo;
            } else if (!json_is_array(ids) || json_array_size(ids) != 2) {
                snprintf(err, errlen, "%s: %s: expected [first, last]", what, path);
                return -1;
            } else if (get_int(json_array_get(ids, 0), 0, g->nneurons - 1, &lo, what, path, err, errlen) ||
                       get_int(json_array_get(ids, 1), lo, g->nneurons - 1, &hi, what, path, err, errlen)) {
                return -1;
            }
            if (json_is_string(pr))
                snprintf(name, sizeof name, "%s", json_string_value(pr));
            else if (lo == hi)
                snprintf(name, sizeof name, "core %ld,%ld id %ld", x, y, lo);
            else
                snprintf(name, sizeof name, "core %ld,%ld ids %ld-%ld", x, y, lo, hi);
            grp = group_of(g, name);
            if (grp < 0) {
                snprintf(err, errlen, "%s: more than %d groups", what, MAXGROUPS - 2);
                return -1;
            }
            assign(g, grp, x, y, lo, hi);
        }
    }
    return 0;
}

/* groups file: {"groups": {"NAME": [[x, y] | [x, y, first, last], ...]}} */
static int from_groups(nm_groups *g, json_t *groups, const char *what, char *err, size_t errlen)
{
    const char *name;
    json_t *list, *e;
    size_t i;
    char path[200];
    if (!json_is_object(groups) || json_object_size(groups) == 0) {
        snprintf(err, errlen, "%s: groups: expected {\"NAME\": [[x, y] or [x, y, first, last], ...], ...}", what);
        return -1;
    }
    json_object_foreach(groups, name, list) {
        int grp;
        if (!*name || name[0] == '(' || strlen(name) >= sizeof g->name[0]) {
            snprintf(err, errlen, "%s: groups: a name is 1..79 characters, not starting with '('", what);
            return -1;
        }
        grp = group_of(g, name);
        if (grp < 0) {
            snprintf(err, errlen, "%s: more than %d groups", what, MAXGROUPS - 2);
            return -1;
        }
        if (!json_is_array(list)) {
            snprintf(err, errlen, "%s: groups.%s: expected an array of [x, y] or [x, y, first, last]", what, name);
            return -1;
        }
        json_array_foreach(list, i, e) {
            long x, y, lo = 0, hi = (long)g->nneurons - 1, j;
            size_t n = json_array_size(e);
            snprintf(path, sizeof path, "groups.%.80s[%zu]", name, i);
            if (!json_is_array(e) || (n != 2 && n != 4)) {
                snprintf(err, errlen, "%s: %s: expected [x, y] or [x, y, first, last]", what, path);
                return -1;
            }
            if (get_int(json_array_get(e, 0), 0, g->mesh_x - 1, &x, what, path, err, errlen) ||
                get_int(json_array_get(e, 1), 0, g->mesh_y - 1, &y, what, path, err, errlen) ||
                (n == 4 && (get_int(json_array_get(e, 2), 0, g->nneurons - 1, &lo, what, path, err, errlen) ||
                            get_int(json_array_get(e, 3), lo, g->nneurons - 1, &hi, what, path, err, errlen))))
                return -1;
            for (j = lo; j <= hi; j++) {
                uint16_t *o = &g->of[((unsigned)y * g->mesh_x + (unsigned)x) * g->nneurons + (unsigned)j];
                if (*o != 0) {
                    snprintf(err, errlen, "%s: %s: neuron %ld of core %ld,%ld is already in group %s", what, path, j,
                             x, y, g->name[*o]);
                    return -1;
                }
                *o = (uint16_t)grp;
            }
        }
    }
    return 0;
}

/* Hops of a packet from core (x, y) with offset (dx, dy), X first; *off when it leaves. */
static void route(unsigned mx, unsigned my, long x, long y, long dx, long dy, unsigned *ew, unsigned *ns,
                  unsigned *off)
{
    *ew = *ns = *off = 0;
    if (x + dx < 0 || x + dx >= (long)mx) {
        *ew = (unsigned)(dx > 0 ? (long)mx - 1 - x : x) + 1;
        *off = 1;
        return;
    }
    *ew = (unsigned)labs(dx);
    if (y + dy < 0 || y + dy >= (long)my) {
        *ns = (unsigned)(dy > 0 ? (long)my - 1 - y : y) + 1;
        *off = 1;
        return;
    }
    *ns = (unsigned)labs(dy);
}

int nm_groups_load(nm_groups *g, const char *path, const nm_image *im, char *err, size_t errlen)
{
    json_error_t je;
    json_t *root;
    unsigned ncores = im->mesh_x * im->mesh_y, k, j, words = im->naxons / 32;
    size_t nn = (size_t)ncores * im->nneurons;
    nm_image_stream *st = NULL;
    int rc;
    memset(g, 0, sizeof *g);
    err[0] = 0;
    g->mesh_x = im->mesh_x;
    g->mesh_y = im->mesh_y;
    g->nneurons = im->nneurons;
    g->name = calloc(MAXGROUPS, sizeof *g->name);
    g->of = calloc(nn, sizeof *g->of);
    g->route_ew = calloc(nn, sizeof *g->route_ew);
    g->route_ns = calloc(nn, sizeof *g->route_ns);
    g->route_off = calloc(nn, sizeof *g->route_off);
    g->conn = calloc(nn, sizeof *g->conn);
    if (!g->name || !g->of || !g->route_ew || !g->route_ns || !g->route_off || !g->conn) {
        snprintf(err, errlen, "%s: out of memory", path);
        nm_groups_free(g);
        return -1;
    }
    group_of(g, "(no group)");
    root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        snprintf(err, errlen, "%s: line %d, column %d: %s", path, je.line, je.column, je.text);
        nm_groups_free(g);
        return -1;
    }
    if (!json_is_object(root))
        snprintf(err, errlen, "%s: expected a JSON object", path), rc = -1;
    else if (json_object_get(root, "groups"))
        rc = from_groups(g, json_object_get(root, "groups"), path, err, errlen);
    else
        rc = from_network(g, root, path, err, errlen);
    json_decref(root);
    if (rc) {
        nm_groups_free(g);
        return -1;
    }
    group_of(g, "(host input)");
    g->spikes = calloc(g->ngroups, sizeof *g->spikes);
    g->hops_ew = calloc(g->ngroups, sizeof *g->hops_ew);
    g->hops_ns = calloc(g->ngroups, sizeof *g->hops_ns);
    g->offchip = calloc(g->ngroups, sizeof *g->offchip);
    if (!g->spikes || !g->hops_ew || !g->hops_ns || !g->offchip) {
        snprintf(err, errlen, "%s: out of memory", path);
        nm_groups_free(g);
        return -1;
    }
    /* each neuron's route and crossbar connections, from the image (streamed from its
     * file again when it is not held: nm_image_open) */
    if (!im->cores && !(st = nm_image_stream_open(im, 0, err, errlen))) {
        nm_groups_free(g);
        return -1;
    }
    for (k = 0; k < ncores; k++) {
        const nm_image_core *ic = st ? nm_image_stream_next(st, err, errlen) : &im->cores[k];
        if (!ic) {
            nm_image_stream_close(st);
            nm_groups_free(g);
            return -1;
        }
        for (j = 0; j < im->nneurons; j++) {
            size_t i = (size_t)k * im->nneurons + j;
            nm_neuron_cfg n;
            unsigned ew, ns, off, w, c = 0;
            nm_neuron_unpack(&ic->neurons[j * NM_NEURON_WORDS], &n);
            route(im->mesh_x, im->mesh_y, k % im->mesh_x, k / im->mesh_x, n.dx, n.dy, &ew, &ns, &off);
            g->route_ew[i] = (uint16_t)ew;
            g->route_ns[i] = (uint16_t)ns;
            g->route_off[i] = (uint8_t)off;
            for (w = 0; w < words; w++)
                c += (unsigned)__builtin_popcount(ic->xbar[j * words + w]);
            g->conn[i] = (uint16_t)c;
        }
    }
    nm_image_stream_close(st);
    return 0;
}

void nm_groups_tick(nm_groups *g, const nm_chip_tick_out *o)
{
    uint32_t s;
    for (s = 0; s < o->nspikes; s++) {
        size_t i = (size_t)o->spikes[s].core * g->nneurons + o->spikes[s].neuron;
        unsigned grp = g->of[i];
        g->spikes[grp]++;
        g->hops_ew[grp] += g->route_ew[i];
        g->hops_ns[grp] += g->route_ns[i];
        g->offchip[grp] += g->route_off[i];
    }
}

void nm_groups_host(nm_groups *g, const nm_pkt *p)
{
    /* host packets enter core (0, 0) from the west with dx, dy from there */
    unsigned ew, ns, off, h = g->ngroups - 1;
    route(g->mesh_x, g->mesh_y, 0, 0, p->dx, p->dy, &ew, &ns, &off);
    g->hops_ew[h] += ew;
    g->hops_ns[h] += ns;
    g->offchip[h] += off;
}

/* Energy per group and class into e[ngroups][NM_E_NCLASSES + 1] (last: static). */
static void attribute(const nm_groups *g, const nm_energy_run *run, double (*e)[NM_E_NCLASSES + 1],
                      double *neurons)
{
    unsigned k, j, grp, ncores = g->mesh_x * g->mesh_y;
    nm_energy_counts one;
    nm_energy_result unit;
    memset(&one, 0, sizeof one);
    for (k = 0; k < NM_E_NCLASSES; k++)
        one.n[k] = 1;
    /* energy of one event of each class at this voltage */
    nm_energy_compute(run->preset, run->volts, run->tick_hz, 0, 0, &one, &unit);
    for (k = 0; k < ncores; k++) {
        nm_energy_counts c = run->meter->core[k];
        nm_energy_result r;
        double conn = 0;
        c.n[NM_E_OFFCHIP_PACKET] = 0;
        nm_energy_compute(run->preset, run->volts, run->tick_hz, run->ticks, 1, &c, &r);
        for (j = 0; j < g->nneurons; j++)
            conn += g->conn[(size_t)k * g->nneurons + j];
        for (j = 0; j < g->nneurons; j++) {
            size_t i = (size_t)k * g->nneurons + j;
            grp = g->of[i];
            neurons[grp] += 1;
            e[grp][NM_E_NCLASSES] += r.static_pj / g->nneurons;
            e[grp][NM_E_NEURON_UPDATE] += r.class_pj[NM_E_NEURON_UPDATE] / g->nneurons;
            if (conn > 0) {
                e[grp][NM_E_SYNAPTIC_EVENT] += r.class_pj[NM_E_SYNAPTIC_EVENT] * g->conn[i] / conn;
                e[grp][NM_E_SCHEDULER_WRITE] += r.class_pj[NM_E_SCHEDULER_WRITE] * g->conn[i] / conn;
            }
        }
    }
    for (grp = 0; grp < g->ngroups; grp++) {
        e[grp][NM_E_SPIKE] = (double)g->spikes[grp] * unit.class_pj[NM_E_SPIKE];
        e[grp][NM_E_HOP_EW] = (double)g->hops_ew[grp] * unit.class_pj[NM_E_HOP_EW];
        e[grp][NM_E_HOP_NS] = (double)g->hops_ns[grp] * unit.class_pj[NM_E_HOP_NS];
        e[grp][NM_E_OFFCHIP_PACKET] = (double)g->offchip[grp] * unit.class_pj[NM_E_OFFCHIP_PACKET];
    }
}

json_t *nm_groups_report_json(const nm_groups *g, const nm_energy_run *run)
{
    double (*e)[NM_E_NCLASSES + 1] = calloc(g->ngroups, sizeof *e), *neurons = calloc(g->ngroups, sizeof *neurons);
    json_t *arr = json_array();
    unsigned grp, k;
    if (!e || !neurons) {
        free(e);
        free(neurons);
        return arr;
    }
    attribute(g, run, e, neurons);
    for (grp = 0; grp < g->ngroups; grp++) {
        json_t *o = json_object(), *cl = json_object();
        double dyn = 0;
        if (neurons[grp] == 0 && g->hops_ew[grp] + g->hops_ns[grp] + g->offchip[grp] == 0)
            continue; /* an empty "(no group)" or an unused "(host input)" */
        for (k = 0; k < NM_E_NCLASSES; k++) {
            dyn += e[grp][k];
            json_object_set_new(cl, nm_energy_class_name[k], json_real(e[grp][k]));
        }
        json_object_set_new(o, "name", json_string(g->name[grp]));
        json_object_set_new(o, "neurons", json_integer((json_int_t)neurons[grp]));
        json_object_set_new(o, "spikes", json_integer((json_int_t)g->spikes[grp]));
        json_object_set_new(o, "hops_ew", json_integer((json_int_t)g->hops_ew[grp]));
        json_object_set_new(o, "hops_ns", json_integer((json_int_t)g->hops_ns[grp]));
        json_object_set_new(o, "offchip_packets", json_integer((json_int_t)g->offchip[grp]));
        json_object_set_new(o, "static_pj", json_real(e[grp][NM_E_NCLASSES]));
        json_object_set_new(o, "dynamic_pj", json_real(dyn));
        json_object_set_new(o, "total_pj", json_real(dyn + e[grp][NM_E_NCLASSES]));
        json_object_set_new(o, "classes_pj", cl);
        json_array_append_new(arr, o);
    }
    free(e);
    free(neurons);
    return arr;
}

void nm_groups_print(FILE *f, const nm_groups *g, const nm_energy_run *run)
{
    double (*e)[NM_E_NCLASSES + 1] = calloc(g->ngroups, sizeof *e), *neurons = calloc(g->ngroups, sizeof *neurons);
    unsigned grp, k;
    if (!e || !neurons) {
        free(e);
        free(neurons);
        return;
    }
    attribute(g, run, e, neurons);
    fprintf(f, "energy per group (uJ): total = dynamic + static\n");
    for (grp = 0; grp < g->ngroups; grp++) {
        double dyn = 0;
        if (neurons[grp] == 0 && g->hops_ew[grp] + g->hops_ns[grp] + g->offchip[grp] == 0)
            continue;
        for (k = 0; k < NM_E_NCLASSES; k++)
            dyn += e[grp][k];
        fprintf(f, "  %-24s %12.6g = %12.6g + %12.6g   (%.0f neurons, %llu spikes)\n", g->name[grp],
                (dyn + e[grp][NM_E_NCLASSES]) * 1e-6, dyn * 1e-6, e[grp][NM_E_NCLASSES] * 1e-6, neurons[grp],
                (unsigned long long)g->spikes[grp]);
    }
    free(e);
    free(neurons);
}
