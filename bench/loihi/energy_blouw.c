/* energy_blouw.c - prices one "branch" of Blouw et al. 2019's scaling experiment (ten dense
 * 256 x 256 layers) on the Loihi chip model with both Loihi energy presets, and compares
 * with the measured increment per branch (16.9 uJ per inference, 1.88 mW at about 114
 * inferences/s). docs/loihi-energy.md explains the assumptions.
 *
 * usage: energy-blouw [--steps N] [--bias B] [--spi S] [--seed X]
 *
 * The branch: layer l (0..9) is 256 compartments on two cores (x = l, y = 0 and 1; 128
 * compartments each, since a dense 256 x 256 layer is 65,536 synapses and a core holds
 * 32,768 words); every compartment of layer l sends one packet to each core of layer l + 1
 * (axon = its index in the layer), where its input axon has 128 synapses (dense). Layer 0
 * gets one host packet per input per step with probability equal to the layers' rate.
 * Compartments: DU 4095, DV 0, REFRACT 1, threshold 6,400, bias B (default 640: a lone
 * compartment fires every 11 steps), weights uniform in [-8, 8] mixed, WGT_EXP -3 (x = 16 W),
 * so the input averages zero and every layer fires at about the bias-set rate.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nm_loihi_energy.h"
#include "nm_loihi_prog.h"
#include "nm_loihi_regmap.h"

#define LAYERS 10u
#define WIDTH 256u
#define HALF 128u

static uint64_t rs = 1;
static unsigned rnd(unsigned n)
{
    uint64_t z = (rs += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return (unsigned)((z ^ (z >> 31)) % n);
}

static void w(nm_loihi_ref *c, uint32_t a, uint32_t d)
{
    if (nm_loihi_ref_cfg_write(c, a, d) != NM_OK) {
        fprintf(stderr, "energy-blouw: config write 0x%05x refused\n", a);
        exit(1);
    }
}

int main(int argc, char **argv)
{
    unsigned steps = 1000, bias = 640, warm = 50, i, l, h, n, a, j, t;
    double spi = 10, inf_hz = 114, meas_uj = 16.9, meas_mw = 1.88;
    static const char *const presets[] = {"loihi-davies2018", "loihi-sanafe"};
    nm_loihi_geom g = NM_LOIHI_GEOM_DEFAULT;
    nm_loihi_chip *chip;
    nm_loihi_energy_counts c0, c1, d;
    char msg[512];
    unsigned p;
    for (i = 1; i < (unsigned)argc; i++) {
        if (!strcmp(argv[i], "--steps") && i + 1 < (unsigned)argc)
            steps = (unsigned)atoi(argv[++i]);
        else if (!strcmp(argv[i], "--bias") && i + 1 < (unsigned)argc)
            bias = (unsigned)atoi(argv[++i]);
        else if (!strcmp(argv[i], "--spi") && i + 1 < (unsigned)argc)
            spi = atof(argv[++i]);
        else if (!strcmp(argv[i], "--seed") && i + 1 < (unsigned)argc)
            rs = strtoull(argv[++i], NULL, 0);
        else {
            fprintf(stderr, "energy-blouw: unknown or incomplete option '%s'\n", argv[i]);
            return 2;
        }
    }
    g.ncomp = 128;
    g.naxin = 256;
    chip = nm_loihi_chip_new(LAYERS, 2, &g, msg, sizeof msg);
    if (!chip) {
        fprintf(stderr, "energy-blouw: %s\n", msg);
        return 1;
    }
    for (l = 0; l < LAYERS; l++)
        for (h = 0; h < 2; h++) {
            nm_loihi_ref *c = nm_loihi_chip_core(chip, h * LAYERS + l);
            w(c, NML_ADDR(NML_REGION_DPROF, 0), nm_loihi_enc_dprof(4095, 0, 1));
            w(c, NML_ADDR(NML_REGION_TPROF, 0), nm_loihi_enc_tprof(100));
            w(c, NML_ADDR(NML_REGION_SYNFMT, 0), nm_loihi_enc_synfmt(NM_LOIHI_SIGN_MIXED, 8, -3));
            for (n = 0; n < HALF; n++) {
                w(c, nm_loihi_addr_cx(n, NML_CX_CFG), nm_loihi_enc_cxcfg(0, 0, (int)bias, 0));
                w(c, nm_loihi_addr_cx(n, NML_CX_AXMAP), nm_loihi_enc_cxaxmap(0, l + 1 < LAYERS ? 2 : 0));
                w(c, nm_loihi_addr_cx(n, NML_CX_V), rnd(6400));
            }
            /* axon-map entries 0, 1: to (x + 1, y = 0) and (x + 1, y = 1), axon = index in layer;
             * the entry's AXON is per compartment, so each compartment gets its own pair */
            for (n = 0; n < HALF; n++) {
                w(c, nm_loihi_addr_cx(n, NML_CX_AXMAP), nm_loihi_enc_cxaxmap(2 * n, l + 1 < LAYERS ? 2 : 0));
                w(c, NML_ADDR(NML_REGION_AXMAP, 2 * n), nm_loihi_enc_axmap(h * HALF + n, 1, -(int)h));
                w(c, NML_ADDR(NML_REGION_AXMAP, 2 * n + 1), nm_loihi_enc_axmap(h * HALF + n, 1, 1 - (int)h));
            }
            for (a = 0; a < WIDTH; a++) {
                w(c, NML_ADDR(NML_REGION_INAXON, a), nm_loihi_enc_inaxon(a * HALF, HALF, 0));
                for (j = 0; j < HALF; j++)
                    w(c, NML_ADDR(NML_REGION_SYN, a * HALF + j), nm_loihi_enc_syn(j, (int)rnd(17) - 8, 0));
            }
        }
    /* the input rate: about the rate the bias sets (6,400 / bias + 1 steps per spike) */
    for (t = 0; t < warm + steps; t++) {
        unsigned period = 6400u / bias + 1u;
        if (t == warm)
            nm_loihi_energy_count_chip(chip, &c0);
        for (a = 0; a < WIDTH; a++)
            if (rnd(period) == 0) {
                nm_loihi_chip_inject(chip, 0, a);
                nm_loihi_chip_inject(chip, LAYERS, a);
            }
        if (nm_loihi_chip_step(chip, NULL) != NM_OK) {
            fprintf(stderr, "energy-blouw: step failed\n");
            return 1;
        }
    }
    nm_loihi_energy_count_chip(chip, &c1);
    for (i = 0; i < NM_LE_NCLASSES; i++)
        d.n[i] = c1.n[i] - c0.n[i];
    d.steps = steps;
    d.ncores = c1.ncores;
    printf("branch: %u layers x %u compartments on %u cores, %u steps: per step %.1f syn ops, %.1f active and "
           "%.1f inactive updates, %.1f spikes (rate %.3f), %.1f packets, %.1f + %.1f hops\n",
           LAYERS, WIDTH, d.ncores, steps, (double)d.n[NM_LE_SYN_OP] / steps, (double)d.n[NM_LE_CX_ACTIVE] / steps,
           (double)d.n[NM_LE_CX_INACTIVE] / steps, (double)d.n[NM_LE_SPIKE] / steps,
           (double)d.n[NM_LE_SPIKE] / steps / (LAYERS * WIDTH), (double)d.n[NM_LE_PKT_OUT] / steps,
           (double)d.n[NM_LE_HOP_EW] / steps, (double)d.n[NM_LE_HOP_NS] / steps);
    printf("assumed: %.1f steps per inference, %.0f inferences/s; measured per added branch: %.1f uJ/inference, "
           "%.2f mW (Blouw et al. 2019)\n", spi, inf_hz, meas_uj, meas_mw);
    printf("%-18s %12s %14s %10s %12s %14s\n", "preset", "uJ/step", "uJ/inference", "error", "mW @114/s",
           "steps to match");
    for (p = 0; p < 2; p++) {
        nm_loihi_energy_preset pr;
        nm_loihi_energy_result r;
        double per_step, per_inf;
        if (nm_loihi_energy_load(presets[p], &pr, msg, sizeof msg)) {
            fprintf(stderr, "energy-blouw: %s\n", msg);
            return 1;
        }
        /* dynamic energy only: the increment of a branch adds no chip (static cancels) */
        nm_loihi_energy_compute(&pr, 0, &d, &r);
        per_step = r.dynamic_pj / steps * 1e-6;
        per_inf = per_step * spi;
        printf("%-18s %12.3f %14.2f %9.0f%% %12.2f %14.1f\n", pr.name, per_step, per_inf,
               100.0 * (per_inf - meas_uj) / meas_uj, per_inf * inf_hz * 1e-3, meas_uj / per_step);
    }
    nm_loihi_chip_free(chip);
    return 0;
}
