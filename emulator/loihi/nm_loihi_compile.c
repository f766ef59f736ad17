/* nm_loihi_compile.c - JSON (Loihi-native names) to a Loihi image (docs/loihi-network-format.md). */
#include "nm_loihi_compile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "nm_loihi_prog.h"
#include "nm_loihi_regmap.h"

typedef struct ctx {
    const char *what;
    char *err;
    size_t errlen;
} ctx;

static int fail(ctx *c, const char *path, const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(c->err, c->errlen, "%s: %s: ", c->what, path);
    if (n > 0 && (size_t)n < c->errlen) {
        va_start(ap, fmt);
        vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* Every key of o must be one of the names (NULL-terminated; "a|b" lists aliases). */
static int known(ctx *c, json_t *o, const char *path, const char *const *names)
{
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v) {
        unsigned i;
        int ok = 0;
        (void)v;
        for (i = 0; names[i] && !ok; i++) {
            const char *p = names[i];
            size_t kl = strlen(key);
            while (*p && !ok) {
                const char *bar = strchr(p, '|');
                size_t l = bar ? (size_t)(bar - p) : strlen(p);
                ok = l == kl && !strncmp(p, key, l);
                p += l + (bar ? 1 : 0);
            }
        }
        if (!ok)
            return fail(c, path, "unknown key \"%s\"", key);
    }
    return 0;
}

/* The value under the first present alias of "a|b" (NULL if none); two aliases at once is an error. */
static int lookup(ctx *c, json_t *o, const char *path, const char *names, json_t **out, const char **name)
{
    char buf[64];
    const char *p = names;
    *out = NULL;
    while (*p) {
        const char *bar = strchr(p, '|');
        size_t l = bar ? (size_t)(bar - p) : strlen(p);
        json_t *v;
        snprintf(buf, sizeof buf, "%.*s", (int)l, p);
        v = json_object_get(o, buf);
        if (v) {
            if (*out)
                return fail(c, path, "\"%s\" and \"%s\" name the same field: give one", *name, json_object_iter_key(
                                                                                                  json_object_iter_at(o, buf)));
            *out = v;
            *name = json_object_iter_key(json_object_iter_at(o, buf));
        }
        p += l + (bar ? 1 : 0);
    }
    return 0;
}

/* An integer field (aliases "a|b") in lo..hi, default def if absent (required if req). */
static int get_int(ctx *c, json_t *o, const char *path, const char *names, long lo, long hi, long def, int req,
                   long *out)
{
    json_t *v;
    const char *name = names;
    char p[512];
    if (lookup(c, o, path, names, &v, &name))
        return -1;
    if (!v) {
        if (req) {
            char first[64];
            snprintf(first, sizeof first, "%.*s", (int)strcspn(names, "|"), names);
            return fail(c, path, "\"%s\" is required", first);
        }
        *out = def;
        return 0;
    }
    snprintf(p, sizeof p, "%s.%s", path, name);
    if (!json_is_integer(v))
        return fail(c, p, "expected an integer %ld..%ld", lo, hi);
    if (json_integer_value(v) < lo || json_integer_value(v) > hi)
        return fail(c, p, "%lld is outside %ld..%ld", (long long)json_integer_value(v), lo, hi);
    *out = (long)json_integer_value(v);
    return 0;
}

/* [x, y] within the mesh */
static int get_xy(ctx *c, json_t *v, const char *path, unsigned mx, unsigned my, unsigned *x, unsigned *y)
{
    if (!json_is_array(v) || json_array_size(v) != 2 || !json_is_integer(json_array_get(v, 0)) ||
        !json_is_integer(json_array_get(v, 1)))
        return fail(c, path, "expected [x, y]");
    if (json_integer_value(json_array_get(v, 0)) < 0 || json_integer_value(json_array_get(v, 0)) >= (json_int_t)mx ||
        json_integer_value(json_array_get(v, 1)) < 0 || json_integer_value(json_array_get(v, 1)) >= (json_int_t)my)
        return fail(c, path, "[%lld, %lld] is outside the %u x %u mesh", (long long)json_integer_value(json_array_get(v, 0)),
                    (long long)json_integer_value(json_array_get(v, 1)), mx, my);
    *x = (unsigned)json_integer_value(json_array_get(v, 0));
    *y = (unsigned)json_integer_value(json_array_get(v, 1));
    return 0;
}

static int get_geometry(ctx *c, json_t *v, nm_loihi_geom *g)
{
    static const nm_loihi_geom def = NM_LOIHI_GEOM_DEFAULT, small = NM_LOIHI_GEOM_SMALL;
    static const char *const keys[] = {"ncomp", "naxin", "naxout", "nsyn", "ndslot", "ndprof", "ntprof", "nsynfmt",
                                       "inq", NULL};
    unsigned *f[9];
    unsigned k;
    char msg[160];
    *g = def;
    if (!v)
        return 0;
    if (json_is_string(v)) {
        if (!strcmp(json_string_value(v), "default"))
            return 0;
        if (!strcmp(json_string_value(v), "small")) {
            *g = small;
            return 0;
        }
        return fail(c, "geometry", "\"%s\": expected \"default\", \"small\" or an object of sizes", json_string_value(v));
    }
    if (!json_is_object(v))
        return fail(c, "geometry", "expected \"default\", \"small\" or an object of sizes");
    if (known(c, v, "geometry", keys))
        return -1;
    f[0] = &g->ncomp; f[1] = &g->naxin; f[2] = &g->naxout; f[3] = &g->nsyn; f[4] = &g->ndslot;
    f[5] = &g->ndprof; f[6] = &g->ntprof; f[7] = &g->nsynfmt; f[8] = &g->inq;
    for (k = 0; k < 9; k++) {
        long x;
        if (get_int(c, v, "geometry", keys[k], 1, 65536, (long)*f[k], 0, &x))
            return -1;
        *f[k] = (unsigned)x;
    }
    if (nm_loihi_geom_check(g, msg, sizeof msg) != NM_OK)
        return fail(c, "geometry", "%s", msg + strlen("geometry: "));
    return 0;
}

/* A weight in the sign mode's range, to its 8-bit mantissa. */
static int weight_mantissa(ctx *c, const char *path, unsigned sign, long w, int *mant)
{
    switch (sign) {
    case NM_LOIHI_SIGN_EXC:
        if (w < 0 || w > 255)
            return fail(c, path, "%ld is outside 0..255 (excitatory)", w);
        *mant = (int)w;
        return 0;
    case NM_LOIHI_SIGN_INH:
        if (w < -255 || w > 0)
            return fail(c, path, "%ld is outside -255..0 (inhibitory)", w);
        *mant = (int)-w;
        return 0;
    case NM_LOIHI_SIGN_MIXED:
        if (w < -256 || w > 254 || (w & 1))
            return fail(c, path, "%ld: mixed-sign weights are even numbers -256..254 (the 8-bit mantissa is weight / 2)",
                        w);
        *mant = (int)(w / 2);
        return 0;
    default:
        if (w)
            return fail(c, path, "%ld: a null-sign format has only weight 0", w);
        *mant = 0;
        return 0;
    }
}

static int compile_core(ctx *c, json_t *co, const char *cpath, nm_loihi_image *im, unsigned *done)
{
    static const char *const ckeys[] = {"x", "y", "nupd", "decay_profiles", "threshold_profiles", "synapse_formats",
                                        "compartments", "axons", "comment", NULL};
    static const char *const dkeys[] = {"du|decayU|decay_u", "dv|decayV|decay_v", "refract_delay|refractDelay", NULL};
    static const char *const tkeys[] = {"vth_mant|vthMant", NULL};
    static const char *const fkeys[] = {"weight_bits|numWeightBits|num_weight_bits", "sign_mode|signMode",
                                        "wgt_exp|weightExponent|weight_exp", NULL};
    static const char *const xkeys[] = {"decay_profile", "threshold_profile", "bias_mant|biasMant",
                                        "bias_exp|biasExp", "u", "v", "outputs", NULL};
    static const char *const okeys[] = {"core", "dx", "dy", "axon", NULL};
    static const char *const akeys[] = {"format", "synapses", NULL};
    static const char *const skeys[] = {"compartment", "weight", "delay", NULL};
    const nm_loihi_geom *g = &im->g;
    nm_loihi_image_layout l;
    json_t *arr, *e;
    long x, y, v;
    unsigned cx, cy, nsynw = 0, naxw = 0, fsign[NM_LOIHI_MAX_NSYNFMT] = {0}, nfmt = 0, ndp = 0, ntp = 0;
    uint32_t *w;
    char p[256], q[384];
    size_t idx;
    if (!json_is_object(co))
        return fail(c, cpath, "expected an object");
    if (known(c, co, cpath, ckeys) || get_int(c, co, cpath, "x", 0, im->mesh_x - 1, 0, 1, &x) ||
        get_int(c, co, cpath, "y", 0, im->mesh_y - 1, 0, 1, &y))
        return -1;
    cx = (unsigned)x;
    cy = (unsigned)y;
    if (done[cy * im->mesh_x + cx])
        return fail(c, cpath, "core (%u, %u) is described twice", cx, cy);
    done[cy * im->mesh_x + cx] = 1;
    w = im->words[cy * im->mesh_x + cx];
    nm_loihi_image_layout_of(g, &l);

    arr = json_object_get(co, "decay_profiles");
    if (arr && (!json_is_array(arr) || json_array_size(arr) > g->ndprof))
        return fail(c, cpath, "decay_profiles: expected a list of at most %u profiles", g->ndprof);
    json_array_foreach(arr, idx, e) {
        long du, dv, rd;
        snprintf(p, sizeof p, "%s.decay_profiles[%zu]", cpath, idx);
        if (!json_is_object(e) || known(c, e, p, dkeys) || get_int(c, e, p, dkeys[0], 0, 4095, 0, 1, &du) ||
            get_int(c, e, p, dkeys[1], 0, 4095, 0, 1, &dv) || get_int(c, e, p, dkeys[2], 0, 63, 1, 0, &rd))
            return json_is_object(e) ? -1 : fail(c, p, "expected an object");
        w[l.dprof + idx] = nm_loihi_enc_dprof((unsigned)du, (unsigned)dv, (unsigned)rd);
        ndp++;
    }
    arr = json_object_get(co, "threshold_profiles");
    if (arr && (!json_is_array(arr) || json_array_size(arr) > g->ntprof))
        return fail(c, cpath, "threshold_profiles: expected a list of at most %u profiles", g->ntprof);
    json_array_foreach(arr, idx, e) {
        long vth;
        snprintf(p, sizeof p, "%s.threshold_profiles[%zu]", cpath, idx);
        if (!json_is_object(e) || known(c, e, p, tkeys) || get_int(c, e, p, tkeys[0], 0, 131071, 0, 1, &vth))
            return json_is_object(e) ? -1 : fail(c, p, "expected an object");
        w[l.tprof + idx] = nm_loihi_enc_tprof((unsigned)vth);
        ntp++;
    }
    arr = json_object_get(co, "synapse_formats");
    if (arr && (!json_is_array(arr) || json_array_size(arr) > g->nsynfmt))
        return fail(c, cpath, "synapse_formats: expected a list of at most %u formats", g->nsynfmt);
    json_array_foreach(arr, idx, e) {
        long nb, ex;
        json_t *sm;
        const char *smn = "sign_mode";
        unsigned sign = NM_LOIHI_SIGN_MIXED;
        snprintf(p, sizeof p, "%s.synapse_formats[%zu]", cpath, idx);
        if (!json_is_object(e))
            return fail(c, p, "expected an object");
        if (known(c, e, p, fkeys) || get_int(c, e, p, fkeys[0], 1, 8, 8, 0, &nb) ||
            get_int(c, e, p, fkeys[2], -8, 7, 0, 0, &ex) || lookup(c, e, p, fkeys[1], &sm, &smn))
            return -1;
        if (sm) {
            const char *s = json_is_string(sm) ? json_string_value(sm) : "";
            snprintf(q, sizeof q, "%s.%s", p, smn);
            if (!strcmp(s, "mixed"))
                sign = NM_LOIHI_SIGN_MIXED;
            else if (!strcmp(s, "excitatory"))
                sign = NM_LOIHI_SIGN_EXC;
            else if (!strcmp(s, "inhibitory"))
                sign = NM_LOIHI_SIGN_INH;
            else if (!strcmp(s, "null"))
                sign = NM_LOIHI_SIGN_NULL;
            else
                return fail(c, q, "expected \"mixed\", \"excitatory\", \"inhibitory\" or \"null\"");
        }
        fsign[idx] = sign;
        w[l.synfmt + idx] = nm_loihi_enc_synfmt(sign, (unsigned)nb, (int)ex);
        nfmt++;
    }
    if (!nfmt) { /* no format given: one mixed 8-bit format, WGT_EXP 0 */
        fsign[0] = NM_LOIHI_SIGN_MIXED;
        w[l.synfmt] = nm_loihi_enc_synfmt(NM_LOIHI_SIGN_MIXED, 8, 0);
        nfmt = 1;
    }

    arr = json_object_get(co, "compartments");
    if (arr && (!json_is_array(arr) || json_array_size(arr) > g->ncomp))
        return fail(c, cpath, "compartments: expected a list of at most %u compartments", g->ncomp);
    json_array_foreach(arr, idx, e) {
        long dp, tp, bm, be, u, vv;
        json_t *outs, *o;
        size_t oi;
        unsigned nout;
        snprintf(p, sizeof p, "%s.compartments[%zu]", cpath, idx);
        if (!json_is_object(e))
            return fail(c, p, "expected an object");
        if (known(c, e, p, xkeys) || get_int(c, e, p, "decay_profile", 0, ndp ? ndp - 1 : 0, 0, 0, &dp) ||
            get_int(c, e, p, "threshold_profile", 0, ntp ? ntp - 1 : 0, 0, 0, &tp) ||
            get_int(c, e, p, xkeys[2], -4096, 4095, 0, 0, &bm) || get_int(c, e, p, xkeys[3], 0, 7, 0, 0, &be) ||
            get_int(c, e, p, "u", -8388608, 8388607, 0, 0, &u) || get_int(c, e, p, "v", -8388607, 8388607, 0, 0, &vv))
            return -1;
        outs = json_object_get(e, "outputs");
        if (outs && (!json_is_array(outs) || json_array_size(outs) > 255))
            return fail(c, p, "outputs: expected a list of at most 255 destinations");
        nout = outs ? (unsigned)json_array_size(outs) : 0;
        if (naxw + nout > g->naxout)
            return fail(c, p, "outputs: the core's axon map holds %u entries, this needs %u", g->naxout, naxw + nout);
        w[l.cx + NM_LOIHI_IMAGE_CX_WORDS * idx + 0] = nm_loihi_enc_cxcfg((unsigned)dp, (unsigned)tp, (int)bm,
                                                                          (unsigned)be);
        w[l.cx + NM_LOIHI_IMAGE_CX_WORDS * idx + 1] = nm_loihi_enc_cxaxmap(naxw, nout);
        w[l.cx + NM_LOIHI_IMAGE_CX_WORDS * idx + 2] = (uint32_t)u & 0xffffffu;
        w[l.cx + NM_LOIHI_IMAGE_CX_WORDS * idx + 3] = (uint32_t)vv & 0xffffffu;
        json_array_foreach(outs, oi, o) {
            long ax, dx = 0, dy = 0;
            json_t *at;
            snprintf(q, sizeof q, "%s.outputs[%zu]", p, oi);
            if (!json_is_object(o))
                return fail(c, q, "expected an object");
            if (known(c, o, q, okeys) || get_int(c, o, q, "axon", 0, NM_LOIHI_MAX_NAXIN - 1, 0, 1, &ax))
                return -1;
            at = json_object_get(o, "core");
            if (at) {
                unsigned tx = 0, ty = 0;
                char r[400];
                snprintf(r, sizeof r, "%s.core", q);
                if (json_object_get(o, "dx") || json_object_get(o, "dy"))
                    return fail(c, q, "give \"core\" or \"dx\"/\"dy\", not both");
                if (get_xy(c, at, r, im->mesh_x, im->mesh_y, &tx, &ty))
                    return -1;
                dx = (long)tx - (long)cx;
                dy = (long)ty - (long)cy;
            } else if (get_int(c, o, q, "dx", -128, 127, 0, 0, &dx) || get_int(c, o, q, "dy", -128, 127, 0, 0, &dy)) {
                return -1;
            }
            w[l.axmap + naxw++] = nm_loihi_enc_axmap((unsigned)ax, (int)dx, (int)dy);
        }
    }
    if (get_int(c, co, cpath, "nupd", 0, 65535, arr ? (long)json_array_size(arr) : 0, 0, &v))
        return -1;
    w[l.nupd] = (uint32_t)v;

    arr = json_object_get(co, "axons");
    if (arr && (!json_is_array(arr) || json_array_size(arr) > g->naxin))
        return fail(c, cpath, "axons: expected a list of at most %u input axons", g->naxin);
    json_array_foreach(arr, idx, e) {
        long fmt;
        json_t *syns, *s;
        size_t si;
        unsigned n;
        snprintf(p, sizeof p, "%s.axons[%zu]", cpath, idx);
        if (!json_is_object(e))
            return fail(c, p, "expected an object");
        if (known(c, e, p, akeys) || get_int(c, e, p, "format", 0, (long)nfmt - 1, 0, 0, &fmt))
            return -1;
        syns = json_object_get(e, "synapses");
        if (syns && (!json_is_array(syns) || json_array_size(syns) > 4095))
            return fail(c, p, "synapses: expected a list of at most 4095 synapses");
        n = syns ? (unsigned)json_array_size(syns) : 0;
        if (nsynw + n > g->nsyn)
            return fail(c, p, "synapses: the core's synapse memory holds %u words, this needs %u", g->nsyn, nsynw + n);
        w[l.inaxon + idx] = nm_loihi_enc_inaxon(nsynw, n, (unsigned)fmt);
        json_array_foreach(syns, si, s) {
            long cmp, wt, dl;
            int mant = 0;
            char r[400];
            snprintf(q, sizeof q, "%s.synapses[%zu]", p, si);
            if (!json_is_object(s))
                return fail(c, q, "expected an object");
            if (known(c, s, q, skeys) || get_int(c, s, q, "compartment", 0, (long)g->ncomp - 1, 0, 1, &cmp) ||
                get_int(c, s, q, "weight", -256, 255, 0, 1, &wt) ||
                get_int(c, s, q, "delay", 0, (long)(g->ndslot - 1 < 62 ? g->ndslot - 1 : 62), 0, 0, &dl))
                return -1;
            snprintf(r, sizeof r, "%s.weight", q);
            if (weight_mantissa(c, r, fsign[fmt], wt, &mant))
                return -1;
            w[l.syn + nsynw++] = nm_loihi_enc_syn((unsigned)cmp, mant, (unsigned)dl);
        }
    }
    return 0;
}

nm_loihi_image *nm_loihi_compile_text(const char *text, const char *what, char *err, size_t errlen)
{
    static const char *const top[] = {"core_type", "comment", "mesh", "geometry", "cores", NULL};
    ctx c = {what, err, errlen};
    json_error_t je;
    json_t *root = json_loads(text, JSON_REJECT_DUPLICATES, &je), *v, *co;
    nm_loihi_image *im = NULL;
    nm_loihi_geom g;
    unsigned mx = 1, my = 1, *done = NULL;
    size_t idx;
    char msg[160], p[64];
    if (!root) {
        snprintf(err, errlen, "%s: line %d, column %d: %s", what, je.line, je.column, je.text);
        return NULL;
    }
    if (!json_is_object(root)) {
        fail(&c, "(top)", "expected an object");
        goto bad;
    }
    if (known(&c, root, "(top)", top))
        goto bad;
    v = json_object_get(root, "core_type");
    if (!json_is_string(v) || strcmp(json_string_value(v), "loihi")) {
        fail(&c, "core_type", "expected \"loihi\"");
        goto bad;
    }
    v = json_object_get(root, "mesh");
    if (v) {
        if (!json_is_array(v) || json_array_size(v) != 2 || !json_is_integer(json_array_get(v, 0)) ||
            !json_is_integer(json_array_get(v, 1)) || json_integer_value(json_array_get(v, 0)) < 1 ||
            json_integer_value(json_array_get(v, 0)) > 64 || json_integer_value(json_array_get(v, 1)) < 1 ||
            json_integer_value(json_array_get(v, 1)) > 64) {
            fail(&c, "mesh", "expected [mesh_x, mesh_y], each 1..64");
            goto bad;
        }
        mx = (unsigned)json_integer_value(json_array_get(v, 0));
        my = (unsigned)json_integer_value(json_array_get(v, 1));
    }
    if (get_geometry(&c, json_object_get(root, "geometry"), &g))
        goto bad;
    im = nm_loihi_image_new(mx, my, &g, msg, sizeof msg);
    done = calloc((size_t)mx * my, sizeof *done);
    if (!im || !done) {
        fail(&c, "(top)", "%s", im ? "out of memory" : msg);
        goto bad;
    }
    v = json_object_get(root, "cores");
    if (!json_is_array(v)) {
        fail(&c, "cores", "expected a list of cores");
        goto bad;
    }
    json_array_foreach(v, idx, co) {
        snprintf(p, sizeof p, "cores[%zu]", idx);
        if (compile_core(&c, co, p, im, done))
            goto bad;
    }
    /* cores not described update nothing */
    {
        nm_loihi_image_layout l;
        unsigned k;
        nm_loihi_image_layout_of(&g, &l);
        for (k = 0; k < mx * my; k++)
            if (!done[k])
                im->words[k][l.nupd] = 0;
    }
    free(done);
    json_decref(root);
    return im;
bad:
    free(done);
    nm_loihi_image_free(im);
    json_decref(root);
    return NULL;
}

static char *slurp(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;
    if (!f) {
        if (err)
            snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) || n > (256L << 20)) {
        if (err)
            snprintf(err, errlen, "%s: cannot read (or larger than 256 MB)", path);
        fclose(f);
        return NULL;
    }
    buf = malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        if (err)
            snprintf(err, errlen, "%s: read failed", path);
        free(buf);
        fclose(f);
        return NULL;
    }
    buf[n] = 0;
    fclose(f);
    return buf;
}

