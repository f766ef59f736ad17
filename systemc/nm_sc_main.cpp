// nm_sc_main.cpp - nmemu-sc: an example virtual platform around nm_sc_chip (TrueNorth-
// style cores); images of core type 1 go to the Loihi-style platform, nm_sc_lmain.cpp.
//
//   nmemu-sc IMAGE [--ticks N] [--input SPIKES] [--spikes F] [--outputs F]
//                  [--report F] [--raster] [--period-ns P] [--fw-tick] [--fw-offchip]
//
// A host thread (the platform's CPU) loads the image with the firmware driver
// (nm_fw.c, unchanged: through nm_load.c, whose bus callbacks issue TLM transactions on
// nm_sc_tlm_bus), then for each tick writes that tick's host spikes into the chip's
// spike_in FIFO and runs the tick through the chip's tick / tick_done events (the tick
// pin, as nmemu's RTL harness does) or, with --fw-tick, with the firmware (nm_sc_fw_tick:
// CTRL.TICK, then STATUS polled over TLM). The cycles of a tick count from the tick
// request, including any wait for host packets to land: a CTRL.TICK write arrives a
// cycle or two later than the pin, so after host input --fw-tick can count fewer.
// With --fw-offchip the offchip_out port stays unbound and the firmware (nm_fw_tick)
// drains the chip's off-chip queue over TLM (OUT_INFO, OUT_FLIT, OUT_TICK, OUT_POP) while
// it polls; without it the firmware leaves the queue to the offchip_out sink.
// Spikes come from spike_out, off-chip packets from offchip_out. The outputs have the
// formats of `nmemu run` (docs/nmemu.1), so tests/check-systemc compares them with
// `nmemu run --backend rtl` on the same image and input.
//
// Exit status as nmemu: 0 ok, 1 run failed, 2 usage, 3 bad input file.
#include <chrono>
#include <cinttypes>
#include <dlfcn.h>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <jansson.h>

#include "nm_sc_chip.h"
#include "nm_sc_main.h"
#include "nm_sc_tlm_bus.h"

extern "C" {
#include "nm_chip_if.h"
#include "nm_chipmap.h"
#include "nm_energy.h"
#include "nm_energy_report.h"
#include "nm_image.h"
#include "nm_load.h"
#include "nm_loihi_image.h"
#include "nm_output.h"
#include "nm_regmap.h"
#include "nm_report.h"
#include "nm_rtl_shapes.h"
}

using namespace sc_core;

int exit_code = 0;

static const char usage_text[] =
    "usage: nmemu-sc IMAGE [--ticks N] [--input SPIKES] [--spikes F] [--outputs F]\n"
    "                [--report F] [--raster] [--period-ns P] [--fw-tick [--fw-offchip]]\n"
    "                [--energy P] [--voltage V] [--tick-rate HZ | --step-hz HZ]\n"
    "The image runs on the SystemC/TLM-2.0 model of the chip its core type names\n"
    "(TrueNorth- or Loihi-style, docs/systemc.md); the options and outputs are those of\n"
    "nmemu run (docs/nmemu.1; on a Loihi image --ticks counts steps). --period-ns sets\n"
    "the chip's clock period (default 10); --fw-tick runs ticks with the firmware\n"
    "(CTRL.TICK written and STATUS polled over TLM) instead of the chip's tick event;\n"
    "--fw-offchip lets the firmware drain off-chip packets over TLM instead of the\n"
    "offchip_out FIFO. --energy, --voltage (TrueNorth only) and --tick-rate (or its\n"
    "Loihi name --step-hz) price the run as nmemu run does, from the counters read\n"
    "over TLM (docs/systemc.md, \"Energy\").\n"
    "exit status: 0 ok, 1 run failed, 2 usage, 3 bad input file\n";

// The platform's CPU: one thread that runs the whole experiment.
class nm_sc_host : public nm_sc_host_base {
  public:
    SC_HAS_PROCESS(nm_sc_host);
    nm_sc_host(sc_module_name n, const options &o, const nm_energy_preset &preset, nm_image *im, const nm_input *in,
               size_t nin, nm_sc_chip &chip, nm_sc_wiring &w)
        : nm_sc_host_base(n, o, in, nin, w), preset_(preset), im_(im), chip_(chip)
    {
        SC_THREAD(run);
    }

  private:
    const nm_energy_preset &preset_;
    nm_image *im_;
    nm_sc_chip &chip_;

