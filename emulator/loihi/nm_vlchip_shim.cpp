// nm_vlchip_shim.cpp - the thin extern "C" shim around the Verilated nm_loihi_chip.
#include "nm_vlchip_shim.h"

#include <new>

#include "nm_vmodel.hpp"
#include "Vnm_loihi_chip.h"

// The shape of this build, set by mk/loihi-chip.mk (the linked build) or tools/build-rtl-shape
// (a shape library) from the same values as the Verilator -G parameters: NM_VLCHIP_MX,
// NM_VLCHIP_MY and NM_VLCHIP_GEOM (NCOMP, NAXIN, NAXOUT, NSYN, NDSLOT, NDPROF, NTPROF, NSYNFMT,
// INQ). nm_loihi_rtl_chip.c checks them against the chip's GEOMETRY and the cores' GEOM registers.
#if !defined(NM_VLCHIP_MX) || !defined(NM_VLCHIP_MY) || !defined(NM_VLCHIP_GEOM)
#error "define NM_VLCHIP_MX, NM_VLCHIP_MY and NM_VLCHIP_GEOM (the build's shape)"
#endif
#define NM_VLCHIP_CORES (NM_VLCHIP_MX * NM_VLCHIP_MY)
static_assert(NM_VLCHIP_CORES <= NM_VLCHIP_MAX_CORES, "more cores than trace lanes");

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
    unsigned c, n = NM_VLCHIP_CORES;
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

static nm_vlchip *make(const char *trace_path)
{
    nm_vlchip *v = new (std::nothrow) nm_vlchip;
    if (v && !v->open("nm_loihi_chip", trace_path, true)) {
        delete v;
        return nullptr;
    }
    return v;
}

static int close_trace(nm_vlchip *v)
{
    return v->close_trace() ? 0 : -1;
}

static int stopped(const nm_vlchip *v, char *msg, size_t len)
{
    return v->stopped(msg, len) ? 1 : 0;
}

static void destroy(nm_vlchip *v)
{
    delete v;
}

static void eval(nm_vlchip *v, nm_vlchip_pins *p)
{
    pins_in(v->top, p);
    v->top->eval();
    pins_out(v->top, p);
}

static void cycle(nm_vlchip *v, nm_vlchip_pins *p)
{
    pins_in(v->top, p);
    v->cycle();
    pins_out(v->top, p);
}

static uint64_t cycles(const nm_vlchip *v)
{
    return v->cycles;
}

static const nm_vlchip_api api = {NM_VLCHIP_MX, NM_VLCHIP_MY, NM_VLCHIP_GEOM, make, close_trace, stopped,
                                  destroy, eval, cycle, cycles};

#ifdef NM_VLCHIP_SHAPE_LIB
// a shape library (tools/build-rtl-shape): everything else is hidden
extern "C" __attribute__((visibility("default"))) const nm_vlchip_api *nm_vlchip_shape_api(void)
{
    return &api;
}
#else
extern "C" const nm_vlchip_api *nm_vlchip_linked_api(void)
{
    return &api;
}
#endif
