/* nmi2apb.c - an nmemu image (and spike program) as the command file that
 * bench/icarus/tb_chip.v (Icarus Verilog) and vl-replay (the Verilated chip) replay.
 *
 * The image is loaded exactly as `nmemu run` loads it, through the firmware driver
 * (emulator/nm_load.c -> firmware/nm_fw.c), with a bus callback that records every APB
 * write instead of performing it. Then, for each tick t, the host spikes of tick t (as
 * `nmemu run` sends them: HOST_IN packets with delay 1) and one tick command; at the end
 * one read of every core and router counter.
 *
 * Output: one command per line, 18 hex digits for $readmemh: op (8 bits), APB address
 * (32), data (32).
 *   01 addr data   APB write; a bus error is fatal
 *   02 addr data   host packet: APB write of HOST_IN, repeated while PSLVERR (input full)
 *   03 -    -      tick: the firmware's nm_fw_tick (CTRL.TICK, then drain the off-chip
 *                  queue and poll STATUS until BUSY falls), then read LAST_CYCLES
 *   04 addr -      APB read, printed
 *   00 -    -      end
 *
 * usage: nmi2apb IMAGE -o CMDS.hex [--ticks N] [--input SPIKES]
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nm_chip_if.h"
#include "nm_chipmap.h"
#include "nm_image.h"
#include "nm_load.h"
#include "nm_regmap.h"

enum { OP_END = 0, OP_WRITE = 1, OP_HOST = 2, OP_TICK = 3, OP_READ = 4 };

typedef struct recorder {
    FILE *f;
    unsigned long n;
} recorder;

static void put(recorder *r, unsigned op, uint32_t addr, uint32_t data)
{
    fprintf(r->f, "%02x%08" PRIx32 "%08" PRIx32 "\n", op, addr, data);
    r->n++;
}

static int rec_write(void *impl, uint32_t paddr, uint32_t data)
{
    put(impl, OP_WRITE, paddr, data);
    return NM_OK;
}

static int rec_read(void *impl, uint32_t paddr, uint32_t *data)
{
    (void)impl;
    (void)paddr;
    *data = 0; /* loading an image reads nothing */
    return NM_OK;
}

int main(int argc, char **argv)
{
    const char *image = NULL, *out = NULL, *input = NULL;
    unsigned long ticks = 100, t;
    nm_input *in = NULL;
    size_t nin = 0, next = 0;
    unsigned k, r;
    char err[512];
    nm_chip_backend b;
    recorder rec;
    nm_image *im;
    int a;
    for (a = 1; a < argc; a++) {
        if (!strcmp(argv[a], "-o") && a + 1 < argc)
            out = argv[++a];
        else if (!strcmp(argv[a], "--ticks") && a + 1 < argc)
            ticks = strtoul(argv[++a], NULL, 10);
        else if (!strcmp(argv[a], "--input") && a + 1 < argc)
            input = argv[++a];
        else if (argv[a][0] != '-' && !image)
            image = argv[a];
        else
            image = NULL, a = argc;
    }
    if (!image || !out) {
        fprintf(stderr, "usage: %s IMAGE -o CMDS.hex [--ticks N] [--input SPIKES]\n", argv[0]);
        return 2;
    }
    im = nm_image_read(image, err, sizeof err);
    if (!im) {
        fprintf(stderr, "nmi2apb: %s\n", err);
        return 3;
    }
    if (input && nm_inputs_read(input, im->mesh_x, im->mesh_y, im->naxons, &in, &nin, err, sizeof err)) {
        fprintf(stderr, "nmi2apb: %s\n", err);
        return 3;
    }
    rec.f = fopen(out, "w");
    rec.n = 0;
    if (!rec.f) {
        perror(out);
        return 1;
    }
    memset(&b, 0, sizeof b);
    b.name = "apb-recorder";
    b.impl = &rec;
    b.mesh_x = im->mesh_x;
    b.mesh_y = im->mesh_y;
    b.naxons = im->naxons;
    b.nneurons = im->nneurons;
    b.apb_write = rec_write;
    b.apb_read = rec_read;
    if (nm_image_load(im, &b, err, sizeof err)) {
        fprintf(stderr, "nmi2apb: %s: %s\n", image, err);
        return 3;
    }
    for (t = 0; t < ticks; t++) {
        for (; next < nin && in[next].tick == t; next++) {
            nm_pkt p = nm_input_packet(&in[next]);
            put(&rec, OP_HOST, nm_chip_paddr(NM_CHIP_REGION_CHIP, 0, NM_CHIP_CHIP_HOST_IN), nm_flit_pack(&p));
        }
        while (next < nin && in[next].tick < t) /* cannot happen: sorted */
            next++;
        put(&rec, OP_TICK, 0, 0);
    }
    for (k = 0; k < im->mesh_x * im->mesh_y; k++) {
        for (r = 0; r < NM_COUNTER_NREGS; r++)
            put(&rec, OP_READ, nm_chip_paddr(NM_CHIP_REGION_CORE, k, NM_ADDR(NM_REGION_COUNTER, r)), 0);
        for (r = 0; r < NM_CHIP_ROUTER_NREGS; r++)
            put(&rec, OP_READ, nm_chip_paddr(NM_CHIP_REGION_ROUTER, k, r), 0);
    }
    put(&rec, OP_END, 0, 0);
    if (fclose(rec.f)) {
        perror(out);
        return 1;
    }
    printf("%s: %lu commands (%ux%u mesh, %lu ticks, %zu host spikes)\n", out, rec.n, im->mesh_x, im->mesh_y, ticks,
           nin);
    free(in);
    nm_image_free(im);
    return 0;
}
