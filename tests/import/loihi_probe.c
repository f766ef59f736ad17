/* loihi_probe.c - test helper: run a Loihi image on the reference chip with a spike program and
 * write, for every step and every compartment a neuron map names, u, v (state view), v (hardware
 * view) and whether it spiked. Usage: nm-loihi-probe IMAGE.nmi NEURONS.csv INPUT.csv TICKS OUT.csv
 * (INPUT: tick,x,y,axon lines as nmemu run --input reads them; an input for tick T enters the
 * queue before step T). Exit 0, or 1 with a message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nm_loihi_chip.h"
#include "nm_loihi_image.h"

typedef struct probe {
    char node[128];
    unsigned index, x, y, comp;
} probe;

typedef struct inspk {
    unsigned long tick;
    unsigned x, y, axon;
} inspk;

static int die(const char *msg, const char *what)
{
    fprintf(stderr, "nm-loihi-probe: %s%s%s\n", what ? what : "", what ? ": " : "", msg);
    return 1;
}

int main(int argc, char **argv)
{
    char err[512], line[512];
    nm_loihi_image *im;
    nm_loihi_chip *chip;
    probe *pr = NULL;
    inspk *in = NULL;
    size_t npr = 0, nin = 0, next = 0, i;
    unsigned long ticks, t;
    FILE *f, *fo;
    if (argc != 6)
        return die("usage: nm-loihi-probe IMAGE.nmi NEURONS.csv INPUT.csv TICKS OUT.csv", NULL);
    ticks = strtoul(argv[4], NULL, 10);
    if (!(im = nm_loihi_image_read(argv[1], err, sizeof err)))
        return die(err, argv[1]);
    if (!(chip = nm_loihi_image_load(im, err, sizeof err)))
        return die(err, argv[1]);
    if (!(f = fopen(argv[2], "r")))
        return die("cannot open", argv[2]);
    while (fgets(line, sizeof line, f)) {
        probe p;
        char role[32];
        if (sscanf(line, "%127[^,],%u,%31[^,],%u,%u,%u", p.node, &p.index, role, &p.x, &p.y, &p.comp) != 6 ||
            line[0] == '#' || !strcmp(p.node, "node"))
            continue;
        pr = realloc(pr, (npr + 1) * sizeof *pr);
        if (!pr)
            return die("out of memory", NULL);
        pr[npr++] = p;
    }
    fclose(f);
    if (!(f = fopen(argv[3], "r")))
        return die("cannot open", argv[3]);
    while (fgets(line, sizeof line, f)) {
        inspk s;
        if (line[0] < '0' || line[0] > '9' || sscanf(line, "%lu,%u,%u,%u", &s.tick, &s.x, &s.y, &s.axon) != 4)
            continue;
        if (nin && s.tick < in[nin - 1].tick)
            return die("input ticks must not decrease", argv[3]);
        in = realloc(in, (nin + 1) * sizeof *in);
        if (!in)
            return die("out of memory", NULL);
        in[nin++] = s;
    }
    fclose(f);
    if (!(fo = fopen(argv[5], "w")))
        return die("cannot write", argv[5]);
    fprintf(fo, "tick,node,index,u,v,vhw,spike\n");
    for (t = 1; t <= ticks; t++) {
        while (next < nin && in[next].tick <= t) {
            int rc = nm_loihi_chip_inject(chip, in[next].y * im->mesh_x + in[next].x, in[next].axon);
            if (rc)
                return die("inject refused (core, axon or full queue)", argv[3]);
            next++;
        }
        if (nm_loihi_chip_step(chip, NULL))
            return die("step failed", NULL);
        for (i = 0; i < npr; i++) {
            unsigned k = pr[i].y * im->mesh_x + pr[i].x, j;
            const nm_loihi_ref *c = nm_loihi_chip_core(chip, k);
            const nm_loihi_out *o = nm_loihi_chip_core_out(chip, k);
            int spk = 0;
            for (j = 0; j < o->nspikes; j++)
                spk |= o->spikes[j] == pr[i].comp;
            fprintf(fo, "%lu,%s,%u,%d,%d,%d,%d\n", t, pr[i].node, pr[i].index, (int)nm_loihi_ref_u(c, pr[i].comp),
                    (int)nm_loihi_ref_v(c, pr[i].comp), (int)nm_loihi_ref_vhw(c, pr[i].comp), spk);
        }
    }
    if (fclose(fo))
        return die("write error", argv[5]);
    nm_loihi_chip_free(chip);
    nm_loihi_image_free(im);
    free(pr);
    free(in);
    return 0;
}
