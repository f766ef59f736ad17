/* nm_faults.c - fault plans: parse them from JSON and apply them to a chip between ticks
 * (docs/faults.md). */
#include "nm_faults.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "nm_chipmap.h"
#include "nm_regmap.h"

static const char *const type_names[NM_FAULT_NTYPES] = {"xbar",         "neuron",     "sched", "prng", "packet",
                                                         "stuck_neuron", "stuck_axon", "drop"};

const char *nm_fault_memory(nm_fault_type t) { return (unsigned)t < NM_FAULT_NTYPES ? type_names[t] : "?"; }

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

/* A whole number member `key` of object o in [lo, hi]; required unless dflt is given
 * (have_dflt). */
static int get_uint(json_t *o, size_t i, const char *key, unsigned long lo, unsigned long hi, int have_dflt,
                    unsigned long dflt, unsigned long *v, char *err, size_t errlen)
{
    json_t *x = json_object_get(o, key);
    if (!x) {
        if (have_dflt) {
            *v = dflt;
            return 0;
        }
        return fail(err, errlen, "faults[%zu].%s: missing (a whole number %lu..%lu)", i, key, lo, hi);
    }
    if (!json_is_integer(x) || json_integer_value(x) < 0 || (unsigned long long)json_integer_value(x) < lo ||
        (unsigned long long)json_integer_value(x) > hi)
        return fail(err, errlen, "faults[%zu].%s: expected a whole number %lu..%lu", i, key, lo, hi);
    *v = (unsigned long)json_integer_value(x);
    return 0;
}

/* The NEURON register and field named `name` (case-insensitive); packet: DEST only. */
static int find_field(const char *name, int packet, unsigned *word, const nm_regmap_field **fld)
{
    unsigned r, k;
    for (r = 0; r < nm_regmap_nregs; r++) {
        const nm_regmap_reg *g = &nm_regmap_regs[r];
        if (g->region_id != NM_REGION_NEURON || (packet && g->offset != NM_NEURON_DEST))
            continue;
        for (k = 0; k < g->nfields; k++)
            if (!strcasecmp(g->fields[k].name, name)) {
                *word = g->offset;
                *fld = &g->fields[k];
                return 0;
            }
    }
    return -1;
}

static const char *const allowed[NM_FAULT_NTYPES] = {
    "tick type core neuron axon", "tick type core neuron field bit", "tick type core axon ahead",
    "tick type core bit",         "tick type core neuron field bit", "tick type core neuron value",
    "tick type core axon value",  "tick type core neuron"};

