// nm_vloihi_shim.cpp - the thin extern "C" shim around the Verilated nm_loihi_core:
// it moves pins in and out; time advances in nm_vmodel.hpp.
#include "nm_vloihi_shim.h"

#include <new>

#include "nm_vmodel.hpp"
#include "Vnm_loihi_core.h"

struct nm_vloihi : nm_vmodel<Vnm_loihi_core> {};

static void pins_in(Vnm_loihi_core *t, const nm_vloihi_pins *p)
{
    t->rst_ni = p->rst_n;
    t->step_i = p->step;
    t->pkt_in_valid_i = p->pkt_in_valid;
    t->pkt_in_axon_i = p->pkt_in_axon;
    t->pkt_out_ready_i = p->pkt_out_ready;
    t->cfg_req_i = p->cfg_req;
    t->cfg_we_i = p->cfg_we;
    t->cfg_addr_i = p->cfg_addr;
    t->cfg_wdata_i = p->cfg_wdata;
}

static void pins_out(const Vnm_loihi_core *t, nm_vloihi_pins *p)
{
    p->step_done = t->step_done_o;
    p->busy = t->busy_o;
    p->inq_full = t->inq_full_o;
    p->pkt_out_valid = t->pkt_out_valid_o;
    p->pkt_out_dx = t->pkt_out_dx_o;
    p->pkt_out_dy = t->pkt_out_dy_o;
    p->pkt_out_axon = t->pkt_out_axon_o;
    p->pkt_out_src = t->pkt_out_src_o;
    p->pkt_out_entry = t->pkt_out_entry_o;
    p->spike_valid = t->spike_valid_o;
    p->spike_comp = t->spike_comp_o;
    p->cfg_rvalid = t->cfg_rvalid_o;
    p->cfg_rdata = t->cfg_rdata_o;
    p->cfg_err = t->cfg_err_o;
}

static nm_vloihi *make(const char *fst_path)
{
    nm_vloihi *v = new (std::nothrow) nm_vloihi;
    if (v && !v->open("nm_loihi_core", fst_path)) {
        delete v;
        return nullptr;
    }
    return v;
}

static void destroy(nm_vloihi *v)
{
    delete v;
}

static void cycle(nm_vloihi *v, nm_vloihi_pins *p)
{
    pins_in(v->top, p);
    v->cycle();
    pins_out(v->top, p);
}

static uint64_t cycles(const nm_vloihi *v)
{
    return v->cycles;
}

static int stopped(const nm_vloihi *v, char *msg, size_t len)
{
    return v->stopped(msg, len) ? 1 : 0;
}

// The geometry of this build, from the same values as the Verilator -G parameters
// (tools/build-rtl-shape-loihi for a core library, mk/loihi-rtl.mk for the linked build).
#ifndef NM_VLOIHI_GEOM
#ifdef NM_VLOIHI_SHAPE_LIB
#error "a core library states its geometry: define NM_VLOIHI_GEOM"
#endif
#define NM_VLOIHI_GEOM 0, 0, 0, 0, 0, 0, 0, 0, 0
#endif

static const nm_vloihi_api api = {NM_VLOIHI_GEOM, make, destroy, cycle, cycles, stopped};

#ifdef NM_VLOIHI_SHAPE_LIB
// a core library (tools/build-rtl-shape-loihi): everything else is hidden
extern "C" __attribute__((visibility("default"))) const nm_vloihi_api *nm_vloihi_shape_api(void)
{
    return &api;
}
#else
extern "C" const nm_vloihi_api *nm_vloihi_linked_api(void)
{
    return &api;
}

extern "C" nm_vloihi *nm_vloihi_new(const char *fst_path)
{
    return make(fst_path);
}

extern "C" void nm_vloihi_free(nm_vloihi *v)
{
    destroy(v);
}

extern "C" void nm_vloihi_cycle(nm_vloihi *v, nm_vloihi_pins *p)
{
    cycle(v, p);
}

extern "C" uint64_t nm_vloihi_cycles(const nm_vloihi *v)
{
    return cycles(v);
}

extern "C" int nm_vloihi_stopped(const nm_vloihi *v, char *msg, size_t len)
{
    return stopped(v, msg, len);
}
#endif