int nm_loihi_json_is_loihi(const char *text)
{
    json_t *root = json_loads(text, 0, NULL), *v;
    int r;
    if (!root)
        return 0;
    v = json_is_object(root) ? json_object_get(root, "core_type") : NULL;
    r = json_is_string(v) && !strcmp(json_string_value(v), "loihi");
    json_decref(root);
    return r;
}

/* 1 when the n bytes at t hold the string s */
static int holds(const char *t, size_t n, const char *s)
{
    size_t k = strlen(s), i;
    const char *p = t;
    while (n >= k && (p = memchr(t, s[0], n - k + 1)) != NULL) {
        if (!memcmp(p, s, k))
            return 1;
        i = (size_t)(p - t) + 1;
        t += i;
        n -= i;
    }
    return 0;
}

int nm_loihi_json_file_is_loihi(const char *path)
{
    char *t;
    /* a description without the text "core_type" (nor a \u escape that could spell it)
     * is not a Loihi one: no need to parse it (a TrueNorth W is 185 MB of JSON) */
    int fd = open(path, O_RDONLY);
    struct stat st;
    if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
        void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        int maybe = 1;
        if (m != MAP_FAILED) {
            maybe = holds(m, (size_t)st.st_size, "core_type") || holds(m, (size_t)st.st_size, "\\u");
            munmap(m, (size_t)st.st_size);
        }
        close(fd);
        if (!maybe)
            return 0;
    } else if (fd >= 0) {
        close(fd);
    }
    t = slurp(path, NULL, 0);
    int r = t ? nm_loihi_json_is_loihi(t) : 0;
    free(t);
    return r;
}

nm_loihi_image *nm_loihi_compile_file(const char *path, char *err, size_t errlen)
{
    char *t = slurp(path, err, errlen);
    nm_loihi_image *im;
    if (!t)
        return NULL;
    im = nm_loihi_compile_text(t, path, err, errlen);
    free(t);
    return im;
}
