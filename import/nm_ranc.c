/* nm_ranc.c - RANC memory files to a TrueNorth-mode image and spike program.
 *
 * A CSRAM line is one neuron, most significant bit first: synapses (NUM_AXONS bits, the
 * leftmost is axon NUM_AXONS-1), current potential, reset potential, weights 0..3, leak,
 * positive threshold, negative threshold (9-bit two's complement each), reset mode (1 bit),
 * dx, dy (9-bit two's complement), destination axon (log2 NUM_AXONS bits), delivery tick
 * (4 bits). A tc line is the axon's type (2 bits). Layout as written by RANC's rancutils
 * (write_cores) and read by its Core.v; mapping rules in docs/import.md. */
#include "nm_ranc.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nm_core_prog.h"

static int rfail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

static unsigned log2u(unsigned v)
{
    unsigned k = 0;
    while ((1u << k) < v)
        k++;
    return k;
}

/* Bits [pos, pos+w) of a '0'/'1' string as unsigned. */
static unsigned bits(const char *s, unsigned pos, unsigned w)
{
    unsigned v = 0, i;
    for (i = 0; i < w; i++)
        v = v << 1 | (unsigned)(s[pos + i] - '0');
    return v;
}

static int sext(unsigned v, unsigned w)
{
    return (v >> (w - 1)) & 1u ? (int)v - (1 << w) : (int)v;
}

/* Read lines of 0/1 of one length into a new array of strings. */
static int read_bitlines(const char *path, char ***lines, size_t *n, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    char buf[2048];
    size_t ln = 0;
    *lines = NULL;
    *n = 0;
    *len = 0;
    if (!f)
        return rfail(err, errlen, "%s: cannot open", path);
    while (fgets(buf, sizeof buf, f)) {
        size_t l = strcspn(buf, "\r\n"), i;
        char **nl;
        ln++;
        buf[l] = 0;
        if (l == 0)
            continue;
        for (i = 0; i < l; i++)
            if (buf[i] != '0' && buf[i] != '1') {
                fclose(f);
                return rfail(err, errlen, "%s:%zu: character %zu is '%c', expected binary digits", path, ln, i + 1,
                             buf[i]);
            }
        if (*len && l != *len) {
            fclose(f);
            return rfail(err, errlen, "%s:%zu: %zu bits, the lines before have %zu", path, ln, l, *len);
        }
        *len = l;
        nl = realloc(*lines, (*n + 1) * sizeof *nl);
        if (!nl) {
            fclose(f);
            return rfail(err, errlen, "out of memory");
        }
        *lines = nl;
        nl[*n] = strdup(buf);
        if (!nl[*n]) {
            fclose(f);
            return rfail(err, errlen, "out of memory");
        }
        (*n)++;
    }
    fclose(f);
    return 0;
}

static void free_lines(char **l, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        free(l[i]);
    free(l);
}

/* The core number of "csram_NNN.mem" (or "tc_NNN.mem"), or -1. */
static long file_index(const char *name, const char *prefix)
{
    size_t lp = strlen(prefix), l = strlen(name), i;
    long v = 0;
    if (l <= lp + 4 || strncmp(name, prefix, lp) || strcmp(name + l - 4, ".mem"))
        return -1;
    for (i = lp; i < l - 4; i++) {
        if (name[i] < '0' || name[i] > '9')
            return -1;
        v = v * 10 + (name[i] - '0');
        if (v > 100000)
            return -1;
    }
    return v;
}

