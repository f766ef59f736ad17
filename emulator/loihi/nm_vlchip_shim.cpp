// nm_vlchip_shim.cpp - the thin extern "C" shim around the Verilated nm_loihi_chip.
#include "nm_vlchip_shim.h"

#include <new>

#include "nm_vmodel.hpp"
#include "Vnm_loihi_chip.h"

struct nm_vlchip : nm_vmodel<Vnm_loihi_chip> {};

// trace lanes from a plain integer or a VlWide
template <typename T> static uint32_t bits_of(const T &v, unsigned lsb, unsigned w)
{
    return (uint32_t)(((uint64_t)v >> lsb) & ((1ull << w) - 1));
}
template <std::size_t N> static uint32_t bits_of(const VlWide<N> &v, unsigned lsb, unsigned w)
{
    uint64_t lo = v[lsb / 32], hi = (lsb / 32 + 1 < N) ? v[lsb / 32 + 1] : 0;
    return (uint32_t)((((hi << 32) | lo) >> (lsb % 32)) & ((1ull << w) - 1)); // may straddle words
}

static void pins_in(Vnm_loihi_chip *t, const nm_vlchip_pins *p)
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

static void pins_out(const Vnm_loihi_chip *t, nm_vlchip_pins *p)
{
    unsigned c, n = nm_vlchip_ncores();
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
        p->trace_comp[c] = (uint16_t)bits_of(t->trace_comp_o, 12 * c, 12);
        p->trace_pkt_valid[c] = (uint8_t)bits_of(t->trace_pkt_valid_o, c, 1);
        p->trace_pkt_flit[c] = bits_of(t->trace_pkt_flit_o, 30 * c, 30);
    }
}

extern "C" unsigned nm_vlchip_ncores(void)
{
    return NM_VLCHIP_CORES; // set by the Makefile from the build's MeshX * MeshY
}

extern "C" nm_vlchip *nm_vlchip_new(const char *trace_path)
{
    nm_vlchip *v = new (std::nothrow) nm_vlchip;
    if (v && !v->open("nm_loihi_chip", trace_path, true)) {
        delete v;
        return nullptr;
    }
    return v;
}

extern "C" int nm_vlchip_close_trace(nm_vlchip *v)
{
    return v->close_trace() ? 0 : -1;
}

extern "C" int nm_vlchip_stopped(const nm_vlchip *v, char *msg, size_t len)
{
    return v->stopped(msg, len) ? 1 : 0;
}

extern "C" void nm_vlchip_free(nm_vlchip *v)
{
    delete v;
}

extern "C" void nm_vlchip_eval(nm_vlchip *v, nm_vlchip_pins *p)
{
    pins_in(v->top, p);
    v->top->eval();
    pins_out(v->top, p);
}

extern "C" void nm_vlchip_cycle(nm_vlchip *v, nm_vlchip_pins *p)
{
    pins_in(v->top, p);
    v->cycle();
    pins_out(v->top, p);
}

extern "C" uint64_t nm_vlchip_cycles(const nm_vlchip *v)
{
    return v->cycles;
}
