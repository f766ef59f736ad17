/* nm_load.c - write an image into a chip through the firmware driver, and read host
 * spike programs (`tick,x,y,axon` lines). */
#include "nm_load.h"
#include "nm_output.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "../firmware/nm_fw.h"

static int bus_read(void *ctx, uint32_t a, uint32_t *d)
{
    const nm_chip_backend *b = ctx;
    return b->apb_read(b->impl, a, d);
}

static int bus_write(void *ctx, uint32_t a, uint32_t d)
{
    const nm_chip_backend *b = ctx;
    return b->apb_write(b->impl, a, d);
}

nm_fw_bus nm_chip_fw_bus(const nm_chip_backend *b)
{
    nm_fw_bus bus;
    bus.ctx = (void *)b;
    bus.read32 = bus_read;
    bus.write32 = bus_write;
    return bus;
}

nm_pkt nm_input_packet(const nm_input *in)
{
    nm_pkt p;
    p.dx = (int16_t)in->x;
    p.dy = (int16_t)in->y;
    p.axon = (uint8_t)in->axon;
    p.delay = 1;
    return p;
}

int nm_image_load(const nm_image *im, const nm_chip_backend *b, char *err, size_t errlen)
{
    return nm_image_load_chip(im, 0, b, err, errlen);
}

int nm_image_load_chip(const nm_image *im, unsigned chip, const nm_chip_backend *b, char *err, size_t errlen)
{
    nm_fw_bus bus = nm_chip_fw_bus(b);
    unsigned k, j, xw = im->naxons / 32;
    const nm_image_core *cores = nm_image_chip(im, chip);
    nm_image_stream *st = NULL;
    if (im->mesh_x != b->mesh_x || im->mesh_y != b->mesh_y || im->naxons != b->naxons ||
        im->nneurons != b->nneurons) {
        snprintf(err, errlen,
                 "the image is a %ux%u mesh of %u-axon x %u-neuron cores; the %s backend is %ux%u of %ux%u",
                 im->mesh_x, im->mesh_y, im->naxons, im->nneurons, b->name, b->mesh_x, b->mesh_y, b->naxons,
                 b->nneurons);
        return -1;
    }
    /* an opened image (nm_image_open) is streamed from its file, one core at a time */
    if (!cores && !(st = nm_image_stream_open(im, chip, err, errlen)))
        return -1;
    for (k = 0; k < im->mesh_x * im->mesh_y; k++) {
        const nm_image_core *c = st ? nm_image_stream_next(st, err, errlen) : &cores[k];
        int rc;
        if (!c) {
            nm_image_stream_close(st);
            return -1;
        }
        if (!c->types) {
            snprintf(err, errlen, "chip %u of the image was not read", chip);
            return -1;
        }
        rc = nm_fw_write_axon_types(&bus, k, c->types, im->naxons / 16) || nm_fw_seed_prng(&bus, k, c->prng_seed);
        for (j = 0; !rc && j < im->nneurons; j++)
            rc = nm_fw_write_xbar_row(&bus, k, j, &c->xbar[j * xw], xw) ||
                 nm_fw_write_neuron(&bus, k, j, &c->neurons[j * 7]);
        if (rc) {
            snprintf(err, errlen, "programming core (%u, %u) failed on the %s backend", k % im->mesh_x,
                     k / im->mesh_x, b->name);
            nm_image_stream_close(st);
            return -1;
        }
    }
    nm_image_stream_close(st);
    return 0;
}

static int cmp_input(const void *a, const void *b)
{
    const nm_input *x = a, *y = b;
    return (x->tick > y->tick) - (x->tick < y->tick);
}

/* A non-negative decimal integer field ending at ',' or end of line. */
static int field(const char **p, long max, long *out)
{
    char *end;
    long v;
    while (**p == ' ' || **p == '\t')
        (*p)++;
    if (**p < '0' || **p > '9')
        return -1;
    errno = 0;
    v = strtol(*p, &end, 10);
    if (errno || v > max)
        return -2;
    *p = end;
    while (**p == ' ' || **p == '\t')
        (*p)++;
    *out = v;
    return 0;
}