static int parse_one(json_t *o, size_t i, unsigned mx, unsigned my, unsigned naxons, unsigned nneurons, nm_fault *f,
                     char *err, size_t errlen)
{
    json_t *t = json_object_get(o, "type"), *c = json_object_get(o, "core"), *flip;
    const char *key;
    json_t *val;
    unsigned long v;
    unsigned k;
    if (!json_is_object(o))
        return fail(err, errlen, "faults[%zu]: expected an object", i);
    if (!json_is_string(t))
        return fail(err, errlen, "faults[%zu].type: expected \"flip\", \"stuck_neuron\", \"stuck_axon\" or \"drop\"", i);
    memset(f, 0, sizeof *f);
    if (!strcmp(json_string_value(t), "flip")) {
        flip = json_object_get(o, "memory");
        if (!json_is_string(flip))
            return fail(err, errlen, "faults[%zu].memory: expected \"xbar\", \"neuron\", \"sched\", \"prng\" or \"packet\"",
                        i);
        for (k = 0; k <= NM_FAULT_FLIP_PACKET && strcmp(type_names[k], json_string_value(flip)); k++)
            ;
        if (k > NM_FAULT_FLIP_PACKET)
            return fail(err, errlen,
                        "faults[%zu].memory: \"%s\": expected \"xbar\", \"neuron\", \"sched\", \"prng\" or \"packet\"", i,
                        json_string_value(flip));
        f->type = (nm_fault_type)k;
    } else {
        for (k = NM_FAULT_STUCK_NEURON; k < NM_FAULT_NTYPES && strcmp(type_names[k], json_string_value(t)); k++)
            ;
        if (k == NM_FAULT_NTYPES)
            return fail(err, errlen,
                        "faults[%zu].type: \"%s\": expected \"flip\", \"stuck_neuron\", \"stuck_axon\" or \"drop\"", i,
                        json_string_value(t));
        f->type = (nm_fault_type)k;
    }
    json_object_foreach(o, key, val) {
        char pad[64];
        snprintf(pad, sizeof pad, " %s ", key);
        if (!strcmp(key, "comment") || (f->type <= NM_FAULT_FLIP_PACKET && !strcmp(key, "memory")))
            continue;
        {
            char list[80];
            snprintf(list, sizeof list, " %s ", allowed[f->type]);
            if (!strstr(list, pad))
                return fail(err, errlen, "faults[%zu].%s: not a member of a %s fault (members: %s)", i, key,
                            nm_fault_memory(f->type), allowed[f->type]);
        }
    }
    if (get_uint(o, i, "tick", 0, 0xFFFFFFFFul, 0, 0, &v, err, errlen))
        return -1;
    f->tick = (uint32_t)v;
    if (!json_is_array(c) || json_array_size(c) != 2 || !json_is_integer(json_array_get(c, 0)) ||
        !json_is_integer(json_array_get(c, 1)) || json_integer_value(json_array_get(c, 0)) < 0 ||
        json_integer_value(json_array_get(c, 0)) >= mx || json_integer_value(json_array_get(c, 1)) < 0 ||
        json_integer_value(json_array_get(c, 1)) >= my)
        return fail(err, errlen, "faults[%zu].core: expected [x, y] with x 0..%u and y 0..%u", i, mx - 1, my - 1);
    f->core = (unsigned)(json_integer_value(json_array_get(c, 1)) * mx + json_integer_value(json_array_get(c, 0)));
    if (strstr(allowed[f->type], "neuron")) {
        if (get_uint(o, i, "neuron", 0, nneurons - 1, 0, 0, &v, err, errlen))
            return -1;
        f->neuron = (unsigned)v;
    }
    if (strstr(allowed[f->type], "axon")) {
        if (get_uint(o, i, "axon", 0, naxons - 1, 0, 0, &v, err, errlen))
            return -1;
        f->axon = (unsigned)v;
    }
    if (strstr(allowed[f->type], "value")) {
        if (get_uint(o, i, "value", 0, 1, 0, 0, &v, err, errlen))
            return -1;
        f->value = (unsigned)v;
    }
    switch (f->type) {
    case NM_FAULT_FLIP_SCHED:
        if (get_uint(o, i, "ahead", 0, 15, 1, 0, &v, err, errlen))
            return -1;
        f->ahead = (unsigned)v;
        break;
    case NM_FAULT_FLIP_PRNG:
        if (get_uint(o, i, "bit", 0, 31, 0, 0, &v, err, errlen))
            return -1;
        f->bit = (unsigned)v;
        break;
    case NM_FAULT_FLIP_NEURON:
    case NM_FAULT_FLIP_PACKET: {
        json_t *fn = json_object_get(o, "field");
        const nm_regmap_field *fld;
        int pk = f->type == NM_FAULT_FLIP_PACKET;
        if (!json_is_string(fn) || find_field(json_string_value(fn), pk, &f->word, &fld))
            return fail(err, errlen, "faults[%zu].field: expected %s", i,
                        pk ? "DX, DY, AXON or DELAY"
                           : "a neuron field of docs/register-map.md (S0 S1 S2 S3 B LAMBDA C_LAMBDA EPSILON GAMMA "
                             "KAPPA TM ALPHA BETA R DX DY AXON DELAY V)");
        f->field = fld->name;
        if (get_uint(o, i, "bit", 0, fld->width - 1, 0, 0, &v, err, errlen))
            return -1;
        f->bit = fld->lsb + (unsigned)v;
        break;
    }
    default:
        break;
    }
    return 0;
}

