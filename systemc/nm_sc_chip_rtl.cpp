// nm_sc_chip_rtl.cpp - the chip of TrueNorth-style cores of one shape as a SystemC module:
// the Verilated model (rtl/nm_chip.v, verilator --sc, prefix Vnm_chip_sc) in an nm_sc_chip,
// its pins bound, its spike trace read every cycle. Compiled once for the linked build
// (mk/systemc.mk: nm_sc_chip_new) and once per shape built on demand
// (tools/build-rtl-shape-sc, with NM_SC_SHAPE_LIB: the library's nm_sc_chip_shape_new).
// NM_SC_CORES is the build's number of cores (MeshX * MeshY); the trace ports' C++ types
// (bool, uint32_t, uint64_t or sc_bv, by width) are taken from the model (nm_sc_bits.h).
#include "nm_sc_chip.h"

#include "Vnm_chip_sc.h"
#include "nm_sc_bits.h"

using namespace sc_core;

#ifndef NM_SC_CORES
#error "NM_SC_CORES: the cores of the Verilated build"
#endif

namespace {

typedef Vnm_chip_sc V;

class nm_sc_chip_rtl final : public nm_sc_chip {
  public:
    nm_sc_chip_rtl(sc_module_name name, const sc_time &period)
        : nm_sc_chip(name, period), trace_valid_o_("trace_valid_o"), trace_neuron_o_("trace_neuron_o")
    {
        rtl_ = new V("rtl");
        bind_common(rtl_);
        rtl_->trace_valid_o(trace_valid_o_);
        rtl_->trace_neuron_o(trace_neuron_o_);
    }
    ~nm_sc_chip_rtl() override
    {
        rtl_->final();
        delete rtl_;
    }

  private:
    sc_signal<NM_SC_PORT_T(V, trace_valid_o)> trace_valid_o_;
    sc_signal<NM_SC_PORT_T(V, trace_neuron_o)> trace_neuron_o_;
    V *rtl_;

    void trace_cycle() override
    {
        nm_sc_lanes(trace_valid_o_, trace_neuron_o_, NM_SC_CORES, 8,
                    [this](unsigned c, uint32_t n) { emit_spike(c, n); });
    }
};

} // namespace

#ifdef NM_SC_SHAPE_LIB
extern "C" __attribute__((visibility("default"))) nm_sc_chip *nm_sc_chip_shape_new(const char *name, double period_ns)
{
    return new nm_sc_chip_rtl(name, sc_time(period_ns, SC_NS));
}
#else
nm_sc_chip *nm_sc_chip_new(const char *name, const sc_time &period)
{
    return new nm_sc_chip_rtl(name, period);
}
#endif
