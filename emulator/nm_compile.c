/* nm_compile.c - JSON network descriptions (docs/network-format.md) <-> images. */
#define _DEFAULT_SOURCE /* madvise */
#include "nm_compile.h"
#include "nm_prov.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

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
    /* streamed compile (compile_text): the text of the "cores" array, parsed one core at
     * a time; fallback set when the text is not as expected, so the whole text is parsed
     * again with jansson (its messages, its positions) */
    const char *cores_text, *cores_end, *text;
    int mapped, fallback;
    json_t *set_cached;      /* the parameter set last applied, and the neuron it gave */
    nm_neuron_cfg set_cfg;
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

/* dst = the first 200 bytes of base, then the suffix (as snprintf "%.200s%s", without
 * its cost: a path is built for every neuron entry of every core) */
static void path_cat(char *dst, size_t cap, const char *base, const char *suffix)
{
    size_t n = strnlen(base, 200), k = strlen(suffix);
    if (n + k + 1 > cap)
        k = cap - n - 1; /* cap is at least 256: never below 0 */
    memcpy(dst, base, n);
    memcpy(dst + n, suffix, k);
    dst[n + k] = 0;
}

/* dst = base[i] */
static void path_index(char *dst, size_t cap, const char *base, size_t i)
{
    char num[32], *e = num + sizeof num;
    *--e = 0;
    *--e = ']';
    do
        *--e = (char)('0' + i % 10);
    while (i /= 10);
    *--e = '[';
    path_cat(dst, cap, base, e);
}

/* get_int at path base + suffix; the path is only built when the value is wrong */
static int get_int_at(ctx *c, json_t *v, const char *base, const char *suffix, long lo, long hi, long *out)
{
    char p[256];
    if (json_is_integer(v)) {
        json_int_t i = json_integer_value(v);
        if (i >= lo && i <= hi) {
            *out = (long)i;
            return 0;
        }
    }
    snprintf(p, sizeof p, "%.200s%s", base, suffix);
    return get_int(c, v, p, lo, hi, out);
}


