// nm_vmodel.hpp - what every Verilated top needs around it, once: the context, the
// model, the optional FST trace, and the one place where time advances.
// Used by the shims (nm_vcore_shim.cpp, nm_vchip_shim.cpp), which only map pins.
#ifndef NM_VMODEL_HPP
#define NM_VMODEL_HPP

#include <cstdint>
#include <new>

#include "verilated.h"
#include "verilated_fst_c.h"

template <typename Top> struct nm_vmodel {
    VerilatedContext ctx;
    Top *top = nullptr;
    VerilatedFstC *fst = nullptr;
    uint64_t cycles = 0;

    // Build the model; fst_path non-NULL opens a waveform. False on failure.
    bool open(const char *name, const char *fst_path)
    {
        if (fst_path) ctx.traceEverOn(true);
        top = new (std::nothrow) Top(&ctx, name);
        if (!top) return false;
        if (fst_path) {
            fst = new (std::nothrow) VerilatedFstC;
            if (!fst) return false;
            top->trace(fst, 99);
            fst->open(fst_path);
            if (!fst->isOpen()) return false;
        }
        top->clk_i = 0;
        top->eval();
        return true;
    }

    // One clock cycle: rising edge, falling edge, trace both.
    void cycle()
    {
        top->clk_i = 1;
        top->eval();
        ctx.timeInc(1);
        if (fst) fst->dump(ctx.time());
        top->clk_i = 0;
        top->eval();
        ctx.timeInc(1);
        if (fst) fst->dump(ctx.time());
        cycles++;
    }

    ~nm_vmodel()
    {
        if (top) top->final();
        if (fst) {
            fst->close();
            delete fst;
        }
        delete top;
    }
};

#endif
