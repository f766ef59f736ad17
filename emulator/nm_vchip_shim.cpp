// nm_vchip_shim.cpp - the thin extern "C" shim around the Verilated nm_chip.
#include "nm_vchip_shim.h"

#include <new>

#include "nm_vmodel.hpp"
#include "Vnm_chip.h"

struct nm_vchip : nm_vmodel<Vnm_chip> {};

// The shape of this build (the Makefile or tools/build-rtl-shape sets them).
#ifndef NM_VCHIP_MX
#define NM_VCHIP_MX 4
#endif
#ifndef NM_VCHIP_MY
#define NM_VCHIP_MY 4
#endif
#ifndef NM_VCHIP_NA
#define NM_VCHIP_NA 256
#endif
#ifndef NM_VCHIP_NN
#define NM_VCHIP_NN 256
#endif
#define NM_VCHIP_NCORES (NM_VCHIP_MX * NM_VCHIP_MY)

// The trace lanes that fired: one bit per core (a plain integer, or a VlWide above 64
// cores) and one byte of neuron number per core. Set bits are visited 32 lanes at a
// time, so a quiet cycle costs one test per 32 cores.
template <typename T> static uint32_t word_of(const T &v, unsigned w)
{
    return (uint32_t)((uint64_t)v >> (32 * w));
}
template <std::size_t N> static uint32_t word_of(const VlWide<N> &v, unsigned w)
{
    return v[w];
}
template <typename T, typename N> static void trace_of(const T &valid, const N &neur, nm_vchip_pins *p)
{
    uint32_t n = 0;
    for (unsigned w = 0; w < (NM_VCHIP_NCORES + 31) / 32; w++) {
        uint32_t v = word_of(valid, w);
        while (v) {
            unsigned c = 32 * w + (unsigned)__builtin_ctz(v);
            v &= v - 1;
            p->trace_core[n] = (uint16_t)c;
            p->trace_neuron[n] = (uint8_t)(word_of(neur, c / 4) >> (8 * (c % 4)));
            n++;
        }
    }
    p->ntrace = n;
}

// Drive the inputs; true if any of them changed.
static bool pins_in(Vnm_chip *t, const nm_vchip_pins *p)
{
    const bool changed = t->rst_ni != p->rst_n || t->tick_i != p->tick || t->host_valid_i != p->host_valid ||
                         t->host_flit_i != p->host_flit || t->off_ready_i != p->off_ready || t->psel_i != p->psel ||
                         t->penable_i != p->penable || t->pwrite_i != p->pwrite || t->paddr_i != p->paddr ||
                         t->pwdata_i != p->pwdata;
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
    return changed;
}

static void pins_out(const Vnm_chip *t, nm_vchip_pins *p)
{
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
    trace_of(t->trace_valid_o, t->trace_neuron_o, p);
}

static nm_vchip *make(const char *trace_path, int windowed)
{
    nm_vchip *v = new (std::nothrow) nm_vchip;
    if (v && !v->open("nm_chip", trace_path, !windowed)) {
        delete v;
        return nullptr;
    }
    return v;
}

static int trace(nm_vchip *v, int on)
{
    return v->trace(on != 0) ? 0 : -1;
}

static int close_trace(nm_vchip *v)
{
    return v->close_trace() ? 0 : -1;
}

static int stopped(const nm_vchip *v, char *msg, size_t len)
{
    return v->stopped(msg, len) ? 1 : 0;
}

static void destroy(nm_vchip *v)
{
    delete v;
}

static void eval(nm_vchip *v, nm_vchip_pins *p)
{
    pins_in(v->top, p);
    v->top->eval();
    pins_out(v->top, p);
}

// One clock cycle. The routers' clock gates (rtl/nm_icg.v) latch their enables while the
// clock is low, as real silicon does between the edges: new inputs reach them only
// through an evaluation with the clock low, so when an input changed the model is
// evaluated once before the rising edge (without it, router (0,0) drops a host flit
// that arrives in that cycle; docs/performance.md, docs/chip.md section 9).
static void cycle(nm_vchip *v, nm_vchip_pins *p)
{
#if defined(NM_VCHIP_NO_SETTLE)
    pins_in(v->top, p);   // the experiment of docs/performance.md: inputs with the edge
#else
    if (pins_in(v->top, p))
        v->top->eval();
#endif
    v->cycle();
    pins_out(v->top, p);
}

static uint64_t cycles(const nm_vchip *v)
{
    return v->cycles;
}

static const nm_vchip_api api = {NM_VCHIP_MX, NM_VCHIP_MY, NM_VCHIP_NA, NM_VCHIP_NN, make, trace, close_trace,
                                 stopped, destroy, eval, cycle, cycles};

#ifdef NM_VCHIP_SHAPE_LIB
// a shape library (tools/build-rtl-shape): everything else is hidden
extern "C" __attribute__((visibility("default"))) const nm_vchip_api *nm_vchip_shape_api(void)
{
    return &api;
}
#else
extern "C" const nm_vchip_api *nm_vchip_linked_api(void)
{
    return &api;
}
#endif
