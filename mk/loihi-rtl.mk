# mk/loihi-rtl.mk - the Loihi-style core's RTL side (docs/loihi-core.md): rtl/loihi/*.v, its
# Verilator build, shim and C wrapper, and the RTL checks.
#   test-lint, test-iverilog, test-yosys  also cover rtl/loihi (the *-loihi targets below)
#   make test-loihi-rtl    the model's directed Check tests run on the RTL too (--rtl)
#   make test-diff-loihi   RTL vs model after every step: LOIHI_DIFF_SEEDS x LOIHI_DIFF_STEPS
#   make test-loihi-mutant a planted RTL bug must make the diff test fail
#   make test-long-loihi   the diff test with more seeds and steps, and at a medium geometry
#                          (part of make test-long, not of make test)
#   make synth-loihi-default  Yosys at the default geometry, memories as RAM macros
# The Verilated core has the small test geometry (NM_LOIHI_GEOM_SMALL); nmemu --rtl-cores builds
# the core of any other geometry on demand (tools/build-rtl-shape-loihi, emulator/nm_rtl_shapes.c).

LOIHI_RTL_SRC  := rtl/loihi/nm_loihi_weight.v rtl/loihi/nm_loihi_cx.v rtl/loihi/nm_loihi_inq.v \
                  rtl/loihi/nm_loihi_core.v
LOIHI_RTL_INC  := regmap/nm_loihi_regmap.vh
LOIHI_G_SMALL  := -GNCOMP=16 -GNAXIN=16 -GNAXOUT=32 -GNSYN=256 -GNDSLOT=8 -GNDPROF=4 -GNTPROF=2 -GNSYNFMT=4 -GINQ=16
LOIHI_G_MIN    := -GNCOMP=4 -GNAXIN=4 -GNAXOUT=4 -GNSYN=4 -GNDSLOT=2 -GNDPROF=1 -GNTPROF=1 -GNSYNFMT=1 -GINQ=2
LOIHI_G_MAX    := -GNCOMP=4096 -GNAXIN=4096 -GNAXOUT=4096 -GNSYN=32768 -GNDSLOT=16 -GNDPROF=32 -GNTPROF=8 \
                  -GNSYNFMT=16 -GINQ=32768
LOIHI_VFLAGS   := --cc --trace-fst -Wall -Iregmap --top-module nm_loihi_core -O3 --x-assign fast --x-initial fast

VLOIHI_DIR     := $(BUILD)/vloihi
VLOIHI_LIB     := $(VLOIHI_DIR)/Vnm_loihi_core__ALL.a
VLOIHI_RT      := $(VLOIHI_DIR)/verilated.o $(VLOIHI_DIR)/verilated_threads.o $(VLOIHI_DIR)/verilated_fst_c.o
VLOIHI_CXX     := $(CXX) -std=gnu++17 -O2 -g -Wall -Wextra -Iemulator -Iemulator/loihi -isystem $(VINC) \
                  -isystem $(VINC)/vltstd
LOIHI_RTL_OBJS := $(BUILD)/lobj/nm_loihi_rtl.o $(VLOIHI_DIR)/nm_vloihi_shim.o $(VLOIHI_LIB) $(VLOIHI_RT)

LOIHI_DIFF_SEEDS ?= 200
LOIHI_DIFF_STEPS ?= 1000
LOIHI_DIFF_JOBS  ?= 2

$(VLOIHI_LIB) $(VLOIHI_RT) &: $(LOIHI_RTL_SRC) $(LOIHI_RTL_INC) | deps
	@mkdir -p $(VLOIHI_DIR)
	$(VERILATOR) $(LOIHI_VFLAGS) $(LOIHI_G_SMALL) -Mdir $(VLOIHI_DIR) $(LOIHI_RTL_SRC)
	$(MAKE) -s -C $(VLOIHI_DIR) -f Vnm_loihi_core.mk OPT_FAST=-O2 OPT_GLOBAL=-O2 OPT_SLOW=-O1 \
	    Vnm_loihi_core__ALL.a verilated.o verilated_threads.o verilated_fst_c.o

