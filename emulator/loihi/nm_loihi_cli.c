/* nm_loihi_cli.c - nmemu compile/info/run for Loihi-core networks and images (docs/loihi-network-format.md). */
#include "nm_loihi_cli.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nm_load.h"
#include "nm_loihi_compile.h"
#include "nm_loihi_energy.h"
#include "nm_loihi_image.h"
#include "nm_loihi_regmap.h"

#define EXIT_RUN 1
#define EXIT_USAGE 2
#define EXIT_INPUT 3

int nm_loihi_cli_compile(const char *json_path, const char *image_path)
{
    char err[768];
    nm_loihi_image *im = nm_loihi_compile_file(json_path, err, sizeof err);
    if (!im) {
        fprintf(stderr, "nmemu: %s\n", err);
        return EXIT_INPUT;
    }
    if (nm_loihi_image_write(im, image_path, err, sizeof err)) {
        fprintf(stderr, "nmemu: %s\n", err);
        nm_loihi_image_free(im);
        return EXIT_RUN;
    }
    nm_loihi_image_free(im);
    return 0;
}

int nm_loihi_cli_info(const char *image_path)
{
    char err[768];
    nm_loihi_image *im = nm_loihi_image_read(image_path, err, sizeof err);
    nm_loihi_image_layout l;
    uint64_t syn = 0, out = 0, upd = 0;
    unsigned k, n, ncores;
    if (!im) {
        fprintf(stderr, "nmemu: %s\n", err);
        return EXIT_INPUT;
    }
    nm_loihi_image_layout_of(&im->g, &l);
    ncores = im->mesh_x * im->mesh_y;
    for (k = 0; k < ncores; k++) {
        const uint32_t *w = im->words[k];
        uint32_t nupd = w[l.nupd] < im->g.ncomp ? w[l.nupd] : im->g.ncomp;
        upd += nupd;
        for (n = 0; n < im->g.naxin; n++)
            syn += (w[l.inaxon + n] >> NML_INAXON_CFG_LEN_LSB) & NML_INAXON_CFG_LEN_MASK;
        for (n = 0; n < im->g.ncomp; n++)
            out += (w[l.cx + NM_LOIHI_IMAGE_CX_WORDS * n + 1] >> NML_CX_AXMAP_LEN_LSB) & NML_CX_AXMAP_LEN_MASK;
    }
    printf("image %s: version 1.1, core type 1 (Loihi-style, docs/loihi-core.md)\n", image_path);
    printf("mesh %u x %u cores, each %u compartments, %u input axons, %u axon-map entries, %u synapse words, "
           "%u delay slots\n", im->mesh_x, im->mesh_y, im->g.ncomp, im->g.naxin, im->g.naxout, im->g.nsyn,
           im->g.ndslot);
    printf("compartments updated per step: %" PRIu64 "; synapses: %" PRIu64 "; axon-map entries: %" PRIu64 "\n", upd,
           syn, out);
    nm_loihi_image_free(im);
    return 0;
}

