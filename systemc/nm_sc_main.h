// nm_sc_main.h - what the two platforms of nmemu-sc share: the options (parsed once in
// nm_sc_main.cpp), the exit status, the output files (written as nmemu writes its own) and
// the entry of the Loihi-style platform (nm_sc_lmain.cpp), which nm_sc_main.cpp calls when
// the image's core type is 1.
#ifndef NM_SC_MAIN_H
#define NM_SC_MAIN_H

#include <chrono>
#include <cstdio>

#include "nm_sc_tlm_bus.h"

extern "C" {
#include "nm_chipmap.h"
#include "nm_output.h"
}

struct options {
    const char *image = nullptr, *input = nullptr, *spikes = nullptr, *outputs = nullptr, *report = nullptr;
    unsigned long ticks = 100;
    double period_ns = 10;
    bool raster = false, fw_tick = false, fw_offchip = false;
};

// the process's exit status (0 ok, 1 run failed, 2 usage, 3 bad input file), set by the
// host thread before it stops the simulation
extern int exit_code;

inline double now_s()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Output file written the way nmemu writes its own (emulator/nm_output.h): a regular
// file under a temporary name, renamed when complete; devices, FIFOs and "-" directly.
struct outfile {
    nm_out o{};
    FILE *f = nullptr;
    bool open(const char *p, const char *header)
    {
        char err[8400];
        if (!p)
            return true;
        if (nm_out_open(&o, p, err, sizeof err)) {
            std::fprintf(stderr, "nmemu-sc: %s\n", err);
            return false;
        }
        f = o.f;
        std::fputs(header, f);
        return true;
    }
    bool close(bool keep)
    {
        char err[8400];
        if (!f)
            return true;
        f = nullptr;
        if (nm_out_close(&o, keep, err, sizeof err)) {
            std::fprintf(stderr, "nmemu-sc: %s\n", err);
            return false;
        }
        return true;
    }
};

// A tick (a step on the Loihi-style chip) run by the firmware: CTRL bit 0 (TICK, STEP)
// written, STATUS polled over TLM until BUSY falls (both chips have these registers at the
// same offsets). With drain (--fw-offchip: the chip's offchip_out unbound) this is
// nm_fw_tick, which also drains the off-chip queue into out[0..cap), *n of them; without,
// the queue belongs to the wrapper's offchip_out sink, and a firmware reading OUT_* at the
// same time would race with it (the head popped by the sink between OUT_INFO and OUT_POP).
inline int nm_sc_fw_tick(const nm_fw_bus *b, bool drain, uint32_t max_polls, nm_fw_offchip *out, unsigned cap,
                         unsigned *n)
{
    uint32_t status = 0;
    if (drain)
        return nm_fw_tick(b, max_polls, out, cap, n);
    *n = 0;
    if (b->write32(b->ctx, nm_fw_chip_addr(NM_CHIP_CHIP_CTRL), 1u << NM_CHIP_CHIP_CTRL_TICK_LSB))
        return NM_FW_EBUS;
    for (uint32_t polls = 0; polls < max_polls; polls++) {
        if (b->read32(b->ctx, nm_fw_chip_addr(NM_CHIP_CHIP_STATUS), &status))
            return NM_FW_EBUS;
        if (!((status >> NM_CHIP_CHIP_STATUS_BUSY_LSB) & 1u))
            return NM_FW_OK;
    }
    return NM_FW_ETIMEOUT;
}

// Run the image (core type 1) on the SystemC model of the chip of Loihi-style cores.
int nm_sc_loihi_main(const options &o);

#endif
