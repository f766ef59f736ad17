// nm_sc_tlm_bus.h - the firmware driver's bus (firmware/nm_fw.h) as a TLM-2.0
// initiator: read32/write32 become b_transport calls on `socket`, so nm_fw.c runs
// unchanged against nm_sc_chip (or any APB-space target). Call the callbacks only from
// a SystemC thread: the target waits for the clocked RTL.
#ifndef NM_SC_TLM_BUS_H
#define NM_SC_TLM_BUS_H

#include <cstdint>
#include <cstring>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

extern "C" {
#include "../firmware/nm_fw.h"
}

class nm_sc_tlm_bus : public sc_core::sc_module {
  public:
    tlm_utils::simple_initiator_socket<nm_sc_tlm_bus, 32> socket;
    uint64_t transactions = 0; // b_transport calls made

    explicit nm_sc_tlm_bus(sc_core::sc_module_name name) : sc_module(name), socket("socket") {}

    // The callback pair for nm_fw_* functions.
    nm_fw_bus fw_bus()
    {
        nm_fw_bus b;
        b.ctx = this;
        b.read32 = read32;
        b.write32 = write32;
        return b;
    }

    // One 32-bit access; 0, or -1 when the target answered with an error (PSLVERR).
    int access(bool write, uint32_t addr, uint32_t *data)
    {
        tlm::tlm_generic_payload tx;
        sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
        unsigned char buf[4];
        std::memcpy(buf, data, 4);
        tx.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
        tx.set_address(addr);
        tx.set_data_ptr(buf);
        tx.set_data_length(4);
        tx.set_streaming_width(4);
        tx.set_byte_enable_ptr(nullptr);
        tx.set_dmi_allowed(false);
        tx.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        socket->b_transport(tx, delay);
        if (delay != sc_core::SC_ZERO_TIME)
            sc_core::wait(delay);
        transactions++;
        if (tx.is_response_error())
            return -1;
        if (!write)
            std::memcpy(data, buf, 4);
        return 0;
    }

    static int read32(void *ctx, uint32_t addr, uint32_t *data)
    {
        return static_cast<nm_sc_tlm_bus *>(ctx)->access(false, addr, data);
    }

    static int write32(void *ctx, uint32_t addr, uint32_t data)
    {
        return static_cast<nm_sc_tlm_bus *>(ctx)->access(true, addr, &data);
    }
};

#endif