int nm_loihi_cli_run(int argc, char **argv)
{
    const char *image = NULL, *input = NULL, *spikes = NULL, *energy = "loihi-davies2018", *backend = "ref";
    unsigned long ticks = 100;
    double step_hz = 1000;
    char err[768];
    nm_loihi_image *im;
    nm_loihi_chip *chip;
    nm_input *in = NULL;
    size_t nin = 0, next = 0;
    FILE *fs = NULL;
    nm_loihi_energy_preset preset;
    nm_loihi_energy_counts cnt;
    nm_loihi_energy_result er;
    uint64_t nspk = 0, npk = 0, cyc = 0;
    unsigned long t;
    int a;
    for (a = 0; a < argc; a++) {
        const char *v = a + 1 < argc ? argv[a + 1] : NULL;
        if (!strcmp(argv[a], "--ticks") && v) {
            char *end;
            ticks = strtoul(v, &end, 10);
            if (*end || v[0] == '-' || ticks == 0) {
                fprintf(stderr, "nmemu: --ticks needs a positive number, not '%s'\n", v);
                return EXIT_USAGE;
            }
            a++;
        } else if (!strcmp(argv[a], "--backend") && v) {
            backend = v;
            a++;
        } else if (!strcmp(argv[a], "--input") && v) {
            input = v;
            a++;
        } else if (!strcmp(argv[a], "--spikes") && v) {
            spikes = v;
            a++;
        } else if (!strcmp(argv[a], "--energy") && v) {
            energy = v;
            a++;
        } else if (!strcmp(argv[a], "--step-hz") && v) {
            char *end;
            step_hz = strtod(v, &end);
            if (*end || !(step_hz > 0)) {
                fprintf(stderr, "nmemu: --step-hz needs a positive number, not '%s'\n", v);
                return EXIT_USAGE;
            }
            a++;
        } else if (argv[a][0] != '-' && !image) {
            image = argv[a];
        } else {
            fprintf(stderr, "nmemu: run on a Loihi image: unknown or incomplete option '%s' (known: --ticks, "
                            "--backend ref, --input, --spikes, --energy, --step-hz)\n", argv[a]);
            return EXIT_USAGE;
        }
    }
    if (!image) {
        fprintf(stderr, "nmemu: run: no image given\n");
        return EXIT_USAGE;
    }
    if (strcmp(backend, "ref")) {
        fprintf(stderr, "nmemu: %s: a Loihi-core image runs on the reference backend only (--backend ref); "
                        "the Loihi RTL is built per core geometry, see make test-diff-loihi\n", image);
        return EXIT_USAGE;
    }
    if (nm_loihi_energy_load(energy, &preset, err, sizeof err)) {
        fprintf(stderr, "nmemu: %s\n", err);
        return EXIT_INPUT;
    }
    im = nm_loihi_image_read(image, err, sizeof err);
    if (!im) {
        fprintf(stderr, "nmemu: %s\n", err);
        return EXIT_INPUT;
    }
    if (input && nm_inputs_read(input, im->mesh_x, im->mesh_y, im->g.naxin, &in, &nin, err, sizeof err)) {
        fprintf(stderr, "nmemu: %s\n", err);
        nm_loihi_image_free(im);
        return EXIT_INPUT;
    }
    chip = nm_loihi_image_load(im, err, sizeof err);
    if (!chip) {
        fprintf(stderr, "nmemu: %s: %s\n", image, err);
        nm_loihi_image_free(im);
        free(in);
        return EXIT_INPUT;
    }
    if (spikes) {
        fs = fopen(spikes, "w");
        if (!fs) {
            perror(spikes);
            nm_loihi_chip_free(chip);
            nm_loihi_image_free(im);
            free(in);
            return EXIT_RUN;
        }
        fprintf(fs, "tick,x,y,compartment\n");
    }
    for (t = 1; t <= ticks; t++) {
        nm_loihi_chip_out o;
        unsigned k, j;
        /* an input spike for tick T enters the queue before step T (tick 0: before step 1) */
        while (next < nin && in[next].tick <= t) {
            int rc = nm_loihi_chip_inject(chip, in[next].y * im->mesh_x + in[next].x, in[next].axon);
            if (rc == NM_ERR_FULL)
                fprintf(stderr, "nmemu: tick %lu: core (%u, %u) input queue full, input spike dropped\n", t,
                        in[next].x, in[next].y);
            next++;
        }
        if (nm_loihi_chip_step(chip, &o) != NM_OK) {
            fprintf(stderr, "nmemu: step %lu failed\n", t);
            break;
        }
        nspk += o.nspikes;
        npk += o.npkts;
        cyc += o.cycles;
        if (fs)
            for (k = 0; k < im->mesh_x * im->mesh_y; k++) {
                const nm_loihi_out *co = nm_loihi_chip_core_out(chip, k);
                for (j = 0; j < co->nspikes; j++)
                    fprintf(fs, "%lu,%u,%u,%u\n", t, k % im->mesh_x, k / im->mesh_x, co->spikes[j]);
            }
    }
    nm_loihi_energy_count_chip(chip, &cnt);
    nm_loihi_energy_compute(&preset, step_hz, &cnt, &er);
    printf("ran %lu steps on %u x %u Loihi-style cores (ref): %" PRIu64 " spikes, %" PRIu64 " packets, %" PRIu64
           " synaptic ops, %" PRIu64 " of %" PRIu64 " updates active; %" PRIu64 " cycles (slowest core per step)\n",
           ticks, im->mesh_x, im->mesh_y, nspk, npk, cnt.n[NM_LE_SYN_OP], cnt.n[NM_LE_CX_ACTIVE],
           cnt.n[NM_LE_CX_ACTIVE] + cnt.n[NM_LE_CX_INACTIVE], cyc);
    printf("energy (%s, %.0f steps/s): %.3f uJ dynamic + %.3f uJ static = %.3f uJ\n", preset.name, step_hz,
           er.dynamic_pj * 1e-6, er.static_pj * 1e-6, er.total_pj * 1e-6);
    if (fs && fclose(fs)) {
        perror(spikes);
        nm_loihi_chip_free(chip);
        nm_loihi_image_free(im);
        free(in);
        return EXIT_RUN;
    }
    nm_loihi_chip_free(chip);
    nm_loihi_image_free(im);
    free(in);
    return 0;
}
