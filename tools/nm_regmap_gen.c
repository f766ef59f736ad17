/* nm_regmap_gen.c - a register map's one source of truth (a JSON file in regmap/, e.g.
 * regmap/nm_regmap.json) turned into the Verilog include, the C header, the C name table and the user doc.
 *
 * usage: nm-regmap-gen [--check] MAP.json --c OUT.h --table OUT.c --v OUT.vh --md OUT.md
 *
 * Without --check it writes the four files (each to a temporary name, then renamed), and
 * nm_regmap_types.h next to OUT.h: the name-table types every map's header includes, the
 * same text for every map.
 * With --check it writes nothing and exits 1 if any existing file differs from what it
 * would write, naming the stale files. Errors name the JSON path and the rule broken.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

/* ------------------------------------------------------------------ text buffer */

typedef struct buf {
    char *p;
    size_t len, cap;
} buf;

static void buf_printf(buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;
    for (;;) {
        size_t room = b->cap - b->len;
        va_start(ap, fmt);
        n = vsnprintf(b->p ? b->p + b->len : NULL, room, fmt, ap);
        va_end(ap);
        if (n < 0) {
            fprintf(stderr, "nm-regmap-gen: formatting failed\n");
            exit(2);
        }
        if ((size_t)n < room) {
            b->len += (size_t)n;
            return;
        }
        b->cap = (b->cap + (size_t)n + 1) * 2;
        b->p = realloc(b->p, b->cap);
        if (!b->p) {
            fprintf(stderr, "nm-regmap-gen: out of memory\n");
            exit(2);
        }
    }
}

/* ------------------------------------------------------------------ the map */

typedef struct field {
    const char *name, *desc, *reset;
    unsigned lsb, width;
    int is_signed;
} field;

typedef struct reg {
    const char *name, *access, *desc, *words;
    unsigned offset, nfields;
    field *fields;
} reg;

typedef struct region {
    const char *name, *desc, *count;
    unsigned id, stride, nregs;
    reg *regs;
} region;

typedef struct map {
    const char *src, *desc, *title;
    const char *prefix;   /* macro prefix, e.g. NM or NM_CHIP */
    const char *table;    /* C table name, e.g. nm_regmap */
    unsigned addr_bits, region_shift, nregions;
    region *regions;
} map;

static const char *g_src;

static void die_at(const char *path, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: %s: ", g_src, path);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1);
}

static const char *get_str(json_t *o, const char *key, const char *path, int required)
{
    json_t *v = json_object_get(o, key);
    if (!v) {
        if (required)
            die_at(path, "missing \"%s\" (a string)", key);
        return NULL;
    }
    if (!json_is_string(v))
        die_at(path, "\"%s\" must be a string", key);
    return json_string_value(v);
}

static unsigned get_uint(json_t *o, const char *key, const char *path, unsigned max)
{
    json_t *v = json_object_get(o, key);
    json_int_t i;
    if (!v || !json_is_integer(v))
        die_at(path, "missing or non-integer \"%s\"", key);
    i = json_integer_value(v);
    if (i < 0 || (unsigned long long)i > max)
        die_at(path, "\"%s\": %lld is outside 0..%u", key, (long long)i, max);
    return (unsigned)i;
}

static int is_ident(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return 0;
    return 1;
}

static void check_keys(json_t *o, const char *path, const char *const *allowed)
{
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v) {
        const char *const *a;
        int ok = 0;
        (void)v;
        for (a = allowed; *a; a++)
            if (!strcmp(*a, key))
                ok = 1;
        if (!ok)
            die_at(path, "unknown key \"%s\"", key);
    }
}

