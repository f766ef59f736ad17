// nm_sc_chip_base.cpp - the TLM target, APB master, host input, off-chip sink, tick pin
// and cycle count that both SystemC chip wrappers share (nm_sc_chip_base.h).
//
// One thread (driver) owns every input pin of the RTL. It wakes at each falling clock
// edge, looks at the outputs (the state after the rising edge, as the C harnesses
// nm_rtl_chip.c and nm_loihi_rtl_chip.c do after each cycle), and sets the inputs for the
// next rising edge: the APB master, the host input, the off-chip sink, the tick pin; it
// also has the derived class collect its trace (trace_cycle) and counts the cycles of
// each tick. During an APB access phase it also wakes at the rising edge, where it
// samples PREADY/PRDATA/PSLVERR just before the edge completes the transfer. So the RTL
// sees exactly the pin sequence of the C harness, and spikes, counters and cycles per
// tick come out identical.
#include "nm_sc_chip_base.h"

#include <cstring>

using namespace sc_core;

std::ostream &operator<<(std::ostream &os, const nm_sc_packet &p)
{
    return os << "packet 0x" << std::hex << p.flit << std::dec;
}

std::ostream &operator<<(std::ostream &os, const nm_sc_spike &s)
{
    return os << "spike tick " << s.tick << " core " << s.core << " neuron " << s.neuron;
}

std::ostream &operator<<(std::ostream &os, const nm_sc_offchip &o)
{
    return os << "off-chip tick " << o.tick << " side " << unsigned(o.side) << " pos " << unsigned(o.pos)
              << " flit 0x" << std::hex << o.flit << std::dec;
}

nm_sc_chip_base::nm_sc_chip_base(sc_module_name name, const sc_time &period, uint32_t host_in, uint32_t ctrl,
                                 uint32_t tick_bit)
    : sc_module(name), apb("apb"), spike_in("spike_in"), spike_out("spike_out"), offchip_out("offchip_out"),
      tick("tick"), tick_done("tick_done"), period_(period), clk_("clk", period), host_in_addr_(host_in),
      ctrl_addr_(ctrl), tick_bit_(tick_bit), rst_n_("rst_n", false), tick_i_("tick_i"), host_valid_("host_valid"),
      off_ready_("off_ready"), psel_("psel"), penable_("penable"), pwrite_("pwrite"), host_flit_("host_flit"),
      paddr_("paddr"), pwdata_("pwdata"), tick_done_o_("tick_done_o"), busy_o_("busy_o"), overrun_o_("overrun_o"),
      host_ready_o_("host_ready_o"), off_valid_o_("off_valid_o"), pready_o_("pready_o"), pslverr_o_("pslverr_o"),
      off_side_o_("off_side_o"), off_pos_o_("off_pos_o"), off_flit_o_("off_flit_o"), off_tick_o_("off_tick_o"),
      prdata_o_("prdata_o")
{
    apb.register_b_transport(this, &nm_sc_chip_base::b_transport);
    SC_THREAD(driver);
    SC_METHOD(on_tick);
    sensitive << tick;
    dont_initialize();
}

void nm_sc_chip_base::on_tick()
{
    tick_req_ = true;
}

bool nm_sc_chip_base::host_input_idle() const
{
    return !presenting_ && (spike_in.size() == 0 || spike_in->num_available() == 0);
}

void nm_sc_chip_base::emit_spike(unsigned core, unsigned neuron)
{
    nm_sc_spike s;
    s.tick = ticks_;
    s.core = (uint16_t)core;
    s.neuron = (uint16_t)neuron;
    if (spike_out.size() && !spike_out->nb_write(s)) {
        if (spikes_dropped_++ == 0)
            SC_REPORT_WARNING(name(), "spike_out is full: spikes are being dropped");
    }
}

// The TLM target. The initiator's time offset is consumed first (wait), then each
// 32-bit word is an APB transfer that the driver performs on the clocked RTL; the call
// returns when the last access phase has completed, so the time the transfers took
// (2 clock periods per word, plus the wait for the next falling edge) has passed in
// simulated time and the returned delay is zero.
void nm_sc_chip_base::b_transport(tlm::tlm_generic_payload &tx, sc_time &delay)
{
    wait(delay);
    delay = SC_ZERO_TIME;
    const tlm::tlm_command cmd = tx.get_command();
    const uint64_t addr = tx.get_address();
    const unsigned len = tx.get_data_length();
    const unsigned width = tx.get_streaming_width() ? tx.get_streaming_width() : len;
    unsigned char *data = tx.get_data_ptr();
    if (tx.get_byte_enable_ptr()) {
        tx.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
        return;
    }
    if (len == 0 || len % 4 || width % 4 || width > len) {
        tx.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
        return;
    }
    if (addr % 4 || addr + width - 1 > 0xffffffffull) {
        tx.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
        return;
    }
    if (cmd == tlm::TLM_IGNORE_COMMAND) {
        tx.set_response_status(tlm::TLM_OK_RESPONSE);
        return;
    }
    for (unsigned k = 0; k < len; k += 4) {
        apb_req r;
        r.write = cmd == tlm::TLM_WRITE_COMMAND;
        r.addr = (uint32_t)(addr + k % width);
        r.wdata = 0;
        if (r.write)
            std::memcpy(&r.wdata, data + k, 4);
        r.rdata = 0;
        r.err = false;
        r.done = false;
        apb_q_.push_back(&r);
        while (!r.done)
            wait(apb_done_);
        if (r.err) { // PSLVERR: unmapped, read-only, or refused by a busy core
            tx.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
            return;
        }
        if (!r.write)
            std::memcpy(data + k, &r.rdata, 4);
    }
    tx.set_response_status(tlm::TLM_OK_RESPONSE);
}