# the linked core's shim states its geometry (nm_vloihi_api, for nmemu --rtl-cores): the values of
# the -G list, "-DNM_VLOIHI_GEOM=16,16,32,256,8,4,2,4,16"
LOIHI_EMPTY    :=
LOIHI_SPACE    := $(LOIHI_EMPTY) $(LOIHI_EMPTY)
loihi_geom_def = -DNM_VLOIHI_GEOM=$(subst $(LOIHI_SPACE),$(LOIHI_COMMA),$(strip \
                 $(foreach g,$(1),$(lastword $(subst =, ,$(g))))))
LOIHI_COMMA    := ,

$(VLOIHI_DIR)/nm_vloihi_shim.o: emulator/loihi/nm_vloihi_shim.cpp emulator/loihi/nm_vloihi_shim.h \
                                emulator/nm_vmodel.hpp $(VLOIHI_LIB) mk/loihi-rtl.mk
	$(VLOIHI_CXX) $(call loihi_geom_def,$(LOIHI_G_SMALL)) -I$(VLOIHI_DIR) -c -o $@ $<

# ---------------------------------------------------------------- programs
$(BUILD)/tests/diff-loihi-core: $(BUILD)/ltobj/diff_loihi_core.o $(LOIHI_REF_OBJS) $(LOIHI_RTL_OBJS)
	@mkdir -p $(@D)
	$(CXX) -o $@ $^ $(LINK_RTL)

