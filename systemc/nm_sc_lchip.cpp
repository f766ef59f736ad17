// nm_sc_lchip.cpp - the SystemC/TLM-2.0 interface of the chip of Loihi-style cores
// (nm_sc_lchip.h) that does not depend on the shape: the packet trace's FIFO. The Verilated
// model, its pins and its traces are nm_sc_lchip_rtl.cpp (one per shape); socket, APB, host
// input, off-chip sink, step pin and cycles are nm_sc_chip_base.cpp.
#include "nm_sc_lchip.h"

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
    : nm_sc_chip_base(name, period, HostInAddr, CtrlAddr, 1u << NML_CHIP_CHIP_CTRL_STEP_LSB), pkt_out("pkt_out")
{
}

void nm_sc_lchip::emit_pkt(unsigned core, uint32_t flit)
{
    nm_sc_lpkt p;
    p.tick = ticks_;
    p.core = (uint16_t)core;
    p.flit = flit;
    if (pkt_out.size() && !pkt_out->nb_write(p)) {
        if (pkts_dropped_++ == 0)
            SC_REPORT_WARNING(name(), "pkt_out is full: packets are being dropped");
    }
}
