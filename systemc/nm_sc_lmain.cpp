// nm_sc_lmain.cpp - nmemu-sc on an image of Loihi-style cores (core type 1): the platform
// around nm_sc_lchip (docs/systemc.md, "Loihi-style chip").
//
// A host thread (the platform's CPU) waits for the chip to finish clearing its memories
// (CHIP.STATUS.IDLE over TLM), checks the chip's shape (CHIP.GEOMETRY, core 0's GEOM0..3)
// against the image's, writes every configuration word of the image with the firmware
// driver (nm_fw_loihi_core_write, issuing TLM transactions on nm_sc_tlm_bus), then for each
// step t = 1 .. N writes the host spikes of ticks <= t into spike_in (as nmemu run: an input
// spike for tick T enters before step T, tick 0 before step 1) and runs the step with the
// tick / tick_done events (the step pin, as nmemu's C harness nm_loihi_rtl_chip.c does) or,
// with --fw-tick, with the firmware (nm_fw_tick: CTRL.STEP, then STATUS polled over TLM).
// Spikes come from spike_out, packets from pkt_out, off-chip packets from offchip_out (or,
// with --fw-offchip, from the firmware draining OUT_* over TLM). The outputs are those of
// `nmemu run --backend rtl` on the image (spikes CSV, the "ran ..." line, --raster), plus
// the off-chip packets (--outputs) and a report of every counter read over TLM (--report);
// tests/check-systemc-loihi compares them.
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <jansson.h>

#include "nm_sc_lchip.h"
#include "nm_sc_main.h"
#include "nm_sc_tlm_bus.h"

extern "C" {
#include "nm_load.h"
#include "nm_loihi_chipmap.h"
#include "nm_loihi_energy.h"
#include "nm_loihi_image.h"
#include "nm_loihi_regmap.h"
#include "nm_rtl_shapes.h"
}

using namespace sc_core;

// the firmware's chip-level calls (nm_fw_chip_addr, nm_fw_tick, nm_sc_fw_tick) use the
// TrueNorth chip's map: the Loihi chip's registers must sit at the same places
static_assert(NML_CHIP_REGION_SHIFT == NM_CHIP_REGION_SHIFT && NML_CHIP_REGION_CHIP == NM_CHIP_REGION_CHIP &&
                  NML_CHIP_CHIP_CTRL == NM_CHIP_CHIP_CTRL && NML_CHIP_CHIP_STATUS == NM_CHIP_CHIP_STATUS &&
                  NML_CHIP_CHIP_GEOMETRY == NM_CHIP_CHIP_GEOMETRY && NML_CHIP_CHIP_OUT_POP == NM_CHIP_CHIP_OUT_POP &&
                  NML_CHIP_CHIP_CTRL_STEP_LSB == NM_CHIP_CHIP_CTRL_TICK_LSB &&
                  NML_CHIP_CHIP_STATUS_BUSY_LSB == NM_CHIP_CHIP_STATUS_BUSY_LSB,
              "the chip registers of both chips at the same offsets");

// the core counters in register order (docs/loihi-register-map.md, COUNTER region)
static const char *const counter_name[NML_COUNTER_NREGS] = {"axon_events", "syn_ops",    "cx_updates", "cx_active",
                                                             "spikes",      "pkts_out",   "pkts_in",    "in_drops",
                                                             "busy_cycles", "stall_cycles"};
static const char *const router_name[6] = {"flits_l", "flits_e", "flits_w", "flits_n", "flits_s", "stall"};

// a 9-bit two's-complement field
static int sext9(uint32_t v)
{
    v &= 0x1ffu;
    return v & 0x100u ? (int)v - 512 : (int)v;
}

class nm_sc_lhost : public nm_sc_host_base {
  public:
    SC_HAS_PROCESS(nm_sc_lhost);
    nm_sc_lhost(sc_module_name n, const options &o, const nm_loihi_energy_preset &preset, const nm_loihi_image *im,
                const nm_input *in, size_t nin, nm_sc_lchip &chip, nm_sc_wiring &w, sc_fifo<nm_sc_lpkt> &fpkt)
        : nm_sc_host_base(n, o, in, nin, w), preset_(preset), im_(im), chip_(chip), fpkt_(fpkt)
    {
        SC_THREAD(run);
    }

