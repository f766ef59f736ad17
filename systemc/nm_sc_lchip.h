// nm_sc_lchip.h - the nmemu chip of Loihi-style cores (rtl/loihi/nm_loihi_chip.v, Verilated
// with --sc) as a SystemC / TLM-2.0 module (docs/systemc.md, "Loihi-style chip"). Socket,
// FIFO ports, tick events and the cycle count are nm_sc_chip_base's (nm_sc_chip_base.h),
// the same as the TrueNorth chip's (nm_sc_chip.h); what differs is the address map
// behind the socket (docs/loihi-chip-register-map.md: core n at n * 0x40_0000, its
// 20-bit word address below), the flit (HOST_IN: dx, dy, axon; nm_fw_loihi_host_flit) and
// the trace:
//
//   spike_out    every compartment spike (tick, core, neuron = compartment), in the order
//                each core updated them
//   pkt_out      every packet a core hands its router (tick, core, flit {axon, dy, dx}),
//                in the order each core sent them
//
// A "tick" here is a chip step (CTRL.STEP, the same bit as CTRL.TICK).
#ifndef NM_SC_LCHIP_H
#define NM_SC_LCHIP_H

#include "nm_sc_chip_base.h"

class Vnm_loihi_chip_sc;

// Cores of the Verilated build (MeshX * MeshY, set by mk/systemc.mk): 6 .. 32 (so that the
// compartment trace, 12 bits a core, is an sc_bv and the valid lanes fit 32 bits).
#ifndef NM_SC_LCORES
#define NM_SC_LCORES 6
#endif
static_assert(NM_SC_LCORES >= 6 && NM_SC_LCORES <= 32, "trace ports: 6 to 32 cores");

// A packet a core sent: tick (steps completed before it), core y * MeshX + x, and the
// flit {axon[11:0], dy[8:0], dx[8:0]} (dx, dy: the core's 8-bit offsets sign-extended).
struct nm_sc_lpkt {
    uint32_t tick = 0;
    uint16_t core = 0;
    uint32_t flit = 0;
    bool operator==(const nm_sc_lpkt &o) const { return tick == o.tick && core == o.core && flit == o.flit; }
};
std::ostream &operator<<(std::ostream &os, const nm_sc_lpkt &p);

class nm_sc_lchip : public nm_sc_chip_base {
  public:
    sc_core::sc_port<sc_core::sc_fifo_out_if<nm_sc_lpkt>, 1, sc_core::SC_ZERO_OR_MORE_BOUND> pkt_out;

    // period: the chip's clock period (default 10 ns, 100 MHz).
    explicit nm_sc_lchip(sc_core::sc_module_name name,
                         const sc_core::sc_time &period = sc_core::sc_time(10, sc_core::SC_NS));
    ~nm_sc_lchip() override;

    uint64_t pkts_dropped() const { return pkts_dropped_; } // pkt_out was full

  private:
    sc_core::sc_signal<uint32_t> trace_valid_o_, trace_pkt_valid_o_;
    sc_core::sc_signal<sc_dt::sc_bv<12 * NM_SC_LCORES>> trace_comp_o_;
    sc_core::sc_signal<sc_dt::sc_bv<30 * NM_SC_LCORES>> trace_pkt_flit_o_;
    Vnm_loihi_chip_sc *rtl_;
    uint64_t pkts_dropped_ = 0;

    void trace_cycle() override;
};

#endif
