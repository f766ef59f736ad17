// nm_sc_chip.h - the nmemu chip (rtl/nm_chip.v, Verilated with --sc) as a SystemC /
// TLM-2.0 module for virtual platforms. docs/systemc.md explains how to instantiate it.
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

#include <cstdint>
#include <deque>
#include <ostream>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

class Vnm_chip_sc;

// Cores of the Verilated build (MeshX * MeshY, set by mk/systemc.mk; 5 .. 32).
#ifndef NM_SC_CORES
#define NM_SC_CORES 16
#endif
static_assert(NM_SC_CORES > 4 && NM_SC_CORES <= 32, "trace ports: 5 to 32 cores");

// A host packet: the CHIP.HOST_IN word (nm_flit_pack: dx, dy from core (0,0), axon, delay).
struct nm_sc_packet {
    uint32_t flit = 0;
    bool operator==(const nm_sc_packet &o) const { return flit == o.flit; }
};

// A neuron spike: the tick it fired in (ticks completed before it), core y * MeshX + x,
// neuron.
struct nm_sc_spike {
    uint32_t tick = 0;
    uint16_t core = 0, neuron = 0;
    bool operator==(const nm_sc_spike &o) const
    {
        return tick == o.tick && core == o.core && neuron == o.neuron;
    }
};

// A packet that left the mesh: tick, side (0 east, 1 west, 2 north, 3 south), position,
// and the flit with its remaining offsets.
struct nm_sc_offchip {
    uint32_t tick = 0;
    uint8_t side = 0, pos = 0;
    uint32_t flit = 0;
    bool operator==(const nm_sc_offchip &o) const
    {
        return tick == o.tick && side == o.side && pos == o.pos && flit == o.flit;
    }
};

std::ostream &operator<<(std::ostream &os, const nm_sc_packet &p);
std::ostream &operator<<(std::ostream &os, const nm_sc_spike &s);
std::ostream &operator<<(std::ostream &os, const nm_sc_offchip &o);

class nm_sc_chip : public sc_core::sc_module {
  public:
    tlm_utils::simple_target_socket<nm_sc_chip, 32> apb;
    sc_core::sc_port<sc_core::sc_fifo_in_if<nm_sc_packet>, 1, sc_core::SC_ZERO_OR_MORE_BOUND> spike_in;
    sc_core::sc_port<sc_core::sc_fifo_out_if<nm_sc_spike>, 1, sc_core::SC_ZERO_OR_MORE_BOUND> spike_out;
    sc_core::sc_port<sc_core::sc_fifo_out_if<nm_sc_offchip>, 1, sc_core::SC_ZERO_OR_MORE_BOUND> offchip_out;
    sc_core::sc_event tick;
    sc_core::sc_event tick_done;

    SC_HAS_PROCESS(nm_sc_chip);
    // period: the chip's clock period (default 10 ns, 100 MHz).
    explicit nm_sc_chip(sc_core::sc_module_name name,
                        const sc_core::sc_time &period = sc_core::sc_time(10, sc_core::SC_NS));
    ~nm_sc_chip() override;

    const sc_core::sc_time &period() const { return period_; }
    uint64_t cycles() const { return cycles_; }          // clock cycles since reset
    uint32_t ticks_done() const { return ticks_; }       // tick_done pulses seen
    // Cycles of the last tick, counted as the C harness counts them (nm_rtl_chip.c):
    // from the first cycle with BUSY to the tick_done cycle, inclusive.
    uint32_t last_tick_cycles() const { return last_tick_cycles_; }
    uint64_t spikes_dropped() const { return spikes_dropped_; } // spike_out was full

  private:
    struct apb_req {
        bool write;
        uint32_t addr, wdata, rdata;
        bool err, done;
    };

    sc_core::sc_time period_;
    sc_core::sc_clock clk_;
    sc_core::sc_signal<bool> rst_n_, tick_i_, host_valid_, off_ready_, psel_, penable_, pwrite_;
    sc_core::sc_signal<uint32_t> host_flit_, paddr_, pwdata_;
    sc_core::sc_signal<bool> tick_done_o_, busy_o_, overrun_o_, host_ready_o_, off_valid_o_, pready_o_, pslverr_o_;
    sc_core::sc_signal<uint32_t> off_side_o_, off_pos_o_, trace_valid_o_, off_flit_o_, off_tick_o_, prdata_o_;
    sc_core::sc_signal<sc_dt::sc_bv<8 * NM_SC_CORES>> trace_neuron_o_;
    Vnm_chip_sc *rtl_;

    // APB: b_transport queues a word here; the driver thread performs it.
    std::deque<apb_req *> apb_q_;
    sc_core::sc_event apb_done_;
    enum { ApbIdle, ApbSetup, ApbAccess } apb_state_ = ApbIdle;

    bool tick_req_ = false, ticking_ = false, counting_ = false;
    bool presenting_ = false, accept_next_ = false;
    uint64_t cycles_ = 0, spikes_dropped_ = 0;
    uint32_t ticks_ = 0, cyc_ = 0, last_tick_cycles_ = 0;

    void b_transport(tlm::tlm_generic_payload &tx, sc_core::sc_time &delay);
    void driver();
    void on_tick();
    bool host_input_idle() const;
};

#endif
