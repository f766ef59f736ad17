/* nm_loihi_compile.c - JSON (Loihi-native names) to a Loihi image (docs/loihi-network-format.md). */
#include "nm_loihi_compile.h"

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
#include "nm_textfile.h"

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
    static const char *const top[] = {"core_type", "comment", "mesh", "geometry", "cores", "provenance", NULL};
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
    /* provenance: {"key": "value", ...} -> "key=value" lines, in the file's order */
    v = json_object_get(root, "provenance");
    if (v) {
        const char *key;
        json_t *pv;
        char *text = NULL, pe[200];
        size_t n = 0;
        if (!json_is_object(v)) {
            fail(&c, "provenance", "expected an object of texts");
            goto bad;
        }
        json_object_foreach(v, key, pv) {
            size_t kl = strlen(key), vl;
            char *t;
            if (!json_is_string(pv)) {
                snprintf(p, sizeof p, "provenance.%.40s", key);
                fail(&c, p, "expected a text");
                free(text);
                goto bad;
            }
            vl = strlen(json_string_value(pv));
            t = realloc(text, n + kl + vl + 3);
            if (!t) {
                free(text);
                fail(&c, "provenance", "out of memory");
                goto bad;
            }
            text = t;
            n += (size_t)sprintf(text + n, "%s=%s\n", key, json_string_value(pv));
        }
        if (text && (nm_loihi_prov_check(text, n, pe, sizeof pe) || nm_loihi_image_set_prov(im, text, pe, sizeof pe))) {
            free(text);
            fail(&c, "provenance", "%s", pe + (strncmp(pe, "provenance ", 11) ? 0 : 11));
            goto bad;
        }
        free(text);
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
    t = nm_textfile_read(path, 256u << 20, NULL, 0);
    int r = t ? nm_loihi_json_is_loihi(t) : 0;
    free(t);
    return r;
}

nm_loihi_image *nm_loihi_compile_file(const char *path, char *err, size_t errlen)
{
    char *t = nm_textfile_read(path, 256u << 20, err, errlen);
    nm_loihi_image *im;
    if (!t)
        return NULL;
    im = nm_loihi_compile_text(t, path, err, errlen);
    free(t);
    return im;
}

/* ------------------------------------------------------------------ decompile */

typedef struct dsb {
    char *s;
    size_t n, cap;
    int oom;
} dsb;

static void dsb_printf(dsb *b, const char *fmt, ...)
{
    va_list ap;
    int k;
    if (b->oom)
        return;
    for (;;) {
        va_start(ap, fmt);
        k = vsnprintf(b->s ? b->s + b->n : NULL, b->s ? b->cap - b->n : 0, fmt, ap);
        va_end(ap);
        if (k < 0) {
            b->oom = 1;
            return;
        }
        if (b->s && b->n + (size_t)k < b->cap) {
            b->n += (size_t)k;
            return;
        }
        {
            size_t cap = (b->cap ? b->cap * 2 : 4096) + (size_t)k + 1;
            char *t = realloc(b->s, cap);
            if (!t) {
                b->oom = 1;
                return;
            }
            b->s = t;
            b->cap = cap;
        }
    }
}

/* s (n bytes) as a JSON string */
static void dsb_jstr(dsb *b, const char *s, size_t n)
{
    size_t i;
    dsb_printf(b, "\"");
    for (i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '"' || ch == '\\')
            dsb_printf(b, "\\%c", ch);
        else if (ch < 32)
            dsb_printf(b, "\\u%04x", ch);
        else
            dsb_printf(b, "%c", ch);
    }
    dsb_printf(b, "\"");
}

#define GETF(w, R, F) (((w) >> NML_##R##_##F##_LSB) & NML_##R##_##F##_MASK)