    static int be_write(void *impl, uint32_t a, uint32_t d) { return static_cast<nm_sc_tlm_bus *>(impl)->access(true, a, &d) ? NM_ERR_CFG : NM_OK; }
    static int be_read(void *impl, uint32_t a, uint32_t *d) { return static_cast<nm_sc_tlm_bus *>(impl)->access(false, a, d) ? NM_ERR_CFG : NM_OK; }

    void run();
    json_t *report(const nm_chip_backend &b, uint32_t ticks, uint64_t spikes, uint64_t off, uint64_t cmin,
                   uint64_t cmax, uint64_t ctot, const nm_energy_run &er);
};

json_t *nm_sc_host::report(const nm_chip_backend &b, uint32_t ticks, uint64_t spikes, uint64_t off, uint64_t cmin,
                           uint64_t cmax, uint64_t ctot, const nm_energy_run &er)
{
    // the same report as nmemu run (emulator/nm_report.c), its counters read over TLM, and
    // the same energy section (nm_energy_report.c) from the counters the meter read over TLM
    nm_fw_bus fw = bus_.fw_bus();
    nm_report_run rr = {o_.image, "systemc", b.mesh_x, b.mesh_y, ticks, spikes, off, cmin, cmax, ctot, 0};
    json_t *r = nm_report_json(&rr, &fw);
    if (r)
        json_object_set_new(r, "energy", nm_energy_report_json(&er));
    return r;
}

