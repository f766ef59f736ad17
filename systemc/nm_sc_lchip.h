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

// A packet a core sent: tick (steps completed before it), core y * MeshX + x, and the
// flit {axon[11:0], dy[8:0], dx[8:0]} (dx, dy: the core's 8-bit offsets sign-extended).
struct nm_sc_lpkt {
    uint32_t tick = 0;
    uint16_t core = 0;
    uint32_t flit = 0;
    bool operator==(const nm_sc_lpkt &o) const { return tick == o.tick && core == o.core && flit == o.flit; }
};
std::ostream &operator<<(std::ostream &os, const nm_sc_lpkt &p);

// The chip's SystemC interface; an instance is made by nm_sc_lchip_new (the build linked into
// the program) or by the factory of a shape's library (nm_sc_lchip_shape_new, built on demand
// by tools/build-rtl-shape-sc, docs/systemc.md "Shapes"), both in nm_sc_lchip_rtl.cpp.
class nm_sc_lchip : public nm_sc_chip_base {
  public:
    sc_core::sc_port<sc_core::sc_fifo_out_if<nm_sc_lpkt>, 1, sc_core::SC_ZERO_OR_MORE_BOUND> pkt_out;

    uint64_t pkts_dropped() const { return pkts_dropped_; } // pkt_out was full

  protected:
    nm_sc_lchip(sc_core::sc_module_name name, const sc_core::sc_time &period);
    void emit_pkt(unsigned core, uint32_t flit); // a packet core `core` handed its router

  private:
    uint64_t pkts_dropped_ = 0;
};

// The linked build (mk/systemc.mk: LCHIP_MESH_X x LCHIP_MESH_Y small cores, input queues of
// 4,096). period: the chip's clock period (10 ns: 100 MHz).
nm_sc_lchip *nm_sc_lchip_new(const char *name, const sc_core::sc_time &period = sc_core::sc_time(10, sc_core::SC_NS));
// The factory a shape's library exports (looked up with dlsym by this name).
typedef nm_sc_lchip *nm_sc_lchip_new_fn(const char *name, double period_ns);
#define NM_SC_LCHIP_SHAPE_NEW "nm_sc_lchip_shape_new"

#endif