static int dfail(char *err, size_t errlen, unsigned x, unsigned y, const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(err, errlen, "core (%u, %u): ", x, y);
    if (n > 0 && (size_t)n < errlen) {
        va_start(ap, fmt);
        vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* One core's object; 0, or -1 with the reason. */
static int decompile_core(dsb *b, const nm_loihi_image *im, unsigned k, const nm_loihi_image_layout *l, char *err,
                          size_t errlen)
{
    static const char *const sign_name[4] = {"null", "mixed", "excitatory", "inhibitory"};
    const nm_loihi_geom *g = &im->g;
    const uint32_t *w = im->words[k];
    const uint32_t fmt_reset = (uint32_t)NML_SYNFMT_CFG_NBITS_M1_RESET << NML_SYNFMT_CFG_NBITS_M1_LSB;
    unsigned x = k % im->mesh_x, y = k / im->mesh_x, i, j, ncx = 0, nax = 0, ndp = 0, ntp = 0, nfmt = 1;
    unsigned naxw = 0, nsynw = 0;
    /* how many entries of each list the description needs: up to the last word that differs
     * from what the compiler leaves in an unlisted entry, and every index referred to */
    for (i = 0; i < g->ncomp; i++) {
        const uint32_t *c = w + l->cx + NM_LOIHI_IMAGE_CX_WORDS * i;
        for (j = 0; j < NM_LOIHI_IMAGE_CX_WORDS; j++)
            if (c[j])
                ncx = i + 1;
    }
    for (i = 0; i < g->naxin; i++)
        if (w[l->inaxon + i])
            nax = i + 1;
    for (i = 0; i < g->ndprof; i++)
        if (w[l->dprof + i])
            ndp = i + 1;
    for (i = 0; i < g->ntprof; i++)
        if (w[l->tprof + i])
            ntp = i + 1;
    for (i = 0; i < g->nsynfmt; i++)
        if (w[l->synfmt + i] != fmt_reset)
            nfmt = i + 1;
    for (i = 0; i < ncx; i++) {
        uint32_t cfg = w[l->cx + NM_LOIHI_IMAGE_CX_WORDS * i];
        if (GETF(cfg, CX_CFG, DPROF) >= g->ndprof)
            return dfail(err, errlen, x, y, "CX[%u].CFG: decay profile %u, the core has %u", i,
                         (unsigned)GETF(cfg, CX_CFG, DPROF), g->ndprof);
        if (GETF(cfg, CX_CFG, TPROF) >= g->ntprof)
            return dfail(err, errlen, x, y, "CX[%u].CFG: threshold profile %u, the core has %u", i,
                         (unsigned)GETF(cfg, CX_CFG, TPROF), g->ntprof);
        if (GETF(cfg, CX_CFG, DPROF) >= ndp)
            ndp = (unsigned)GETF(cfg, CX_CFG, DPROF) + 1;
        if (GETF(cfg, CX_CFG, TPROF) >= ntp)
            ntp = (unsigned)GETF(cfg, CX_CFG, TPROF) + 1;
    }
    for (i = 0; i < nax; i++) {
        unsigned f = (unsigned)GETF(w[l->inaxon + i], INAXON_CFG, FMT);
        if (f >= g->nsynfmt)
            return dfail(err, errlen, x, y, "INAXON[%u]: synapse format %u, the core has %u", i, f, g->nsynfmt);
        if (f >= nfmt)
            nfmt = f + 1;
    }
    dsb_printf(b, "    {\"x\": %u, \"y\": %u", x, y);
    if (w[l->nupd] != ncx)
        dsb_printf(b, ", \"nupd\": %u", (unsigned)w[l->nupd]);
    if (ndp) {
        dsb_printf(b, ",\n     \"decay_profiles\": [");
        for (i = 0; i < ndp; i++) {
            uint32_t d = w[l->dprof + i];
            dsb_printf(b, "%s{\"du\": %u, \"dv\": %u, \"refract_delay\": %u}", i ? ", " : "",
                       (unsigned)GETF(d, DPROF_CFG, DU), (unsigned)GETF(d, DPROF_CFG, DV),
                       (unsigned)GETF(d, DPROF_CFG, REFRACT));
        }
        dsb_printf(b, "]");
    }
    if (ntp) {
        dsb_printf(b, ",\n     \"threshold_profiles\": [");
        for (i = 0; i < ntp; i++)
            dsb_printf(b, "%s{\"vth_mant\": %u}", i ? ", " : "", (unsigned)GETF(w[l->tprof + i], TPROF_CFG, VTH_MANT));
        dsb_printf(b, "]");
    }
    dsb_printf(b, ",\n     \"synapse_formats\": [");
    for (i = 0; i < nfmt; i++) {
        uint32_t f = w[l->synfmt + i];
        dsb_printf(b, "%s{\"weight_bits\": %u, \"sign_mode\": \"%s\", \"wgt_exp\": %d}", i ? ", " : "",
                   (unsigned)GETF(f, SYNFMT_CFG, NBITS_M1) + 1, sign_name[GETF(f, SYNFMT_CFG, SIGN)],
                   (int)nm_loihi_sext((uint32_t)GETF(f, SYNFMT_CFG, WGT_EXP), 4));
    }
    dsb_printf(b, "]");
    if (ncx) {
        dsb_printf(b, ",\n     \"compartments\": [");
        for (i = 0; i < ncx; i++) {
            const uint32_t *c = w + l->cx + NM_LOIHI_IMAGE_CX_WORDS * i;
            unsigned base = (unsigned)GETF(c[1], CX_AXMAP, BASE), len = (unsigned)GETF(c[1], CX_AXMAP, LEN);
            int32_t u = nm_loihi_sext(c[2], 24), v = nm_loihi_sext(c[3], 24);
            int bm = (int)nm_loihi_sext((uint32_t)GETF(c[0], CX_CFG, BIAS_MANT), 13);
            const char *sep = "";
            if (c[4])
                return dfail(err, errlen, x, y, "CX[%u].REF = %u: a description starts every refractory counter "
                             "at 0", i, (unsigned)c[4]);
            if (base != naxw)
                return dfail(err, errlen, x, y, "CX[%u].AXMAP: its entries start at %u; the compiler lays the axon "
                             "map out compartment after compartment, so a description puts them at %u", i, base, naxw);
            if (v == -8388608)
                return dfail(err, errlen, x, y, "CX[%u].V = -2^23, outside the description's -(2^23-1)..2^23-1", i);
            dsb_printf(b, "%s\n       {", i ? "," : "");
            if (GETF(c[0], CX_CFG, DPROF))
                dsb_printf(b, "%s\"decay_profile\": %u", sep, (unsigned)GETF(c[0], CX_CFG, DPROF)), sep = ", ";
            if (GETF(c[0], CX_CFG, TPROF))
                dsb_printf(b, "%s\"threshold_profile\": %u", sep, (unsigned)GETF(c[0], CX_CFG, TPROF)), sep = ", ";
            if (bm)
                dsb_printf(b, "%s\"bias_mant\": %d", sep, bm), sep = ", ";
            if (GETF(c[0], CX_CFG, BIAS_EXP))
                dsb_printf(b, "%s\"bias_exp\": %u", sep, (unsigned)GETF(c[0], CX_CFG, BIAS_EXP)), sep = ", ";
            if (u)
                dsb_printf(b, "%s\"u\": %ld", sep, (long)u), sep = ", ";
            if (v)
                dsb_printf(b, "%s\"v\": %ld", sep, (long)v), sep = ", ";
            if (len) {
                if (naxw + len > g->naxout)
                    return dfail(err, errlen, x, y, "CX[%u].AXMAP: entries %u..%u, the axon map has %u", i, base,
                                 base + len - 1, g->naxout);
                dsb_printf(b, "%s\"outputs\": [", sep);
                for (j = 0; j < len; j++) {
                    uint32_t e = w[l->axmap + naxw + j];
                    int dx = (int)nm_loihi_sext((uint32_t)GETF(e, AXMAP_ENTRY, DX), 8);
                    int dy = (int)nm_loihi_sext((uint32_t)GETF(e, AXMAP_ENTRY, DY), 8);
                    unsigned ax = (unsigned)GETF(e, AXMAP_ENTRY, AXON);
                    long tx = (long)x + dx, ty = (long)y + dy;
                    if (ax >= NM_LOIHI_MAX_NAXIN)
                        return dfail(err, errlen, x, y, "AXMAP[%u]: axon %u, at most %u", naxw + j, ax,
                                     NM_LOIHI_MAX_NAXIN - 1);
                    if (tx >= 0 && ty >= 0 && tx < (long)im->mesh_x && ty < (long)im->mesh_y)
                        dsb_printf(b, "%s{\"core\": [%ld, %ld], \"axon\": %u}", j ? ", " : "", tx, ty, ax);
                    else
                        dsb_printf(b, "%s{\"dx\": %d, \"dy\": %d, \"axon\": %u}", j ? ", " : "", dx, dy, ax);
                }
                dsb_printf(b, "]");
            }
            dsb_printf(b, "}");
            naxw += len;
        }
        dsb_printf(b, "]");
    }
    for (i = naxw; i < g->naxout; i++)
        if (w[l->axmap + i])
            return dfail(err, errlen, x, y, "AXMAP[%u] = 0x%08x is set but no compartment's axon map reaches it", i,
                         (unsigned)w[l->axmap + i]);
    if (nax) {
        dsb_printf(b, ",\n     \"axons\": [");
        for (i = 0; i < nax; i++) {
            uint32_t a = w[l->inaxon + i];
            unsigned base = (unsigned)GETF(a, INAXON_CFG, BASE), len = (unsigned)GETF(a, INAXON_CFG, LEN),
                     f = (unsigned)GETF(a, INAXON_CFG, FMT), sign = (unsigned)GETF(w[l->synfmt + f], SYNFMT_CFG, SIGN);
            if (base != nsynw)
                return dfail(err, errlen, x, y, "INAXON[%u]: its synapses start at word %u; the compiler lays them "
                             "out axon after axon, so a description puts them at %u", i, base, nsynw);
            if (nsynw + len > g->nsyn)
                return dfail(err, errlen, x, y, "INAXON[%u]: synapse words %u..%u, the core has %u", i, base,
                             base + len - 1, g->nsyn);
            dsb_printf(b, "%s\n       {", i ? "," : "");
            if (f)
                dsb_printf(b, "\"format\": %u%s", f, len ? ", " : "");
            if (len) {
                dsb_printf(b, "\"synapses\": [");
                for (j = 0; j < len; j++) {
                    uint32_t sw = w[l->syn + nsynw + j];
                    unsigned cmp = (unsigned)GETF(sw, SYN_WORD, COMP), dl = (unsigned)GETF(sw, SYN_WORD, DELAY);
                    unsigned m = (unsigned)GETF(sw, SYN_WORD, WGT);
                    long wt;
                    unsigned maxd = g->ndslot - 1 < 62 ? g->ndslot - 1 : 62;
                    if (cmp >= g->ncomp)
                        return dfail(err, errlen, x, y, "SYN[%u]: compartment %u, the core has %u", nsynw + j, cmp,
                                     g->ncomp);
                    if (dl > maxd)
                        return dfail(err, errlen, x, y, "SYN[%u]: delay %u, at most %u", nsynw + j, dl, maxd);
                    switch (sign) {
                    case NM_LOIHI_SIGN_EXC:
                        wt = (long)m;
                        break;
                    case NM_LOIHI_SIGN_INH:
                        wt = -(long)m;
                        break;
                    case NM_LOIHI_SIGN_MIXED:
                        wt = 2L * nm_loihi_sext(m, 8);
                        break;
                    default:
                        if (m)
                            return dfail(err, errlen, x, y, "SYN[%u]: weight mantissa %u under a null-sign format "
                                         "(a description gives null formats only weight 0)", nsynw + j, m);
                        wt = 0;
                    }
                    dsb_printf(b, "%s{\"compartment\": %u, \"weight\": %ld%s", j ? ", " : "", cmp, wt, dl ? "" : "}");
                    if (dl)
                        dsb_printf(b, ", \"delay\": %u}", dl);
                }
                dsb_printf(b, "]");
            }
            dsb_printf(b, "}");
            nsynw += len;
        }
        dsb_printf(b, "]");
    }
    for (i = nsynw; i < g->nsyn; i++)
        if (w[l->syn + i])
            return dfail(err, errlen, x, y, "SYN[%u] = 0x%08x is set but no input axon's synapses reach it", i,
                         (unsigned)w[l->syn + i]);
    dsb_printf(b, "}");
    return 0;
}

char *nm_loihi_decompile(const nm_loihi_image *im, char *err, size_t errlen)
{
    static const nm_loihi_geom def = NM_LOIHI_GEOM_DEFAULT, small = NM_LOIHI_GEOM_SMALL;
    nm_loihi_image *blank;
    nm_loihi_image_layout l;
    dsb b = {0};
    unsigned k, ncores = im->mesh_x * im->mesh_y, first = 1;
    char msg[160];
    nm_loihi_image_layout_of(&im->g, &l);
    /* what the compiler leaves in a core the description does not list */
    blank = nm_loihi_image_new(im->mesh_x, im->mesh_y, &im->g, msg, sizeof msg);
    if (!blank) {
        snprintf(err, errlen, "%s", msg);
        return NULL;
    }
    dsb_printf(&b, "{\n  \"core_type\": \"loihi\",\n  \"mesh\": [%u, %u],\n  \"geometry\": ", im->mesh_x, im->mesh_y);
    if (!memcmp(&im->g, &def, sizeof def))
        dsb_printf(&b, "\"default\"");
    else if (!memcmp(&im->g, &small, sizeof small))
        dsb_printf(&b, "\"small\"");
    else
        dsb_printf(&b, "{\"ncomp\": %u, \"naxin\": %u, \"naxout\": %u, \"nsyn\": %u, \"ndslot\": %u, \"ndprof\": %u, "
                       "\"ntprof\": %u, \"nsynfmt\": %u, \"inq\": %u}",
                   im->g.ncomp, im->g.naxin, im->g.naxout, im->g.nsyn, im->g.ndslot, im->g.ndprof, im->g.ntprof,
                   im->g.nsynfmt, im->g.inq);
    if (im->prov && *im->prov) {
        const char *p = im->prov;
        dsb_printf(&b, ",\n  \"provenance\": {");
        while (*p) {
            const char *eq = strchr(p, '='), *nl = strchr(eq, '\n');
            dsb_printf(&b, "%s\n    ", p == im->prov ? "" : ",");
            dsb_jstr(&b, p, (size_t)(eq - p));
            dsb_printf(&b, ": ");
            dsb_jstr(&b, eq + 1, (size_t)(nl - eq - 1));
            p = nl + 1;
        }
        dsb_printf(&b, "\n  }");
    }
    dsb_printf(&b, ",\n  \"cores\": [");
    for (k = 0; k < ncores; k++) {
        blank->words[k][l.nupd] = 0;
        if (!memcmp(im->words[k], blank->words[k], l.nwords * sizeof(uint32_t)))
            continue; /* a core the compiler would leave as it is */
        dsb_printf(&b, "%s\n", first ? "" : ",");
        first = 0;
        if (decompile_core(&b, im, k, &l, err, errlen)) {
            nm_loihi_image_free(blank);
            free(b.s);
            return NULL;
        }
    }
    dsb_printf(&b, "%s]\n}\n", first ? "" : "\n  ");
    nm_loihi_image_free(blank);
    if (b.oom) {
        free(b.s);
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    return b.s;
}
