// nm_vmodel.hpp - what every Verilated top needs around it, once: the context, the
// model, the optional waveform, the RTL assertions, and the one place where time
// advances. Used by the shims (nm_vcore_shim.cpp, nm_vchip_shim.cpp), which only map
// pins.
//
// Waveforms: a path ending in ".vcd" gives a VCD, anything else an FST. The model is
// always built with FST tracing (`verilator --trace-fst`); a VCD is the FST converted
// when the model is freed, by GTKWave's own FST reader (fstapi, the code of fst2vcd,
// compiled into verilated_fst_c.o), so one build serves both formats.
// The trace may be attached late (a window of ticks, nm_rtl_chip.c): the file then
// starts at the first cycle of the window, at its true time.
//
// Assertions: the RTL's `ifdef NM_ASSERT` checks print "nm_assert: ..." and call
// $stop. Here $stop does not abort (fatalOnError off): it sets gotError, which the
// shim reports after the cycle, with the message that nm_vassert.cpp captured.
#ifndef NM_VMODEL_HPP
#define NM_VMODEL_HPP

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include "verilated.h"
#include "verilated_fst_c.h"
#include "gtkwave/fstapi.h"

#ifdef NM_COVERAGE
#include <unistd.h>
#include "verilated_cov.h"
#endif

#ifdef NM_ASSERT
extern "C" const char *nm_vassert_message(void); // nm_vassert.cpp
extern "C" void nm_vassert_clear(void);
#endif

// Convert an FST file to VCD with fstapi (what gtkwave's fst2vcd does). True on success.
static inline bool nm_fst_to_vcd(const char *fst_path, const char *vcd_path)
{
    void *rd = fstReaderOpen(fst_path);
    if (!rd)
        return false;
    FILE *fv = std::fopen(vcd_path, "w");
    if (!fv) {
        fstReaderClose(rd);
        return false;
    }
    fstReaderProcessHier(rd, fv);
    fstReaderSetFacProcessMaskAll(rd);
    int ok = fstReaderIterBlocks(rd, nullptr, nullptr, fv);
    fstReaderClose(rd);
    ok = (std::fclose(fv) == 0) && ok;
    return ok;
}

template <typename Top> struct nm_vmodel {
    VerilatedContext ctx;
    Top *top = nullptr;
    VerilatedFstC *fst = nullptr;
    uint64_t cycles = 0;
    std::string trace_path;  // what the user asked for (.fst or .vcd)
    std::string fst_file;    // what Verilator writes (trace_path, or a temporary for VCD)
    bool tracing = false;    // dump the cycles that follow
    bool trace_failed = false;

    static bool ends_with(const std::string &s, const char *suf)
    {
        size_t n = std::strlen(suf);
        return s.size() >= n && s.compare(s.size() - n, n, suf) == 0;
    }

    // Build the model. trace_path non-NULL prepares a waveform there; trace_now says
    // whether dumping starts at once (else at the first trace(true)). False on failure,
    // including a trace file that cannot be created.
    bool open(const char *name, const char *path, bool trace_now = true)
    {
        ctx.fatalOnError(false); // $stop = an RTL assertion: reported by the harness
#ifdef NM_ASSERT
        nm_vassert_clear();
#endif
        if (path) {
            ctx.traceEverOn(true);
            trace_path = path;
            fst_file = ends_with(trace_path, ".vcd") ? trace_path + ".fst.tmp" : trace_path;
            // create the file now so that a bad path fails here, not at the window
            FILE *f = std::fopen(trace_path.c_str(), "wb");
            if (!f)
                return false;
            std::fclose(f);
        }
        top = new (std::nothrow) Top(&ctx, name);
        if (!top)
            return false;
        top->clk_i = 0;
        top->eval();
        return !path || !trace_now || trace(true);
    }

    // Start (true) or stop (false) dumping; the file is attached at the first start.
    bool trace(bool on)
    {
        if (trace_path.empty())
            return true;
        if (on && !fst) {
            fst = new (std::nothrow) VerilatedFstC;
            if (!fst)
                return false;
            top->trace(fst, 99);
            fst->open(fst_file.c_str());
            if (!fst->isOpen()) {
                trace_failed = true;
                return false;
            }
            fst->dump(ctx.time()); // the state at the start of the window
        }
        tracing = on;
        return true;
    }

    // One clock cycle: rising edge, falling edge, trace both.
    void cycle()
    {
        top->clk_i = 1;
        top->eval();
        ctx.timeInc(1);
        if (tracing) fst->dump(ctx.time());
        top->clk_i = 0;
        top->eval();
        ctx.timeInc(1);
        if (tracing) fst->dump(ctx.time());
        cycles++;
    }

    // An RTL assertion fired ($stop). msg gets its text when known.
    bool stopped(char *msg, size_t len) const
    {
        if (!ctx.gotError())
            return false;
        if (msg && len) {
#ifdef NM_ASSERT
            std::snprintf(msg, len, "%s", nm_vassert_message());
#else
            std::snprintf(msg, len, "Verilog $stop");
#endif
        }
        return true;
    }

    // Close the waveform (converting to VCD if asked). False if writing it failed.
    bool close_trace()
    {
        bool ok = !trace_failed;
        if (!fst && !trace_path.empty() && !trace_failed)
            ok = trace(true); // the window never opened: the file holds the final state
        if (fst) {
            fst->close();
            delete fst;
            fst = nullptr;
            if (fst_file != trace_path) {
                ok = nm_fst_to_vcd(fst_file.c_str(), trace_path.c_str()) && ok;
                std::remove(fst_file.c_str());
            }
        }
        tracing = false;
        trace_path.clear(); // closed for good: later calls do nothing
        return ok;
    }

#ifdef NM_COVERAGE
    // A coverage build (make coverage): every model writes its counts to its own file,
    // $NM_COVERAGE_DIR/cov-PID-N.dat; verilator_coverage merges them.
    void write_coverage()
    {
        static unsigned seq;
        const char *dir = std::getenv("NM_COVERAGE_DIR");
        std::string path = std::string(dir && dir[0] ? dir : ".") + "/cov-" + std::to_string(getpid()) + "-" +
                           std::to_string(seq++) + ".dat";
        ctx.coveragep()->write(path.c_str());
    }
#endif

    ~nm_vmodel()
    {
        if (top) {
            close_trace();
            top->final();
#ifdef NM_COVERAGE
            write_coverage();
#endif
        }
        delete top;
    }
};

#endif