# the model's Check suite with the RTL backend built in (tests/loihi/loihi_test_backend.c)
$(BUILD)/ltobj/loihi_test_backend_rtl.o: tests/loihi/loihi_test_backend.c \
    $(wildcard emulator/loihi/*.h emulator/*.h regmap/*.h tests/loihi/*.h) | deps
	@mkdir -p $(@D)
	$(CC) $(LOIHI_CFLAGS) -DNM_LOIHI_TEST_RTL -Itests/loihi $(CHECK_CFLAGS) -c -o $@ $<

$(BUILD)/tests/nm-loihi-tests-rtl: $(filter-out $(BUILD)/ltobj/loihi_test_backend.o,$(LOIHI_TEST_OBJS)) \
    $(BUILD)/ltobj/loihi_test_backend_rtl.o $(LOIHI_REF_OBJS) $(LOIHI_RTL_OBJS)
	@mkdir -p $(@D)
	$(CXX) -o $@ $^ $(CHECK_LIBS) $(LINK_RTL)

# ---------------------------------------------------------------- tests
.PHONY: test-lint-loihi test-iverilog-loihi test-yosys-loihi test-loihi-rtl test-diff-loihi \
        test-loihi-mutant test-long-loihi
test-lint: test-lint-loihi
test-iverilog: test-iverilog-loihi
test-yosys: test-yosys-loihi
TEST_EXTRA += test-loihi-rtl test-diff-loihi test-loihi-mutant

test-lint-loihi: | deps
	$(VERILATOR) --lint-only -Wall -Iregmap --top-module nm_loihi_core $(LOIHI_RTL_SRC)
	$(VERILATOR) --lint-only -Wall -Iregmap --top-module nm_loihi_core $(LOIHI_G_SMALL) $(LOIHI_RTL_SRC)
	$(VERILATOR) --lint-only -Wall -Iregmap --top-module nm_loihi_core $(LOIHI_G_MIN) $(LOIHI_RTL_SRC)
	$(VERILATOR) --lint-only -Wall -Iregmap --top-module nm_loihi_core $(LOIHI_G_MAX) $(LOIHI_RTL_SRC)
	@echo "lint: verilator --lint-only -Wall clean (nm_loihi_core at the default, small, minimum and maximum geometries)"

test-iverilog-loihi: | deps
	tests/rtl/run-iverilog-loihi $(BUILD)

# the core at the default geometry through Icarus (about 2 minutes: make test-long only)
.PHONY: test-long-iverilog-loihi
test-long: test-long-iverilog-loihi
test-long-iverilog-loihi: | deps
	tests/rtl/run-iverilog-loihi $(BUILD) default

test-yosys-loihi: | deps
	tests/rtl/run-yosys-loihi $(BUILD)

test-loihi-rtl: $(BUILD)/tests/nm-loihi-tests-rtl
	$(BUILD)/tests/nm-loihi-tests-rtl --rtl

test-diff-loihi: $(BUILD)/tests/diff-loihi-core
	tests/loihi/run-diff-loihi $(BUILD)/tests/diff-loihi-core $(LOIHI_DIFF_SEEDS) $(LOIHI_DIFF_STEPS) $(LOIHI_DIFF_JOBS)

# a planted bug (tests/loihi/mutate-loihi-rtl) in a copy of the RTL must be caught
LOIHI_MUT_OBJS := $(BUILD)/ltobj/diff_loihi_core.o $(LOIHI_REF_OBJS) $(BUILD)/lobj/nm_loihi_rtl.o
test-loihi-mutant: $(LOIHI_MUT_OBJS) | deps
	LOIHI_MUT_VFLAGS="$(LOIHI_VFLAGS) $(LOIHI_G_SMALL)" tests/loihi/check-mutant $(BUILD) $(LOIHI_MUT_OBJS)

# ---------------------------------------------------------------- long variants
# make test-long (not part of make test): more seeds and steps at the small geometry, and
# the diff test on a second Verilated core of a medium geometry (64 compartments, 16 delay
# slots, 2,048 synapse words, ...). The test reads the geometry from the RTL.
LOIHI_G_MEDIUM := -GNCOMP=64 -GNAXIN=64 -GNAXOUT=128 -GNSYN=2048 -GNDSLOT=16 -GNDPROF=8 -GNTPROF=4 \
                  -GNSYNFMT=8 -GINQ=64
VLOIHI_M_DIR   := $(BUILD)/vloihi-medium
VLOIHI_M_LIB   := $(VLOIHI_M_DIR)/Vnm_loihi_core__ALL.a
VLOIHI_M_RT    := $(VLOIHI_M_DIR)/verilated.o $(VLOIHI_M_DIR)/verilated_threads.o $(VLOIHI_M_DIR)/verilated_fst_c.o

$(VLOIHI_M_LIB) $(VLOIHI_M_RT) &: $(LOIHI_RTL_SRC) $(LOIHI_RTL_INC) | deps
	@mkdir -p $(VLOIHI_M_DIR)
	$(VERILATOR) $(LOIHI_VFLAGS) $(LOIHI_G_MEDIUM) -Mdir $(VLOIHI_M_DIR) $(LOIHI_RTL_SRC)
	$(MAKE) -s -C $(VLOIHI_M_DIR) -f Vnm_loihi_core.mk OPT_FAST=-O2 OPT_GLOBAL=-O2 OPT_SLOW=-O1 \
	    Vnm_loihi_core__ALL.a verilated.o verilated_threads.o verilated_fst_c.o

$(VLOIHI_M_DIR)/nm_vloihi_shim.o: emulator/loihi/nm_vloihi_shim.cpp emulator/loihi/nm_vloihi_shim.h \
                                  emulator/nm_vmodel.hpp $(VLOIHI_M_LIB)
	$(VLOIHI_CXX) -I$(VLOIHI_M_DIR) -c -o $@ $<

$(BUILD)/tests/diff-loihi-core-medium: $(BUILD)/ltobj/diff_loihi_core.o $(LOIHI_REF_OBJS) $(BUILD)/lobj/nm_loihi_rtl.o \
    $(VLOIHI_M_DIR)/nm_vloihi_shim.o $(VLOIHI_M_LIB) $(VLOIHI_M_RT)
	@mkdir -p $(@D)
	$(CXX) -o $@ $^ $(LINK_RTL)

LOIHI_LONG_SEEDS  ?= 1000
LOIHI_LONG_STEPS  ?= 2000
LOIHI_MEDIUM_SEEDS ?= 100
.PHONY: test-long
test-long: test-long-loihi
test-long-loihi: $(BUILD)/tests/diff-loihi-core $(BUILD)/tests/diff-loihi-core-medium
	tests/loihi/run-diff-loihi $(BUILD)/tests/diff-loihi-core $(LOIHI_LONG_SEEDS) $(LOIHI_LONG_STEPS) $(LOIHI_DIFF_JOBS)
	tests/loihi/run-diff-loihi $(BUILD)/tests/diff-loihi-core-medium $(LOIHI_MEDIUM_SEEDS) $(LOIHI_DIFF_STEPS) \
	    $(LOIHI_DIFF_JOBS)

# the default (Loihi 1) geometry through Yosys, memories kept as RAM macros (about a minute)
.PHONY: synth-loihi-default
synth-loihi-default: | deps
	@mkdir -p $(BUILD)/yosys
	yosys -q -l $(BUILD)/yosys/loihi_default.log rtl/loihi/nm_loihi_core_default.ys >/dev/null
	@grep -E '^ +Number of cells:' $(BUILD)/yosys/loihi_default.log | tail -n 1

# ---------------------------------------------------------------- coverage
# Verilator line + toggle coverage of rtl/loihi under the differential test
# (LOIHI_COV_SEEDS x LOIHI_COV_STEPS), reported by tools/coverage-report into
# $(BUILD)/coverage-loihi. Not part of make test.
VLOIHI_C_DIR   := $(BUILD)/vloihi_cov
VLOIHI_C_LIB   := $(VLOIHI_C_DIR)/Vnm_loihi_core__ALL.a
VLOIHI_C_RT    := $(VLOIHI_C_DIR)/verilated.o $(VLOIHI_C_DIR)/verilated_threads.o \
                  $(VLOIHI_C_DIR)/verilated_fst_c.o $(VLOIHI_C_DIR)/verilated_cov.o
LOIHI_COV_SEEDS ?= 40
LOIHI_COV_STEPS ?= 300

$(VLOIHI_C_LIB) $(VLOIHI_C_RT) &: $(LOIHI_RTL_SRC) $(LOIHI_RTL_INC) | deps
	@mkdir -p $(VLOIHI_C_DIR)
	$(VERILATOR) $(LOIHI_VFLAGS) --coverage-line --coverage-toggle $(LOIHI_G_SMALL) -Mdir $(VLOIHI_C_DIR) \
	    $(LOIHI_RTL_SRC)
	$(MAKE) -s -C $(VLOIHI_C_DIR) -f Vnm_loihi_core.mk OPT_FAST=-O1 OPT_GLOBAL=-O1 OPT_SLOW=-O1 \
	    Vnm_loihi_core__ALL.a verilated.o verilated_threads.o verilated_fst_c.o verilated_cov.o

$(VLOIHI_C_DIR)/nm_vloihi_shim.o: emulator/loihi/nm_vloihi_shim.cpp emulator/loihi/nm_vloihi_shim.h \
                                  emulator/nm_vmodel.hpp $(VLOIHI_C_LIB)
	$(VLOIHI_CXX) -DNM_COVERAGE -DVM_COVERAGE=1 -I$(VLOIHI_C_DIR) -c -o $@ $<

$(BUILD)/cov/diff-loihi-core: $(BUILD)/ltobj/diff_loihi_core.o $(LOIHI_REF_OBJS) $(BUILD)/lobj/nm_loihi_rtl.o \
    $(VLOIHI_C_DIR)/nm_vloihi_shim.o $(VLOIHI_C_LIB) $(VLOIHI_C_RT)
	@mkdir -p $(@D)
	$(CXX) -o $@ $^ $(LINK_RTL)

.PHONY: coverage-loihi
coverage-loihi: $(BUILD)/cov/diff-loihi-core | deps
	rm -rf $(BUILD)/coverage-loihi
	mkdir -p $(BUILD)/coverage-loihi/dat
	NM_COVERAGE_DIR=$(BUILD)/coverage-loihi/dat $(BUILD)/cov/diff-loihi-core --seed 1 \
	    --seeds $(LOIHI_COV_SEEDS) --steps $(LOIHI_COV_STEPS) --quiet
	tools/coverage-report $(BUILD)/coverage-loihi