void nm_sc_host::run()
{
    char err[512];
    nm_fw_bus fw = bus_.fw_bus();
    nm_chip_backend b;
    uint32_t geo = 0, cgeo = 0;
    std::memset(&b, 0, sizeof b);

    // the chip's geometry over the bus, then the image through the firmware
    if (fw.read32(fw.ctx, nm_fw_chip_addr(NM_CHIP_CHIP_GEOMETRY), &geo) ||
        fw.read32(fw.ctx, nm_fw_core_addr(0, NM_ADDR(NM_REGION_CTRL, NM_CTRL_GEOMETRY)), &cgeo))
        fail(1, "cannot read the chip's geometry over TLM");
    b.name = "systemc";
    b.impl = &bus_;
    b.mesh_x = (geo >> NM_CHIP_CHIP_GEOMETRY_MESH_X_LSB) & NM_CHIP_CHIP_GEOMETRY_MESH_X_MASK;
    b.mesh_y = (geo >> NM_CHIP_CHIP_GEOMETRY_MESH_Y_LSB) & NM_CHIP_CHIP_GEOMETRY_MESH_Y_MASK;
    b.naxons = (cgeo >> NM_CTRL_GEOMETRY_NAXONS_LSB) & NM_CTRL_GEOMETRY_NAXONS_MASK;
    b.nneurons = (cgeo >> NM_CTRL_GEOMETRY_NNEURONS_LSB) & NM_CTRL_GEOMETRY_NNEURONS_MASK;
    b.apb_write = be_write;
    b.apb_read = be_read;
    double t_load = now_s();
    if (nm_image_load(im_, &b, err, sizeof err)) {
        fail(3, std::string(o_.image) + ": " + err);
    }
    t_load = now_s() - t_load;

    nm_chip_tick_out out;
    if (nm_chip_tick_out_init(&out, b.mesh_x * b.mesh_y, b.nneurons, 256) != NM_OK)
        fail(1, "out of memory");
    // energy: nmemu run's meter (nm_energy.c), its core and router counters read over TLM
    // through the backend's apb_read, the off-chip packets added tick by tick
    nm_energy_meter meter;
    if (nm_energy_meter_init(&meter, im_->mesh_x * im_->mesh_y))
        fail(1, "out of memory");
    outfile fs, fo;
    if (!fs.open(o_.spikes, "tick,x,y,neuron\n") || !fo.open(o_.outputs, "tick,side,pos,dx,dy,axon,delay\n"))
        fail(1, "cannot open the output files");
    if (o_.raster)
        std::printf("raster: one row per tick, one column per core (index y * %u + x), the count of its spikes\n"
                    "  (. none, 1-9, + ten or more)\n",
                    b.mesh_x);
    std::vector<char> row(b.mesh_x * b.mesh_y + 1, 0);
    std::vector<nm_fw_offchip> fwoff(4096);
    uint64_t nspikes = 0, noff = 0, cyc = 0, cmin = UINT64_MAX, cmax = 0, c0 = chip_.cycles();
    size_t next = 0;
    uint32_t t;
    const double t0 = now_s();
    const sc_time s0 = sc_time_stamp();
    for (t = 0; t < o_.ticks; t++) {
        // host spikes for tick t enter before it, with delay 1 (docs/chip.md section 2)
        for (; next < nin_ && in_[next].tick == t; next++) {
            nm_pkt p = nm_input_packet(&in_[next]);
            nm_sc_packet q;
            q.flit = nm_flit_pack(&p);
            fin_.write(q);
        }
        const unsigned nfw = run_tick(fw, fwoff, "tick", t);
        // cycles: the wrapper's count, from the tick request to tick_done as the C
        // harness counts (the chip's LAST_CYCLES starts when every host packet has
        // landed, so it can be a few cycles less after host input)
        out.cycles = chip_.last_tick_cycles();
        out.nspikes = 0;
        out.noff = 0;
        nm_sc_spike s;
        while (fspk_.nb_read(s)) {
            if (s.tick != t || out.nspikes == out.spikes_cap) {
                std::snprintf(err, sizeof err, "tick %" PRIu32 ": a spike of tick %" PRIu32 " in the FIFO", t, s.tick);
                fail(1, err);
            }
            out.spikes[out.nspikes].core = s.core;
            out.spikes[out.nspikes].neuron = s.neuron;
            out.nspikes++;
        }
        nm_sc_offchip q;
        while (foff_.nb_read(q)) {
            nm_offchip x;
            x.tick = q.tick;
            x.side = q.side;
            x.pos = q.pos;
            x.pkt = nm_flit_unpack(q.flit);
            if (nm_chip_tick_out_add_off(&out, &x) != NM_OK)
                fail(1, "out of memory");
        }
        for (unsigned k = 0; k < nfw; k++) { // drained by the firmware (offchip_out unbound)
            const nm_sc_offchip f = from_fw(fwoff[k]);
            nm_offchip x;
            x.tick = f.tick;
            x.side = f.side;
            x.pos = f.pos;
            x.pkt = nm_flit_unpack(f.flit);
            if (nm_chip_tick_out_add_off(&out, &x) != NM_OK)
                fail(1, "out of memory");
        }
        nm_chip_tick_out_sort(&out);
        nspikes += out.nspikes;
        noff += out.noff;
        meter.offchip += out.noff;
        if (t % 32768 == 32767 && nm_energy_meter_sample(&meter, &b)) // before the 32-bit counters wrap
            fail(1, "the chip refused a counter read over TLM");
        cyc += out.cycles;
        if (out.cycles < cmin) cmin = out.cycles;
        if (out.cycles > cmax) cmax = out.cycles;
        if (o_.raster) {
            std::vector<unsigned> cnt(b.mesh_x * b.mesh_y, 0);
            for (unsigned i = 0; i < out.nspikes; i++)
                cnt[out.spikes[i].core]++;
            for (unsigned i = 0; i < b.mesh_x * b.mesh_y; i++)
                row[i] = (char)(cnt[i] == 0 ? '.' : cnt[i] < 10 ? '0' + cnt[i] : '+');
            std::printf("%6" PRIu32 " |%s| %" PRIu32 " cycles\n", t, row.data(), out.cycles);
        }
        for (unsigned i = 0; fs.f && i < out.nspikes; i++)
            std::fprintf(fs.f, "%" PRIu32 ",%u,%u,%u\n", t, out.spikes[i].core % b.mesh_x,
                         out.spikes[i].core / b.mesh_x, out.spikes[i].neuron);
        for (unsigned i = 0; fo.f && i < out.noff; i++) {
            const nm_offchip *p = &out.off[i];
            std::fprintf(fo.f, "%" PRIu32 ",%u,%u,%d,%d,%u,%u\n", p->tick, p->side, p->pos, p->pkt.dx, p->pkt.dy,
                         p->pkt.axon, p->pkt.delay);
        }
    }
    const double wall = now_s() - t0;
    const sc_time sim = sc_time_stamp() - s0;
    const uint64_t run_cycles = chip_.cycles() - c0;
    if (nm_energy_meter_sample(&meter, &b))
        fail(1, "the chip refused a counter read over TLM");
    const nm_energy_run er = {&preset_, o_.volts, o_.tick_hz, t, im_->mesh_x, im_->mesh_y, &meter};
    bool ok = fs.close(true) && fo.close(true);
    if (ok && o_.report) {
        outfile fr;
        json_t *r = report(b, t, nspikes, noff, cmin, cmax, cyc, er);
        ok = r && fr.open(o_.report, "") && json_dumpf(r, fr.f, JSON_INDENT(1) | JSON_PRESERVE_ORDER) == 0 &&
             fr.close(true);
        json_decref(r);
    }
    if (!ok)
        fail(1, "cannot write the outputs");
    if (chip_.spikes_dropped())
        fail(1, "spike_out overflowed: spikes were lost");
    std::printf("nmemu-sc run %s on systemc: %" PRIu32 " ticks, %" PRIu64 " spikes, %" PRIu64 " off-chip packets\n",
                o_.image, t, nspikes, noff);
    std::printf("cycles per tick: min %" PRIu64 ", mean %.1f, max %" PRIu64 ", total %" PRIu64 "\n", cmin,
                t ? (double)cyc / t : 0.0, cmax, cyc);
    nm_energy_print_summary(stdout, &er); // the lines of nmemu run
    print_tail(t_load, t, "ticks", wall, run_cycles, sim);
    nm_chip_tick_out_free(&out);
    nm_energy_meter_free(&meter);
    sc_stop();
}