static int read_core(const char *dir, const char *csram, const char *tc, unsigned x, unsigned y,
                     const nm_ranc_opts *o, nm_ranc_net *out, char *err, size_t errlen)
{
    char path[4096], tpath[4096];
    char **L = NULL, **T = NULL;
    size_t n = 0, len = 0, nt = 0, tl = 0, j;
    unsigned A = 0, aw, cand, a;
    nm_image_core *ic;
    int rc = -1;
    snprintf(path, sizeof path, "%s/%s", dir, csram);
    if (read_bitlines(path, &L, &n, &len, err, errlen))
        goto out;
    /* NUM_AXONS + 9*9 + 1 + 9 + 9 + log2(NUM_AXONS) + 4 */
    for (cand = 256; cand >= 32; cand /= 2)
        if (len == cand + 104 + log2u(cand))
            A = cand;
    if (!A) {
        rfail(err, errlen, "%s:1: a CSRAM line of %zu bits; RANC's layout with 256, 128, 64 or 32 axons has 368, "
                           "239, 174 or 141 bits (synapses, potential, reset, 4 weights, leak, 2 thresholds, reset "
                           "mode, dx, dy, axon, tick)", path, len);
        goto out;
    }
    if (n == 0 || n > 256) {
        rfail(err, errlen, "%s: %zu neurons; a core has 1..256", path, n);
        goto out;
    }
    if (out->naxons && (A != out->naxons || n != out->nneurons)) {
        rfail(err, errlen, "%s: %u axons x %zu neurons, the cores read before have %u x %u", path, A, n,
              out->naxons, out->nneurons);
        goto out;
    }
    if (!out->im) {
        out->im = nm_image_new(o->grid_x, o->grid_y, A, (unsigned)n);
        if (!out->im) {
            rfail(err, errlen, "cannot make a %u x %u image", o->grid_x, o->grid_y);
            goto out;
        }
        out->naxons = A;
        out->nneurons = (unsigned)n;
        /* every neuron disabled until its line says otherwise */
        {
            nm_neuron_cfg d;
            uint32_t w[NM_NEURON_WORDS];
            size_t c;
            unsigned k;
            memset(&d, 0, sizeof d);
            d.alpha = d.beta = 262143;
            d.kappa = 1;
            d.dest_delay = 1;
            nm_neuron_pack(&d, w);
            for (c = 0; c < (size_t)o->grid_x * o->grid_y; c++)
                for (k = 0; k < n; k++)
                    memcpy(out->im->cores[c].neurons + (size_t)k * NM_NEURON_WORDS, w, sizeof w);
        }
    }
    ic = &out->im->cores[(size_t)y * o->grid_x + x];
    aw = log2u(A);
    for (j = 0; j < n; j++) {
        const char *s = L[j];
        unsigned p = A;
        int V, R, wt[4], leak, pos, neg, dx, dy, k;
        unsigned mode, axon, tick;
        nm_neuron_cfg c;
        for (a = 0; a < A; a++)
            if (s[A - 1 - a] == '1')
                ic->xbar[j * (A / 32) + a / 32] |= 1u << (a % 32);
        V = sext(bits(s, p, 9), 9); p += 9;
        R = sext(bits(s, p, 9), 9); p += 9;
        for (k = 0; k < 4; k++, p += 9)
            wt[k] = sext(bits(s, p, 9), 9);
        leak = sext(bits(s, p, 9), 9); p += 9;
        pos = sext(bits(s, p, 9), 9); p += 9;
        neg = sext(bits(s, p, 9), 9); p += 9;
        mode = bits(s, p, 1); p += 1;
        dx = sext(bits(s, p, 9), 9); p += 9;
        dy = sext(bits(s, p, 9), 9); p += 9;
        axon = bits(s, p, aw); p += aw;
        tick = bits(s, p, 4);
        if (pos < 0) {
            rfail(err, errlen, "%s:%zu: neuron %zu: positive threshold %d; RANC then fires whenever V >= %d, "
                               "nmemu's alpha is 0..262143", path, j + 1, j, pos, pos);
            goto out;
        }
        if (neg > 0) {
            rfail(err, errlen, "%s:%zu: neuron %zu: negative threshold %d above 0; RANC resets when V < %d, "
                               "nmemu's negative threshold is -beta with beta >= 0", path, j + 1, j, neg, neg);
            goto out;
        }
        if (tick >= 15) {
            rfail(err, errlen, "%s:%zu: neuron %zu: delivery tick %u; RANC's scheduler refuses 15 (it would "
                               "write the row being read), nmemu's delay is 1..15", path, j + 1, j, tick);
            goto out;
        }
        memset(&c, 0, sizeof c);
        for (k = 0; k < 4; k++)
            c.s[k] = (int16_t)wt[k];
        c.lambda = (int16_t)leak;
        c.alpha = (uint32_t)pos;
        c.beta = (uint32_t)-neg;
        c.gamma = (uint8_t)mode;
        c.kappa = 0;
        c.R = R;
        c.V = V;
        if (o->out_x >= 0 && (int)x + dx == o->out_x && (int)y + dy == o->out_y) {
            /* the output bus: leave the chip eastward, in this core's row */
            dx = (int)o->grid_x - (int)x;
            dy = 0;
            out->to_output_bus++;
        }
        c.dx = (int16_t)dx;
        c.dy = (int16_t)dy;
        c.dest_axon = (uint8_t)axon;
        c.dest_delay = (uint8_t)(tick + 1);
        {
            char e2[200];
            if (nm_neuron_check(&c, e2, sizeof e2)) {
                rfail(err, errlen, "%s:%zu: neuron %zu: %s", path, j + 1, j, e2);
                goto out;
            }
        }
        nm_neuron_pack(&c, ic->neurons + j * NM_NEURON_WORDS);
    }
    snprintf(tpath, sizeof tpath, "%s/%s", dir, tc);
    if (read_bitlines(tpath, &T, &nt, &tl, err, errlen))
        goto out;
    if (nt != A || tl != 2) {
        rfail(err, errlen, "%s: %zu lines of %zu bits; expected %u lines (one per axon) of 2 bits (the axon type)",
              tpath, nt, tl, A);
        goto out;
    }
    for (a = 0; a < A; a++)
        ic->types[a / 16] |= bits(T[a], 0, 2) << (2 * (a % 16));
    ic->prng_seed = 1;
    out->cores_read++;
    rc = 0;
out:
    free_lines(L, n);
    free_lines(T, nt);
    return rc;
}