static int apply_fields(ctx *c, json_t *o, const char *path, nm_neuron_cfg *n)
{
    unsigned f;
    for (f = 0; f < NFIELDS; f++) {
        json_t *v = json_object_get(o, fields[f].name);
        long x;
        char sfx[16];
        if (!v)
            continue;
        sfx[0] = '.';
        memcpy(sfx + 1, fields[f].name, strlen(fields[f].name) + 1);
        if (get_int_at(c, v, path, sfx, fields[f].lo, fields[f].hi, &x))
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
        if (get_int_at(c, json_object_get(d, "dx"), path, ".dx", -256, 255, &v))
            return -1;
        n->dx = (int16_t)v;
    }
    if (json_object_get(d, "dy")) {
        if (get_int_at(c, json_object_get(d, "dy"), path, ".dy", -256, 255, &v))
            return -1;
        n->dy = (int16_t)v;
    }
    if (!json_object_get(d, "axon")) {
        snprintf(p, sizeof p, "%.200s.axon", path);
        return fail(c, p, "missing (0..%u)", c->na - 1);
    }
    if (get_int_at(c, json_object_get(d, "axon"), path, ".axon", 0, (long)c->na - 1, &v)) /* every core has na axons */
        return -1;
    n->dest_axon = (uint8_t)v;
    if (json_object_get(d, "delay")) {
        if (get_int_at(c, json_object_get(d, "delay"), path, ".delay", 1, 15, &v))
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
        path_index(p, sizeof p, path, i);
        if (!json_is_object(o))
            return fail(c, p, "must be an object");
        if (check_keys(c, o, p, keys, 1))
            return -1;
        id = json_object_get(o, "id");
        ids = json_object_get(o, "ids");
        if (!id == !ids)
            return fail(c, p, "give exactly one of \"id\" or \"ids\": [first, last]");
        path_cat(q, sizeof q, p, id ? ".id" : ".ids");
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
            path_cat(q, sizeof q, p, ".params");
            if (!json_is_string(pr))
                return fail(c, q, "must be the name of a parameter set");
            set = json_object_get(c->params, json_string_value(pr));
            if (!set)
                return fail(c, q, "no parameter set named \"%s\"", json_string_value(pr));
            if (set == c->set_cached) { /* a set applies to the disabled neuron alike every time */
                n = c->set_cfg;
            } else {
                snprintf(q, sizeof q, "params.%s", json_string_value(pr));
                if (apply_fields(c, set, q, &n))
                    return -1;
                c->set_cached = set;
                c->set_cfg = n;
            }
        }
        if (apply_fields(c, o, p, &n))
            return -1;
        dest = json_object_get(o, "dest");
        path_cat(q, sizeof q, p, ".dest");
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
                uint32_t val = 0;
                unsigned d;
                for (d = 0; d < 8; d++) { /* 8 hex digits (anything else: strtoul's reading below) */
                    char ch = h[8 * k + d];
                    unsigned hv = ch >= '0' && ch <= '9' ? (unsigned)(ch - '0')
                                  : ch >= 'a' && ch <= 'f' ? (unsigned)(ch - 'a' + 10)
                                  : ch >= 'A' && ch <= 'F' ? (unsigned)(ch - 'A' + 10) : 16u;
                    if (hv > 15)
                        break;
                    val = val << 4 | hv;
                }
                if (d == 8) {
                    core->xbar[j * xw + k] = val;
                    continue;
                }
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

/* ------------------------------------------------------------------ streamed compile */

static nm_image *compile_root(ctx *c, json_t *root);

/* A large description (W decompiled is 185 MB) is not parsed whole: the top-level keys
 * are parsed one by one, and the "cores" array one core at a time, so only one core's
 * JSON tree is held. The scanner below only finds where each value ends; jansson parses
 * (and checks) each value. Anything unexpected sets c->fallback, and the text is then
 * parsed whole as before, so errors read exactly as jansson words them. */

static int is_ws(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

static const char *skip_ws(const char *p, const char *end)
{
    while (p < end && is_ws(*p))
        p++;
    return p;
}

/* where the JSON value starting at p ends (not a check: jansson checks it) */
static const char *value_end(const char *p, const char *end)
{
    size_t depth = 0;
    if (p < end && (*p == '{' || *p == '[' || *p == '"')) {
        while (p < end) {
            char ch = *p++;
            if (ch == '"') {
                for (;;) { /* the next quote not escaped by an odd run of backslashes */
                    const char *q = memchr(p, '"', (size_t)(end - p)), *b;
                    if (!q)
                        return end;
                    for (b = q; b > p && b[-1] == '\\'; b--)
                        ;
                    p = q + 1;
                    if ((q - b) % 2 == 0)
                        break;
                }
            } else if (ch == '{' || ch == '[') {
                depth++;
            } else if (ch == '}' || ch == ']') {
                if (--depth == 0)
                    return p;
            }
            if (!depth)
                return p; /* a string */
        }
        return end;
    }
    while (p < end && !is_ws(*p) && *p != ',' && *p != '}' && *p != ']')
        p++;
    return p;
}

/* the value in [p, e) parsed, or NULL (fallback set) */
static json_t *parse_value(ctx *c, const char *p, const char *e)
{
    json_error_t je;
    json_t *v = json_loadb(p, (size_t)(e - p), JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &je);
    if (!v)
        c->fallback = 1;
    return v;
}

/* Pages of a mapped file already parsed are given back (they are read again from the
 * file if the fallback needs them). */
static void release_text(ctx *c, const char *upto)
{
    long pg = sysconf(_SC_PAGESIZE);
    uintptr_t a = (uintptr_t)c->text, b;
    if (!c->mapped || pg <= 0)
        return;
    b = (uintptr_t)upto & ~((uintptr_t)pg - 1);
    a = (a + (uintptr_t)pg - 1) & ~((uintptr_t)pg - 1);
    if (b > a)
        madvise((void *)a, b - a, MADV_DONTNEED);
}

/* The "cores" array, one core at a time. */
static int compile_cores_text(ctx *c, nm_image *im, unsigned char *seen)
{
    const char *p = skip_ws(c->cores_text, c->cores_end), *end = c->cores_end;
    size_t i;
    char path[64];
    if (p >= end || *p != '[') {
        if (p < end && (*p == '{' || *p == '"' || (*p >= '0' && *p <= '9') || *p == '-' || *p == 't' ||
                        *p == 'f' || *p == 'n'))
            return fail(c, "cores", "must be an array");
        c->fallback = 1;
        return -1;
    }
    p = skip_ws(p + 1, end);
    if (p < end && *p == ']')
        return skip_ws(p + 1, end) == end ? 0 : (c->fallback = 1, -1);
    for (i = 0;; i++) {
        const char *e = value_end(p, end);
        json_t *o = parse_value(c, p, e);
        int rc;
        if (!o)
            return -1;
        snprintf(path, sizeof path, "cores[%zu]", i);
        rc = compile_core(c, o, path, im, seen);
        json_decref(o);
        if (rc)
            return -1;
        release_text(c, e);
        p = skip_ws(e, end);
        if (p < end && *p == ',') {
            p = skip_ws(p + 1, end);
            continue;
        }
        if (p < end && *p == ']' && skip_ws(p + 1, end) == end)
            return 0;
        c->fallback = 1;
        return -1;
    }
}

/* The top level: every key but "cores" parsed into *rootp; the cores' text kept in
 * c->cores_text. 0, or -1 with fallback set. */
static int scan_top(ctx *c, const char *text, size_t len, json_t **rootp)
{
    const char *p = skip_ws(text, text + len), *end = text + len;
    json_t *root = json_object();
    *rootp = NULL;
    if (!root || p >= end || *p != '{')
        goto fallback;
    p = skip_ws(p + 1, end);
    if (p < end && *p == '}') {
        p++;
    } else {
        for (;;) {
            const char *e = value_end(p, end);
            json_t *k, *v;
            const char *key;
            if (p >= end || *p != '"' || !(k = parse_value(c, p, e)))
                goto fallback;
            key = json_string_value(k);
            p = skip_ws(e, end);
            if (p >= end || *p != ':' || json_object_get(root, key) || (!strcmp(key, "cores") && c->cores_text)) {
                json_decref(k);
                goto fallback; /* a duplicate key: jansson names it */
            }
            p = skip_ws(p + 1, end);
            e = value_end(p, end);
            if (p >= end || e == p) {
                json_decref(k);
                goto fallback;
            }
            if (!strcmp(key, "cores")) {
                c->cores_text = p;
                c->cores_end = e;
            } else if (!(v = parse_value(c, p, e)) || json_object_set_new(root, key, v)) {
                json_decref(k);
                goto fallback;
            }
            json_decref(k);
            p = skip_ws(e, end);
            if (p < end && *p == ',') {
                p = skip_ws(p + 1, end);
                continue;
            }
            if (p < end && *p == '}') {
                p++;
                break;
            }
            goto fallback;
        }
    }
    if (skip_ws(p, end) != end)
        goto fallback;
    *rootp = root;
    return 0;
fallback:
    json_decref(root);
    c->cores_text = c->cores_end = NULL;
    c->fallback = 1;
    return -1;
}

/* Compile text[0 .. len): streamed, or parsed whole when the streamed pass falls back. */
static nm_image *compile_text(const char *name, const char *text, size_t len, int mapped, char *err, size_t errlen)
{
    ctx c;
    json_t *root = NULL;
    json_error_t je;
    nm_image *im = NULL;
    memset(&c, 0, sizeof c);
    c.name = name;
    c.err = err;
    c.errlen = errlen;
    c.text = text;
    c.mapped = mapped;
    if (scan_top(&c, text, len, &root) == 0) {
        /* "cores" absent: nothing to stream */
        im = compile_root(&c, root);
        json_decref(root);
        if (im || !c.fallback)
            return im;
    }
    memset(&c, 0, sizeof c);
    c.name = name;
    c.err = err;
    c.errlen = errlen;
    root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        snprintf(err, errlen, "%s:%d:%d: %s", name, je.line, je.column, je.text);
        return NULL;
    }
    im = compile_root(&c, root);
    json_decref(root);
    return im;
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
    if (c->cores_text) {
        if (compile_cores_text(c, im, seen))
            goto bad;
    } else {
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
    return compile_text(name, text, strlen(text), 0, err, errlen);
}

nm_image *nm_compile_file(const char *path, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY);
    struct stat st;
    nm_image *im;
    json_error_t je;
    json_t *root;
    ctx c;
    if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
        void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        close(fd);
        if (m != MAP_FAILED) {
            im = compile_text(path, m, (size_t)st.st_size, 1, err, errlen);
            munmap(m, (size_t)st.st_size);
            return im;
        }
    } else if (fd >= 0) {
        close(fd);
    }
    /* not a regular file (or empty, or unreadable): parsed whole, as jansson reads it */
    memset(&c, 0, sizeof c);
    c.name = path;
    c.err = err;
    c.errlen = errlen;
    root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        snprintf(err, errlen, "%s:%d:%d: %s", path, je.line, je.column, je.text);
        return NULL;
    }
    im = compile_root(&c, root);
    json_decref(root);
    return im;
}

