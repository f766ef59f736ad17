// nm_sc_main.h - what the two platforms of nmemu-sc share: the options (parsed once in
// nm_sc_main.cpp), the exit status, the output files (written as nmemu writes its own), the
// input, the chip of a shape built on demand, the wiring of bus and FIFOs, the host thread's
// common part, and the entry of the Loihi-style platform (nm_sc_lmain.cpp), which
// nm_sc_main.cpp calls when the image's core type is 1.
#ifndef NM_SC_MAIN_H
#define NM_SC_MAIN_H

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "nm_sc_chip_base.h"
#include "nm_sc_tlm_bus.h"

extern "C" {
#include "nm_chipmap.h"
#include "nm_load.h"
#include "nm_output.h"
}

struct options {
    const char *image = nullptr, *input = nullptr, *spikes = nullptr, *outputs = nullptr, *report = nullptr;
    // energy, as nmemu run: the preset (nullptr: the core type's default, truenorth-28nm or
    // loihi-davies2018), the supply voltage (TrueNorth only; 0: the preset's) and the tick /
    // step rate for static energy
    const char *energy = nullptr;
    double volts = 0, tick_hz = 1000;
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

// The host spikes of --input (none without it) for a mesh_x x mesh_y image of cores with
// naxons input axons, as nmemu reads them; false after printing why (exit status 3).
bool nm_sc_read_input(const options &o, unsigned mesh_x, unsigned mesh_y, unsigned naxons, nm_input **in,
                      size_t *nin);

// The factory `sym` of the SystemC library of the shape `key` (the shape cache's "sc-" flavour,
// emulator/nm_rtl_shapes.h: built first when missing or stale, tools/build-rtl-shape-sc saying
// so on stderr), or nullptr after printing why.
void *nm_sc_shape_factory(const char *key, const char *sym);

// What both platforms wire the same way: the TLM bus on the chip's socket and the FIFOs of
// host packets, spikes and off-chip packets (offchip_out stays unbound with --fw-offchip: the
// firmware drains the queue).
struct nm_sc_wiring {
    nm_sc_chip_base &chip;
    nm_sc_tlm_bus bus{"bus"};
    sc_core::sc_fifo<nm_sc_packet> fin{"spike_in", 1024};
    sc_core::sc_fifo<nm_sc_spike> fspk{"spike_out", 1 << 16};
    sc_core::sc_fifo<nm_sc_offchip> foff{"offchip_out", 1 << 14};
    nm_sc_wiring(nm_sc_chip_base &c, const options &o) : chip(c)
    {
        bus.socket.bind(chip.apb);
        chip.spike_in(fin);
        chip.spike_out(fspk);
        if (!o.fw_offchip)
            chip.offchip_out(foff);
    }
};

// The platform's CPU, both kinds: one thread (run) that runs the whole experiment.
class nm_sc_host_base : public sc_core::sc_module {
  protected:
    nm_sc_host_base(sc_core::sc_module_name n, const options &o, const nm_input *in, size_t nin, nm_sc_wiring &w)
        : sc_module(n), o_(o), in_(in), nin_(nin), chip_base_(w.chip), bus_(w.bus), fin_(w.fin), fspk_(w.fspk),
          foff_(w.foff)
    {
    }
    const options &o_;
    const nm_input *in_;
    size_t nin_;
    nm_sc_chip_base &chip_base_;
    nm_sc_tlm_bus &bus_;
    sc_core::sc_fifo<nm_sc_packet> &fin_;
    sc_core::sc_fifo<nm_sc_spike> &fspk_;
    sc_core::sc_fifo<nm_sc_offchip> &foff_;

    // print msg, set the exit status, stop the simulation; never returns
    void fail(int code, const std::string &msg)
    {
        std::fprintf(stderr, "nmemu-sc: %s\n", msg.c_str());
        exit_code = code;
        sc_core::sc_stop();
        sc_core::wait(); // never resumes
    }
    // Run tick (step) t: through the chip's tick / tick_done events, or with --fw-tick by the
    // firmware (nm_sc_fw_tick; with --fw-offchip it drains the off-chip queue into fwoff).
    // The number of packets the firmware drained.
    unsigned run_tick(const nm_fw_bus &fw, std::vector<nm_fw_offchip> &fwoff, const char *unit, unsigned long t)
    {
        unsigned nfw = 0;
        if (!o_.fw_tick) {
            chip_base_.tick.notify(sc_core::SC_ZERO_TIME);
            sc_core::wait(chip_base_.tick_done);
        } else {
            int rc = nm_sc_fw_tick(&fw, o_.fw_offchip, 10000000u, fwoff.data(), (unsigned)fwoff.size(), &nfw);
            if (rc != NM_FW_OK)
                fail(1, std::string(unit) + " " + std::to_string(t) + ": the firmware's " + unit + " failed (" +
                            std::to_string(rc) + ")");
        }
        return nfw;
    }
    // A packet the firmware drained (--fw-offchip) as the offchip_out sink gives it (both
    // chips' OUT_INFO have side and position at the same bits).
    static nm_sc_offchip from_fw(const nm_fw_offchip &f)
    {
        nm_sc_offchip q;
        q.tick = f.tick;
        q.side = (uint8_t)((f.info >> NM_CHIP_CHIP_OUT_INFO_SIDE_LSB) & NM_CHIP_CHIP_OUT_INFO_SIDE_MASK);
        q.pos = (uint8_t)((f.info >> NM_CHIP_CHIP_OUT_INFO_POS_LSB) & NM_CHIP_CHIP_OUT_INFO_POS_MASK);
        q.flit = f.flit;
        return q;
    }
    // The last lines: load time, speed, simulated time, the files written. `unit`: ticks or steps.
    void print_tail(double t_load, unsigned long ran, const char *unit, double wall, uint64_t run_cycles,
                    const sc_core::sc_time &sim) const
    {
        std::printf("systemc: image loaded in %.2f s (%llu TLM transactions in all); %lu %s in %.2f s = %.1f "
                    "%s/s, %llu clock cycles = %.0f cycles/s; simulated %s at %g ns\n",
                    t_load, (unsigned long long)bus_.transactions, ran, unit, wall, wall > 0 ? ran / wall : 0.0,
                    unit, (unsigned long long)run_cycles, wall > 0 ? run_cycles / wall : 0.0,
                    sim.to_string().c_str(), o_.period_ns);
        if (o_.spikes)
            std::printf("spikes: %s\n", o_.spikes);
        if (o_.outputs)
            std::printf("outputs: %s\n", o_.outputs);
        if (o_.report)
            std::printf("report: %s\n", o_.report);
    }
};

// Run the image (core type 1) on the SystemC model of the chip of Loihi-style cores.
int nm_sc_loihi_main(const options &o);

#endif