static void load_field(json_t *j, const char *path, field *f)
{
    static const char *const keys[] = {"name", "lsb", "width", "signed", "reset", "description", NULL};
    json_t *s;
    if (!json_is_object(j))
        die_at(path, "must be an object");
    check_keys(j, path, keys);
    f->name = get_str(j, "name", path, 1);
    if (!is_ident(f->name))
        die_at(path, "name \"%s\" must be upper case letters, digits and _", f->name);
    f->lsb = get_uint(j, "lsb", path, 31);
    f->width = get_uint(j, "width", path, 32);
    if (f->width == 0 || f->lsb + f->width > 32)
        die_at(path, "bits %u..%u do not fit a 32-bit word", f->lsb + f->width - 1, f->lsb);
    s = json_object_get(j, "signed");
    f->is_signed = s && json_is_true(s);
    f->reset = get_str(j, "reset", path, 0);
    f->desc = get_str(j, "description", path, 0);
    if (f->reset) {
        char *end;
        unsigned long long r;
        errno = 0;
        r = strtoull(f->reset, &end, 0);
        if (errno || *end || (f->width < 32 && r >> f->width))
            die_at(path, "reset \"%s\" is not a number that fits %u bits", f->reset, f->width);
    }
}

static void load_reg(json_t *j, const char *path, unsigned stride, reg *r)
{
    static const char *const keys[] = {"name", "offset", "access", "description", "words", "fields", NULL};
    json_t *fs = json_object_get(j, "fields");
    size_t i, k;
    char p[512];
    if (!json_is_object(j))
        die_at(path, "must be an object");
    check_keys(j, path, keys);
    r->name = get_str(j, "name", path, 1);
    if (!is_ident(r->name))
        die_at(path, "name \"%s\" must be upper case letters, digits and _", r->name);
    r->offset = get_uint(j, "offset", path, 0xffff);
    if (stride && r->offset >= stride)
        die_at(path, "offset %u is not below the region's stride %u", r->offset, stride);
    r->access = get_str(j, "access", path, 1);
    if (strcmp(r->access, "ro") && strcmp(r->access, "rw") && strcmp(r->access, "wo"))
        die_at(path, "access \"%s\" must be ro, rw or wo", r->access);
    r->desc = get_str(j, "description", path, 0);
    r->words = get_str(j, "words", path, 0);
    if (!json_is_array(fs) || json_array_size(fs) == 0)
        die_at(path, "\"fields\" must be a non-empty array");
    r->nfields = (unsigned)json_array_size(fs);
    r->fields = calloc(r->nfields, sizeof *r->fields);
    for (i = 0; i < r->nfields; i++) {
        snprintf(p, sizeof p, "%s.fields[%zu]", path, i);
        load_field(json_array_get(fs, i), p, &r->fields[i]);
        for (k = 0; k < i; k++) {
            const field *a = &r->fields[k], *b = &r->fields[i];
            if (!strcmp(a->name, b->name))
                die_at(p, "field name %s used twice", b->name);
            if (a->lsb < b->lsb + b->width && b->lsb < a->lsb + a->width)
                die_at(p, "overlaps field %s", a->name);
        }
    }
}