  private:
    const nm_loihi_energy_preset &preset_;
    const nm_loihi_image *im_;
    nm_sc_lchip &chip_;
    sc_fifo<nm_sc_lpkt> &fpkt_;
    unsigned bw_ = 0, bh_ = 0; // the build's mesh

    unsigned core_of(unsigned k) const { return (k / im_->mesh_x) * bw_ + k % im_->mesh_x; }
    void setup(nm_fw_bus &fw);
    void run();
    json_t *report(nm_fw_bus &fw, unsigned long steps, uint64_t spikes, uint64_t pkts, uint64_t off, uint64_t cmin,
                   uint64_t cmax, uint64_t ctot, const nm_loihi_energy_counts &cnt, const nm_loihi_energy_result &er);
};

// Wait for the chip's reset clearing, check its shape against the image, program it.
void nm_sc_lhost::setup(nm_fw_bus &fw)
{
    char msg[1024];
    uint32_t st = 0, geo = 0, g[4];
    unsigned n;
    for (n = 0; n < 1000000; n++) {
        if (fw.read32(fw.ctx, nm_fw_chip_addr(NML_CHIP_CHIP_STATUS), &st))
            fail(1, "the chip refused a STATUS read over TLM");
        if ((st >> NML_CHIP_CHIP_STATUS_IDLE_LSB) & 1u)
            break;
    }
    if (n == 1000000)
        fail(1, "the chip did not become idle after reset");
    if (fw.read32(fw.ctx, nm_fw_chip_addr(NML_CHIP_CHIP_GEOMETRY), &geo))
        fail(1, "cannot read the chip's geometry over TLM");
    bw_ = (geo >> NML_CHIP_CHIP_GEOMETRY_MESH_X_LSB) & NML_CHIP_CHIP_GEOMETRY_MESH_X_MASK;
    bh_ = (geo >> NML_CHIP_CHIP_GEOMETRY_MESH_Y_LSB) & NML_CHIP_CHIP_GEOMETRY_MESH_Y_MASK;
    for (unsigned i = 0; i < 4; i++)
        if (nm_fw_loihi_core_read(&fw, 0, NML_ADDR(NML_REGION_CTRL, NML_CTRL_GEOM0 + i), &g[i]) != NM_FW_OK)
            fail(1, "the chip refused a read of core 0's GEOM registers");
    nm_loihi_geom b;
    b.ncomp = g[0] & 0xffffu;
    b.naxin = g[0] >> 16;
    b.naxout = g[1] & 0xffffu;
    b.nsyn = g[1] >> 16;
    b.ndslot = g[2] & 0xffu;
    b.ndprof = (g[2] >> 8) & 0xffu;
    b.ntprof = (g[2] >> 16) & 0xffu;
    b.nsynfmt = g[2] >> 24;
    b.inq = g[3] & 0xffffu;
    const nm_loihi_geom &ig = im_->g;
    if (b.ncomp != ig.ncomp || b.naxin != ig.naxin || b.naxout != ig.naxout || b.nsyn != ig.nsyn ||
        b.ndslot != ig.ndslot || b.ndprof != ig.ndprof || b.ntprof != ig.ntprof || b.nsynfmt != ig.nsynfmt ||
        b.inq < ig.inq || im_->mesh_x > bw_ || im_->mesh_y > bh_) {
        std::snprintf(msg, sizeof msg,
                      "%s: the SystemC model of the chip of Loihi-style cores is built as %u x %u cores of %u "
                      "compartments, %u input axons, %u axon-map entries, %u synapse words, %u delay slots, %u/%u/%u "
                      "profiles and formats, input queue %u; the image has %u x %u cores of %u, %u, %u, %u, %u, "
                      "%u/%u/%u, queue %u (it needs the same core geometry, a queue at least as deep, and a mesh "
                      "that fits; docs/systemc.md)",
                      o_.image, bw_, bh_, b.ncomp, b.naxin, b.naxout, b.nsyn, b.ndslot, b.ndprof, b.ntprof, b.nsynfmt,
                      b.inq, im_->mesh_x, im_->mesh_y, ig.ncomp, ig.naxin, ig.naxout, ig.nsyn, ig.ndslot, ig.ndprof,
                      ig.ntprof, ig.nsynfmt, ig.inq);
        fail(3, msg);
    }
    // every configuration word through the firmware driver, as nmemu's RTL backend does
    // (nm_loihi_lockstep.c)
    nm_loihi_image_layout l;
    nm_loihi_image_layout_of(&ig, &l);
    for (unsigned k = 0; k < im_->mesh_x * im_->mesh_y; k++)
        for (size_t i = 0; i < l.nwords; i++)
            if (nm_fw_loihi_core_write(&fw, core_of(k), nm_loihi_image_word_addr(&l, i), im_->words[k][i]) !=
                NM_FW_OK) {
                std::snprintf(msg, sizeof msg, "%s: core %u: the chip refused config word %zu (address 0x%05x)",
                              o_.image, k, i, (unsigned)nm_loihi_image_word_addr(&l, i));
                fail(1, msg);
            }
}

