// nm_sc_chip.h - the nmemu chip of TrueNorth-style cores (rtl/nm_chip.v, Verilated with
// --sc) as a SystemC / TLM-2.0 module for virtual platforms. docs/systemc.md explains how to
// instantiate it; the ports, the socket and the tick protocol are nm_sc_chip_base's
// (nm_sc_chip_base.h), shared with the chip of Loihi-style cores (nm_sc_lchip.h).
//
//   apb          tlm_utils::simple_target_socket, 32-bit: the chip's APB address space
//                (socket address = PADDR, docs/chip-register-map.md). Each 32-bit word
//                of a transaction is one APB transfer on the RTL (2 clock cycles).
//   spike_in     sc_fifo port: host packets into the west port of core (0,0)
//   spike_out    sc_fifo port: every neuron spike (tick, core, neuron), from the trace port
//   offchip_out  sc_fifo port: packets leaving the mesh; when it is not bound, they stay
//                in the chip's off-chip queue for the firmware (OUT_* registers)
//   tick         sc_event: notify it to start a tick (the tick pin; CTRL.TICK over APB
//                does the same)
//   tick_done    sc_event: notified when the chip raises tick_done
//
// All three FIFO ports may be left unbound.
#ifndef NM_SC_CHIP_H
#define NM_SC_CHIP_H

#include "nm_sc_chip_base.h"

// The chip's SystemC interface; an instance is made by nm_sc_chip_new (the build linked into
// the program: MESH_X x MESH_Y cores of 256 x 256) or by the factory of a shape's library
// (nm_sc_chip_shape_new, built on demand by tools/build-rtl-shape-sc, docs/systemc.md
// "Shapes"), both in nm_sc_chip_rtl.cpp.
class nm_sc_chip : public nm_sc_chip_base {
  protected:
    nm_sc_chip(sc_core::sc_module_name name, const sc_core::sc_time &period);
};

// The linked build. period: the chip's clock period (10 ns: 100 MHz).
nm_sc_chip *nm_sc_chip_new(const char *name, const sc_core::sc_time &period = sc_core::sc_time(10, sc_core::SC_NS));
// The factory a shape's library exports (looked up with dlsym by this name).
typedef nm_sc_chip *nm_sc_chip_new_fn(const char *name, double period_ns);
#define NM_SC_CHIP_SHAPE_NEW "nm_sc_chip_shape_new"

#endif