static void load_map(const char *src, map *m)
{
    static const char *const keys[] = {"name", "title", "prefix", "table", "description", "word_bits",
                                       "addr_bits", "region_shift", "regions", NULL};
    static const char *const rkeys[] = {"name", "id", "stride", "count", "description", "registers", NULL};
    json_error_t err;
    json_t *root = json_load_file(src, JSON_REJECT_DUPLICATES, &err);
    json_t *rs;
    size_t i, k, q;
    char p[256];

    g_src = src;
    if (!root) {
        fprintf(stderr, "%s:%d:%d: %s\n", src, err.line, err.column, err.text);
        exit(1);
    }
    if (!json_is_object(root))
        die_at("(top)", "must be an object");
    check_keys(root, "(top)", keys);
    m->src = src;
    m->desc = get_str(root, "description", "(top)", 0);
    m->title = get_str(root, "title", "(top)", 1);
    m->prefix = get_str(root, "prefix", "(top)", 1);
    m->table = get_str(root, "table", "(top)", 1);
    if (!is_ident(m->prefix))
        die_at("(top)", "prefix \"%s\" must be upper case letters, digits and _", m->prefix);
    if (get_uint(root, "word_bits", "(top)", 64) != 32)
        die_at("(top)", "word_bits must be 32");
    m->addr_bits = get_uint(root, "addr_bits", "(top)", 32);
    m->region_shift = get_uint(root, "region_shift", "(top)", 31);
    if (m->region_shift >= m->addr_bits)
        die_at("(top)", "region_shift %u must be below addr_bits %u", m->region_shift, m->addr_bits);
    rs = json_object_get(root, "regions");
    if (!json_is_array(rs) || json_array_size(rs) == 0)
        die_at("(top)", "\"regions\" must be a non-empty array");
    m->nregions = (unsigned)json_array_size(rs);
    m->regions = calloc(m->nregions, sizeof *m->regions);
    for (i = 0; i < m->nregions; i++) {
        json_t *rj = json_array_get(rs, i), *regs;
        region *r = &m->regions[i];
        snprintf(p, sizeof p, "regions[%zu]", i);
        if (!json_is_object(rj))
            die_at(p, "must be an object");
        check_keys(rj, p, rkeys);
        r->name = get_str(rj, "name", p, 1);
        if (!is_ident(r->name))
            die_at(p, "name \"%s\" must be upper case letters, digits and _", r->name);
        r->id = get_uint(rj, "id", p, (1u << (m->addr_bits - m->region_shift)) - 1);
        r->stride = get_uint(rj, "stride", p, 1u << m->region_shift);
        r->count = get_str(rj, "count", p, r->stride != 0);
        r->desc = get_str(rj, "description", p, 0);
        for (k = 0; k < i; k++) {
            if (m->regions[k].id == r->id)
                die_at(p, "id %u already used by region %s", r->id, m->regions[k].name);
            if (!strcmp(m->regions[k].name, r->name))
                die_at(p, "region name %s used twice", r->name);
        }
        regs = json_object_get(rj, "registers");
        if (!json_is_array(regs) || json_array_size(regs) == 0)
            die_at(p, "\"registers\" must be a non-empty array");
        r->nregs = (unsigned)json_array_size(regs);
        r->regs = calloc(r->nregs, sizeof *r->regs);
        for (k = 0; k < r->nregs; k++) {
            char rp[300];
            snprintf(rp, sizeof rp, "%s.registers[%zu]", p, k);
            load_reg(json_array_get(regs, k), rp, r->stride, &r->regs[k]);
            for (q = 0; q < k; q++) {
                if (!strcmp(r->regs[q].name, r->regs[k].name))
                    die_at(rp, "register name %s used twice", r->regs[k].name);
                if (r->regs[q].offset == r->regs[k].offset)
                    die_at(rp, "offset %u already used by %s", r->regs[k].offset, r->regs[q].name);
            }
        }
    }
    /* the strings stay owned by root, which lives until exit */
}

static unsigned long long field_mask(const field *f)
{
    return f->width >= 32 ? 0xffffffffull : ((1ull << f->width) - 1);
}

/* ------------------------------------------------------------------ outputs */

