# mk/loihi-model.mk - the Loihi-style core's model side (docs/loihi-core.md): its register map,
# reference model, directed and golden-trace tests, chip model and benchmarks.

# ---------------------------------------------------------------- register map
LOIHI_REGMAP_GEN  := $(BUILD)/tools/nm-regmap-gen
LOIHI_REGMAP_ARGS := regmap/nm_loihi_regmap.json --c regmap/nm_loihi_regmap.h \
                     --table regmap/nm_loihi_regmap_table.c --v regmap/nm_loihi_regmap.vh \
                     --md docs/loihi-register-map.md

.PHONY: regmap-loihi test-regmap-loihi
regmap: regmap-loihi
test-regmap: test-regmap-loihi

regmap-loihi: $(LOIHI_REGMAP_GEN)
	$(LOIHI_REGMAP_GEN) $(LOIHI_REGMAP_ARGS)

test-regmap-loihi: $(LOIHI_REGMAP_GEN)
	$(LOIHI_REGMAP_GEN) --check $(LOIHI_REGMAP_ARGS)

# ---------------------------------------------------------------- model objects
# Objects of emulator/loihi/ go to $(BUILD)/lobj/; LOIHI_REF_OBJS is what a program links
# to get the reference model (the RTL side's diff test links it too).
LOIHI_CFLAGS   = $(CFLAGS_ALL) -Iemulator/loihi
LOIHI_REF_OBJS := $(BUILD)/lobj/nm_loihi_ref.o $(BUILD)/lobj/nm_loihi_if.o $(BUILD)/lobj/nm_loihi_prog.o \
                  $(BUILD)/obj/nm_core_if.o $(BUILD)/obj/nm_loihi_regmap_table.o

LOIHI_CHIP_OBJS := $(BUILD)/lobj/nm_loihi_chip.o $(BUILD)/obj/nm_barrier.o $(LOIHI_REF_OBJS)