/* ------------------------------------------------------------------ decompile */

/* The compact form a person would write (docs/network-format.md, "Decompiled form"):
 * parameter sets shared by name, runs of identical neurons as "ids" ranges, only what
 * differs from the defaults (the disabled neuron, seed 1, type 0, no synapse), nonzero
 * crossbar rows as hex. Written straight to the stream, one neuron entry a line. */

/* A parameter set: every neuron field but V (docs/network-format.md); V goes into the
 * set too when every neuron of the set has the same V. */
typedef struct pset {
    nm_neuron_cfg cfg;  /* dest zeroed, V the first neuron's */
    int v_varies;       /* neurons of the set differ in V: V is written per neuron */
    int used;           /* differs from the disabled neuron: written and referenced */
    unsigned id;        /* its name "p<id>" (numbered in order of first use) */
} pset;

typedef struct pset_table {
    pset *v;
    unsigned n, cap;    /* sets; cap is a power of two, slots of idx */
    unsigned *idx;      /* open addressing: set index + 1, or 0 */
} pset_table;

/* the set's key: the fields but V and dest */
static void pset_key(const nm_neuron_cfg *n, nm_neuron_cfg *k)
{
    *k = disabled_neuron();
    memcpy(k->s, n->s, sizeof k->s);
    memcpy(k->b, n->b, sizeof k->b);
    k->lambda = n->lambda;
    k->c_lambda = n->c_lambda;
    k->epsilon = n->epsilon;
    k->alpha = n->alpha;
    k->beta = n->beta;
    k->tm = n->tm;
    k->gamma = n->gamma;
    k->kappa = n->kappa;
    k->R = n->R;
    k->V = 0;
}