int nm_faults_parse(json_t *root, unsigned mesh_x, unsigned mesh_y, unsigned naxons, unsigned nneurons,
                    nm_fault_plan *p, char *err, size_t errlen)
{
    json_t *a = json_object_get(root, "faults");
    const char *key;
    json_t *val;
    size_t i;
    p->f = NULL;
    p->n = 0;
    if (!json_is_object(root))
        return fail(err, errlen, "top level: expected an object {\"faults\": [...]}");
    json_object_foreach(root, key, val) {
        if (strcmp(key, "faults") && strcmp(key, "comment"))
            return fail(err, errlen, "%s: unknown member (expected \"faults\" and an optional \"comment\")", key);
    }
    if (!json_is_array(a))
        return fail(err, errlen, "faults: expected an array of faults");
    p->f = calloc(json_array_size(a) + 1, sizeof *p->f);
    if (!p->f)
        return fail(err, errlen, "out of memory");
    for (i = 0; i < json_array_size(a); i++)
        if (parse_one(json_array_get(a, i), i, mesh_x, mesh_y, naxons, nneurons, &p->f[i], err, errlen)) {
            nm_faults_free(p);
            return -1;
        }
    p->n = i;
    return 0;
}

int nm_faults_read(const char *path, unsigned mesh_x, unsigned mesh_y, unsigned naxons, unsigned nneurons,
                   nm_fault_plan *p, char *err, size_t errlen)
{
    json_error_t je;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    char e[400];
    int rc;
    p->f = NULL;
    p->n = 0;
    if (!root)
        return fail(err, errlen, "%s:%d:%d: %s", path, je.line, je.column, je.text);
    rc = nm_faults_parse(root, mesh_x, mesh_y, naxons, nneurons, p, e, sizeof e);
    json_decref(root);
    if (rc)
        return fail(err, errlen, "%s: %s", path, e);
    return 0;
}

void nm_faults_free(nm_fault_plan *p)
{
    free(p->f);
    p->f = NULL;
    p->n = 0;
}

int nm_faults_model_only(const nm_fault_plan *p)
{
    size_t i;
    for (i = 0; i < p->n; i++)
        if (p->f[i].type == NM_FAULT_DROP)
            return 1;
    return 0;
}

static uint32_t core_addr(unsigned core, unsigned region, unsigned off)
{
    return nm_chip_paddr(NM_CHIP_REGION_CORE, core, NM_ADDR(region, off));
}

/* XOR `mask` into a core word (read, modify, write through APB). */
static int flip_word(const nm_chip_backend *b, uint32_t addr, uint32_t mask, uint32_t set, uint32_t clr)
{
    uint32_t v = 0;
    if (b->apb_read(b->impl, addr, &v) != NM_OK)
        return -1;
    v = ((v ^ mask) | set) & ~clr;
    return b->apb_write(b->impl, addr, v) != NM_OK ? -1 : 0;
}

/* The scheduler row that the tick `ahead` ticks after the next one reads: between ticks
 * the tick pointer names the row of the tick just run (docs/neuron-model.md section 5). */
static int sched_row(const nm_chip_backend *b, unsigned core, unsigned ahead, unsigned *row)
{
    uint32_t cur = 0;
    if (b->apb_read(b->impl, core_addr(core, NM_REGION_CTRL, NM_CTRL_TICKPTR), &cur) != NM_OK)
        return -1;
    *row = (cur + 1 + ahead) & 15u;
    return 0;
}

