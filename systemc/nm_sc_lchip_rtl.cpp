// nm_sc_lchip_rtl.cpp - the chip of Loihi-style cores of one shape as a SystemC module: the
// Verilated model (rtl/loihi/nm_loihi_chip.v, verilator --sc, prefix Vnm_loihi_chip_sc) in
// an nm_sc_lchip, its pins bound, its spike and packet traces read every cycle. Compiled once
// for the linked build (mk/systemc.mk: nm_sc_lchip_new) and once per shape built on demand
// (tools/build-rtl-shape-sc, with NM_SC_SHAPE_LIB: the library's nm_sc_lchip_shape_new).
// NM_SC_LCORES is the build's number of cores (MeshX * MeshY); the trace ports' C++ types
// (bool, uint32_t, uint64_t or sc_bv, by width) are taken from the model (nm_sc_bits.h).
#include "nm_sc_lchip.h"

#include "Vnm_loihi_chip_sc.h"
#include "nm_sc_bits.h"

using namespace sc_core;

#ifndef NM_SC_LCORES
#error "NM_SC_LCORES: the cores of the Verilated build"
#endif

namespace {

typedef Vnm_loihi_chip_sc V;

class nm_sc_lchip_rtl final : public nm_sc_lchip {
  public:
    nm_sc_lchip_rtl(sc_module_name name, const sc_time &period)
        : nm_sc_lchip(name, period), trace_valid_o_("trace_valid_o"), trace_pkt_valid_o_("trace_pkt_valid_o"),
          trace_comp_o_("trace_comp_o"), trace_pkt_flit_o_("trace_pkt_flit_o")
    {
        rtl_ = new V("rtl");
        bind_common(rtl_);
        rtl_->trace_valid_o(trace_valid_o_);
        rtl_->trace_comp_o(trace_comp_o_);
        rtl_->trace_pkt_valid_o(trace_pkt_valid_o_);
        rtl_->trace_pkt_flit_o(trace_pkt_flit_o_);
    }
    ~nm_sc_lchip_rtl() override
    {
        rtl_->final();
        delete rtl_;
    }

  private:
    sc_signal<NM_SC_PORT_T(V, trace_valid_o)> trace_valid_o_;
    sc_signal<NM_SC_PORT_T(V, trace_pkt_valid_o)> trace_pkt_valid_o_;
    sc_signal<NM_SC_PORT_T(V, trace_comp_o)> trace_comp_o_;
    sc_signal<NM_SC_PORT_T(V, trace_pkt_flit_o)> trace_pkt_flit_o_;
    V *rtl_;

    // As nm_loihi_rtl_chip.c's collect(): each core's spike and packet lanes, core by core.
    void trace_cycle() override
    {
        nm_sc_lanes(trace_valid_o_, trace_comp_o_, NM_SC_LCORES, 12,
                    [this](unsigned c, uint32_t n) { emit_spike(c, n); });
        nm_sc_lanes(trace_pkt_valid_o_, trace_pkt_flit_o_, NM_SC_LCORES, 30,
                    [this](unsigned c, uint32_t f) { emit_pkt(c, f); });
    }
};

} // namespace

#ifdef NM_SC_SHAPE_LIB
extern "C" __attribute__((visibility("default"))) nm_sc_lchip *nm_sc_lchip_shape_new(const char *name,
                                                                                      double period_ns)
{
    return new nm_sc_lchip_rtl(name, sc_time(period_ns, SC_NS));
}
#else
nm_sc_lchip *nm_sc_lchip_new(const char *name, const sc_time &period)
{
    return new nm_sc_lchip_rtl(name, period);
}
#endif