static int same_key(const nm_neuron_cfg *a, const nm_neuron_cfg *b)
{
    unsigned f;
    for (f = 0; f < NFIELDS - 1; f++) /* every field but V (the last) */
        if (field_get(a, f) != field_get(b, f))
            return 0;
    return 1;
}

static uint32_t key_hash(const nm_neuron_cfg *k)
{
    uint32_t h = 2166136261u;
    unsigned f;
    for (f = 0; f < NFIELDS - 1; f++)
        h = (h ^ (uint32_t)field_get(k, f)) * 16777619u;
    return h ^ (h >> 15);
}

/* The set of neuron n (added when new); -1 on no memory. */
static long pset_find(pset_table *t, const nm_neuron_cfg *n, int add)
{
    nm_neuron_cfg k;
    uint32_t h;
    pset_key(n, &k);
    if (add && 2 * (t->n + 1) > t->cap) {
        unsigned ncap = t->cap ? 2 * t->cap : 64, i;
        unsigned *nidx = calloc(ncap, sizeof *nidx);
        pset *nv = realloc(t->v, ncap / 2 * sizeof *nv);
        if (!nidx || !nv) {
            free(nidx);
            if (nv)
                t->v = nv;
            return -1;
        }
        t->v = nv;
        for (i = 0; i < t->n; i++) {
            uint32_t s = key_hash(&t->v[i].cfg) & (ncap - 1);
            while (nidx[s])
                s = (s + 1) & (ncap - 1);
            nidx[s] = i + 1;
        }
        free(t->idx);
        t->idx = nidx;
        t->cap = ncap;
    }
    if (!t->cap)
        return -1;
    for (h = key_hash(&k) & (t->cap - 1); t->idx[h]; h = (h + 1) & (t->cap - 1))
        if (same_key(&t->v[t->idx[h] - 1].cfg, &k)) {
            pset *p = &t->v[t->idx[h] - 1];
            if (add && !p->v_varies && p->cfg.V != n->V)
                p->v_varies = 1;
            return (long)(t->idx[h] - 1);
        }
    if (!add)
        return -1;
    k.V = n->V;
    t->v[t->n].cfg = k;
    t->v[t->n].v_varies = 0;
    t->v[t->n].used = 0;
    t->idx[h] = ++t->n;
    return (long)(t->n - 1);
}

