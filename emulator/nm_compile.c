/* nm_compile.c - JSON network descriptions (docs/network-format.md) <-> images. */
#include "nm_compile.h"
#include "nm_prov.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "nm_core_prog.h"

/* Neuron fields by their TrueNorth names, with their ranges (docs/neuron-model.md). */
typedef struct field_def {
    const char *name;
    long lo, hi;
} field_def;

static const field_def fields[] = {
    {"s0", -256, 255}, {"s1", -256, 255}, {"s2", -256, 255}, {"s3", -256, 255},
    {"b0", 0, 1}, {"b1", 0, 1}, {"b2", 0, 1}, {"b3", 0, 1},
    {"lambda", -256, 255}, {"c_lambda", 0, 1}, {"epsilon", 0, 1},
    {"alpha", 0, 262143}, {"beta", 0, 262143}, {"TM", 0, 17}, {"gamma", 0, 2}, {"kappa", 0, 1},
    {"VR", -131072, 131071}, {"V", -524288, 524287},
};
#define NFIELDS (sizeof fields / sizeof fields[0])

static void field_set(nm_neuron_cfg *n, unsigned f, long v)
{
    switch (f) {
    case 0: case 1: case 2: case 3: n->s[f] = (int16_t)v; break;
    case 4: case 5: case 6: case 7: n->b[f - 4] = (uint8_t)v; break;
    case 8: n->lambda = (int16_t)v; break;
    case 9: n->c_lambda = (uint8_t)v; break;
    case 10: n->epsilon = (uint8_t)v; break;
    case 11: n->alpha = (uint32_t)v; break;
    case 12: n->beta = (uint32_t)v; break;
    case 13: n->tm = (uint8_t)v; break;
    case 14: n->gamma = (uint8_t)v; break;
    case 15: n->kappa = (uint8_t)v; break;
    case 16: n->R = (int32_t)v; break;
    default: n->V = (int32_t)v; break;
    }
}

static long field_get(const nm_neuron_cfg *n, unsigned f)
{
    switch (f) {
    case 0: case 1: case 2: case 3: return n->s[f];
    case 4: case 5: case 6: case 7: return n->b[f - 4];
    case 8: return n->lambda;
    case 9: return n->c_lambda;
    case 10: return n->epsilon;
    case 11: return (long)n->alpha;
    case 12: return (long)n->beta;
    case 13: return n->tm;
    case 14: return n->gamma;
    case 15: return n->kappa;
    case 16: return n->R;
    default: return n->V;
    }
}

/* A neuron nobody described: never fires, never moves. */
static nm_neuron_cfg disabled_neuron(void)
{
    nm_neuron_cfg n;
    memset(&n, 0, sizeof n);
    n.alpha = 262143;
    n.beta = 262143;
    n.kappa = 1;
    n.dest_delay = 1;
    return n;
}

/* ------------------------------------------------------------------ errors */

typedef struct ctx {
    const char *name;
    char *err;
    size_t errlen;
    json_t *params;
    unsigned mx, my, na, nn;
    unsigned bx, by, nimg;   /* board (1 x 1 without a "board" key); chip images */
} ctx;