static void gen_c_header(const map *m, buf *b)
{
    const char *P = m->prefix;
    unsigned i, k, q;
    buf_printf(b, "/* Generated by tools/nm_regmap_gen.c from %s. Do not edit. */\n", m->src);
    buf_printf(b, "#ifndef %s_MAP_H\n#define %s_MAP_H\n\n#include <stdint.h>\n\n#include \"nm_regmap_types.h\"\n\n", P,
               P);
    buf_printf(b, "#define %s_ADDR_BITS %uu\n#define %s_REGION_SHIFT %uu\n", P, m->addr_bits, P, m->region_shift);
    buf_printf(b, "#define %s_ADDR(region, offset) (((uint32_t)(region) << %s_REGION_SHIFT) | (uint32_t)(offset))\n\n",
               P, P);
    for (i = 0; i < m->nregions; i++) {
        const region *r = &m->regions[i];
        buf_printf(b, "/* %s: %s */\n", r->name, r->desc ? r->desc : "");
        buf_printf(b, "#define %s_REGION_%s %uu\n", P, r->name, r->id);
        if (r->stride)
            buf_printf(b, "#define %s_%s_STRIDE %uu\n", P, r->name, r->stride);
        buf_printf(b, "#define %s_%s_NREGS %uu\n", P, r->name, r->nregs);
        for (k = 0; k < r->nregs; k++) {
            const reg *g = &r->regs[k];
            buf_printf(b, "#define %s_%s_%s %uu\n", P, r->name, g->name, g->offset);
            for (q = 0; q < g->nfields; q++) {
                const field *f = &g->fields[q];
                buf_printf(b, "#define %s_%s_%s_%s_LSB %uu\n", P, r->name, g->name, f->name, f->lsb);
                buf_printf(b, "#define %s_%s_%s_%s_WIDTH %uu\n", P, r->name, g->name, f->name, f->width);
                buf_printf(b, "#define %s_%s_%s_%s_MASK 0x%llxu\n", P, r->name, g->name, f->name, field_mask(f));
                if (f->is_signed)
                    buf_printf(b, "#define %s_%s_%s_%s_SIGNED 1\n", P, r->name, g->name, f->name);
                if (f->reset)
                    buf_printf(b, "#define %s_%s_%s_%s_RESET 0x%llXu\n", P, r->name, g->name, f->name,
                               strtoull(f->reset, NULL, 0));
            }
        }
        buf_printf(b, "\n");
    }
    buf_printf(b, "extern const nm_regmap_reg %s_regs[];\nextern const unsigned %s_nregs;\n\n", m->table,
               m->table);
    buf_printf(b, "#endif\n");
}

/* nm_regmap_types.h: the types of every map's name table (one text, whatever the map). */
static void gen_c_types(buf *b)
{
    buf_printf(b, "/* nm_regmap_types.h - the types of the register maps' name tables. Generated by "
                  "tools/nm_regmap_gen.c. Do not edit. */\n");
    buf_printf(b, "#ifndef NM_REGMAP_TYPES\n#define NM_REGMAP_TYPES\n\n");
    buf_printf(b, "/* Names of every register and field, for diagnostics. */\n");
    buf_printf(b, "typedef struct nm_regmap_field {\n    const char *name;\n    unsigned lsb, width;\n"
                  "    int is_signed;\n} nm_regmap_field;\n\n");
    buf_printf(b, "typedef struct nm_regmap_reg {\n    const char *region;\n    const char *name;\n"
                  "    unsigned region_id, offset, stride;\n    const char *access;\n    unsigned nfields;\n"
                  "    const nm_regmap_field *fields;\n} nm_regmap_reg;\n\n#endif\n");
}

static void gen_c_table(const map *m, const char *header, buf *b)
{
    unsigned i, k, q, n = 0;
    const char *base = strrchr(header, '/');
    buf_printf(b, "/* Generated by tools/nm_regmap_gen.c from %s. Do not edit. */\n", m->src);
    buf_printf(b, "#include \"%s\"\n\n", base ? base + 1 : header);
    for (i = 0; i < m->nregions; i++)
        for (k = 0; k < m->regions[i].nregs; k++) {
            const reg *g = &m->regions[i].regs[k];
            buf_printf(b, "static const nm_regmap_field f_%s_%s[] = {\n", m->regions[i].name, g->name);
            for (q = 0; q < g->nfields; q++)
                buf_printf(b, "    {\"%s\", %u, %u, %d},\n", g->fields[q].name, g->fields[q].lsb,
                           g->fields[q].width, g->fields[q].is_signed);
            buf_printf(b, "};\n");
        }
    buf_printf(b, "\nconst nm_regmap_reg %s_regs[] = {\n", m->table);
    for (i = 0; i < m->nregions; i++)
        for (k = 0; k < m->regions[i].nregs; k++) {
            const region *r = &m->regions[i];
            const reg *g = &r->regs[k];
            buf_printf(b, "    {\"%s\", \"%s\", %u, %u, %u, \"%s\", %u, f_%s_%s},\n", r->name, g->name,
                       r->id, g->offset, r->stride, g->access, g->nfields, r->name, g->name);
            n++;
        }
    buf_printf(b, "};\n\nconst unsigned %s_nregs = %u;\n", m->table, n);
}