/* the fields of n that differ from base, as ", \"name\": v" (V only when withv) */
static void put_fields(FILE *f, const nm_neuron_cfg *n, const nm_neuron_cfg *base, int withv, int *first)
{
    unsigned k;
    for (k = 0; k < NFIELDS; k++) {
        long v = field_get(n, k);
        if (k == NFIELDS - 1 && !withv)
            continue;
        if (v == field_get(base, k))
            continue;
        fprintf(f, "%s\"%s\": %ld", *first ? "" : ", ", fields[k].name, v);
        *first = 0;
    }
}

static int neuron_is_disabled(const uint32_t *w)
{
    static uint32_t dis[NM_NEURON_WORDS];
    static int have;
    if (!have) {
        nm_neuron_cfg d = disabled_neuron();
        nm_neuron_pack(&d, dis);
        have = 1;
    }
    return !memcmp(w, dis, sizeof dis);
}

/* rows with at most this many synapses are written as connections */
#define SPARSE_ROW 4u

int nm_decompile_write(const nm_image *im, FILE *f)
{
    const unsigned nc = im->mesh_x * im->mesh_y, ncores = im->chip_images * nc, xw = im->naxons / 32;
    const nm_neuron_cfg dis = disabled_neuron();
    pset_table t;
    unsigned k, j, w, nused = 0, ncore_out = 0;
    int rc = -1;
    memset(&t, 0, sizeof t);
    if (!im->cores)
        return -1;
    /* pass 1: the parameter sets, numbered in order of first use */
    for (k = 0; k < ncores; k++)
        for (j = 0; j < im->nneurons; j++) {
            nm_neuron_cfg n;
            long s;
            if (neuron_is_disabled(&im->cores[k].neurons[j * NM_NEURON_WORDS]))
                continue;
            nm_neuron_unpack(&im->cores[k].neurons[j * NM_NEURON_WORDS], &n);
            if ((s = pset_find(&t, &n, 1)) < 0)
                goto out;
        }
    for (k = 0; k < t.n; k++) {
        /* a set equal to the disabled neuron (V too, unless V varies) needs no name */
        t.v[k].used = !same_key(&t.v[k].cfg, &dis) || (!t.v[k].v_varies && t.v[k].cfg.V != dis.V);
        if (t.v[k].used)
            t.v[k].id = nused++;
    }
    fprintf(f, "{\n \"mesh\": [%u, %u],\n", im->mesh_x, im->mesh_y);
    if (nm_image_is_board(im))
        fprintf(f, " \"board\": {\"chips\": [%u, %u], \"repeat\": %s},\n", im->board_x, im->board_y,
                im->chip_images == 1 ? "true" : "false");
    fprintf(f, " \"core\": {\"axons\": %u, \"neurons\": %u},\n", im->naxons, im->nneurons);
    if (im->prov && *im->prov) { /* "key=value" lines, back to an object in their order */
        const char *q = im->prov;
        fputs(" \"provenance\": {", f);
        while (*q) {
            const char *eq = strchr(q, '='), *nl = strchr(eq, '\n'), *ch;
            fprintf(f, "%s\"%.*s\": \"", q == im->prov ? "" : ", ", (int)(eq - q), q);
            for (ch = eq + 1; ch < nl; ch++) { /* nm_prov_check admits no control characters */
                if (*ch == '"' || *ch == '\\')
                    fputc('\\', f);
                fputc(*ch, f);
            }
            fputc('"', f);
            q = nl + 1;
        }
        fputs("},\n", f);
    }
    if (nused) {
        unsigned m = 0;
        fputs(" \"params\": {", f);
        for (k = 0; k < t.n; k++) {
            int first = 1;
            if (!t.v[k].used)
                continue;
            fprintf(f, "%s\n  \"p%u\": {", m++ ? "," : "", t.v[k].id);
            put_fields(f, &t.v[k].cfg, &dis, !t.v[k].v_varies, &first);
            fputc('}', f);
        }
        fputs("\n },\n", f);
    }
    fputs(" \"cores\": [", f);
    for (k = 0; k < ncores; k++) {
        const nm_image_core *c = &im->cores[k];
        const unsigned chip = k / nc, kk = k % nc;
        int any_t = 0, any_x = 0, any_n = 0;
        for (w = 0; w < im->naxons / 16; w++)
            any_t |= c->types[w] != 0;
        for (w = 0; w < im->nneurons * xw; w++)
            any_x |= c->xbar[w] != 0;
        for (j = 0; j < im->nneurons && !any_n; j++)
            any_n = !neuron_is_disabled(&c->neurons[j * NM_NEURON_WORDS]);
        if (!any_t && !any_x && !any_n && c->prng_seed == 1)
            continue; /* a core not listed is exactly this */
        fprintf(f, "%s\n  {", ncore_out++ ? "," : "");
        if (im->chip_images > 1)
            fprintf(f, "\"chip\": [%u, %u], ", chip % im->board_x, chip / im->board_x);
        fprintf(f, "\"x\": %u, \"y\": %u", kk % im->mesh_x, kk / im->mesh_x);
        if (c->prng_seed != 1)
            fprintf(f, ", \"seed\": %u", (unsigned)c->prng_seed);
        if (any_t) {
            fputs(",\n   \"axon_types\": [", f);
            for (w = 0; w < im->naxons; w++)
                fprintf(f, "%s%u", w ? "," : "", (unsigned)(c->types[w / 16] >> (2 * (w % 16))) & 3u);
            fputc(']', f);
        }
        if (any_x) {
            /* a row of a few synapses as [axon, neuron] connections, a denser one as hex */
            unsigned nconn = 0, nrows = 0;
            fputs(",\n   \"crossbar\": {", f);
            for (j = 0; j < im->nneurons; j++) {
                unsigned pc = 0;
                for (w = 0; w < xw; w++)
                    pc += (unsigned)__builtin_popcount(c->xbar[j * xw + w]);
                if (!pc || pc > SPARSE_ROW)
                    continue;
                for (w = 0; w < im->naxons; w++)
                    if (c->xbar[j * xw + w / 32] >> (w % 32) & 1u)
                        fprintf(f, "%s[%u, %u]", nconn++ ? ", " : "\"connections\": [", w, j);
            }
            if (nconn)
                fputc(']', f);
            for (j = 0; j < im->nneurons; j++) {
                unsigned pc = 0;
                for (w = 0; w < xw; w++)
                    pc += (unsigned)__builtin_popcount(c->xbar[j * xw + w]);
                if (pc <= SPARSE_ROW)
                    continue;
                fprintf(f, "%s\n    \"%u\": \"", nrows++ ? "," : nconn ? ", \"rows\": {" : "\"rows\": {", j);
                for (w = 0; w < xw; w++)
                    fprintf(f, "%08x", (unsigned)c->xbar[j * xw + w]);
                fputc('"', f);
            }
            fputs(nrows ? "}}" : "}", f);
        }
        if (any_n) {
            unsigned m = 0;
            fputs(",\n   \"neurons\": [", f);
            for (j = 0; j < im->nneurons;) {
                const uint32_t *nw = &c->neurons[j * NM_NEURON_WORDS];
                unsigned last = j;
                nm_neuron_cfg n;
                const pset *p;
                int fst = 1;
                while (last + 1 < im->nneurons &&
                       !memcmp(&c->neurons[(last + 1) * NM_NEURON_WORDS], nw, 4 * NM_NEURON_WORDS))
                    last++;
                if (neuron_is_disabled(nw)) {
                    j = last + 1;
                    continue;
                }
                nm_neuron_unpack(nw, &n);
                p = &t.v[pset_find(&t, &n, 0)];
                fprintf(f, "%s\n    {", m++ ? "," : "");
                if (last > j)
                    fprintf(f, "\"ids\": [%u, %u]", j, last);
                else
                    fprintf(f, "\"id\": %u", j);
                if (p->used)
                    fprintf(f, ", \"params\": \"p%u\"", p->id);
                fst = 0;
                if (p->v_varies || !p->used) {
                    /* V per neuron: against the disabled neuron's V (0) */
                    if (n.V != dis.V)
                        fprintf(f, ", \"V\": %ld", (long)n.V);
                } else if (n.V != p->cfg.V) {
                    fprintf(f, ", \"V\": %ld", (long)n.V); /* not reached: the set's V is every neuron's */
                }
                if (!p->used) {
                    nm_neuron_cfg q = n;
                    q.V = dis.V;
                    put_fields(f, &q, &dis, 0, &fst);
                }
                if (n.dx || n.dy || n.dest_axon || n.dest_delay != 1) {
                    fputs(", \"dest\": {", f);
                    if (n.dx)
                        fprintf(f, "\"dx\": %d, ", n.dx);
                    if (n.dy)
                        fprintf(f, "\"dy\": %d, ", n.dy);
                    fprintf(f, "\"axon\": %u", n.dest_axon);
                    if (n.dest_delay != 1)
                        fprintf(f, ", \"delay\": %u", n.dest_delay);
                    fputc('}', f);
                }
                fputc('}', f);
                j = last + 1;
            }
            fputs("]", f);
        }
        fputc('}', f);
    }
    fputs(ncore_out ? "\n ]\n}\n" : "]\n}\n", f);
    rc = ferror(f) ? -1 : 0;
out:
    free(t.v);
    free(t.idx);
    return rc;
}

char *nm_decompile(const nm_image *im)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return NULL;
    if (nm_decompile_write(im, f)) {
        fclose(f);
        free(text);
        return NULL;
    }
    if (fclose(f)) {
        free(text);
        return NULL;
    }
    return text;
}
