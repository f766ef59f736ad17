/* nm_load.c - write an image into a chip through the firmware driver, and read host
 * spike programs (`tick,x,y,axon` lines). */
#include "nm_load.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int nm_image_load(const nm_image *im, const nm_chip_backend *b, char *err, size_t errlen)
{
    nm_fw_bus bus;
    unsigned k, j, xw = im->naxons / 32;
    if (im->mesh_x != b->mesh_x || im->mesh_y != b->mesh_y || im->naxons != b->naxons ||
        im->nneurons != b->nneurons) {
        snprintf(err, errlen,
                 "the image is a %ux%u mesh of %u-axon x %u-neuron cores; the %s backend is %ux%u of %ux%u",
                 im->mesh_x, im->mesh_y, im->naxons, im->nneurons, b->name, b->mesh_x, b->mesh_y, b->naxons,
                 b->nneurons);
        return -1;
    }
    bus.ctx = (void *)b;
    bus.read32 = bus_read;
    bus.write32 = bus_write;
    for (k = 0; k < im->mesh_x * im->mesh_y; k++) {
        const nm_image_core *c = &im->cores[k];
        int rc = nm_fw_write_axon_types(&bus, k, c->types, im->naxons / 16) || nm_fw_seed_prng(&bus, k, c->prng_seed);
        for (j = 0; !rc && j < im->nneurons; j++)
            rc = nm_fw_write_xbar_row(&bus, k, j, &c->xbar[j * xw], xw) ||
                 nm_fw_write_neuron(&bus, k, j, &c->neurons[j * 7]);
        if (rc) {
            snprintf(err, errlen, "programming core (%u, %u) failed on the %s backend", k % im->mesh_x,
                     k / im->mesh_x, b->name);
            return -1;
        }
    }
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

int nm_inputs_read(const char *path, unsigned mesh_x, unsigned mesh_y, unsigned naxons, nm_input **out,
                   size_t *n, char *err, size_t errlen)
{
    static const char *const names[4] = {"tick", "x", "y", "axon"};
    const long max[4] = {2147483647L, (long)mesh_x - 1, (long)mesh_y - 1, (long)naxons - 1};
    FILE *f = fopen(path, "r");
    char line[512];
    size_t cap = 0, lineno = 0;
    nm_input *v = NULL;
    *out = NULL;
    *n = 0;
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    while (fgets(line, sizeof line, f)) {
        const char *p = line;
        long val[4];
        int k, rc;
        lineno++;
        if (!strchr(line, '\n') && !feof(f)) {
            snprintf(err, errlen, "%s:%zu: line longer than %zu characters", path, lineno, sizeof line - 2);
            goto fail;
        }
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '#' || *p == '\n' || *p == '\r' || *p == 0)
            continue;
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
    fclose(f);
    if (*n > 1)
        qsort(v, *n, sizeof *v, cmp_input);
    *out = v;
    return 0;
fail:
    fclose(f);
    free(v);
    *n = 0;
    return -1;
}