static int fail(ctx *c, const char *path, const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(c->err, c->errlen, "%s: %s: ", c->name, path);
    if (n > 0 && (size_t)n < c->errlen) {
        va_start(ap, fmt);
        vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static int check_keys(ctx *c, json_t *o, const char *path, const char *const *allowed, int allow_fields)
{
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v) {
        const char *const *a;
        unsigned f;
        int ok = 0;
        (void)v;
        for (a = allowed; *a && !ok; a++)
            ok = !strcmp(*a, key);
        for (f = 0; allow_fields && f < NFIELDS && !ok; f++)
            ok = !strcmp(fields[f].name, key);
        if (!ok)
            return fail(c, path, "unknown key \"%s\"", key);
    }
    return 0;
}

static int get_int(ctx *c, json_t *v, const char *path, long lo, long hi, long *out)
{
    json_int_t i;
    if (!json_is_integer(v))
        return fail(c, path, "must be an integer");
    i = json_integer_value(v);
    if (i < lo || i > hi)
        return fail(c, path, "%lld is outside %ld..%ld", (long long)i, lo, hi);
    *out = (long)i;
    return 0;
}

/* ------------------------------------------------------------------ compile */

static int apply_fields(ctx *c, json_t *o, const char *path, nm_neuron_cfg *n)
{
    unsigned f;
    char p[256];
    for (f = 0; f < NFIELDS; f++) {
        json_t *v = json_object_get(o, fields[f].name);
        long x;
        if (!v)
            continue;
        snprintf(p, sizeof p, "%.200s.%s", path, fields[f].name);
        if (get_int(c, v, p, fields[f].lo, fields[f].hi, &x))
            return -1;
        field_set(n, f, x);
    }
    return 0;
}

static int apply_dest(ctx *c, json_t *d, const char *path, unsigned x, unsigned y, nm_neuron_cfg *n)
{
    static const char *const keys[] = {"core", "dx", "dy", "axon", "delay", NULL};
    char p[256];
    long v;
    json_t *core = json_object_get(d, "core");
    if (!json_is_object(d))
        return fail(c, path, "must be an object");
    if (check_keys(c, d, path, keys, 0))
        return -1;
    if (core && (json_object_get(d, "dx") || json_object_get(d, "dy")))
        return fail(c, path, "give either \"core\" or \"dx\"/\"dy\", not both");
    if (core) {
        long tx, ty;
        snprintf(p, sizeof p, "%.200s.core", path);
        if (!json_is_array(core) || json_array_size(core) != 2)
            return fail(c, p, "must be [x, y]");
        snprintf(p, sizeof p, "%.200s.core[0]", path);
        if (get_int(c, json_array_get(core, 0), p, (long)x - 256, (long)x + 255, &tx))
            return -1;
        snprintf(p, sizeof p, "%.200s.core[1]", path);
        if (get_int(c, json_array_get(core, 1), p, (long)y - 256, (long)y + 255, &ty))
            return -1;
        n->dx = (int16_t)(tx - (long)x);
        n->dy = (int16_t)(ty - (long)y);
    }
    if (json_object_get(d, "dx")) {
        snprintf(p, sizeof p, "%.200s.dx", path);
        if (get_int(c, json_object_get(d, "dx"), p, -256, 255, &v))
            return -1;
        n->dx = (int16_t)v;
    }
    if (json_object_get(d, "dy")) {
        snprintf(p, sizeof p, "%.200s.dy", path);
        if (get_int(c, json_object_get(d, "dy"), p, -256, 255, &v))
            return -1;
        n->dy = (int16_t)v;
    }
    snprintf(p, sizeof p, "%.200s.axon", path);
    if (!json_object_get(d, "axon"))
        return fail(c, p, "missing (0..%u)", c->na - 1);
    if (get_int(c, json_object_get(d, "axon"), p, 0, (long)c->na - 1, &v)) /* every core has na axons */
        return -1;
    n->dest_axon = (uint8_t)v;
    if (json_object_get(d, "delay")) {
        snprintf(p, sizeof p, "%.200s.delay", path);
        if (get_int(c, json_object_get(d, "delay"), p, 1, 15, &v))
            return -1;
        n->dest_delay = (uint8_t)v;
    }
    return 0;
}

static int compile_neurons(ctx *c, json_t *arr, const char *path, unsigned x, unsigned y, nm_image_core *core)
{
    static const char *const keys[] = {"id", "ids", "params", "dest", NULL};
    size_t i;
    char p[256], q[300];
    long owner[256]; /* the entry that described each neuron, or -1 */
    if (!json_is_array(arr))
        return fail(c, path, "must be an array");
    for (i = 0; i < 256; i++)
        owner[i] = -1;
    for (i = 0; i < json_array_size(arr); i++) {
        json_t *o = json_array_get(arr, i), *id = NULL, *ids = NULL, *pr, *dest;
        long lo, hi, j;
        nm_neuron_cfg n = disabled_neuron();
        snprintf(p, sizeof p, "%.200s[%zu]", path, i);
        if (!json_is_object(o))
            return fail(c, p, "must be an object");
        if (check_keys(c, o, p, keys, 1))
            return -1;
        id = json_object_get(o, "id");
        ids = json_object_get(o, "ids");
        if (!id == !ids)
            return fail(c, p, "give exactly one of \"id\" or \"ids\": [first, last]");
        snprintf(q, sizeof q, "%.200s.%s", p, id ? "id" : "ids");
        if (id) {
            if (get_int(c, id, q, 0, (long)c->nn - 1, &lo))
                return -1;
            hi = lo;
        } else {
            if (!json_is_array(ids) || json_array_size(ids) != 2)
                return fail(c, q, "must be [first, last]");
            if (get_int(c, json_array_get(ids, 0), q, 0, (long)c->nn - 1, &lo) ||
                get_int(c, json_array_get(ids, 1), q, lo, (long)c->nn - 1, &hi))
                return -1;
        }
        for (j = lo; j <= hi; j++) { /* each neuron described once: no last-one-wins */
            if (owner[j] >= 0)
                return fail(c, q, "neuron %ld is already described by %.200s[%ld]", j, path, owner[j]);
            owner[j] = (long)i;
        }
        pr = json_object_get(o, "params");
        if (pr) {
            json_t *set;
            snprintf(q, sizeof q, "%.200s.params", p);
            if (!json_is_string(pr))
                return fail(c, q, "must be the name of a parameter set");
            set = json_object_get(c->params, json_string_value(pr));
            if (!set)
                return fail(c, q, "no parameter set named \"%s\"", json_string_value(pr));
            snprintf(q, sizeof q, "params.%s", json_string_value(pr));
            if (apply_fields(c, set, q, &n))
                return -1;
        }
        if (apply_fields(c, o, p, &n))
            return -1;
        dest = json_object_get(o, "dest");
        snprintf(q, sizeof q, "%.200s.dest", p);
        if (dest && apply_dest(c, dest, q, x, y, &n))
            return -1;
        for (j = lo; j <= hi; j++)
            nm_neuron_pack(&n, &core->neurons[j * NM_NEURON_WORDS]);
    }
    return 0;
}

static int compile_crossbar(ctx *c, json_t *xb, const char *path, nm_image_core *core)
{
    static const char *const keys[] = {"rows", "connections", NULL};
    unsigned xw = c->na / 32, k;
    json_t *rows, *conns;
    char p[256];
    const char *row_key[256] = {0}; /* the rows key that gave each neuron its row */
    size_t i;
    if (!json_is_object(xb))
        return fail(c, path, "must be an object");
    if (check_keys(c, xb, path, keys, 0))
        return -1;
    rows = json_object_get(xb, "rows");
    conns = json_object_get(xb, "connections");
    if (rows) {
        const char *key;
        json_t *v;
        snprintf(p, sizeof p, "%.200s.rows", path);
        if (!json_is_object(rows))
            return fail(c, p, "must map neuron numbers to hex rows");
        json_object_foreach(rows, key, v) {
            char *end;
            long j = strtol(key, &end, 10);
            const char *h;
            snprintf(p, sizeof p, "%.200s.rows.%s", path, key);
            if (!*key || *end || j < 0 || j >= (long)c->nn || strspn(key, "0123456789") != strlen(key))
                return fail(c, p, "\"%s\" is not a neuron number 0..%u", key, c->nn - 1);
            if (row_key[j])
                return fail(c, p, "neuron %ld already has a row (\"%.20s\")", j, row_key[j]);
            row_key[j] = key;
            if (!json_is_string(v) || strlen(h = json_string_value(v)) != 8 * xw)
                return fail(c, p, "must be a string of %u hex digits (%u words of 8)", 8 * xw, xw);
            for (k = 0; k < xw; k++) {
                char w[9];
                memcpy(w, h + 8 * k, 8);
                w[8] = 0;
                core->xbar[j * xw + k] = (uint32_t)strtoul(w, &end, 16);
                if (*end)
                    return fail(c, p, "'%c' is not a hex digit", *end);
            }
        }
    }
    if (conns) {
        snprintf(p, sizeof p, "%.200s.connections", path);
        if (!json_is_array(conns))
            return fail(c, p, "must be an array of [axon, neuron]");
        for (i = 0; i < json_array_size(conns); i++) {
            json_t *e = json_array_get(conns, i);
            long a, j;
            snprintf(p, sizeof p, "%.200s.connections[%zu]", path, i);
            if (!json_is_array(e) || json_array_size(e) != 2)
                return fail(c, p, "must be [axon, neuron]");
            if (get_int(c, json_array_get(e, 0), p, 0, (long)c->na - 1, &a) ||
                get_int(c, json_array_get(e, 1), p, 0, (long)c->nn - 1, &j))
                return -1;
            if (row_key[j]) /* one way to give a neuron's synapses, never a silent merge */
                return fail(c, p, "neuron %ld also has a row in %.200s.rows.%.20s: give its synapses in one of "
                                  "rows or connections", j, path, row_key[j]);
            core->xbar[j * xw + a / 32] |= 1u << (a % 32);
        }
    }
    return 0;
}

static int compile_core(ctx *c, json_t *o, const char *path, nm_image *im, unsigned char *seen)
{
    static const char *const keys[] = {"x", "y", "chip", "seed", "axon_types", "crossbar", "neurons", NULL};
    long x, y, v, cx = 0, cy = 0;
    unsigned chip = 0;
    json_t *ch;
    char p[256];
    size_t i;
    nm_image_core *core;
    json_t *t;
    if (!json_is_object(o))
        return fail(c, path, "must be an object");
    if (check_keys(c, o, path, keys, 0))
        return -1;
    ch = json_object_get(o, "chip");
    if (ch) {
        snprintf(p, sizeof p, "%.200s.chip", path);
        if (!json_is_array(ch) || json_array_size(ch) != 2)
            return fail(c, p, "must be [chip_x, chip_y]");
        if (c->nimg == 1 && (c->bx > 1 || c->by > 1))
            return fail(c, p, "the board repeats one chip: give no \"chip\" (every core is chip (0, 0)'s)");
        snprintf(p, sizeof p, "%.200s.chip[0]", path);
        if (get_int(c, json_array_get(ch, 0), p, 0, (long)c->bx - 1, &cx))
            return -1;
        snprintf(p, sizeof p, "%.200s.chip[1]", path);
        if (get_int(c, json_array_get(ch, 1), p, 0, (long)c->by - 1, &cy))
            return -1;
        chip = (unsigned)(cy * (long)c->bx + cx);
    }
    snprintf(p, sizeof p, "%.200s.x", path);
    if (!json_object_get(o, "x") || get_int(c, json_object_get(o, "x"), p, 0, (long)c->mx - 1, &x))
        return json_object_get(o, "x") ? -1 : fail(c, p, "missing");
    snprintf(p, sizeof p, "%.200s.y", path);
    if (!json_object_get(o, "y") || get_int(c, json_object_get(o, "y"), p, 0, (long)c->my - 1, &y))
        return json_object_get(o, "y") ? -1 : fail(c, p, "missing");
    if (seen[(size_t)chip * c->mx * c->my + (size_t)(y * c->mx + x)]++)
        return ch ? fail(c, path, "core (%ld, %ld) of chip (%ld, %ld) is described twice", x, y, cx, cy)
                  : fail(c, path, "core (%ld, %ld) is described twice", x, y);
    core = &nm_image_chip(im, chip)[y * c->mx + x];
    if (json_object_get(o, "seed")) {
        snprintf(p, sizeof p, "%.200s.seed", path);
        if (get_int(c, json_object_get(o, "seed"), p, 0, 4294967295L, &v))
            return -1;
        core->prng_seed = (uint32_t)v;
    }
    t = json_object_get(o, "axon_types");
    if (t) {
        snprintf(p, sizeof p, "%.200s.axon_types", path);
        if (!json_is_array(t) || json_array_size(t) != c->na)
            return fail(c, p, "must be an array of %u types 0..3", c->na);
        for (i = 0; i < c->na; i++) {
            snprintf(p, sizeof p, "%.200s.axon_types[%zu]", path, i);
            if (get_int(c, json_array_get(t, i), p, 0, 3, &v))
                return -1;
            core->types[i / 16] |= (uint32_t)v << (2 * (i % 16));
        }
    }
    snprintf(p, sizeof p, "%.200s.crossbar", path);
    if (json_object_get(o, "crossbar") && compile_crossbar(c, json_object_get(o, "crossbar"), p, core))
        return -1;
    snprintf(p, sizeof p, "%.200s.neurons", path);
    if (json_object_get(o, "neurons") &&
        compile_neurons(c, json_object_get(o, "neurons"), p, (unsigned)(cx * c->mx + x), (unsigned)(cy * c->my + y),
                        core))
        return -1;
    return 0;
}

/* "provenance": {"key": "text", ...} -> im->prov, "key=text" lines in the file's order
 * (docs/image-format.md, "Provenance"). 0, or -1 with the error. */
static int compile_provenance(ctx *c, json_t *v, nm_image *im)
{
    const char *key;
    json_t *pv;
    char *text = NULL, why[160];
    size_t n = 0;
    if (!v)
        return 0;
    if (!json_is_object(v))
        return fail(c, "provenance", "must be an object of texts");
    json_object_foreach(v, key, pv) {
        char *t;
        if (!json_is_string(pv)) {
            free(text);
            snprintf(why, sizeof why, "provenance.%.60s", key);
            return fail(c, why, "must be a text");
        }
        t = realloc(text, n + strlen(key) + strlen(json_string_value(pv)) + 3);
        if (!t) {
            free(text);
            return fail(c, "provenance", "out of memory");
        }
        text = t;
        n += (size_t)sprintf(text + n, "%s=%s\n", key, json_string_value(pv));
    }
    if (text && nm_prov_check(text, n, why, sizeof why)) {
        free(text);
        return fail(c, "provenance", "%s", why + (strncmp(why, "provenance ", 11) ? 0 : 11));
    }
    im->prov = text;
    return 0;
}

static nm_image *compile_root(ctx *c, json_t *root)
{
    static const char *const keys[] = {"mesh", "board", "core", "params", "cores", "comment", "provenance", NULL};
    json_t *mesh, *geo, *cores, *board;
    nm_image *im = NULL;
    unsigned char *seen = NULL;
    long v;
    size_t i;
    char p[64];
    unsigned k, j;
    if (!json_is_object(root)) {
        fail(c, "(top)", "must be an object");
        return NULL;
    }
    if (check_keys(c, root, "(top)", keys, 0))
        return NULL;
    mesh = json_object_get(root, "mesh");
    if (!json_is_array(mesh) || json_array_size(mesh) != 2) {
        fail(c, "mesh", "must be [mesh_x, mesh_y]");
        return NULL;
    }
    if (get_int(c, json_array_get(mesh, 0), "mesh[0]", 1, 64, &v))
        return NULL;
    c->mx = (unsigned)v;
    if (get_int(c, json_array_get(mesh, 1), "mesh[1]", 1, 64, &v))
        return NULL;
    c->my = (unsigned)v;
    c->bx = c->by = c->nimg = 1;
    board = json_object_get(root, "board");
    if (board) {
        static const char *const bkeys[] = {"chips", "repeat", NULL};
        json_t *chips = json_object_get(board, "chips"), *rep = json_object_get(board, "repeat");
        if (!json_is_object(board)) {
            fail(c, "board", "must be an object {\"chips\": [board_x, board_y], \"repeat\": false}");
            return NULL;
        }
        if (check_keys(c, board, "board", bkeys, 0))
            return NULL;
        if (!json_is_array(chips) || json_array_size(chips) != 2) {
            fail(c, "board.chips", "must be [board_x, board_y]");
            return NULL;
        }
        if (get_int(c, json_array_get(chips, 0), "board.chips[0]", 1, NM_IMAGE_MAX_BOARD, &v))
            return NULL;
        c->bx = (unsigned)v;
        if (get_int(c, json_array_get(chips, 1), "board.chips[1]", 1, NM_IMAGE_MAX_BOARD, &v))
            return NULL;
        c->by = (unsigned)v;
        if (rep && !json_is_boolean(rep)) {
            fail(c, "board.repeat", "must be true or false");
            return NULL;
        }
        c->nimg = rep && json_is_true(rep) ? 1u : c->bx * c->by;
    }
    c->na = c->nn = 256;
    geo = json_object_get(root, "core");
    if (geo) {
        static const char *const gkeys[] = {"axons", "neurons", NULL};
        if (!json_is_object(geo) || check_keys(c, geo, "core", gkeys, 0)) {
            if (!json_is_object(geo))
                fail(c, "core", "must be an object");
            return NULL;
        }
        if (json_object_get(geo, "axons")) {
            if (get_int(c, json_object_get(geo, "axons"), "core.axons", 32, 256, &v))
                return NULL;
            if (v != 32 && v != 64 && v != 128 && v != 256) {
                fail(c, "core.axons", "%ld is not 32, 64, 128 or 256", v);
                return NULL;
            }
            c->na = (unsigned)v;
        }
        if (json_object_get(geo, "neurons")) {
            if (get_int(c, json_object_get(geo, "neurons"), "core.neurons", 1, 256, &v))
                return NULL;
            c->nn = (unsigned)v;
        }
    }
    c->params = json_object_get(root, "params");
    if (c->params) {
        const char *key;
        json_t *set;
        if (!json_is_object(c->params)) {
            fail(c, "params", "must map names to parameter sets");
            return NULL;
        }
        json_object_foreach(c->params, key, set) {
            static const char *const none[] = {NULL};
            snprintf(p, sizeof p, "params.%.40s", key);
            if (!json_is_object(set)) {
                fail(c, p, "must be an object of neuron fields");
                return NULL;
            }
            if (check_keys(c, set, p, none, 1))
                return NULL;
        }
    }
    im = nm_image_new_board(c->mx, c->my, c->na, c->nn, c->bx, c->by, c->nimg == 1);
    seen = calloc((size_t)c->nimg * c->mx * c->my, 1);
    if (!im || !seen) {
        fail(c, "(top)", "out of memory");
        goto bad;
    }
    for (k = 0; k < c->nimg * c->mx * c->my; k++) {
        nm_neuron_cfg d = disabled_neuron();
        im->cores[k].prng_seed = 1;
        for (j = 0; j < c->nn; j++)
            nm_neuron_pack(&d, &im->cores[k].neurons[j * NM_NEURON_WORDS]);
    }
    cores = json_object_get(root, "cores");
    if (cores && !json_is_array(cores)) {
        fail(c, "cores", "must be an array");
        goto bad;
    }
    for (i = 0; cores && i < json_array_size(cores); i++) {
        snprintf(p, sizeof p, "cores[%zu]", i);
        if (compile_core(c, json_array_get(cores, i), p, im, seen))
            goto bad;
    }
    if (compile_provenance(c, json_object_get(root, "provenance"), im))
        goto bad;
    free(seen);
    return im;
bad:
    free(seen);
    nm_image_free(im);
    return NULL;
}

nm_image *nm_compile_string(const char *text, const char *name, char *err, size_t errlen)
{
    ctx c;
    json_error_t je;
    json_t *root = json_loads(text, JSON_REJECT_DUPLICATES, &je);
    nm_image *im;
    memset(&c, 0, sizeof c);
    c.name = name;
    c.err = err;
    c.errlen = errlen;
    if (!root) {
        snprintf(err, errlen, "%s:%d:%d: %s", name, je.line, je.column, je.text);
        return NULL;
    }
    im = compile_root(&c, root);
    json_decref(root);
    return im;
}

nm_image *nm_compile_file(const char *path, char *err, size_t errlen)
{
    ctx c;
    json_error_t je;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    nm_image *im;
    memset(&c, 0, sizeof c);
    c.name = path;
    c.err = err;
    c.errlen = errlen;
    if (!root) {
        snprintf(err, errlen, "%s:%d:%d: %s", path, je.line, je.column, je.text);
        return NULL;
    }
    im = compile_root(&c, root);
    json_decref(root);
    return im;
}

/* ------------------------------------------------------------------ decompile */

char *nm_decompile(const nm_image *im)
{
    json_t *root = json_object(), *cores = json_array();
    unsigned k, j, f, w, xw = im->naxons / 32;
    char *text;
    json_object_set_new(root, "mesh", json_pack("[ii]", (int)im->mesh_x, (int)im->mesh_y));
    if (nm_image_is_board(im))
        json_object_set_new(root, "board", json_pack("{s:[ii],s:b}", "chips", (int)im->board_x, (int)im->board_y,
                                                     "repeat", im->chip_images == 1));
    json_object_set_new(root, "core", json_pack("{s:i,s:i}", "axons", (int)im->naxons, "neurons", (int)im->nneurons));
    if (im->prov && *im->prov) { /* "key=value" lines, back to an object in their order */
        json_t *pv = json_object();
        const char *q = im->prov;
        while (*q) {
            const char *eq = strchr(q, '='), *nl = strchr(eq, '\n');
            char key[64];
            snprintf(key, sizeof key, "%.*s", (int)(eq - q), q);
            json_object_set_new(pv, key, json_stringn(eq + 1, (size_t)(nl - eq - 1)));
            q = nl + 1;
        }
        json_object_set_new(root, "provenance", pv);
    }
    for (k = 0; k < im->chip_images * im->mesh_x * im->mesh_y; k++) {
        const nm_image_core *ic = &im->cores[k];
        json_t *co = json_object(), *types = json_array(), *rows = json_object(), *neurons = json_array();
        unsigned chip = k / (im->mesh_x * im->mesh_y), kk = k % (im->mesh_x * im->mesh_y);
        if (im->chip_images > 1)
            json_object_set_new(co, "chip", json_pack("[ii]", (int)(chip % im->board_x), (int)(chip / im->board_x)));
        json_object_set_new(co, "x", json_integer(kk % im->mesh_x));
        json_object_set_new(co, "y", json_integer(kk / im->mesh_x));
        json_object_set_new(co, "seed", json_integer(ic->prng_seed));
        for (w = 0; w < im->naxons; w++)
            json_array_append_new(types, json_integer((ic->types[w / 16] >> (2 * (w % 16))) & 3u));
        json_object_set_new(co, "axon_types", types);
        for (j = 0; j < im->nneurons; j++) {
            char hex[8 * 8 + 1], key[16];
            int any = 0;
            for (w = 0; w < xw; w++) {
                snprintf(hex + 8 * w, 9, "%08x", ic->xbar[j * xw + w]);
                any |= ic->xbar[j * xw + w] != 0;
            }
            if (any) {
                snprintf(key, sizeof key, "%u", j);
                json_object_set_new(rows, key, json_string(hex));
            }
        }
        json_object_set_new(co, "crossbar", json_pack("{s:o}", "rows", rows));
        for (j = 0; j < im->nneurons; j++) {
            nm_neuron_cfg n;
            json_t *o = json_object();
            nm_neuron_unpack(&ic->neurons[j * NM_NEURON_WORDS], &n);
            json_object_set_new(o, "id", json_integer(j));
            for (f = 0; f < NFIELDS; f++)
                json_object_set_new(o, fields[f].name, json_integer(field_get(&n, f)));
            json_object_set_new(o, "dest", json_pack("{s:i,s:i,s:i,s:i}", "dx", n.dx, "dy", n.dy, "axon",
                                                     n.dest_axon, "delay", n.dest_delay));
            json_array_append_new(neurons, o);
        }
        json_object_set_new(co, "neurons", neurons);
        json_array_append_new(cores, co);
    }
    json_object_set_new(root, "cores", cores);
    text = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
    json_decref(root);
    return text;
}
