// nm_sc_chip.cpp - the SystemC/TLM-2.0 wrapper of the Verilated chip of TrueNorth-style
// cores (nm_sc_chip.h): its Verilated model, its pins, and its spike trace; everything
// else is nm_sc_chip_base.cpp.
#include "nm_sc_chip.h"

#include "Vnm_chip_sc.h"
#include "nm_chipmap.h"

using namespace sc_core;

// PADDR of CHIP.HOST_IN and CHIP.CTRL (docs/chip-register-map.md)
static const uint32_t HostInAddr = ((uint32_t)NM_CHIP_REGION_CHIP << NM_CHIP_REGION_SHIFT | NM_CHIP_CHIP_HOST_IN) << 2;
static const uint32_t CtrlAddr = ((uint32_t)NM_CHIP_REGION_CHIP << NM_CHIP_REGION_SHIFT | NM_CHIP_CHIP_CTRL) << 2;

nm_sc_chip::nm_sc_chip(sc_module_name name, const sc_time &period)
    : nm_sc_chip_base(name, period, HostInAddr, CtrlAddr, 1u << NM_CHIP_CHIP_CTRL_TICK_LSB),
      trace_valid_o_("trace_valid_o"), trace_neuron_o_("trace_neuron_o")
{
    rtl_ = new Vnm_chip_sc("rtl");
    bind_common(rtl_);
    rtl_->trace_valid_o(trace_valid_o_);
    rtl_->trace_neuron_o(trace_neuron_o_);
}

nm_sc_chip::~nm_sc_chip()
{
    rtl_->final();
    delete rtl_;
}

void nm_sc_chip::trace_cycle()
{
    const uint32_t tv = trace_valid_o_.read();
    if (!tv)
        return;
    const sc_dt::sc_bv<8 * NM_SC_CORES> tn = trace_neuron_o_.read();
    for (unsigned c = 0; c < NM_SC_CORES; c++)
        if ((tv >> c) & 1u)
            emit_spike(c, tn.range(8 * c + 7, 8 * c).to_uint());
}