int nm_faults_before_tick(const nm_fault_plan *p, const nm_chip_backend *b, uint32_t t, char *err, size_t errlen)
{
    size_t i;
    for (i = 0; i < p->n; i++) {
        const nm_fault *f = &p->f[i];
        unsigned row = 0;
        int rc = 0;
        if (f->tick > t || (f->tick != t && f->type != NM_FAULT_STUCK_NEURON && f->type != NM_FAULT_STUCK_AXON))
            continue;
        switch (f->type) {
        case NM_FAULT_FLIP_XBAR:
            rc = flip_word(b, core_addr(f->core, NM_REGION_XBAR, f->neuron * NM_XBAR_STRIDE + f->axon / 32),
                           1u << (f->axon % 32), 0, 0);
            break;
        case NM_FAULT_FLIP_NEURON:
        case NM_FAULT_FLIP_PACKET: /* the DEST word for this tick only: the packet leaves flipped */
            rc = flip_word(b, core_addr(f->core, NM_REGION_NEURON, f->neuron * NM_NEURON_STRIDE + f->word),
                           1u << f->bit, 0, 0);
            break;
        case NM_FAULT_FLIP_SCHED:
            rc = sched_row(b, f->core, f->ahead, &row);
            if (!rc)
                rc = flip_word(b, core_addr(f->core, NM_REGION_SCHED, row * NM_SCHED_STRIDE + f->axon / 32),
                               1u << (f->axon % 32), 0, 0);
            break;
        case NM_FAULT_FLIP_PRNG: {
            /* a flip that would make the state 0 loads 1 (writing 0 loads 1) */
            rc = flip_word(b, core_addr(f->core, NM_REGION_CTRL, NM_CTRL_PRNG), 1u << f->bit, 0, 0);
            break;
        }
        case NM_FAULT_STUCK_NEURON: {
            /* V = +max (fires whatever the tick adds: at least 524287 - 256*256 - 256 =
             * 458495 > alpha + eta <= 393214) or -min (stays below 0 <= alpha) */
            uint32_t v = f->value ? 0x7FFFFu : 0x80000u;
            rc = b->apb_write(b->impl, core_addr(f->core, NM_REGION_NEURON, f->neuron * NM_NEURON_STRIDE + NM_NEURON_STATE),
                              v) != NM_OK ? -1 : 0;
            break;
        }
        case NM_FAULT_STUCK_AXON:
            rc = sched_row(b, f->core, 0, &row);
            if (!rc)
                rc = flip_word(b, core_addr(f->core, NM_REGION_SCHED, row * NM_SCHED_STRIDE + f->axon / 32), 0,
                               f->value ? 1u << (f->axon % 32) : 0, f->value ? 0 : 1u << (f->axon % 32));
            break;
        case NM_FAULT_DROP:
            if (!b->drop_packet)
                return fail(err, errlen,
                            "faults[%zu]: a dropped packet is model-only (the RTL has no way into its routers from the "
                            "config bus): use --backend ref",
                            i);
            rc = b->drop_packet(b->impl, f->core, f->neuron) != NM_OK ? -1 : 0;
            break;
        default:
            break;
        }
        if (rc)
            return fail(err, errlen, "faults[%zu] (tick %" PRIu32 "): the %s backend refused an APB access", i, t,
                        b->name);
    }
    return 0;
}

int nm_faults_after_tick(const nm_fault_plan *p, const nm_chip_backend *b, uint32_t t, char *err, size_t errlen)
{
    size_t i;
    for (i = 0; i < p->n; i++) {
        const nm_fault *f = &p->f[i];
        if (f->tick == t && f->type == NM_FAULT_FLIP_PACKET &&
            flip_word(b, core_addr(f->core, NM_REGION_NEURON, f->neuron * NM_NEURON_STRIDE + f->word), 1u << f->bit,
                      0, 0))
            return fail(err, errlen, "faults[%zu] (tick %" PRIu32 "): the %s backend refused an APB access", i, t,
                        b->name);
    }
    return 0;
}

json_t *nm_fault_json(const nm_fault *f, unsigned mesh_x)
{
    json_t *o = json_object();
    const nm_regmap_field *fld = NULL;
    unsigned w;
    if (!o)
        return NULL;
    json_object_set_new(o, "tick", json_integer(f->tick));
    json_object_set_new(o, "type", json_string(f->type <= NM_FAULT_FLIP_PACKET ? "flip" : nm_fault_memory(f->type)));
    if (f->type <= NM_FAULT_FLIP_PACKET)
        json_object_set_new(o, "memory", json_string(nm_fault_memory(f->type)));
    json_object_set_new(o, "core", json_pack("[ii]", (int)(f->core % mesh_x), (int)(f->core / mesh_x)));
    if (strstr(allowed[f->type], "neuron"))
        json_object_set_new(o, "neuron", json_integer(f->neuron));
    if (strstr(allowed[f->type], "axon"))
        json_object_set_new(o, "axon", json_integer(f->axon));
    if (f->type == NM_FAULT_FLIP_SCHED)
        json_object_set_new(o, "ahead", json_integer(f->ahead));
    if (f->type == NM_FAULT_FLIP_NEURON || f->type == NM_FAULT_FLIP_PACKET) {
        json_object_set_new(o, "field", json_string(f->field));
        find_field(f->field, f->type == NM_FAULT_FLIP_PACKET, &w, &fld);
        json_object_set_new(o, "bit", json_integer(f->bit - (fld ? fld->lsb : 0)));
    }
    if (f->type == NM_FAULT_FLIP_PRNG)
        json_object_set_new(o, "bit", json_integer(f->bit));
    if (strstr(allowed[f->type], "value"))
        json_object_set_new(o, "value", json_integer(f->value));
    return o;
}