static const uint8_t nsp_magic[4] = {0x4e, 0x4d, 0x53, 0x50}; /* "NMSP" */

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

/* The binary form (docs/network-format.md): "NMSP", version, count, CRC, 8-byte records. */
static int read_binary(FILE *f, const char *path, unsigned mesh_x, unsigned mesh_y, unsigned naxons, nm_input **out,
                       size_t *n, char *err, size_t errlen)
{
    uint8_t h[16], r[8];
    uint32_t count, k, crc;
    long size;
    nm_input *v;
    if (fread(h, 1, 16, f) != 16) {
        snprintf(err, errlen, "%s: byte 0: file ends inside the 16-byte header", path);
        return -1;
    }
    if (h[4] != 1 || h[5] != 0 || h[6] || h[7]) {
        snprintf(err, errlen, "%s: byte 4: version %u, expected 1 (and reserved 0)", path, h[4] | h[5] << 8);
        return -1;
    }
    count = le32(h + 8);
    if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 || fseek(f, 16, SEEK_SET)) {
        snprintf(err, errlen, "%s: cannot seek", path);
        return -1;
    }
    if ((uint64_t)size != 16u + 8u * (uint64_t)count) {
        snprintf(err, errlen, "%s: byte 8: count %u needs %llu bytes, the file has %ld", path, count,
                 16ull + 8ull * count, size);
        return -1;
    }
    v = malloc(sizeof *v * (count ? count : 1));
    if (!v) {
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    crc = (uint32_t)crc32(0L, Z_NULL, 0);
    for (k = 0; k < count; k++) {
        size_t off = 16u + 8u * (size_t)k;
        uint32_t tick;
        if (fread(r, 1, 8, f) != 8) {
            snprintf(err, errlen, "%s: byte %zu: read error", path, off);
            goto fail;
        }
        crc = (uint32_t)crc32(crc, r, 8);
        tick = le32(r);
        if (tick > 2147483647u || r[4] >= mesh_x || r[5] >= mesh_y || r[6] >= naxons || r[7]) {
            snprintf(err, errlen, "%s: byte %zu: record %u (tick %u, x %u, y %u, axon %u) is outside the chip "
                     "(%ux%u, %u axons) or has reserved bits set", path, off, k, tick, r[4], r[5], r[6], mesh_x,
                     mesh_y, naxons);
            goto fail;
        }
        v[k].tick = tick;
        v[k].x = r[4];
        v[k].y = r[5];
        v[k].axon = r[6];
    }
    if (crc != le32(h + 12)) {
        snprintf(err, errlen, "%s: byte 12: record CRC 0x%08x, computed 0x%08x", path, le32(h + 12), crc);
        goto fail;
    }
    if (count > 1)
        qsort(v, count, sizeof *v, cmp_input);
    *out = v;
    *n = count;
    return 0;
fail:
    free(v);
    return -1;
}

int nm_inputs_write_binary(const char *path, const nm_input *in, size_t n, char *err, size_t errlen)
{
    uint8_t h[16] = {0x4e, 0x4d, 0x53, 0x50, 1, 0, 0, 0}, r[8];
    uint32_t crc = (uint32_t)crc32(0L, Z_NULL, 0);
    size_t k;
    nm_out o;
    int bad;
    for (k = 0; k < n; k++) {
        put_le32(r, in[k].tick);
        r[4] = (uint8_t)in[k].x; r[5] = (uint8_t)in[k].y; r[6] = (uint8_t)in[k].axon; r[7] = 0;
        crc = (uint32_t)crc32(crc, r, 8);
    }
    put_le32(h + 8, (uint32_t)n);
    put_le32(h + 12, crc);
    if (nm_out_open(&o, path, err, errlen)) /* never a half-written file (nm_output.h) */
        return -1;
    bad = fwrite(h, 1, 16, o.f) != 16;
    for (k = 0; !bad && k < n; k++) {
        put_le32(r, in[k].tick);
        r[4] = (uint8_t)in[k].x; r[5] = (uint8_t)in[k].y; r[6] = (uint8_t)in[k].axon; r[7] = 0;
        bad = fwrite(r, 1, 8, o.f) != 8;
    }
    if (bad) {
        nm_out_close(&o, 0, err, 0);
        snprintf(err, errlen, "cannot write %s", path);
        return -1;
    }
    return nm_out_close(&o, 1, err, errlen);
}