# the compartment update relies on the vectorizer
$(BUILD)/lobj/nm_loihi_ref.o $(BUILD)/lobj/nm_loihi_chip.o: LOIHI_CFLAGS += -O3
$(BUILD)/lobj/%.o: emulator/loihi/%.c $(wildcard emulator/loihi/*.h emulator/*.h regmap/*.h) | deps
	@mkdir -p $(@D)
	$(CC) $(LOIHI_CFLAGS) -c -o $@ $<

$(BUILD)/ltobj/%.o: tests/loihi/%.c $(wildcard emulator/loihi/*.h emulator/*.h regmap/*.h tests/loihi/*.h) | deps
	@mkdir -p $(@D)
	$(CC) $(LOIHI_CFLAGS) -Itests/loihi $(CHECK_CFLAGS) -c -o $@ $<

# ---------------------------------------------------------------- model tests
# LOIHI_TEST_OBJS: the suites that run on any backend (nm-loihi-tests; the RTL side links
# them with its backend too); the chip and energy suites are model-only (nm-loihi-model-tests).
LOIHI_TEST_OBJS := $(BUILD)/ltobj/test_loihi_main.o $(BUILD)/ltobj/loihi_test_backend.o \
                   $(BUILD)/ltobj/test_loihi_port.o $(BUILD)/ltobj/test_loihi_directed.o \
                   $(BUILD)/ltobj/test_loihi_golden.o
$(BUILD)/tests/nm-loihi-tests: $(LOIHI_TEST_OBJS) $(LOIHI_REF_OBJS)
	@mkdir -p $(@D)
	$(CC) -o $@ $^ $(CHECK_LIBS)

LOIHI_IMAGE_OBJS := $(BUILD)/lobj/nm_loihi_image.o
LOIHI_MODEL_TEST_OBJS := $(BUILD)/ltobj/test_loihi_model_main.o $(BUILD)/ltobj/test_loihi_chip.o \
                         $(BUILD)/ltobj/test_loihi_energy.o $(BUILD)/ltobj/test_loihi_image.o \
                         $(BUILD)/lobj/nm_loihi_energy.o $(BUILD)/obj/nm_textfile.o $(LOIHI_IMAGE_OBJS) \
                         $(BUILD)/obj/nm_image.o $(BUILD)/obj/nm_core_prog.o $(BUILD)/obj/nm_output.o
$(BUILD)/tests/nm-loihi-model-tests: $(LOIHI_MODEL_TEST_OBJS) $(LOIHI_CHIP_OBJS)
	@mkdir -p $(@D)
	$(CC) -o $@ $^ $(CHECK_LIBS) $(JANSSON) -lz -pthread

.PHONY: test-loihi-model
# directed Check tests and the golden-trace test of the model (docs/loihi-core.md)
test-loihi-model: $(BUILD)/tests/nm-loihi-tests $(BUILD)/tests/nm-loihi-model-tests
	$(BUILD)/tests/nm-loihi-tests
	$(BUILD)/tests/nm-loihi-model-tests
TEST_EXTRA += test-loihi-model

# ---------------------------------------------------------------- chip model and benchmark

$(BUILD)/lbobj/%.o: bench/loihi/%.c $(wildcard emulator/loihi/*.h emulator/*.h regmap/*.h) | deps
	@mkdir -p $(@D)
	$(CC) $(LOIHI_CFLAGS) -c -o $@ $<

$(BUILD)/bench/bench-loihi: $(BUILD)/lbobj/bench_loihi.o $(LOIHI_CHIP_OBJS)
	@mkdir -p $(@D)
	$(CC) -o $@ $^ -pthread

# The Loihi benchmark (docs/performance.md, "Loihi-style chip"): workload L on the model
# (LOIHI_BENCH_STEPS steps, one thread) and the same network and integer equations in
# Brian2 (cpp_standalone, LOIHI_BRIAN2_STEPS steps); first a small copy (2 x 2 cores, 100
# steps) must give the identical spike raster in both. Then bench/loihi/loihi_ratio.py runs
# the model (1 and 2 threads) and the built Brian2 binary in turn, LOIHI_ROUNDS times, and
# prints the medians and the ratios (wall and CPU time). Rows go to $(LOIHI_RESULTS)/loihi.csv,
# loihi_brian2.csv and loihi_ratio.csv.
LOIHI_RESULTS      = $(or $(BENCH_RESULTS),bench/results)
LOIHI_BENCH_STEPS  ?= 2000
LOIHI_BRIAN2_STEPS ?= 300
LOIHI_ROUNDS       ?= 5
LOIHI_PEERS        := $(BUILD)/peers/loihi
.PHONY: bench-loihi check-brian2-loihi test-loihi-bench-smoke
BENCH_EXTRA += bench-loihi

check-brian2-loihi: $(BUILD)/bench/bench-loihi brian2-deps
	@mkdir -p $(LOIHI_PEERS)
	$(BUILD)/bench/bench-loihi --mesh 2 2 --steps 100 --warmup 0 --dump $(LOIHI_PEERS)/L-2x2 \
	    --raster $(LOIHI_PEERS)/L-2x2.nmemu.csv --raster-steps 100
	/usr/bin/python3 bench/loihi/loihi_brian2.py $(LOIHI_PEERS)/L-2x2 --steps 100 \
	    --raster $(LOIHI_PEERS)/L-2x2.brian2.csv --raster-steps 100 --build-dir $(LOIHI_PEERS)/brian2-2x2
	cmp $(LOIHI_PEERS)/L-2x2.nmemu.csv $(LOIHI_PEERS)/L-2x2.brian2.csv
	@echo "check-brian2-loihi: identical rasters ($$(wc -l < $(LOIHI_PEERS)/L-2x2.nmemu.csv) spikes in 100 steps)"

bench-loihi: $(BUILD)/bench/bench-loihi check-brian2-loihi
	@mkdir -p $(LOIHI_RESULTS)
	$(BUILD)/bench/bench-loihi --steps $(LOIHI_BENCH_STEPS) --dump $(LOIHI_PEERS)/L-16x8 \
	    --csv $(LOIHI_RESULTS)/loihi.csv --label L
	/usr/bin/python3 bench/loihi/loihi_brian2.py $(LOIHI_PEERS)/L-16x8 --steps $(LOIHI_BRIAN2_STEPS) \
	    --build-dir $(LOIHI_PEERS)/brian2-16x8 --csv $(LOIHI_RESULTS)/loihi_brian2.csv --label L
	/usr/bin/python3 bench/loihi/loihi_ratio.py --bench $(BUILD)/bench/bench-loihi \
	    --brian-dir $(LOIHI_PEERS)/brian2-16x8 --brian-steps $(LOIHI_BRIAN2_STEPS) \
	    --rounds $(LOIHI_ROUNDS) --steps $(LOIHI_BENCH_STEPS) --csv $(LOIHI_RESULTS)/loihi_ratio.csv --label L

# make test only checks that the benchmark program runs (a 2 x 2 chip, 5 steps; and on 2
# threads with the portable update)
test-loihi-bench-smoke: $(BUILD)/bench/bench-loihi
	$(BUILD)/bench/bench-loihi --mesh 2 2 --steps 5 --warmup 0
	$(BUILD)/bench/bench-loihi --mesh 2 2 --steps 5 --warmup 0 --threads 2 --portable
TEST_EXTRA += test-loihi-bench-smoke

# ---------------------------------------------------------------- energy
LOIHI_ENERGY_OBJS := $(BUILD)/lobj/nm_loihi_energy.o $(BUILD)/obj/nm_textfile.o
$(BUILD)/bench/energy-blouw: $(BUILD)/lbobj/energy_blouw.o $(LOIHI_ENERGY_OBJS) $(LOIHI_CHIP_OBJS)
	@mkdir -p $(@D)
	$(CC) -o $@ $^ $(JANSSON) -pthread

.PHONY: energy-loihi-blouw
# one branch of Blouw et al. 2019 priced with both Loihi presets (docs/loihi-energy.md)
energy-loihi-blouw: $(BUILD)/bench/energy-blouw
	$(BUILD)/bench/energy-blouw

# ---------------------------------------------------------------- nmemu on Loihi networks
# nmemu compile/info/run dispatch to emulator/loihi/nm_loihi_cli.c on "core_type": "loihi"
# JSON and core-type-1 images; the top Makefile's NMEMU_OBJS includes these objects (so do
# nmemu-assert and the coverage build, which link NMEMU_OBJS too).
# run --backend rtl|check links the Verilated chip of Loihi-style cores (mk/loihi-chip.mk); its
# Verilator runtime objects are the TrueNorth chip's (the same Verilator, linked once).
LOIHI_NMEMU_OBJS := $(BUILD)/lobj/nm_loihi_cli.o $(BUILD)/lobj/nm_loihi_compile.o $(LOIHI_IMAGE_OBJS) \
                    $(BUILD)/lobj/nm_loihi_energy.o $(LOIHI_CHIP_OBJS) $(BUILD)/lobj/nm_loihi_rtl_chip.o \
                    $(VLCHIP_DIR)/nm_vlchip_shim.o $(VLCHIP_LIB)
$(BUILD)/lobj/nm_loihi_cli.o: LOIHI_CFLAGS += -Ifirmware
$(BUILD)/obj/nmemu.o: $(wildcard emulator/loihi/*.h)

.PHONY: test-cli-loihi
# nmemu compile/info/run on Loihi-core networks, with the errors and exit codes
test-cli-loihi: $(BUILD)/nmemu
	tests/loihi/check-cli-loihi $(BUILD)/nmemu
TEST_EXTRA += test-cli-loihi