static void gen_verilog(const map *m, buf *b)
{
    const char *P = m->prefix;
    unsigned i, k, q;
    buf_printf(b, "// Generated by tools/nm_regmap_gen.c from %s. Do not edit.\n", m->src);
    buf_printf(b, "`ifndef %s_MAP_VH\n`define %s_MAP_VH\n", P, P);
    buf_printf(b, "`define %s_ADDR_BITS %u\n`define %s_REGION_SHIFT %u\n", P, m->addr_bits, P, m->region_shift);
    for (i = 0; i < m->nregions; i++) {
        const region *r = &m->regions[i];
        buf_printf(b, "// %s\n`define %s_REGION_%s %u\n", r->name, P, r->name, r->id);
        if (r->stride)
            buf_printf(b, "`define %s_%s_STRIDE %u\n", P, r->name, r->stride);
        buf_printf(b, "`define %s_%s_NREGS %u\n", P, r->name, r->nregs);
        for (k = 0; k < r->nregs; k++) {
            const reg *g = &r->regs[k];
            buf_printf(b, "`define %s_%s_%s %u\n", P, r->name, g->name, g->offset);
            for (q = 0; q < g->nfields; q++) {
                const field *f = &g->fields[q];
                buf_printf(b, "`define %s_%s_%s_%s_LSB %u\n", P, r->name, g->name, f->name, f->lsb);
                buf_printf(b, "`define %s_%s_%s_%s_WIDTH %u\n", P, r->name, g->name, f->name, f->width);
                if (f->reset)
                    buf_printf(b, "`define %s_%s_%s_%s_RESET %u'h%llX\n", P, r->name, g->name, f->name,
                               f->width, strtoull(f->reset, NULL, 0));
            }
        }
    }
    buf_printf(b, "`endif\n");
}

static void gen_markdown(const map *m, buf *b)
{
    unsigned i, k, q;
    buf_printf(b, "<!-- Generated by tools/nm_regmap_gen.c from %s. Do not edit: run `make regmap`. -->\n",
               m->src);
    buf_printf(b, "# %s\n\n%s\n\n", m->title, m->desc ? m->desc : "");
    buf_printf(b, "Word address: %u bits, `address = region << %u | offset`. Data: 32 bits.\n\n",
               m->addr_bits, m->region_shift);
    buf_printf(b, "| region | id | element | stride (words) | elements | description |\n|---|---|---|---|---|---|\n");
    for (i = 0; i < m->nregions; i++) {
        const region *r = &m->regions[i];
        buf_printf(b, "| %s | %u | %s | %u | %s | %s |\n", r->name, r->id, r->stride ? "array" : "registers",
                   r->stride, r->count ? r->count : "1", r->desc ? r->desc : "");
    }
    for (i = 0; i < m->nregions; i++) {
        const region *r = &m->regions[i];
        buf_printf(b, "\n## %s (region %u)\n\n%s\n\n", r->name, r->id, r->desc ? r->desc : "");
        if (r->stride)
            buf_printf(b, "Element `n` (0 .. %s - 1) starts at offset `n * %u`.\n\n", r->count, r->stride);
        buf_printf(b, "| offset | register | access | description |\n|---|---|---|---|\n");
        for (k = 0; k < r->nregs; k++) {
            const reg *g = &r->regs[k];
            char off[64];
            if (g->words)
                snprintf(off, sizeof off, "%u .. %u + %s - 1", g->offset, g->offset, g->words);
            else
                snprintf(off, sizeof off, "%u", g->offset);
            buf_printf(b, "| %s | %s | %s | %s |\n", off, g->name, g->access, g->desc ? g->desc : "");
        }
        for (k = 0; k < r->nregs; k++) {
            const reg *g = &r->regs[k];
            buf_printf(b, "\n**%s.%s** fields:\n\n| bits | field | signed | reset | description |\n"
                          "|---|---|---|---|---|\n", r->name, g->name);
            for (q = 0; q < g->nfields; q++) {
                const field *f = &g->fields[q];
                buf_printf(b, "| %u:%u | %s | %s | %s | %s |\n", f->lsb + f->width - 1, f->lsb, f->name,
                           f->is_signed ? "yes" : "no", f->reset ? f->reset : "-", f->desc ? f->desc : "");
            }
        }
    }
}