bool nm_sc_read_input(const options &o, unsigned mesh_x, unsigned mesh_y, unsigned naxons, nm_input **in,
                      size_t *nin)
{
    char err[768];
    *in = nullptr;
    *nin = 0;
    if (o.input && nm_inputs_read(o.input, mesh_x, mesh_y, naxons, in, nin, err, sizeof err)) {
        std::fprintf(stderr, "nmemu-sc: %s\n", err);
        return false;
    }
    return true;
}

void *nm_sc_shape_factory(const char *key, const char *sym)
{
    char lib[4400], err[1024];
    if (nm_rtl_shape_sc_lib(key, lib, sizeof lib, err, sizeof err)) {
        std::fprintf(stderr, "nmemu-sc: %s\n", err);
        return nullptr;
    }
    // RTLD_LOCAL: the library's Verilated model keeps to itself (its classes have the linked
    // build's names); it uses this program's SystemC, Verilator runtime and nm_sc_* classes
    void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        std::fprintf(stderr, "nmemu-sc: cannot load the SystemC model %s: %s\n", lib, dlerror());
        return nullptr;
    }
    void *f = dlsym(h, sym);
    if (!f)
        std::fprintf(stderr, "nmemu-sc: %s has no %s: not a SystemC model of nmemu\n", lib, sym);
    return f; // the library stays loaded for the life of the process
}

// The linked build's shape (mk/systemc.mk): MESH_X x MESH_Y cores of 256 x 256.
#ifndef NM_SC_MESH_X
#define NM_SC_MESH_X 4
#define NM_SC_MESH_Y 4
#endif

// The chip for the image: the linked build when its shape is the image's, else the image's
// shape from the shape cache (built there first if needed), as nmemu run --backend rtl does.
static nm_sc_chip *make_chip(const options &o, const nm_image *im)
{
    char key[64], err[512];
    if (im->mesh_x == NM_SC_MESH_X && im->mesh_y == NM_SC_MESH_Y && im->naxons == 256 && im->nneurons == 256)
        return nm_sc_chip_new("chip", sc_time(o.period_ns, SC_NS));
    if (nm_rtl_shape_check(im->mesh_x, im->mesh_y, im->naxons, im->nneurons, err, sizeof err)) {
        std::fprintf(stderr, "nmemu-sc: %s: %s\n", o.image, err);
        return nullptr;
    }
    std::snprintf(key, sizeof key, "%ux%u-%ux%u", im->mesh_x, im->mesh_y, im->naxons, im->nneurons);
    void *f = nm_sc_shape_factory(key, NM_SC_CHIP_SHAPE_NEW);
    return f ? reinterpret_cast<nm_sc_chip_new_fn *>(f)("chip", o.period_ns) : nullptr;
}

// SystemC prints its banner when the kernel starts unless told not to.
static const int quiet_banner = setenv("SC_COPYRIGHT_MESSAGE", "DISABLE", 0);