void nm_sc_chip_base::driver()
{
    apb_req *cur = nullptr;
    bool hostin_now = false; // the inputs on the pins now hold an APB HOST_IN access
    tick_i_.write(false);
    host_valid_.write(false);
    off_ready_.write(false);
    psel_.write(false);
    penable_.write(false);
    pwrite_.write(false);
    rst_n_.write(false);
    for (int i = 0; i < 4; i++) {
        wait(clk_.negedge_event());
        cycles_++;
    }
    rst_n_.write(true);
    for (;;) {
        wait(clk_.negedge_event());
        cycles_++;

        // the trace of this cycle (spikes, and what else the chip shows)
        trace_cycle();

        // cycles per tick, as the C harnesses count them
        if (busy_o_.read())
            counting_ = true;
        if (counting_)
            cyc_++;
        if (tick_done_o_.read()) {
            last_tick_cycles_ = cyc_;
            cyc_ = 0;
            counting_ = false;
            ticks_++;
            tick_done.notify(SC_ZERO_TIME);
        }

        // off-chip sink: pop the queue head into offchip_out while it has room
        bool off_ready = false;
        if (offchip_out.size() && off_valid_o_.read()) {
            nm_sc_offchip o;
            o.tick = off_tick_o_.read();
            o.side = (uint8_t)off_side_o_.read();
            o.pos = (uint8_t)off_pos_o_.read();
            o.flit = off_flit_o_.read();
            off_ready = offchip_out->nb_write(o);
        }
        off_ready_.write(off_ready);

        // APB master: the next phase of the transfer at the head of the queue
        if (apb_state_ == ApbIdle && !apb_q_.empty()) {
            apb_req *r = apb_q_.front();
            bool tick_write = r->write && r->addr == ctrl_addr_ && (r->wdata & tick_bit_);
            // host packets queued before a tick request enter first, as on the pin
            if (!tick_write || host_input_idle()) {
                cur = r;
                psel_.write(true);
                penable_.write(false);
                pwrite_.write(r->write);
                paddr_.write(r->addr);
                pwdata_.write(r->wdata);
                apb_state_ = ApbSetup;
            }
        } else if (apb_state_ == ApbSetup) {
            penable_.write(true);
            apb_state_ = ApbAccess;
        }
        if (apb_state_ == ApbIdle) {
            psel_.write(false);
            penable_.write(false);
        }
        const bool hostin_next = apb_state_ == ApbAccess && cur->write && cur->addr == host_in_addr_;

        // host input: one packet per cycle while the west port of core (0,0) is ready.
        // A packet presented now is taken at the next rising edge if HOST_READY is high
        // (it depends only on registered state when no APB HOST_IN access is on the pins).
        if (presenting_ && accept_next_)
            presenting_ = false;
        if (!presenting_ && spike_in.size() && spike_in->num_available() > 0) {
            nm_sc_packet p;
            spike_in->nb_read(p);
            host_flit_.write(p.flit);
            presenting_ = true;
        }
        const bool show = presenting_ && !hostin_now && !hostin_next;
        accept_next_ = show && host_ready_o_.read();
        host_valid_.write(show);
        hostin_now = hostin_next;

        // tick pin, one cycle, once the host input has gone in
        const bool t = tick_req_ && host_input_idle();
        if (t)
            tick_req_ = false;
        tick_i_.write(t);

        // the access phase completes at the next rising edge: sample it just before
        // (with PREADY low it stays in the access phase for another cycle)
        if (apb_state_ == ApbAccess) {
            wait(clk_.posedge_event());
            if (pready_o_.read()) {
                cur->rdata = prdata_o_.read();
                cur->err = pslverr_o_.read();
                cur->done = true;
                apb_q_.pop_front();
                apb_done_.notify(SC_ZERO_TIME);
                apb_state_ = ApbIdle;
            }
        }
    }
}
