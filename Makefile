# nmemu - cycle-accurate neuromorphic chip emulator.
# `make help` lists the targets. Every target first makes sure the Debian
# packages are there (tools/install-deps does nothing when they are).

SHELL      := /bin/bash
BUILD      := build
CC         ?= gcc
CXX        ?= g++
CSTD       := -std=c11
WARN       := -Wall -Wextra -Werror -pedantic
OPT        ?= -O2
PREFIX     ?= /usr/local
CFLAGS_ALL := $(CSTD) $(WARN) $(OPT) -g -D_POSIX_C_SOURCE=200809L -Iemulator -Iregmap
JANSSON    = $(shell pkg-config --cflags --libs jansson)
CHECK_LIBS = $(shell pkg-config --libs check)
CHECK_CFLAGS = $(shell pkg-config --cflags check)

VERILATOR  := verilator
VINC       := /usr/share/verilator/include
RTL_SRC    := $(sort $(wildcard rtl/*.v))
RTL_INC    := regmap/nm_regmap.vh
VCORE_DIR  := $(BUILD)/vcore
VCORE_LIB  := $(VCORE_DIR)/Vnm_core__ALL.a
VRT_OBJS   := $(VCORE_DIR)/verilated.o $(VCORE_DIR)/verilated_threads.o $(VCORE_DIR)/verilated_fst_c.o
VFLAGS     := --cc --trace-fst -Wall -Irtl -Iregmap --top-module nm_core -O3 --x-assign fast --x-initial fast

# Differential test size (issue: at least 200 seeds x 1,000 ticks at 256x256).
DIFF_SEEDS ?= 200
DIFF_TICKS ?= 1000
DIFF_JOBS  ?= 2
# Chip differential test (issue: a 4 x 4 mesh, at least 500 ticks).
DIFF_CHIP_SEEDS ?= 4
DIFF_CHIP_TICKS ?= 500

VCHIP_DIR  := $(BUILD)/vchip
VCHIP_LIB  := $(VCHIP_DIR)/Vnm_chip__ALL.a
VCHIP_RT   := $(VCHIP_DIR)/verilated.o $(VCHIP_DIR)/verilated_threads.o $(VCHIP_DIR)/verilated_fst_c.o
# (tools/build-rtl-shape uses the same flags for the other shapes)
VCHIP_FLAGS := -O3 --x-assign fast --x-initial fast
MESH_X     ?= 4
MESH_Y     ?= 4
CHIP_OBJS  := $(BUILD)/obj/nm_ref_chip.o $(BUILD)/obj/nm_barrier.o $(BUILD)/obj/nm_chip_if.o $(BUILD)/obj/nm_chipmap_table.o
# the chip model without the Verilator runtime, for programs that link the core's runtime too
RTL_CHIP_MODEL := $(BUILD)/obj/nm_rtl_chip.o $(BUILD)/obj/nm_vchip_shim.o $(VCHIP_LIB)
RTL_CHIP_OBJS  := $(RTL_CHIP_MODEL) $(VCHIP_RT)
REF_OBJS   := $(BUILD)/obj/nm_ref_core.o $(BUILD)/obj/nm_core_prog.o $(BUILD)/obj/nm_regmap_table.o \
              $(BUILD)/obj/nm_core_if.o
RTL_OBJS   := $(BUILD)/obj/nm_rtl_core.o $(BUILD)/obj/nm_vcore_shim.o $(VCORE_LIB) $(VRT_OBJS)
LINK_RTL   := -lz -lstdc++ -lm -pthread

.PHONY: bench-w bench-rtl-cycles validate-energy lint fuzz install all deps help run run-wave demo-core test test-unit test-diff test-diff-chip test-firmware test-lint test-iverilog test-yosys \
        test-regmap test-bench regmap clean bench synth-default
.DEFAULT_GOAL := all

# Parts of the build kept in their own files (mk/*.mk); each may append test targets
# to TEST_EXTRA (run by make test) and benchmark targets to BENCH_EXTRA (run by make bench).
TEST_EXTRA  :=
BENCH_EXTRA :=
include $(sort $(wildcard mk/*.mk))

help:
	@echo "make            install missing Debian packages (tools/install-deps) and build"
	@echo "make run        train the digits classifier (numpy), import it, classify ten held-out digits on the"
	@echo "                RTL chip checked against the model: answers, spikes, cycles, energy per inference"
	@echo "make run-wave   the travelling-wave network on the RTL chip, checked against the model (a raster)"
	@echo "make demo-core  the single-core ring demo on the RTL core"
	@echo "make test       build and run every test (unit, RTL-vs-model differential, lint, Icarus, Yosys,"
	@echo "                CLI, energy, SystemC equivalence, the assertion build)"
	@echo "make test-diff  only the differential test (DIFF_SEEDS=$(DIFF_SEEDS) DIFF_TICKS=$(DIFF_TICKS) DIFF_JOBS=$(DIFF_JOBS))"
	@echo "make test-diff-chip  only the chip differential test (DIFF_CHIP_SEEDS=$(DIFF_CHIP_SEEDS) DIFF_CHIP_TICKS=$(DIFF_CHIP_TICKS))"
	@echo "make lint       verilator --lint-only -Wall on the core and the chip (and rtl/loihi)"
	@echo "make test-diff-loihi  Loihi-style RTL core vs model (LOIHI_DIFF_SEEDS=$(LOIHI_DIFF_SEEDS) LOIHI_DIFF_STEPS=$(LOIHI_DIFF_STEPS))"
	@echo "make test-diff-lchip  Loihi-style RTL chip vs model chip (LCHIP_DIFF_SEEDS=$(LCHIP_DIFF_SEEDS) LCHIP_DIFF_STEPS=$(LCHIP_DIFF_STEPS))"
	@echo "make test-loihi-model  the Loihi-style core's model tests (directed, golden traces, chip, energy, images)"
	@echo "make bench-loihi  workload L (128 Loihi cores) on the model and in Brian2 (docs/performance.md)"
	@echo "make energy-loihi-blouw  one branch of Blouw et al. 2019 priced with both Loihi presets"
	@echo "make test-long  the long variants of the randomized tests (not part of make test)"
	@echo "make test-long-faults  a 2,000-fault campaign on examples/routing, 1 vs 2 threads (part of test-long)"
	@echo "make regmap     regenerate the register-map files in regmap/ from regmap/*.json"
	@echo "make bench      every benchmark (W on the 64x64 model, RTL vs dense scan, Brian2, Icarus, SystemC):"
	@echo "                one table, bench/results/summary.csv (docs/performance.md)"
	@echo "make bench-w    only workloads W, W-high, W-stochastic on the reference backend"
	@echo "make bench-stoch-compare  W, W-high, W-stochastic, 1 and 2 threads, STOCH_BASE and now interleaved (docs/performance.md)"
	@echo "make bench-stoch-summary  medians of the last bench-stoch-compare run: speed-ups and 2-thread/1-thread CPU ratios"
	@echo "make rtl-shapes SHAPES=\"3x5 8x8-64x32\"  build Verilated chips of other shapes ahead (docs/chip.md s8)"
	@echo "                (Loihi-style chips: SHAPES=loihi-4x2-small; lone Loihi cores for --rtl-cores:"
	@echo "                SHAPES=loihi-core-default, docs/loihi-chip.md)"
	@echo "make bench-lrtl-cores  --rtl-cores on workload L, 8x8 cores of the default Loihi geometry, 1 and 16 RTL cores"
	@echo "make test-lassert  the Loihi RTL's NM_ASSERT checks fire on bad stimuli and planted bugs (Icarus)"
	@echo "make bench-rtl-speed  the Verilated chip before/after issue 13, same results (docs/performance.md)"
	@echo "make bench-rtl-threads  Verilator --threads 2 against one thread, same results (RTL_THREADS_MESH=8x8"
	@echo "                RTL_THREADS_KICK=256 for a busy 8x8; docs/performance.md \"Verilator threads\")"
	@echo "make VCHIP_PGO=1 ...  build the Verilated 4x4 chip with a profile of the busy network (tools/vchip-pgo):"
	@echo "                1.1-1.2x faster, about 2 minutes more build (docs/performance.md)"
	@echo "make bench-rtl-cores  W with 1 and 16 --rtl-cores (docs/verification.md s4)"
	@echo "make bench-w-compare  W, W-high, W-stochastic on the baseline commit (PERF_BASE) and now, interleaved"
	@echo "make validate-energy  the TrueNorth preset against the published chip power, 0.70-1.05 V: fit, check,"
	@echo "                error and leave-one-out per point; fails above 10 % (docs/energy-model.md)"
	@echo "make coverage   Verilator line/branch/toggle coverage of the RTL runs (docs/verification.md)"
	@echo "make nmemu-sc   the SystemC/TLM-2.0 example platform (docs/systemc.md; any shape, built on demand)"
	@echo "make test-long-systemc-shapes  nmemu-sc on a 2 x 3 Loihi-style and a 3 x 5 TrueNorth chip (part of test-long)"
	@echo "make test-decompile  decompile's compact form, byte-identical compile round trips (W itself: test-long)"
	@echo "make test-board a board of chips across 1-4 MPI ranks, identical results (docs/scale-out.md)"
	@echo "make bench-board  the NS16e-size board (4x4 chips of 64x64) on 1 and 2 ranks (about 3 GB, minutes)"
	@echo "make test-import  NIR and RANC import: golden NIR files, bad files, cnn_sinabs chip vs numpy (docs/import.md)"
	@echo "make test-import-loihi  NIR onto Loihi-mode cores: golden LIF traces, braille RNN, cnn_sinabs convolutions"
	@echo "                   (docs/import.md s9; make test-long-import-loihi: cnn_sinabs at 120 ticks)"
	@echo "make nmemu-assert  nmemu with the RTL assertions compiled in"
	@echo "make synth-default  Yosys synth of the 256x256 core (slow: 6 minutes, 1.7 GB here)"
	@echo "make install    install build/nmemu, its man page, libnmemu.so and the Python package under PREFIX"
	@echo "                (default /usr/local; docs/python.md)"
	@echo "make libnmemu   the embedding library build/libnmemu.so (emulator/nm_api.h)"
	@echo "make test-python  the Python binding's unittest suite (docs/python.md)"
	@echo "make digits     the digits classifier end to end: train, NIR, chip, accuracy and energy (docs/digits.md)"
	@echo "make digits-loihi  the digits classifier on Loihi-mode cores through nmemu import nir (docs/digits.md)"
	@echo "make run-digits  ten held-out digits classified on the RTL chip in check mode, with their spikes"
	@echo "make fuzz       libFuzzer on the image reader, JSON compiler, spike reader, fault plans (FUZZ_SECONDS=$(FUZZ_SECONDS) each)"
	@echo "make test-outputs  outputs never destroy anything: devices, FIFOs, links, same-file refusals, signals"
	@echo "make test-faults  fault injection: hand-worked faults, rtl = ref, plan errors, campaign vs threads (docs/faults.md)"
	@echo "make soak       10^6 ticks of W on ref and 10^5 ticks of a 4x4 network in check, with invariants"
	@echo "                (SOAK_W_TICKS, SOAK_CHECK_TICKS; long, not in make test)"
	@echo "make test-sanitize  unit, CLI, output and differential tests under ASan + UBSan (build/sanitize;"
	@echo "                make SANITIZE=1 BUILD=DIR TARGET builds any target with the sanitizers)"
	@echo "make test-tsan  the chip models' thread tests under GCC ThreadSanitizer (build/tsan; part of test-long;"
	@echo "                make SANITIZE=thread BUILD=DIR TARGET builds any target so)"
	@echo "make clean      remove build/"

deps:
	@tools/install-deps

all: deps $(BUILD)/nmemu-core-demo $(BUILD)/tests/nm-tests $(BUILD)/tests/diff-core $(BUILD)/tests/diff-chip \
     $(BUILD)/bench/bench-core $(BUILD)/bench/bench-chip $(BUILD)/nmemu $(BUILD)/tests/gen-image

# ---------------------------------------------------------------- register map
REGMAP_GEN := $(BUILD)/tools/nm-regmap-gen
REGMAP_ARGS := regmap/nm_regmap.json --c regmap/nm_regmap.h --table regmap/nm_regmap_table.c \
               --v regmap/nm_regmap.vh --md docs/register-map.md
CHIPMAP_ARGS := regmap/nm_chipmap.json --c regmap/nm_chipmap.h --table regmap/nm_chipmap_table.c \
               --v regmap/nm_chipmap.vh --md docs/chip-register-map.md

$(REGMAP_GEN): tools/nm_regmap_gen.c | deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -o $@ $< $(JANSSON)

regmap: $(REGMAP_GEN)
	$(REGMAP_GEN) $(REGMAP_ARGS)
	$(REGMAP_GEN) $(CHIPMAP_ARGS)

test-regmap: $(REGMAP_GEN)
	$(REGMAP_GEN) --check $(REGMAP_ARGS)
	$(REGMAP_GEN) --check $(CHIPMAP_ARGS)
	tests/check-regmap-stale $(REGMAP_GEN) regmap/nm_regmap.json

# ---------------------------------------------------------------- C objects
# the reference model's tick kernels rely on the vectorizer
$(BUILD)/obj/nm_ref_core.o $(BUILD)/obj/nm_ref_chip.o: CFLAGS_ALL += -O3
$(BUILD)/obj/%.o: emulator/%.c $(wildcard emulator/*.h regmap/*.h) | deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

# the generated register-map tables (make regmap)
$(BUILD)/obj/%.o: regmap/%.c $(wildcard regmap/*.h) | deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(BUILD)/tobj/%.o: tests/%.c $(wildcard emulator/*.h regmap/*.h tests/*.h) | deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -Itests $(CHECK_CFLAGS) -c -o $@ $<

# ---------------------------------------------------------------- Verilated core
$(VCORE_LIB) $(VRT_OBJS) &: $(RTL_SRC) $(RTL_INC) | deps
	@mkdir -p $(VCORE_DIR)
	$(VERILATOR) $(VFLAGS) -Mdir $(VCORE_DIR) $(RTL_SRC)
	$(MAKE) -s -C $(VCORE_DIR) -f Vnm_core.mk OPT_FAST=-O2 OPT_GLOBAL=-O2 OPT_SLOW=-O1 \
	    Vnm_core__ALL.a verilated.o verilated_threads.o verilated_fst_c.o

# VCHIP_PGO=1: the per-cycle code compiled with a profile of the busy network
# (tools/vchip-pgo; docs/performance.md); a change of VCHIP_PGO rebuilds the chip.
VCHIP_PGO   ?= 0
VCHIP_STAMP := $(VCHIP_DIR)/pgo-stamp
.PHONY: vchip-pgo-check
$(VCHIP_STAMP): vchip-pgo-check
	@mkdir -p $(@D)
	@echo 'VCHIP_PGO=$(VCHIP_PGO)' | cmp -s - $@ || echo 'VCHIP_PGO=$(VCHIP_PGO)' >$@

$(VCHIP_LIB) $(VCHIP_RT) &: $(RTL_SRC) $(RTL_INC) regmap/nm_chipmap.vh $(VCHIP_STAMP) \
                           $(if $(filter 1,$(VCHIP_PGO)),$(SPEED_OBJS) tools/vchip-pgo) | deps
	@mkdir -p $(VCHIP_DIR)
	$(VERILATOR) --cc --trace-fst -Wall -Irtl -Iregmap --top-module nm_chip --prefix Vnm_chip $(VCHIP_FLAGS) \
	    -GMeshX=$(MESH_X) -GMeshY=$(MESH_Y) -Mdir $(VCHIP_DIR) $(RTL_SRC)
ifeq ($(VCHIP_PGO),1)
	+tools/vchip-pgo $(VCHIP_DIR) $(MESH_X) $(MESH_Y) $(SPEED_OBJS)
else
	$(MAKE) -s -C $(VCHIP_DIR) -f Vnm_chip.mk OPT_FAST=-O2 OPT_GLOBAL=-O2 OPT_SLOW=-O1 \
	    Vnm_chip__ALL.a verilated.o verilated_threads.o verilated_fst_c.o
endif

$(BUILD)/obj/nm_vchip_shim.o: emulator/nm_vchip_shim.cpp emulator/nm_vchip_shim.h emulator/nm_vmodel.hpp $(VCHIP_LIB)
	@mkdir -p $(@D)
	$(CXX) -std=gnu++17 -O2 -g -Wall -Wextra -DNM_VCHIP_MX=$(MESH_X) -DNM_VCHIP_MY=$(MESH_Y) \
	    -I$(VCHIP_DIR) -isystem $(VINC) -isystem $(VINC)/vltstd -c -o $@ $<

$(BUILD)/obj/nm_vcore_shim.o: emulator/nm_vcore_shim.cpp emulator/nm_vcore_shim.h emulator/nm_vmodel.hpp $(VCORE_LIB)
	@mkdir -p $(@D)
	$(CXX) -std=gnu++17 -O2 -g -Wall -Wextra -I$(VCORE_DIR) -isystem $(VINC) -isystem $(VINC)/vltstd -c -o $@ $<

# ---------------------------------------------------------------- programs
$(BUILD)/nmemu-core-demo: $(BUILD)/obj/nm_core_demo.o $(REF_OBJS) $(RTL_OBJS)
	$(CXX) -o $@ $^ $(LINK_RTL)

TEST_OBJS := $(BUILD)/tobj/test_main.o $(BUILD)/tobj/test_neuron_directed.o \
             $(BUILD)/tobj/test_regmap.o $(BUILD)/tobj/nm_test_backend.o $(BUILD)/tobj/test_chip.o \
             $(BUILD)/tobj/test_image.o $(BUILD)/tobj/test_model.o $(BUILD)/tobj/test_energy.o \
             $(BUILD)/tobj/test_storage.o \
             $(BUILD)/obj/nm_image.o $(BUILD)/obj/nm_gen.o $(BUILD)/obj/nm_load.o $(BUILD)/obj/nm_energy.o \
             $(BUILD)/obj/nm_output.o $(BUILD)/obj/nm_textfile.o
$(BUILD)/tests/nm-tests: $(TEST_OBJS) $(BUILD)/obj/nm_fw.o $(CHIP_OBJS) $(REF_OBJS) $(RTL_OBJS) $(RTL_CHIP_MODEL)
	@mkdir -p $(@D)
	$(CXX) -o $@ $^ $(CHECK_LIBS) $(JANSSON) $(LINK_RTL)

$(BUILD)/tests/diff-core: $(BUILD)/tobj/diff_core.o $(BUILD)/tobj/nm_test_netgen.o $(REF_OBJS) $(RTL_OBJS)
	@mkdir -p $(@D)
	$(CXX) -o $@ $^ $(LINK_RTL)

$(BUILD)/tests/diff-chip: $(BUILD)/tobj/diff_chip.o $(BUILD)/tobj/nm_test_netgen.o $(BUILD)/obj/nm_fw.o \
                          $(CHIP_OBJS) $(REF_OBJS) $(RTL_CHIP_OBJS)
	@mkdir -p $(@D)
	$(CXX) -o $@ $^ $(LINK_RTL)

$(BUILD)/obj/nm_fw.o: firmware/nm_fw.c firmware/nm_fw.h regmap/nm_chipmap.h regmap/nm_regmap.h regmap/nm_loihi_chipmap.h regmap/nm_loihi_regmap.h | deps
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(WARN) $(OPT) -Iregmap -ffreestanding -fno-builtin -c -o $@ $<

NMEMU_OBJS := $(BUILD)/obj/nmemu.o $(BUILD)/obj/nm_cmd_run.o $(BUILD)/obj/nm_opts.o $(BUILD)/obj/nm_output.o $(BUILD)/obj/nm_gen.o $(BUILD)/obj/nm_energy.o $(BUILD)/obj/nm_textfile.o $(BUILD)/obj/nm_energy_report.o $(BUILD)/obj/nm_report.o $(BUILD)/obj/nm_plot.o $(BUILD)/obj/nm_sweep.o $(BUILD)/obj/nm_power_trace.o $(BUILD)/obj/nm_groups.o $(BUILD)/obj/nm_load.o $(BUILD)/obj/nm_image.o $(BUILD)/obj/nm_fw.o \
              $(BUILD)/obj/nm_compile.o $(LOIHI_NMEMU_OBJS) $(BUILD)/obj/nm_rtl_shapes.o $(BUILD)/obj/nm_mixed_chip.o \
              $(CHIP_OBJS) $(REF_OBJS) $(RTL_CHIP_OBJS) $(BUILD)/obj/nm_rtl_core.o $(BUILD)/obj/nm_vcore_shim.o \
              $(VCORE_LIB)
$(BUILD)/nmemu: $(NMEMU_OBJS)
	$(CXX) -o $@ $^ $(JANSSON) $(LINK_RTL)

$(BUILD)/tests/gen-image: $(BUILD)/tobj/gen_image.o $(BUILD)/obj/nm_image.o $(BUILD)/obj/nm_core_prog.o
	@mkdir -p $(@D)
	$(CC) -o $@ $^ -lz

# ---------------------------------------------------------------- run
RUN_DIR := $(BUILD)/run
$(BUILD)/examples/%.nmi: examples/%/net.json $(BUILD)/nmemu
	@mkdir -p $(@D)
	$(BUILD)/nmemu compile $< -o $@

# The default demo: the travelling wave on the RTL chip, checked against the model.
# make run: the digits classifier (examples/digits, docs/digits.md) on the RTL chip in check
# mode; run-digits is in mk/python.mk. The travelling wave stays as make run-wave.
run: all run-digits

run-wave: all $(BUILD)/examples/wave.nmi
	@mkdir -p $(RUN_DIR)
	$(BUILD)/nmemu run $(BUILD)/examples/wave.nmi --backend check --ticks 70 --raster \
	    --input examples/wave/input.csv --spikes $(RUN_DIR)/spikes.csv --outputs $(RUN_DIR)/outputs.csv

demo-core: all
	$(BUILD)/nmemu-core-demo

# ---------------------------------------------------------------- tests
test: all
	@$(MAKE) --no-print-directory test-regmap test-lint test-iverilog test-yosys test-firmware test-unit \
	    test-bench test-cli test-diff test-diff-chip $(TEST_EXTRA)
	@echo "make test: all tests passed"

test-unit: $(BUILD)/tests/nm-tests
	$(BUILD)/tests/nm-tests --rtl

test-diff: $(BUILD)/tests/diff-core
	tests/run-diff $(BUILD)/tests/diff-core $(DIFF_SEEDS) $(DIFF_TICKS) $(DIFF_JOBS)

# the benchmark programs build and run one tick (their numbers are for make bench)
test-bench: $(BUILD)/bench/bench-core $(BUILD)/bench/bench-chip $(BUILD)/bench/bench-merolla
	$(BUILD)/bench/bench-core --ticks 1
	$(BUILD)/bench/bench-chip --ticks 1
	$(BUILD)/bench/bench-merolla --mesh 4x4 --ticks 1 --warmup 0

test-diff-chip: $(BUILD)/tests/diff-chip
	tests/run-diff $(BUILD)/tests/diff-chip $(DIFF_CHIP_SEEDS) $(DIFF_CHIP_TICKS) $(DIFF_JOBS)

test-cli: $(BUILD)/nmemu $(BUILD)/tests/gen-image
	tests/check-cli $(BUILD)/nmemu $(BUILD)/tests/gen-image

test-firmware: | deps
	tests/check-firmware

lint: test-lint

test-lint: | deps
	$(VERILATOR) --lint-only -Wall -Irtl -Iregmap --top-module nm_core $(RTL_SRC)
	$(VERILATOR) --lint-only -Wall -Irtl -Iregmap --top-module nm_chip $(RTL_SRC)
	$(VERILATOR) --lint-only -Wall -Irtl -Iregmap --top-module nm_core -GNumAxons=32 -GNumNeurons=16 $(RTL_SRC)
	$(VERILATOR) --lint-only -Wall -Irtl -Iregmap --top-module nm_core -GNumAxons=128 -GNumNeurons=64 $(RTL_SRC)
	$(VERILATOR) --lint-only -Wall -F rtl/nm_chip.f
	$(VERILATOR) --lint-only -Wall -F rtl/loihi/nm_loihi_chip.f
	@echo "lint: verilator --lint-only -Wall clean (nm_core at 256x256, 32x16, 128x64; nm_chip;"
	@echo "      the file lists rtl/nm_chip.f and rtl/loihi/nm_loihi_chip.f that users lint by hand)"

test-iverilog: | deps
	tests/rtl/run-iverilog

test-yosys: | deps
	tests/rtl/run-yosys

synth-default: | deps
	@mkdir -p $(BUILD)/yosys
	yosys -l $(BUILD)/yosys/synth_default.log rtl/nm_core_default.ys

BENCH_RESULTS ?= bench/results
BENCH_TICKS   ?= 1000
BENCH_REPEAT  ?= 3
# every benchmark, then the table (docs/performance.md); never part of make test
bench: $(BUILD)/bench/bench-core $(BUILD)/bench/bench-chip bench-w bench-rtl-cycles
	$(BUILD)/bench/bench-core
	$(BUILD)/bench/bench-chip
	@$(if $(BENCH_EXTRA),$(MAKE) --no-print-directory $(BENCH_EXTRA))
	/usr/bin/python3 bench/summarize.py $(BENCH_RESULTS)

# workload W (20 Hz, 2 % of neurons per tick) and W-high (150 Hz, 15 %) on the 64 x 64
# reference chip, 1 and 2 threads, median of BENCH_REPEAT; the stochastic variant once
bench-w: $(BUILD)/bench/bench-merolla
	@mkdir -p $(BENCH_RESULTS)
	for t in 1 2; do $(BUILD)/bench/bench-merolla --label W --rate 20 --threads $$t --ticks $(BENCH_TICKS) \
	    --repeat $(BENCH_REPEAT) --csv $(BENCH_RESULTS)/merolla.csv || exit 1; done
	for t in 1 2; do $(BUILD)/bench/bench-merolla --label W-high --rate 150 --threads $$t --ticks $(BENCH_TICKS) \
	    --repeat $(BENCH_REPEAT) --csv $(BENCH_RESULTS)/merolla.csv || exit 1; done
	$(BUILD)/bench/bench-merolla --label W-stochastic --rate 20 --stochastic 1 --threads 2 --ticks 100 \
	    --csv $(BENCH_RESULTS)/merolla.csv

# the RTL's event-driven cycles per tick against a dense-scan core
bench-rtl-cycles: $(BUILD)/nmemu
	@mkdir -p $(BENCH_RESULTS)
	/usr/bin/python3 bench/rtl_cycles.py $(BUILD)/nmemu $(BENCH_RESULTS)/rtl_cycles.csv 100

$(BUILD)/bench/bench-chip: $(BUILD)/bobj/bench_chip.o $(BUILD)/bobj/bench_net.o $(CHIP_OBJS) $(REF_OBJS) $(RTL_CHIP_OBJS)
	@mkdir -p $(@D)
	$(CXX) -o $@ $^ $(LINK_RTL)

$(BUILD)/bench/bench-merolla: $(BUILD)/bobj/bench_merolla.o $(BUILD)/obj/nm_gen.o $(BUILD)/obj/nm_load.o \
    $(BUILD)/obj/nm_image.o $(BUILD)/obj/nm_fw.o $(CHIP_OBJS) $(REF_OBJS)
	@mkdir -p $(@D)
	$(CC) -o $@ $^ -lz -lm -pthread

# ---------------------------------------------------------------- energy
# where an installed nmemu finds its presets (make install PREFIX=...)
$(BUILD)/obj/nm_energy.o: CFLAGS_ALL += -DNM_DATADIR='"$(PREFIX)/share/nmemu"'
ENERGY_OBJS := $(BUILD)/obj/nm_energy.o $(BUILD)/obj/nm_textfile.o
$(BUILD)/tools/validate-energy: $(BUILD)/tools/validate_energy.o $(ENERGY_OBJS) $(BUILD)/obj/nm_gen.o \
    $(BUILD)/obj/nm_load.o $(BUILD)/obj/nm_image.o $(BUILD)/obj/nm_fw.o $(CHIP_OBJS) $(REF_OBJS)
	@mkdir -p $(@D)
	$(CC) -o $@ $^ $(JANSSON) -lz -lm -pthread

$(BUILD)/tools/%.o: tools/%.c $(wildcard emulator/*.h regmap/*.h) | deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

VALIDATE_TICKS ?= 1000
# the TrueNorth preset against the published chip power (docs/energy-model.md s5)
validate-energy: $(BUILD)/tools/validate-energy
	$(BUILD)/tools/validate-energy --ticks $(VALIDATE_TICKS) --csv $(BUILD)/validate-energy.csv

$(BUILD)/bench/bench-core: $(BUILD)/bobj/bench_core.o $(REF_OBJS) $(RTL_OBJS)
	@mkdir -p $(@D)
	$(CXX) -o $@ $^ $(LINK_RTL)

$(BUILD)/bobj/%.o: bench/%.c $(wildcard emulator/*.h regmap/*.h bench/*.h) | deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

install: $(BUILD)/nmemu
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/nmemu/energy
	install -m 755 $(BUILD)/nmemu $(DESTDIR)$(PREFIX)/bin/nmemu
	install -m 644 docs/nmemu.1 $(DESTDIR)$(PREFIX)/share/man/man1/nmemu.1
	install -m 644 data/energy/*.json $(DESTDIR)$(PREFIX)/share/nmemu/energy

FUZZ_SECONDS ?= 60
fuzz: $(BUILD)/nmemu
	tools/install-deps clang libclang-rt-14-dev
	tests/fuzz/run-fuzz $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD)