static int in_cmp(const void *a, const void *b)
{
    const nm_input *x = a, *y = b;
    return x->tick < y->tick ? -1 : x->tick > y->tick;
}

static int read_inputs(const char *dir, const nm_ranc_opts *o, nm_ranc_net *out, char *err, size_t errlen)
{
    char p1[4096], p2[4096];
    char **L = NULL;
    size_t n = 0, len = 0, k = 0, line = 0, i;
    FILE *f;
    char buf[128];
    unsigned aw = log2u(out->naxons);
    snprintf(p1, sizeof p1, "%s/tb_input.txt", dir);
    snprintf(p2, sizeof p2, "%s/tb_num_inputs.txt", dir);
    f = fopen(p2, "r");
    if (!f) {
        FILE *g = fopen(p1, "r");
        if (g) {
            fclose(g);
            return rfail(err, errlen, "%s: tb_input.txt needs tb_num_inputs.txt (packets per tick) beside it", p2);
        }
        return 0; /* no inputs */
    }
    if (read_bitlines(p1, &L, &n, &len, err, errlen)) {
        fclose(f);
        return -1;
    }
    if (n && len != 18 + aw + 4) {
        fclose(f);
        free_lines(L, n);
        return rfail(err, errlen, "%s:1: %zu bits; a packet for %u axons has %u (dx 9, dy 9, axon %u, tick 4)", p1,
                     len, out->naxons, 22 + aw, aw);
    }
    out->in = malloc((n ? n : 1) * sizeof *out->in);
    if (!out->in) {
        fclose(f);
        free_lines(L, n);
        return rfail(err, errlen, "out of memory");
    }
    while (fgets(buf, sizeof buf, f)) {
        char *end;
        unsigned long cnt = strtoul(buf, &end, 10);
        line++;
        if (end == buf) {
            if (buf[strspn(buf, " \t\r\n")] == 0)
                continue;
            fclose(f);
            free_lines(L, n);
            return rfail(err, errlen, "%s:%zu: expected a packet count", p2, line);
        }
        for (i = 0; i < cnt; i++, k++) {
            int dx, dy;
            unsigned axon, tick;
            if (k >= n) {
                fclose(f);
                free_lines(L, n);
                return rfail(err, errlen, "%s:%zu: the counts ask for more than the %zu packets of tb_input.txt", p2,
                             line, n);
            }
            dx = sext(bits(L[k], 0, 9), 9);
            dy = sext(bits(L[k], 9, 9), 9);
            axon = bits(L[k], 18, aw);
            tick = bits(L[k], 18 + aw, 4);
            if (dx < 0 || dy < 0 || dx >= (int)o->grid_x || dy >= (int)o->grid_y) {
                fclose(f);
                free_lines(L, n);
                return rfail(err, errlen, "%s:%zu: packet to core (%d, %d), outside the %u x %u grid", p1, k + 1, dx,
                             dy, o->grid_x, o->grid_y);
            }
            out->in[k].tick = (uint32_t)(line - 1 + tick);
            out->in[k].x = (uint16_t)dx;
            out->in[k].y = (uint16_t)dy;
            out->in[k].axon = (uint16_t)axon;
        }
    }
    fclose(f);
    free_lines(L, n);
    out->nin = k;
    qsort(out->in, out->nin, sizeof *out->in, in_cmp);
    return 0;
}

