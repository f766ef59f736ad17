// nm_vcore_shim.cpp - the thin extern "C" shim around the Verilated nm_core.
// The only C++ in the harness: it moves pins in and out and advances time in one place.
#include "nm_vcore_shim.h"

#include <new>

#include "nm_vmodel.hpp"
#include "Vnm_core.h"

struct nm_vcore : nm_vmodel<Vnm_core> {};

static void pins_in(Vnm_core *t, const nm_vcore_pins *p)
{
    t->rst_ni = p->rst_n;
    t->tick_i = p->tick;
    t->pkt_in_valid_i = p->pkt_in_valid;
    t->pkt_in_axon_i = p->pkt_in_axon;
    t->pkt_in_delay_i = p->pkt_in_delay;
    t->pkt_out_ready_i = p->pkt_out_ready;
    t->cfg_req_i = p->cfg_req;
    t->cfg_we_i = p->cfg_we;
    t->cfg_addr_i = p->cfg_addr;
    t->cfg_wdata_i = p->cfg_wdata;
}

static void pins_out(const Vnm_core *t, nm_vcore_pins *p)
{
    p->tick_done = t->tick_done_o;
    p->busy = t->busy_o;
    p->pkt_in_ready = t->pkt_in_ready_o;
    p->pkt_out_valid = t->pkt_out_valid_o;
    p->pkt_out_dx = t->pkt_out_dx_o;
    p->pkt_out_dy = t->pkt_out_dy_o;
    p->pkt_out_axon = t->pkt_out_axon_o;
    p->pkt_out_delay = t->pkt_out_delay_o;
    p->trace_valid = t->trace_valid_o;
    p->trace_neuron = t->trace_neuron_o;
    p->cfg_rvalid = t->cfg_rvalid_o;
    p->cfg_rdata = t->cfg_rdata_o;
    p->cfg_err = t->cfg_err_o;
}

extern "C" nm_vcore *nm_vcore_new(const char *fst_path)
{
    nm_vcore *v = new (std::nothrow) nm_vcore;
    if (v && !v->open("nm_core", fst_path)) {
        delete v;
        return nullptr;
    }
    return v;
}

extern "C" void nm_vcore_free(nm_vcore *v)
{
    delete v;
}

extern "C" void nm_vcore_eval(nm_vcore *v, nm_vcore_pins *p)
{
    pins_in(v->top, p);
    v->top->eval();
    pins_out(v->top, p);
}

extern "C" void nm_vcore_cycle(nm_vcore *v, nm_vcore_pins *p)
{
    pins_in(v->top, p);
    v->cycle();
    pins_out(v->top, p);
}

extern "C" uint64_t nm_vcore_cycles(const nm_vcore *v)
{
    return v->cycles;
}

extern "C" int nm_vcore_stopped(const nm_vcore *v, char *msg, size_t len)
{
    return v->stopped(msg, len) ? 1 : 0;
}