json_t *nm_sc_lhost::report(nm_fw_bus &fw, unsigned long steps, uint64_t spikes, uint64_t pkts, uint64_t off,
                            uint64_t cmin, uint64_t cmax, uint64_t ctot, const nm_loihi_energy_counts &cnt,
                            const nm_loihi_energy_result &er)
{
    json_t *r = json_object(), *tot = json_object(), *cores = json_array();
    uint64_t sum[NML_COUNTER_NREGS] = {0};
    json_object_set_new(r, "image", json_string(o_.image));
    json_object_set_new(r, "backend", json_string("systemc"));
    json_object_set_new(r, "core_type", json_string("loihi"));
    json_object_set_new(r, "mesh", json_pack("[ii]", (int)im_->mesh_x, (int)im_->mesh_y));
    json_object_set_new(r, "build_mesh", json_pack("[ii]", (int)bw_, (int)bh_));
    json_object_set_new(r, "compartments_per_core", json_integer(im_->g.ncomp));
    json_object_set_new(r, "ticks", json_integer((json_int_t)steps));
    json_object_set_new(r, "spikes", json_integer((json_int_t)spikes));
    json_object_set_new(r, "packets", json_integer((json_int_t)pkts));
    json_object_set_new(r, "offchip_packets", json_integer((json_int_t)off));
    json_object_set_new(r, "cycles_per_tick",
                        json_pack("{s:I,s:f,s:I,s:I}", "min", (json_int_t)(steps ? cmin : 0), "mean",
                                  steps ? (double)ctot / (double)steps : 0.0, "max", (json_int_t)cmax, "total",
                                  (json_int_t)ctot));
    for (unsigned k = 0; k < im_->mesh_x * im_->mesh_y; k++) {
        uint32_t c[NML_COUNTER_NREGS], rc[6];
        if (nm_fw_loihi_read_core_counters(&fw, core_of(k), c) != NM_FW_OK ||
            nm_fw_loihi_read_router_counters(&fw, core_of(k), rc) != NM_FW_OK) {
            json_decref(r);
            json_decref(tot);
            json_decref(cores);
            return nullptr;
        }
        json_t *cc = json_object(), *rr = json_object();
        for (unsigned i = 0; i < NML_COUNTER_NREGS; i++) {
            json_object_set_new(cc, counter_name[i], json_integer(c[i]));
            sum[i] += c[i];
        }
        for (unsigned i = 0; i < 6; i++)
            json_object_set_new(rr, router_name[i], json_integer(rc[i]));
        json_array_append_new(cores, json_pack("{s:i,s:i,s:o,s:o}", "x", (int)(k % im_->mesh_x), "y",
                                               (int)(k / im_->mesh_x), "counters", cc, "router", rr));
    }
    for (unsigned i = 0; i < NML_COUNTER_NREGS; i++)
        json_object_set_new(tot, counter_name[i], json_integer((json_int_t)sum[i]));
    json_object_set_new(r, "counters", tot);
    json_object_set_new(r, "cores", cores);
    // the energy section, built by the same function as nmemu run's report (docs/loihi-energy.md section 5)
    json_t *e = nm_loihi_energy_json(&preset_, o_.tick_hz, &cnt, &er);
    json_object_set_new(r, "energy", e);
    return r;
}

