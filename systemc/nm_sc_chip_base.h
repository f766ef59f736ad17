// nm_sc_chip_base.h - what the SystemC/TLM-2.0 wrappers of both Verilated chips share
// (nm_sc_chip: TrueNorth-style cores, nm_sc_lchip: Loihi-style cores; docs/systemc.md).
//
// Both chips (rtl/nm_chip.v, rtl/loihi/nm_loihi_chip.v) have the same pins apart from their
// trace ports, the same chip registers (CTRL, HOST_IN, ...) and the same tick / step
// protocol, so one base class owns: the clock and every common pin, the TLM-2.0 target
// socket (each 32-bit word one APB transfer on the RTL), the APB master, the host input,
// the off-chip sink, the tick pin and the count of cycles per tick. A derived class
// creates its Verilated model, binds the common pins with bind_common(), binds its own
// trace ports and reads them in trace_cycle(), once per clock cycle.
//
//   apb          tlm_utils::simple_target_socket, 32-bit: the chip's APB address space
//   spike_in     sc_fifo port: host packets (CHIP.HOST_IN words) into core (0,0)'s west port
//   spike_out    sc_fifo port: every spike (tick, core, neuron or compartment)
//   offchip_out  sc_fifo port: packets leaving the mesh; when it is not bound, they stay
//                in the chip's off-chip queue for the firmware (OUT_* registers)
//   tick         sc_event: notify it to start a tick / step (CTRL bit 0 over APB does too)
//   tick_done    sc_event: notified when the chip raises tick_done
// The FIFO ports may be left unbound.
#ifndef NM_SC_CHIP_BASE_H
#define NM_SC_CHIP_BASE_H

#include <cstdint>
#include <deque>
#include <ostream>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

// A host packet: the CHIP.HOST_IN word (TrueNorth chip: nm_flit_pack, dx, dy from core
// (0,0), axon, delay; Loihi chip: nm_fw_loihi_host_flit, dx, dy, axon).
struct nm_sc_packet {
    uint32_t flit = 0;
    bool operator==(const nm_sc_packet &o) const { return flit == o.flit; }
};

// A spike: the tick it fired in (ticks completed before it), core y * MeshX + x, neuron
// (TrueNorth) or compartment (Loihi).
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

class nm_sc_chip_base : public sc_core::sc_module {
  public:
    tlm_utils::simple_target_socket<nm_sc_chip_base, 32> apb;
    sc_core::sc_port<sc_core::sc_fifo_in_if<nm_sc_packet>, 1, sc_core::SC_ZERO_OR_MORE_BOUND> spike_in;
    sc_core::sc_port<sc_core::sc_fifo_out_if<nm_sc_spike>, 1, sc_core::SC_ZERO_OR_MORE_BOUND> spike_out;
    sc_core::sc_port<sc_core::sc_fifo_out_if<nm_sc_offchip>, 1, sc_core::SC_ZERO_OR_MORE_BOUND> offchip_out;
    sc_core::sc_event tick;
    sc_core::sc_event tick_done;

    SC_HAS_PROCESS(nm_sc_chip_base);
    ~nm_sc_chip_base() override = default;

    const sc_core::sc_time &period() const { return period_; }
    uint64_t cycles() const { return cycles_; }          // clock cycles since reset
    uint32_t ticks_done() const { return ticks_; }       // tick_done pulses seen
    // Cycles of the last tick, counted as the C harnesses count them (nm_rtl_chip.c,
    // nm_loihi_rtl_chip.c): from the first cycle with BUSY to the tick_done cycle, inclusive.
    uint32_t last_tick_cycles() const { return last_tick_cycles_; }
    uint64_t spikes_dropped() const { return spikes_dropped_; } // spike_out was full

  protected:
    // host_in, ctrl: PADDR of CHIP.HOST_IN and CHIP.CTRL; tick_bit: CTRL's tick / step bit
    nm_sc_chip_base(sc_core::sc_module_name name, const sc_core::sc_time &period, uint32_t host_in, uint32_t ctrl,
                    uint32_t tick_bit);

    // Bind the pins both chips have (same names in both RTL tops) to this module's signals.
    template <class V> void bind_common(V *rtl)
    {
        rtl->clk_i(clk_);
        rtl->rst_ni(rst_n_);
        rtl->tick_i(tick_i_);
        rtl->tick_done_o(tick_done_o_);
        rtl->busy_o(busy_o_);
        rtl->overrun_o(overrun_o_);
        rtl->host_valid_i(host_valid_);
        rtl->host_ready_o(host_ready_o_);
        rtl->host_flit_i(host_flit_);
        rtl->off_valid_o(off_valid_o_);
        rtl->off_ready_i(off_ready_);
        rtl->off_flit_o(off_flit_o_);
        rtl->off_side_o(off_side_o_);
        rtl->off_pos_o(off_pos_o_);
        rtl->off_tick_o(off_tick_o_);
        rtl->psel_i(psel_);
        rtl->penable_i(penable_);
        rtl->pwrite_i(pwrite_);
        rtl->paddr_i(paddr_);
        rtl->pwdata_i(pwdata_);
        rtl->prdata_o(prdata_o_);
        rtl->pready_o(pready_o_);
        rtl->pslverr_o(pslverr_o_);
    }

    // Called at every falling clock edge, before the tick_done check: read the trace
    // ports (the state after the last rising edge) and report with emit_spike().
    virtual void trace_cycle() = 0;
    void emit_spike(unsigned core, unsigned neuron);
    // ticks completed so far (the tick field of what trace_cycle reports)
    uint32_t ticks_ = 0;

    sc_core::sc_time period_;
    sc_core::sc_clock clk_;

  private:
    struct apb_req {
        bool write;
        uint32_t addr, wdata, rdata;
        bool err, done;
    };

    const uint32_t host_in_addr_, ctrl_addr_, tick_bit_;
    sc_core::sc_signal<bool> rst_n_, tick_i_, host_valid_, off_ready_, psel_, penable_, pwrite_;
    sc_core::sc_signal<uint32_t> host_flit_, paddr_, pwdata_;
    sc_core::sc_signal<bool> tick_done_o_, busy_o_, overrun_o_, host_ready_o_, off_valid_o_, pready_o_, pslverr_o_;
    sc_core::sc_signal<uint32_t> off_side_o_, off_pos_o_, off_flit_o_, off_tick_o_, prdata_o_;

    // APB: b_transport queues a word here; the driver thread performs it.
    std::deque<apb_req *> apb_q_;
    sc_core::sc_event apb_done_;
    enum { ApbIdle, ApbSetup, ApbAccess } apb_state_ = ApbIdle;

    bool tick_req_ = false, counting_ = false;
    bool presenting_ = false, accept_next_ = false;
    uint64_t cycles_ = 0, spikes_dropped_ = 0;
    uint32_t cyc_ = 0, last_tick_cycles_ = 0;

    void b_transport(tlm::tlm_generic_payload &tx, sc_core::sc_time &delay);
    void driver();
    void on_tick();
    bool host_input_idle() const;
};

#endif
