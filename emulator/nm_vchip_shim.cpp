// nm_vchip_shim.cpp - the thin extern "C" shim around the Verilated nm_chip.
#include "nm_vchip_shim.h"

#include <new>

#include "nm_vmodel.hpp"
#include "Vnm_chip.h"

struct nm_vchip : nm_vmodel<Vnm_chip> {};

// trace lanes: one bit and one byte per core, from a plain integer or a VlWide
template <typename T> static uint32_t bits_of(const T &v, unsigned lsb, unsigned w)
{
    return (uint32_t)(((uint64_t)v >> lsb) & ((1ull << w) - 1));
}
template <std::size_t N> static uint32_t bits_of(const VlWide<N> &v, unsigned lsb, unsigned w)
{
    return (v[lsb / 32] >> (lsb % 32)) & ((1u << w) - 1); // fields never straddle words
}


static void pins_in(Vnm_chip *t, const nm_vchip_pins *p)
{
    t->rst_ni = p->rst_n;
    t->tick_i = p->tick;
    t->host_valid_i = p->host_valid;
    t->host_flit_i = p->host_flit;
    t->off_ready_i = p->off_ready;
    t->psel_i = p->psel;
    t->penable_i = p->penable;
    t->pwrite_i = p->pwrite;
    t->paddr_i = p->paddr;
    t->pwdata_i = p->pwdata;
}

static void pins_out(const Vnm_chip *t, nm_vchip_pins *p)
{
    unsigned c, n = nm_vchip_ncores();
    p->tick_done = t->tick_done_o;
    p->busy = t->busy_o;
    p->overrun = t->overrun_o;
    p->host_ready = t->host_ready_o;
    p->off_valid = t->off_valid_o;
    p->off_side = t->off_side_o;
    p->off_pos = t->off_pos_o;
    p->off_flit = t->off_flit_o;
    p->off_tick = t->off_tick_o;
    p->prdata = t->prdata_o;
    p->pready = t->pready_o;
    p->pslverr = t->pslverr_o;
    for (c = 0; c < n; c++) {
        p->trace_valid[c] = (uint8_t)bits_of(t->trace_valid_o, c, 1);
        p->trace_neuron[c] = (uint8_t)bits_of(t->trace_neuron_o, 8 * c, 8);
    }
}

extern "C" unsigned nm_vchip_ncores(void)
{
    return NM_VCHIP_CORES; // set by the Makefile from the build's MeshX * MeshY
}

static nm_vchip *make(const char *trace_path, bool trace_now)
{
    nm_vchip *v = new (std::nothrow) nm_vchip;
    if (v && !v->open("nm_chip", trace_path, trace_now)) {
        delete v;
        return nullptr;
    }
    return v;
}

extern "C" nm_vchip *nm_vchip_new(const char *trace_path)
{
    return make(trace_path, true);
}

extern "C" nm_vchip *nm_vchip_new_windowed(const char *trace_path)
{
    return make(trace_path, false);
}

extern "C" int nm_vchip_trace(nm_vchip *v, int on)
{
    return v->trace(on != 0) ? 0 : -1;
}

extern "C" int nm_vchip_close_trace(nm_vchip *v)
{
    return v->close_trace() ? 0 : -1;
}

extern "C" int nm_vchip_stopped(const nm_vchip *v, char *msg, size_t len)
{
    return v->stopped(msg, len) ? 1 : 0;
}

extern "C" void nm_vchip_free(nm_vchip *v)
{
    delete v;
}

extern "C" void nm_vchip_eval(nm_vchip *v, nm_vchip_pins *p)
{
    pins_in(v->top, p);
    v->top->eval();
    pins_out(v->top, p);
}

extern "C" void nm_vchip_cycle(nm_vchip *v, nm_vchip_pins *p)
{
    pins_in(v->top, p);
    v->cycle();
    pins_out(v->top, p);
}

extern "C" uint64_t nm_vchip_cycles(const nm_vchip *v)
{
    return v->cycles;
}