/* ------------------------------------------------------------------ files */

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *p = NULL;
    size_t cap = 0, n;
    *len = 0;
    if (!f)
        return NULL;
    for (;;) {
        if (*len + 4096 > cap) {
            cap = (cap + 4096) * 2;
            p = realloc(p, cap);
            if (!p) {
                fclose(f);
                return NULL;
            }
        }
        n = fread(p + *len, 1, cap - *len, f);
        *len += n;
        if (n == 0)
            break;
    }
    fclose(f);
    return p;
}

/* Write via a temporary name and rename, so a reader never sees half a file. */
static int write_atomic(const char *path, const buf *b)
{
    char tmp[4096];
    FILE *f;
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    f = fopen(tmp, "wb");
    if (!f || fwrite(b->p, 1, b->len, f) != b->len || fclose(f) != 0) {
        fprintf(stderr, "nm-regmap-gen: cannot write %s: %s\n", tmp, strerror(errno));
        remove(tmp);
        return 1;
    }
    if (rename(tmp, path) != 0) {
        fprintf(stderr, "nm-regmap-gen: cannot rename %s to %s: %s\n", tmp, path, strerror(errno));
        remove(tmp);
        return 1;
    }
    return 0;
}

static int emit(const char *path, const buf *b, int check)
{
    size_t len;
    char *old;
    int same;
    if (!check)
        return write_atomic(path, b);
    old = read_all(path, &len);
    same = old && len == b->len && memcmp(old, b->p, len) == 0;
    free(old);
    if (!same)
        fprintf(stderr, "stale: %s (run make regmap)\n", path);
    return !same;
}

int main(int argc, char **argv)
{
    const char *src = NULL, *out_c = NULL, *out_t = NULL, *out_v = NULL, *out_md = NULL;
    int check = 0, i, bad = 0;
    map m;
    buf bc = {0}, bt = {0}, bv = {0}, bm = {0}, by = {0};
    char types[4096];
    const char *slash;

    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--check"))
            check = 1;
        else if (!strcmp(argv[i], "--c") && i + 1 < argc)
            out_c = argv[++i];
        else if (!strcmp(argv[i], "--table") && i + 1 < argc)
            out_t = argv[++i];
        else if (!strcmp(argv[i], "--v") && i + 1 < argc)
            out_v = argv[++i];
        else if (!strcmp(argv[i], "--md") && i + 1 < argc)
            out_md = argv[++i];
        else if (argv[i][0] != '-' && !src)
            src = argv[i];
        else
            src = NULL, i = argc;
    }
    if (!src || !out_c || !out_t || !out_v || !out_md) {
        fprintf(stderr, "usage: %s [--check] MAP.json --c OUT.h --table OUT.c --v OUT.vh --md OUT.md\n",
                argv[0]);
        return 2;
    }
    memset(&m, 0, sizeof m);
    load_map(src, &m);
    slash = strrchr(out_c, '/');
    snprintf(types, sizeof types, "%.*snm_regmap_types.h", slash ? (int)(slash - out_c + 1) : 0, out_c);
    gen_c_header(&m, &bc);
    gen_c_types(&by);
    gen_c_table(&m, out_c, &bt);
    gen_verilog(&m, &bv);
    gen_markdown(&m, &bm);
    bad |= emit(types, &by, check); /* before the header that includes it */
    bad |= emit(out_c, &bc, check);
    bad |= emit(out_t, &bt, check);
    bad |= emit(out_v, &bv, check);
    bad |= emit(out_md, &bm, check);
    if (check && !bad)
        printf("regmap: generated files are up to date with %s\n", src);
    return bad;
}
