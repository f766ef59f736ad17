// nm_sc_lchip.cpp - the SystemC/TLM-2.0 wrapper of the Verilated chip of Loihi-style cores
// (nm_sc_lchip.h): its Verilated model, its pins, its spike and packet traces; the rest
// (socket, APB, host input, off-chip sink, step pin, cycles) is nm_sc_chip_base.cpp.
#include "nm_sc_lchip.h"

#include "Vnm_loihi_chip_sc.h"
#include "nm_loihi_chipmap.h"

using namespace sc_core;

std::ostream &operator<<(std::ostream &os, const nm_sc_lpkt &p)
{
    return os << "packet tick " << p.tick << " core " << p.core << " flit 0x" << std::hex << p.flit << std::dec;
}

// PADDR of CHIP.HOST_IN and CHIP.CTRL (docs/loihi-chip-register-map.md)
static const uint32_t HostInAddr = ((uint32_t)NML_CHIP_REGION_CHIP << NML_CHIP_REGION_SHIFT | NML_CHIP_CHIP_HOST_IN)
                                   << 2;
static const uint32_t CtrlAddr = ((uint32_t)NML_CHIP_REGION_CHIP << NML_CHIP_REGION_SHIFT | NML_CHIP_CHIP_CTRL) << 2;

nm_sc_lchip::nm_sc_lchip(sc_module_name name, const sc_time &period)
    : nm_sc_chip_base(name, period, HostInAddr, CtrlAddr, 1u << NML_CHIP_CHIP_CTRL_STEP_LSB), pkt_out("pkt_out"),
      trace_valid_o_("trace_valid_o"), trace_pkt_valid_o_("trace_pkt_valid_o"), trace_comp_o_("trace_comp_o"),
      trace_pkt_flit_o_("trace_pkt_flit_o")
{
    rtl_ = new Vnm_loihi_chip_sc("rtl");
    bind_common(rtl_);
    rtl_->trace_valid_o(trace_valid_o_);
    rtl_->trace_comp_o(trace_comp_o_);
    rtl_->trace_pkt_valid_o(trace_pkt_valid_o_);
    rtl_->trace_pkt_flit_o(trace_pkt_flit_o_);
}

nm_sc_lchip::~nm_sc_lchip()
{
    rtl_->final();
    delete rtl_;
}

// As nm_loihi_rtl_chip.c's collect(): each core's spike and packet lanes, core by core.
void nm_sc_lchip::trace_cycle()
{
    const uint32_t tv = trace_valid_o_.read(), pv = trace_pkt_valid_o_.read();
    if (tv) {
        const sc_dt::sc_bv<12 * NM_SC_LCORES> tc = trace_comp_o_.read();
        for (unsigned c = 0; c < NM_SC_LCORES; c++)
            if ((tv >> c) & 1u)
                emit_spike(c, tc.range(12 * c + 11, 12 * c).to_uint());
    }
    if (pv) {
        const sc_dt::sc_bv<30 * NM_SC_LCORES> tf = trace_pkt_flit_o_.read();
        for (unsigned c = 0; c < NM_SC_LCORES; c++) {
            if (!((pv >> c) & 1u))
                continue;
            nm_sc_lpkt p;
            p.tick = ticks_;
            p.core = (uint16_t)c;
            p.flit = tf.range(30 * c + 29, 30 * c).to_uint();
            if (pkt_out.size() && !pkt_out->nb_write(p)) {
                if (pkts_dropped_++ == 0)
                    SC_REPORT_WARNING(name(), "pkt_out is full: packets are being dropped");
            }
        }
    }
}