int nm_ranc_read(const char *dir, const nm_ranc_opts *o, nm_ranc_net *out, char *err, size_t errlen)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    unsigned char *seen;
    size_t ncores = (size_t)o->grid_x * o->grid_y;
    memset(out, 0, sizeof *out);
    if (!d)
        return rfail(err, errlen, "%s: cannot open the directory", dir);
    if (o->grid_x < 1 || o->grid_y < 1 || o->grid_x > 64 || o->grid_y > 64) {
        closedir(d);
        return rfail(err, errlen, "--grid %ux%u: each side must be 1..64", o->grid_x, o->grid_y);
    }
    seen = calloc(ncores, 1);
    if (!seen) {
        closedir(d);
        return rfail(err, errlen, "out of memory");
    }
    while ((e = readdir(d))) {
        long c = file_index(e->d_name, "csram_");
        char tc[300];
        unsigned x, y;
        if (c < 0)
            continue;
        if ((size_t)c >= ncores) {
            rfail(err, errlen, "%s/%s: core %ld is outside the %u x %u grid (cores 0..%zu)", dir, e->d_name, c,
                  o->grid_x, o->grid_y, ncores - 1);
            goto bad;
        }
        x = (unsigned)c % o->grid_x;
        y = (unsigned)c / o->grid_x;
        if ((int)x == o->out_x && (int)y == o->out_y)
            continue; /* the output bus slot has no core */
        snprintf(tc, sizeof tc, "tc_%s", e->d_name + 6);
        if (read_core(dir, e->d_name, tc, x, y, o, out, err, errlen))
            goto bad;
        seen[c] = 1;
    }
    closedir(d);
    d = NULL;
    free(seen);
    seen = NULL;
    if (!out->im)
        return rfail(err, errlen, "%s: no csram_NNN.mem files", dir);
    if (read_inputs(dir, o, out, err, errlen)) {
        nm_ranc_free(out);
        return -1;
    }
    return 0;
bad:
    if (d)
        closedir(d);
    free(seen);
    nm_ranc_free(out);
    return -1;
}

void nm_ranc_free(nm_ranc_net *n)
{
    nm_image_free(n->im);
    free(n->in);
    memset(n, 0, sizeof *n);
}