int sc_main(int argc, char **argv)
{
    options o;
    (void)quiet_banner;
    nm_out_catch_signals(); // a Ctrl-C leaves no temporary file behind
    sc_report_handler::set_actions(SC_INFO, SC_DO_NOTHING); // "simulation stopped by user"
    for (int a = 1; a < argc; a++) {
        const char *v = a + 1 < argc ? argv[a + 1] : nullptr;
        char *end = nullptr;
        if (!std::strcmp(argv[a], "--help") || !std::strcmp(argv[a], "-h")) {
            std::fputs(usage_text, stdout);
            return 0;
        } else if (!std::strcmp(argv[a], "--ticks") && v) {
            o.ticks = std::strtoul(v, &end, 10);
            if (*end || v[0] == '-' || o.ticks == 0 || o.ticks > 0x7fffffffUL) {
                std::fprintf(stderr, "nmemu-sc: --ticks needs a positive number, not '%s'\n", v);
                return 2;
            }
            a++;
        } else if (!std::strcmp(argv[a], "--period-ns") && v) {
            o.period_ns = std::strtod(v, &end);
            if (*end || end == v || !(o.period_ns >= 0.001) || o.period_ns > 1e9) {
                std::fprintf(stderr, "nmemu-sc: --period-ns needs a positive number of nanoseconds, not '%s'\n", v);
                return 2;
            }
            a++;
        } else if (!std::strcmp(argv[a], "--energy") && v) {
            o.energy = v;
            a++;
        } else if ((!std::strcmp(argv[a], "--voltage") || !std::strcmp(argv[a], "--tick-rate") ||
                    !std::strcmp(argv[a], "--step-hz")) && v) {
            double x = std::strtod(v, &end);
            const bool volts = !std::strcmp(argv[a], "--voltage");
            if (*end || end == v || !(x > 0) || x > (volts ? NM_ENERGY_VOLTS_MAX : 1e12)) {
                std::fprintf(stderr, "nmemu-sc: %s needs a positive number%s, not '%s'\n", argv[a],
                             volts ? " of volts up to 5" : "", v);
                return 2;
            }
            (volts ? o.volts : o.tick_hz) = x;
            a++;
        } else if (!std::strcmp(argv[a], "--input") && v) {
            o.input = v;
            a++;
        } else if (!std::strcmp(argv[a], "--spikes") && v) {
            o.spikes = v;
            a++;
        } else if (!std::strcmp(argv[a], "--outputs") && v) {
            o.outputs = v;
            a++;
        } else if (!std::strcmp(argv[a], "--report") && v) {
            o.report = v;
            a++;
        } else if (!std::strcmp(argv[a], "--raster")) {
            o.raster = true;
        } else if (!std::strcmp(argv[a], "--fw-tick")) {
            o.fw_tick = true;
        } else if (!std::strcmp(argv[a], "--fw-offchip")) {
            o.fw_offchip = true;
        } else if (argv[a][0] != '-' && !o.image) {
            o.image = argv[a];
        } else {
            std::fprintf(stderr, "nmemu-sc: unknown or incomplete option '%s'\n%s", argv[a], usage_text);
            return 2;
        }
    }
    if (!o.image) {
        std::fputs(usage_text, stderr);
        return 2;
    }
    if (o.fw_offchip && !o.fw_tick) {
        std::fprintf(stderr, "nmemu-sc: --fw-offchip needs --fw-tick (the firmware drains the queue while it polls)\n");
        return 2;
    }
    { // as nmemu: no output may be an input or another output (emulator/nm_output.h)
        const nm_out_role files[] = {{"the image", o.image, 0},     {"--input", o.input, 0},
                                     {"--spikes", o.spikes, 1},     {"--outputs", o.outputs, 1},
                                     {"--report", o.report, 1}};
        char err[8400];
        if (nm_out_check_distinct(files, sizeof files / sizeof files[0], err, sizeof err)) {
            std::fprintf(stderr, "nmemu-sc: %s\n", err);
            return 2;
        }
    }
    if (nm_loihi_image_sniff_file(o.image)) { // core type 1: the chip of Loihi-style cores
        if (o.volts > 0) {
            std::fprintf(stderr, "nmemu-sc: --voltage: the Loihi energy presets have no supply voltage (%s is an "
                         "image of Loihi-style cores)\n", o.image);
            return 2;
        }
        return nm_sc_loihi_main(o);
    }
    char err[512];
    nm_energy_preset preset;
    if (nm_energy_load(o.energy ? o.energy : "truenorth-28nm", &preset, err, sizeof err)) {
        std::fprintf(stderr, "nmemu-sc: %s\n", err);
        return 3;
    }
    if (o.volts == 0)
        o.volts = preset.v_ref;
    nm_image *im = nm_image_read(o.image, err, sizeof err);
    if (!im) {
        std::fprintf(stderr, "nmemu-sc: %s\n", err);
        return 3;
    }
    nm_input *in = nullptr;
    size_t nin = 0;
    if (!nm_sc_read_input(o, im->mesh_x, im->mesh_y, im->naxons, &in, &nin)) {
        nm_image_free(im);
        return 3;
    }
    nm_sc_chip *chip = make_chip(o, im);
    if (chip) {
        // the platform: chip, bus master, FIFOs, host
        nm_sc_wiring w(*chip, o);
        nm_sc_host host("host", o, preset, im, in, nin, *chip, w);
        sc_start();
    } else {
        exit_code = 1; // as nmemu run --backend rtl: the build failed, or the shape is beyond the limit
    }
    delete chip;
    std::free(in);
    nm_image_free(im);
    return exit_code;
}