void nm_sc_lhost::run()
{
    char err[512];
    nm_fw_bus fw = bus_.fw_bus();
    double t_load = now_s();
    setup(fw);
    t_load = now_s() - t_load;

    const unsigned ncores = im_->mesh_x * im_->mesh_y;
    outfile fs, fo;
    if (!fs.open(o_.spikes, "tick,x,y,compartment\n") || !fo.open(o_.outputs, "tick,side,pos,dx,dy,axon\n"))
        fail(1, "cannot open the output files");
    if (o_.raster)
        std::printf("raster: one row per step, one column per core (index y * %u + x), the count of its spikes\n"
                    "  (. none, 1-9, + ten or more)\n",
                    im_->mesh_x);
    std::vector<std::vector<uint16_t>> spk(bw_ * bh_);
    std::vector<char> row(ncores + 1, 0);
    std::vector<nm_fw_offchip> fwoff(4096);
    std::vector<nm_sc_offchip> offs;
    uint64_t nspikes = 0, npkts = 0, noff = 0, cyc = 0, cmin = UINT64_MAX, cmax = 0, c0 = chip_.cycles();
    uint64_t hops_ew = 0, hops_ns = 0;
    size_t next = 0;
    unsigned long t, ran = 0;
    const double t0 = now_s();
    const sc_time s0 = sc_time_stamp();
    for (t = 1; t <= o_.ticks; t++) {
        // an input spike for tick T enters before step T (tick 0: before step 1), as nmemu run
        for (; next < nin_ && in_[next].tick <= t; next++) {
            nm_sc_packet q;
            q.flit = nm_fw_loihi_host_flit((int)in_[next].x, (int)in_[next].y, in_[next].axon);
            fin_.write(q);
        }
        const unsigned nfw = run_tick(fw, fwoff, "step", t);
        ran = t;
        const uint32_t c = chip_.last_tick_cycles();
        for (auto &v : spk)
            v.clear();
        nm_sc_spike s;
        while (fspk_.nb_read(s)) {
            if (s.tick != t - 1 || s.core >= spk.size()) {
                std::snprintf(err, sizeof err, "step %lu: a spike of step %" PRIu32 " in the FIFO", t, s.tick + 1);
                fail(1, err);
            }
            spk[s.core].push_back(s.neuron);
        }
        nm_sc_lpkt p;
        while (fpkt_.nb_read(p)) {
            if (p.tick != t - 1) {
                std::snprintf(err, sizeof err, "step %lu: a packet of step %" PRIu32 " in the FIFO", t, p.tick + 1);
                fail(1, err);
            }
            // the packets of the image's cores (as nmemu run counts them)
            const unsigned x = p.core % bw_, y = p.core / bw_;
            if (x >= im_->mesh_x || y >= im_->mesh_y)
                continue;
            npkts++;
            // hops for the energy, as the model chip counts them (nm_loihi_chip.c): |dx| east-west
            // and |dy| north-south for a packet that lands on one of the image's cores; none for
            // one that leaves the image's mesh (the router counters would count its hops on the
            // way out, and those of packets to build cores outside the image)
            const int dx = sext9(p.flit), dy = sext9(p.flit >> 9);
            if ((int)x + dx >= 0 && (int)x + dx < (int)im_->mesh_x && (int)y + dy >= 0 &&
                (int)y + dy < (int)im_->mesh_y) {
                hops_ew += (uint64_t)(dx < 0 ? -dx : dx);
                hops_ns += (uint64_t)(dy < 0 ? -dy : dy);
            }
        }
        offs.clear();
        nm_sc_offchip q;
        while (foff_.nb_read(q))
            offs.push_back(q);
        for (unsigned k = 0; k < nfw; k++) // drained by the firmware (offchip_out unbound)
            offs.push_back(from_fw(fwoff[k]));
        noff += offs.size();
        cyc += c;
        if (c < cmin) cmin = c;
        if (c > cmax) cmax = c;
        for (unsigned k = 0; k < ncores; k++) {
            const std::vector<uint16_t> &v = spk[core_of(k)];
            nspikes += v.size();
            row[k] = (char)(v.empty() ? '.' : v.size() < 10 ? '0' + v.size() : '+');
            for (size_t j = 0; fs.f && j < v.size(); j++)
                std::fprintf(fs.f, "%lu,%u,%u,%u\n", t, k % im_->mesh_x, k / im_->mesh_x, v[j]);
        }
        if (o_.raster)
            std::printf("%6lu |%s| %" PRIu32 " cycles\n", t, row.data(), c);
        for (size_t j = 0; fo.f && j < offs.size(); j++)
            std::fprintf(fo.f, "%" PRIu32 ",%u,%u,%d,%d,%u\n", offs[j].tick, offs[j].side, offs[j].pos,
                         sext9(offs[j].flit), sext9(offs[j].flit >> 9), (unsigned)(offs[j].flit >> 18) & 0xfffu);
    }
    const double wall = now_s() - t0;
    const sc_time sim = sc_time_stamp() - s0;
    const uint64_t run_cycles = chip_.cycles() - c0;
    // the counters of the image's cores, over TLM, into the energy model's classes (the model
    // chip's own counting, nm_loihi_energy_count_core); hops from the packet trace; one
    // barrier per step
    nm_loihi_energy_counts cnt;
    nm_loihi_energy_result er;
    std::memset(&cnt, 0, sizeof cnt);
    for (unsigned k = 0; k < ncores; k++) {
        uint32_t c[NML_COUNTER_NREGS];
        if (nm_fw_loihi_read_core_counters(&fw, core_of(k), c) != NM_FW_OK)
            fail(1, "the chip refused a counter read over TLM");
        nm_loihi_energy_count_core(&cnt, c);
    }
    cnt.n[NM_LE_HOP_EW] = hops_ew;
    cnt.n[NM_LE_HOP_NS] = hops_ns;
    cnt.n[NM_LE_BARRIER] = ran;
    cnt.steps = ran;
    cnt.ncores = ncores;
    cnt.ncores_used = nm_loihi_image_cores_used(im_);
    nm_loihi_energy_compute(&preset_, o_.tick_hz, &cnt, &er);
    const uint64_t syn = cnt.n[NM_LE_SYN_OP], act = cnt.n[NM_LE_CX_ACTIVE], upd = act + cnt.n[NM_LE_CX_INACTIVE];
    bool ok = fs.close(true) && fo.close(true);
    if (ok && o_.report) {
        outfile fr;
        json_t *r = report(fw, ran, nspikes, npkts, noff, cmin, cmax, cyc, cnt, er);
        ok = r && fr.open(o_.report, "") && json_dumpf(r, fr.f, JSON_INDENT(1) | JSON_PRESERVE_ORDER) == 0 &&
             std::fputc('\n', fr.f) != EOF && fr.close(true);
        json_decref(r);
    }
    if (!ok)
        fail(1, "cannot write the outputs");
    if (chip_.spikes_dropped() || chip_.pkts_dropped())
        fail(1, "spike_out or pkt_out overflowed: trace events were lost");
    // the line of nmemu run --backend rtl, with this backend's name
    std::printf("ran %lu steps on %u x %u Loihi-style cores (systemc): %" PRIu64 " spikes, %" PRIu64
                " packets, %" PRIu64 " synaptic ops, %" PRIu64 " of %" PRIu64 " updates active; %" PRIu64
                " cycles (RTL chip, step request to step done)\n",
                ran, im_->mesh_x, im_->mesh_y, nspikes, npkts, syn, act, upd, cyc);
    {
        char lines[1024]; // the lines of nmemu run
        nm_loihi_energy_summary(lines, sizeof lines, &preset_, o_.tick_hz, ncores, &cnt, &er);
        std::fputs(lines, stdout);
    }
    std::printf("cycles per step: min %" PRIu64 ", mean %.1f, max %" PRIu64 ", total %" PRIu64
                "; %" PRIu64 " packets left the %u x %u mesh of the build\n",
                ran ? cmin : 0, ran ? (double)cyc / ran : 0.0, cmax, cyc, noff, bw_, bh_);
    print_tail(t_load, ran, "steps", wall, run_cycles, sim);
    sc_stop();
}

