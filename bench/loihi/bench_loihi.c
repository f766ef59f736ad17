/* bench_loihi.c - the Loihi chip speed benchmark (workload L, docs/performance.md): builds
 * the network from a seed on the reference chip model, runs it, reports steps/s; can dump the
 * network for the Brian2 peer (bench/loihi/loihi_brian2.py) and write the spike raster.
 *
 * usage: bench-loihi [--mesh W H] [--ncomp N] [--ndslot D] [--steps S] [--warmup K] [--seed X]
 *                    [--threads T] [--portable | --avx2] [--dump PREFIX] [--raster FILE]
 *                    [--raster-steps K] [--csv FILE] [--label L]
 * --ndslot D builds the cores with D delay slots (default 64; L's delays need 8).
 * --threads T runs the chip on T threads (nm_loihi_chip_set_threads; CPU time is then the
 * sum over the threads); --portable uses the portable C compartment update, --avx2 the AVX2
 * one (default: the best the CPU has, AVX-512 where it is there).
 *
 * Workload L, per core (NCOMP compartments, default 1,024; 16 x 8 cores):
 *   decay profile 0: DU 2048, DV 64, REFRACT 1; threshold VTH_MANT 100 (6,400); bias 640
 *   (BIAS_MANT 640, BIAS_EXP 0), so a lone compartment fires about every 11 steps (~10 %);
 *   initial v uniform in [0, 6400);
 *   input axons 0 .. NCOMP-1, each with 16 synapses to uniform random compartments of its
 *   core, mantissa uniform in [-24, 24] under synapse format 0 (mixed, 8 bits, WGT_EXP -3:
 *   x = 16 * W), delay uniform in 0 .. 7;
 *   each compartment has one axon-map entry; the entries of the whole chip are a random
 *   permutation of the chip's input axons (every input axon has exactly one source).
 * Input activity = input-axon events per step / input axons used (reported).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nm_loihi_chip.h"
#include "nm_loihi_prog.h"
#include "nm_loihi_regmap.h"

#define FANIN 16u

static uint64_t rng_state;

static uint64_t rnd(void)
{
    /* splitmix64 */
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static unsigned rnd_below(unsigned n)
{
    return (unsigned)(rnd() % n);
}

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double now(void)
{
    return clock_s(CLOCK_MONOTONIC);
}

/* CPU time of this process: on a shared machine wall-clock rates drop when other work
 * runs; both are reported */
static double cpu_now(void)
{
    return clock_s(CLOCK_PROCESS_CPUTIME_ID);
}

static void die(const char *what, int rc)
{
    fprintf(stderr, "bench-loihi: %s: %s\n", what, nm_loihi_strerror(rc));
    exit(1);
}

#define W(ref, addr, val)                                                                 \
    do {                                                                                  \
        int rc_ = nm_loihi_ref_cfg_write((ref), (addr), (val));                           \
        if (rc_)                                                                          \
            die("config write", rc_);                                                     \
    } while (0)

