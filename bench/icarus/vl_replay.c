/* vl_replay.c - replay an nmi2apb command file on the Verilated chip, cycle for cycle as
 * bench/icarus/tb_chip.v does on Icarus Verilog: the same reset, the same APB transfers
 * (two cycles each, emulator/nm_rtl_chip.c), the firmware's own tick and host-send
 * routines (firmware/nm_fw.c). It prints the same lines as the testbench, so the two
 * logs must be identical, and times the load and tick phases.
 *
 * usage: vl-replay CMDS.hex
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../firmware/nm_fw.h"
#include "nm_chipmap.h"
#include "nm_rtl_chip.h"

#define MAX_POLLS 0x40000000u
#define OFF_CAP (1u << 20)

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int bus_read(void *ctx, uint32_t a, uint32_t *d)
{
    return nm_rtl_chip_apb_read(ctx, a, d);
}

static int bus_write(void *ctx, uint32_t a, uint32_t d)
{
    return nm_rtl_chip_apb_write(ctx, a, d);
}

int main(int argc, char **argv)
{
    FILE *f;
    char line[64];
    nm_rtl_chip *c;
    nm_fw_bus bus;
    nm_fw_offchip *off;
    uint64_t tick_cycles = 0, load_cycles = 0, tick_start_cycles = 0;
    unsigned long t = 0, lineno = 0;
    double t0, t_load = 0, t_ticks = 0, t_tick0 = 0;
    int loading = 1;
    if (argc != 2) {
        fprintf(stderr, "usage: %s CMDS.hex\n", argv[0]);
        return 2;
    }
    f = fopen(argv[1], "r");
    off = malloc(sizeof *off * OFF_CAP);
    if (!f || !off) {
        perror(argv[1]);
        return 1;
    }
    t0 = now();
    c = nm_rtl_chip_new(NULL); /* reset, then two APB reads of the geometry */
    if (!c) {
        fprintf(stderr, "vl-replay: cannot build the Verilated chip\n");
        return 1;
    }
    bus.ctx = c;
    bus.read32 = bus_read;
    bus.write32 = bus_write;
    while (fgets(line, sizeof line, f)) {
        unsigned op;
        uint32_t addr, data;
        int rc = 0;
        lineno++;
        if (sscanf(line, "%2x%8" SCNx32 "%8" SCNx32, &op, &addr, &data) != 3) {
            fprintf(stderr, "vl-replay: %s:%lu: bad command\n", argv[1], lineno);
            return 1;
        }
        if (op == 3 && loading) {
            loading = 0;
            t_tick0 = now();
            t_load = t_tick0 - t0;
            load_cycles = nm_rtl_chip_cycles(c);
            tick_start_cycles = load_cycles;
        }
        if ((op == 4 || op == 0) && !loading && t_ticks == 0) { /* host packets (2) belong to the ticks */
            t_ticks = now() - t_tick0;
            tick_cycles = nm_rtl_chip_cycles(c) - tick_start_cycles;
        }
        if (op == 0)
            break;
        if (op == 1) {
            rc = nm_rtl_chip_apb_write(c, addr, data);
        } else if (op == 2) {
            rc = nm_fw_host_send(&bus, data, MAX_POLLS);
        } else if (op == 3) {
            unsigned n = 0;
            uint32_t cyc = 0;
            rc = nm_fw_tick(&bus, MAX_POLLS, off, OFF_CAP, &n);
            if (!rc)
                rc = bus_read(c, nm_fw_chip_addr(NM_CHIP_CHIP_LAST_CYCLES), &cyc);
            printf("TICK %lu %" PRIu32 " %u\n", t++, cyc, n);
        } else if (op == 4) {
            rc = bus_read(c, addr, &data);
            printf("READ %08" PRIx32 " %08" PRIx32 "\n", addr, data);
        } else {
            fprintf(stderr, "vl-replay: %s:%lu: unknown op %u\n", argv[1], lineno, op);
            return 1;
        }
        if (rc) {
            fprintf(stderr, "vl-replay: %s:%lu: bus error (op %u, address %08" PRIx32 ")\n", argv[1], lineno, op,
                    addr);
            return 1;
        }
    }
    printf("TOTAL cycles %" PRIu64 "\n", nm_rtl_chip_cycles(c));
    fprintf(stderr, "TIMING load %.6f s %" PRIu64 " cycles; ticks %.6f s %" PRIu64 " cycles; total %.6f s\n", t_load,
            load_cycles, t_ticks, tick_cycles, now() - t0);
    nm_rtl_chip_free(c);
    free(off);
    fclose(f);
    return 0;
}