// The linked build's shape (mk/systemc.mk): LCHIP_MESH_X x LCHIP_MESH_Y cores of the small
// geometry with input queues of 4,096 (LCHIP_G_SMALL in mk/loihi-chip.mk).
#ifndef NM_SC_LMESH_X
#define NM_SC_LMESH_X 3
#define NM_SC_LMESH_Y 2
#endif

// As nm_rtl_lshape_fits_linked: the same core geometry, a queue at least as deep, a mesh that fits.
static bool fits_linked(const nm_loihi_image *im)
{
    nm_loihi_geom l = NM_LOIHI_GEOM_SMALL;
    const nm_loihi_geom &g = im->g;
    l.inq = 4096;
    return im->mesh_x <= NM_SC_LMESH_X && im->mesh_y <= NM_SC_LMESH_Y && g.ncomp == l.ncomp && g.naxin == l.naxin &&
           g.naxout == l.naxout && g.nsyn == l.nsyn && g.ndslot == l.ndslot && g.ndprof == l.ndprof &&
           g.ntprof == l.ntprof && g.nsynfmt == l.nsynfmt && g.inq <= l.inq;
}

// The chip for the image: the linked build when the image fits in it, else the image's own
// shape from the shape cache (built there first if needed), as nmemu run --backend rtl does.
static nm_sc_lchip *make_chip(const options &o, const nm_loihi_image *im)
{
    const sc_time period(o.period_ns, SC_NS);
    char key[160], err[512];
    if (fits_linked(im))
        return nm_sc_lchip_new("chip", period);
    if (nm_rtl_lshape_check(im->mesh_x, im->mesh_y, &im->g, err, sizeof err)) {
        std::fprintf(stderr, "nmemu-sc: %s: %s\n", o.image, err);
        return nullptr;
    }
    nm_rtl_lshape_key(im->mesh_x, im->mesh_y, &im->g, key, sizeof key);
    void *f = nm_sc_shape_factory(key, NM_SC_LCHIP_SHAPE_NEW);
    return f ? reinterpret_cast<nm_sc_lchip_new_fn *>(f)("chip", o.period_ns) : nullptr;
}