int main(int argc, char **argv)
{
    unsigned mw = 16, mh = 8, ncomp = 1024, steps = 2000, warmup = 20, rsteps = 0, nthreads = 1;
    int simd = NM_LOIHI_SIMD_BEST;
    uint64_t seed = 1;
    const char *dump = NULL, *raster = NULL, *csv = NULL, *label = "L";
    nm_loihi_geom g = NM_LOIHI_GEOM_DEFAULT;
    nm_loihi_chip *chip;
    char msg[256];
    unsigned ncores, i, n, a, j, t;
    uint32_t *perm;
    FILE *fsyn = NULL, *fr = NULL;
    uint64_t spikes = 0, events0 = 0, events1 = 0, synops0 = 0, synops1 = 0;
    double t0 = now(), t1, c0 = cpu_now(), c1, sps, cps;
    static const char *const simd_name[] = {"portable C", "AVX2", "AVX-512"};

    for (i = 1; i < (unsigned)argc; i++) {
        if (!strcmp(argv[i], "--mesh") && i + 2 < (unsigned)argc) {
            mw = (unsigned)atoi(argv[++i]);
            mh = (unsigned)atoi(argv[++i]);
        } else if (!strcmp(argv[i], "--ncomp") && i + 1 < (unsigned)argc)
            ncomp = (unsigned)atoi(argv[++i]);
        else if (!strcmp(argv[i], "--ndslot") && i + 1 < (unsigned)argc)
            g.ndslot = (unsigned)atoi(argv[++i]);
        else if (!strcmp(argv[i], "--steps") && i + 1 < (unsigned)argc)
            steps = (unsigned)atoi(argv[++i]);
        else if (!strcmp(argv[i], "--warmup") && i + 1 < (unsigned)argc)
            warmup = (unsigned)atoi(argv[++i]);
        else if (!strcmp(argv[i], "--threads") && i + 1 < (unsigned)argc)
            nthreads = (unsigned)atoi(argv[++i]);
        else if (!strcmp(argv[i], "--portable"))
            simd = NM_LOIHI_SIMD_PORTABLE;
        else if (!strcmp(argv[i], "--avx2"))
            simd = NM_LOIHI_SIMD_AVX2;
        else if (!strcmp(argv[i], "--seed") && i + 1 < (unsigned)argc)
            seed = strtoull(argv[++i], NULL, 0);
        else if (!strcmp(argv[i], "--dump") && i + 1 < (unsigned)argc)
            dump = argv[++i];
        else if (!strcmp(argv[i], "--raster") && i + 1 < (unsigned)argc)
            raster = argv[++i];
        else if (!strcmp(argv[i], "--raster-steps") && i + 1 < (unsigned)argc)
            rsteps = (unsigned)atoi(argv[++i]);
        else if (!strcmp(argv[i], "--csv") && i + 1 < (unsigned)argc)
            csv = argv[++i];
        else if (!strcmp(argv[i], "--label") && i + 1 < (unsigned)argc)
            label = argv[++i];
        else {
            fprintf(stderr, "bench-loihi: unknown or incomplete option '%s'\n", argv[i]);
            return 2;
        }
    }
    g.ncomp = ncomp;
    chip = nm_loihi_chip_new(mw, mh, &g, msg, sizeof msg);
    if (!chip) {
        fprintf(stderr, "bench-loihi: %s\n", msg);
        return 1;
    }
    ncores = nm_loihi_chip_ncores(chip);
    if (ncomp * FANIN > g.nsyn || ncomp > g.naxin || ncomp > g.naxout) {
        fprintf(stderr, "bench-loihi: ncomp %u too large for the core's tables\n", ncomp);
        return 1;
    }
    rng_state = seed;
    /* the permutation of destinations (core * ncomp + axon) */
    perm = malloc((size_t)ncores * ncomp * sizeof *perm);
    if (!perm)
        die("permutation", NM_ERR_NOMEM);
    for (i = 0; i < ncores * ncomp; i++)
        perm[i] = i;
    for (i = ncores * ncomp - 1; i > 0; i--) {
        unsigned k = rnd_below(i + 1), tmp = perm[i];
        perm[i] = perm[k];
        perm[k] = tmp;
    }
    if (dump) {
        char path[512];
        FILE *fj;
        snprintf(path, sizeof path, "%s.json", dump);
        fj = fopen(path, "w");
        if (!fj) {
            perror(path);
            return 1;
        }
        fprintf(fj,
                "{\"cores\": %u, \"ncomp\": %u, \"fanin\": %u, \"du\": 2048, \"dv\": 64, \"refract\": 1, "
                "\"vth_mant\": 100, \"bias\": 640, \"seed\": %" PRIu64 "}\n",
                ncores, ncomp, FANIN, seed);
        fclose(fj);
        snprintf(path, sizeof path, "%s.bin", dump);
        fsyn = fopen(path, "wb");
        if (!fsyn) {
            perror(path);
            return 1;
        }
    }
    for (i = 0; i < ncores; i++) {
        nm_loihi_ref *c = nm_loihi_chip_core(chip, i);
        int x = (int)(i % mw), y = (int)(i / mw);
        W(c, NML_ADDR(NML_REGION_DPROF, 0), nm_loihi_enc_dprof(2048, 64, 1));
        W(c, NML_ADDR(NML_REGION_TPROF, 0), nm_loihi_enc_tprof(100));
        W(c, NML_ADDR(NML_REGION_SYNFMT, 0), nm_loihi_enc_synfmt(NM_LOIHI_SIGN_MIXED, 8, -3));
        W(c, NML_ADDR(NML_REGION_CTRL, NML_CTRL_NUPD), ncomp);
        for (n = 0; n < ncomp; n++) {
            uint32_t d = perm[i * ncomp + n];
            int dx = (int)((d / ncomp) % mw) - x, dy = (int)((d / ncomp) / mw) - y;
            int32_t v0 = (int32_t)rnd_below(6400);
            W(c, nm_loihi_addr_cx(n, NML_CX_CFG), nm_loihi_enc_cxcfg(0, 0, 640, 0));
            W(c, nm_loihi_addr_cx(n, NML_CX_AXMAP), nm_loihi_enc_cxaxmap(n, 1));
            W(c, nm_loihi_addr_cx(n, NML_CX_V), (uint32_t)v0);
            W(c, NML_ADDR(NML_REGION_AXMAP, n), nm_loihi_enc_axmap(d % ncomp, dx, dy));
            if (fsyn) {
                int32_t rec[2] = {(int32_t)(i * ncomp + n), v0};
                fwrite(rec, sizeof rec, 1, fsyn);
            }
        }
        for (a = 0; a < ncomp; a++) {
            W(c, NML_ADDR(NML_REGION_INAXON, a), nm_loihi_enc_inaxon(a * FANIN, FANIN, 0));
            for (j = 0; j < FANIN; j++) {
                unsigned comp = rnd_below(ncomp), delay = rnd_below(8);
                int wgt = (int)rnd_below(49) - 24;
                W(c, NML_ADDR(NML_REGION_SYN, a * FANIN + j), nm_loihi_enc_syn(comp, wgt, delay));
            }
        }
    }
    if (fsyn) {
        /* synapses of the flattened network: source compartment, target compartment, x, delay */
        for (i = 0; i < ncores; i++)
            for (n = 0; n < ncomp; n++) {
                uint32_t d = perm[i * ncomp + n];
                nm_loihi_ref *dc = nm_loihi_chip_core(chip, d / ncomp);
                for (j = 0; j < FANIN; j++) {
                    uint32_t w;
                    int32_t rec[4];
                    nm_loihi_ref_cfg_read(dc, NML_ADDR(NML_REGION_SYN, (d % ncomp) * FANIN + j), &w);
                    rec[0] = (int32_t)(i * ncomp + n);
                    rec[1] = (int32_t)((d / ncomp) * ncomp + ((w >> NML_SYN_WORD_COMP_LSB) & NML_SYN_WORD_COMP_MASK));
                    rec[2] = 16 * nm_loihi_sext(w >> NML_SYN_WORD_WGT_LSB, 8);
                    rec[3] = (int32_t)((w >> NML_SYN_WORD_DELAY_LSB) & NML_SYN_WORD_DELAY_MASK);
                    fwrite(rec, sizeof rec, 1, fsyn);
                }
            }
        fclose(fsyn);
    }
    free(perm);
    if (nm_loihi_chip_set_threads(chip, nthreads, msg, sizeof msg) != NM_OK) {
        fprintf(stderr, "bench-loihi: %s\n", msg);
        return 1;
    }
    for (i = 0; i < ncores; i++)
        nm_loihi_ref_set_simd(nm_loihi_chip_core(chip, i), simd);
    if (raster) {
        fr = fopen(raster, "w");
        if (!fr) {
            perror(raster);
            return 1;
        }
    }

    for (t = 1; t <= warmup + steps; t++) {
        nm_loihi_chip_out o;
        int rc;
        if (t == warmup + 1) {
            for (i = 0; i < ncores; i++) {
                events0 += nm_loihi_ref_counter(nm_loihi_chip_core(chip, i), NML_COUNTER_AXON_EVENTS);
                synops0 += nm_loihi_ref_counter(nm_loihi_chip_core(chip, i), NML_COUNTER_SYN_OPS);
            }
            t0 = now();
            c0 = cpu_now();
        }
        if ((rc = nm_loihi_chip_step(chip, &o)) != NM_OK)
            die("step", rc);
        if (t > warmup)
            spikes += o.nspikes;
        if (fr && t <= rsteps)
            for (i = 0; i < ncores; i++) {
                const nm_loihi_out *co = nm_loihi_chip_core_out(chip, i);
                for (j = 0; j < co->nspikes; j++)
                    fprintf(fr, "%u,%u\n", t, i * ncomp + co->spikes[j]);
            }
    }
    t1 = now();
    c1 = cpu_now();
    for (i = 0; i < ncores; i++) {
        events1 += nm_loihi_ref_counter(nm_loihi_chip_core(chip, i), NML_COUNTER_AXON_EVENTS);
        synops1 += nm_loihi_ref_counter(nm_loihi_chip_core(chip, i), NML_COUNTER_SYN_OPS);
    }
    if (fr)
        fclose(fr);
    /* counters are 32-bit: the differences are exact as long as a core does < 2^32 per run */
    events1 = (uint32_t)(events1 - events0);
    synops1 = (uint32_t)(synops1 - synops0);
    sps = steps / (t1 - t0);
    cps = steps / (c1 - c0);
    printf("bench-loihi %s: %u x %u cores x %u compartments, %u thread(s), %s update, %u steps in %.3f s: %.0f steps/s "
           "(%.0f per CPU second); %.1f spikes/step (%.2f %%), input activity %.2f %%, %.0f synaptic ops/step (%.3g/s)\n",
           label, mw, mh, ncomp, nm_loihi_chip_threads(chip),
           simd_name[nm_loihi_ref_simd(nm_loihi_chip_core(chip, 0))], steps, t1 - t0, sps, cps, (double)spikes / steps,
           100.0 * (double)spikes / steps / (ncores * ncomp), 100.0 * (double)events1 / steps / (ncores * ncomp),
           (double)synops1 / steps, (double)synops1 / (t1 - t0));
    if (csv) {
        FILE *f = fopen(csv, "a");
        if (!f) {
            perror(csv);
            return 1;
        }
        if (ftell(f) == 0)
            fprintf(f, "label,cores,ncomp,threads,steps,seconds,steps_per_s,steps_per_cpu_s,spikes_per_step,"
                       "activity_pct,synops_per_step\n");
        fprintf(f, "%s,%u,%u,%u,%u,%.4f,%.1f,%.1f,%.1f,%.3f,%.0f\n", label, ncores, ncomp,
                nm_loihi_chip_threads(chip), steps, t1 - t0, sps, cps,
                (double)spikes / steps, 100.0 * (double)events1 / steps / (ncores * ncomp), (double)synops1 / steps);
        fclose(f);
    }
    nm_loihi_chip_free(chip);
    return 0;
}