int nm_inputs_read(const char *path, unsigned mesh_x, unsigned mesh_y, unsigned naxons, nm_input **out,
                   size_t *n, char *err, size_t errlen)
{
    static const char *const names[4] = {"tick", "x", "y", "axon"};
    const long max[4] = {2147483647L, (long)mesh_x - 1, (long)mesh_y - 1, (long)naxons - 1};
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0, lineno = 0, linecap = 0;
    int data_seen = 0;
    nm_input *v = NULL;
    uint8_t m[4];
    *out = NULL;
    *n = 0;
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (fread(m, 1, 4, f) == 4 && !memcmp(m, nsp_magic, 4)) {
        int rc;
        rewind(f);
        rc = read_binary(f, path, mesh_x, mesh_y, naxons, out, n, err, errlen);
        fclose(f);
        return rc;
    }
    rewind(f);
    while (getline(&line, &linecap, f) != -1) { /* lines of any length */
        const char *p = line;
        long val[4];
        int k, rc;
        lineno++;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '#' || *p == '\n' || *p == '\r' || *p == 0)
            continue;
        /* a header line before the first spike: the one `nmemu run --spikes` writes
         * (tick,x,y,neuron) or its input twin (tick,x,y,axon) */
        if (!data_seen++ && (!strncmp(p, "tick,x,y,neuron", 15) || !strncmp(p, "tick,x,y,axon", 13))) {
            const char *e = p + (p[9] == 'n' ? 15 : 13);
            while (*e == ' ' || *e == '\t' || *e == '\r')
                e++;
            if (*e == '\n' || *e == 0)
                continue;
        }
        for (k = 0; k < 4; k++) {
            if ((rc = field(&p, max[k], &val[k])) != 0) {
                if (rc == -2)
                    snprintf(err, errlen, "%s:%zu: %s is outside 0..%ld", path, lineno, names[k], max[k]);
                else
                    snprintf(err, errlen, "%s:%zu: expected %s as a non-negative integer (tick,x,y,axon)", path,
                             lineno, names[k]);
                goto fail;
            }
            if (k < 3 && *p++ != ',') {
                snprintf(err, errlen, "%s:%zu: expected ',' after %s", path, lineno, names[k]);
                goto fail;
            }
        }
        if (*p != '\n' && *p != '\r' && *p != 0 && *p != '#') {
            snprintf(err, errlen, "%s:%zu: unexpected text after axon", path, lineno);
            goto fail;
        }
        if (*n == cap) {
            nm_input *nv = realloc(v, sizeof *v * (cap = cap ? cap * 2 : 256));
            if (!nv) {
                snprintf(err, errlen, "%s: out of memory", path);
                goto fail;
            }
            v = nv;
        }
        v[*n].tick = (uint32_t)val[0];
        v[*n].x = (uint16_t)val[1];
        v[*n].y = (uint16_t)val[2];
        v[*n].axon = (uint16_t)val[3];
        (*n)++;
    }
    if (ferror(f)) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        goto fail;
    }
    fclose(f);
    free(line);
    if (*n > 1)
        qsort(v, *n, sizeof *v, cmp_input);
    *out = v;
    return 0;
fail:
    fclose(f);
    free(line);
    free(v);
    *n = 0;
    return -1;
}