int nm_sc_loihi_main(const options &o)
{
    char err[768];
    nm_loihi_energy_preset preset;
    if (nm_loihi_energy_load(o.energy ? o.energy : "loihi-davies2018", &preset, err, sizeof err)) {
        std::fprintf(stderr, "nmemu-sc: %s\n", err);
        return 3;
    }
    nm_loihi_image *im = nm_loihi_image_read(o.image, err, sizeof err);
    if (!im) {
        std::fprintf(stderr, "nmemu-sc: %s\n", err);
        return 3;
    }
    nm_input *in = nullptr;
    size_t nin = 0;
    if (!nm_sc_read_input(o, im->mesh_x, im->mesh_y, im->g.naxin, &in, &nin)) {
        nm_loihi_image_free(im);
        return 3;
    }
    nm_sc_lchip *chip = make_chip(o, im);
    if (chip) {
        // the platform: chip, bus master, FIFOs (and the packet trace's), host
        nm_sc_wiring w(*chip, o);
        sc_fifo<nm_sc_lpkt> fpkt("pkt_out", 1 << 16);
        chip->pkt_out(fpkt);
        nm_sc_lhost host("host", o, preset, im, in, nin, *chip, w, fpkt);
        sc_start();
    } else {
        exit_code = 1; // as nmemu run --backend rtl: the build failed, or the shape is beyond the limit
    }
    delete chip;
    std::free(in);
    nm_loihi_image_free(im);
    return exit_code;
}
