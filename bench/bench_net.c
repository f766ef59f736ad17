/* bench_net.c - the busy network of the chip benchmarks and their clocks (bench_net.h). */
#include "bench_net.h"

#include <string.h>
#include <time.h>

#include "nm_chipmap.h"
#include "nm_core_prog.h"
#include "nm_regmap.h"

static uint64_t rs;
static uint32_t rnd(void)
{
    rs ^= rs >> 12;
    rs ^= rs << 25;
    rs ^= rs >> 27;
    return (uint32_t)((rs * 0x2545f4914f6cdd1dull) >> 32);
}

double bench_wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double bench_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int wr(const nm_chip_backend *b, unsigned core, uint32_t word, uint32_t v)
{
    return b->apb_write(b->impl, nm_chip_paddr(NM_CHIP_REGION_CORE, core, word), v);
}

int bench_program_busy(const nm_chip_backend *b)
{
    unsigned core, j, k, ncores = b->mesh_x * b->mesh_y;
    int rc = NM_OK;
    rs = 0x1234567u;
    for (core = 0; core < ncores && rc == NM_OK; core++) {
        for (k = 0; k < 16 && rc == NM_OK; k++)
            rc = wr(b, core, NM_ADDR(NM_REGION_AXTYPE, k), rnd());
        for (j = 0; j < 256 && rc == NM_OK; j++) {
            nm_neuron_cfg n;
            uint32_t w[NM_NEURON_WORDS];
            unsigned tx = rnd() % b->mesh_x, ty = rnd() % b->mesh_y;
            memset(&n, 0, sizeof n);
            for (k = 0; k < 4; k++)
                n.s[k] = (int16_t)(rnd() % 16);
            n.lambda = -1;
            n.alpha = 40 + rnd() % 60;
            n.kappa = 1;
            n.dx = (int16_t)((int)tx - (int)(core % b->mesh_x));
            n.dy = (int16_t)((int)ty - (int)(core / b->mesh_x));
            n.dest_axon = (uint8_t)rnd();
            n.dest_delay = (uint8_t)(1 + rnd() % 3);
            nm_neuron_pack(&n, w);
            for (k = 0; k < NM_NEURON_WORDS && rc == NM_OK; k++)
                rc = wr(b, core, NM_ADDR(NM_REGION_NEURON, j * 8 + k), w[k]);
            for (k = 0; k < 8 && rc == NM_OK; k++)
                rc = wr(b, core, NM_ADDR(NM_REGION_XBAR, j * 8 + k), rnd() & rnd());
        }
    }
    for (k = 0; k < 256 && rc == NM_OK; k++) {
        nm_pkt p = {(int16_t)(rnd() % b->mesh_x), (int16_t)(rnd() % b->mesh_y), (uint8_t)rnd(), 1};
        rc = b->host_send(b->impl, nm_flit_pack(&p));
    }
    return rc;
}
