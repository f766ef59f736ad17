# mk/verif.mk - the RTL verification kit (docs/verification.md):
#   make test-assert   the assertion build (RTL compiled with NM_ASSERT) runs the chip
#                      and RTL tests clean, and a bad stimulus fires every assertion
#                      (part of make test through TEST_EXTRA)
#   make nmemu-assert  build/nmemu-assert: nmemu on the assertion build
#   make coverage      Verilator line + toggle coverage over the RTL test runs
# The waveform window (nmemu run --trace F --trace-from T --trace-to T) needs no build
# of its own: it is in emulator/nm_vmodel.hpp and nm_rtl_chip.c.
#
# Objects and programs are listed with secondary expansion ($$(...)) because this file
# is included before the top Makefile defines TEST_OBJS and NMEMU_OBJS.

.SECONDEXPANSION:
.PHONY: test-assert nmemu-assert coverage coverage-report

TEST_EXTRA += test-assert

VERIF_MAKE_OPT := OPT_FAST=-O2 OPT_GLOBAL=-O2 OPT_SLOW=-O1
# every Verilator print of an assertion build goes through nm_vl_printf (nm_vassert.cpp)
VL_PRINT_HOOK  := -include $(CURDIR)/emulator/nm_vl_print.h
VERIF_CXX      := $(CXX) -std=gnu++17 -O2 -g -Wall -Wextra -isystem $(VINC) -isystem $(VINC)/vltstd
NCORES_DEF     := -DNM_VCHIP_CORES=$$(($(MESH_X)*$(MESH_Y)))

# ---------------------------------------------------------------- assertion builds
VA_CHIP_DIR  := $(BUILD)/vchip_assert
VA_CHIP_LIB  := $(VA_CHIP_DIR)/Vnm_chip__ALL.a
VA_CHIP_RT   := $(VA_CHIP_DIR)/verilated.o $(VA_CHIP_DIR)/verilated_threads.o $(VA_CHIP_DIR)/verilated_fst_c.o
VA_CORE_DIR  := $(BUILD)/vcore_assert
VA_CORE_LIB  := $(VA_CORE_DIR)/Vnm_core__ALL.a
VA_CORE_RT   := $(VA_CORE_DIR)/verilated.o $(VA_CORE_DIR)/verilated_threads.o $(VA_CORE_DIR)/verilated_fst_c.o
# a 32-axon x 16-neuron core, where an axon index can be out of range
VA_CORE32_DIR := $(BUILD)/vcore32_assert
VA_CORE32_LIB := $(VA_CORE32_DIR)/Vnm_core__ALL.a

VA_CHIP_MODEL := $(BUILD)/obj/nm_rtl_chip.o $(VA_CHIP_DIR)/nm_vchip_shim.o $(VA_CHIP_LIB) $(BUILD)/obj/nm_vassert.o
VA_CORE_MODEL := $(BUILD)/obj/nm_rtl_core.o $(VA_CORE_DIR)/nm_vcore_shim.o $(VA_CORE_LIB) $(BUILD)/obj/nm_vassert.o

$(VA_CHIP_LIB) $(VA_CHIP_RT) &: $(RTL_SRC) $(RTL_INC) regmap/nm_chipmap.vh emulator/nm_vl_print.h | deps
	@mkdir -p $(VA_CHIP_DIR)
	$(VERILATOR) --cc --trace-fst -Wall -Irtl -Iregmap -DNM_ASSERT --top-module nm_chip --prefix Vnm_chip -O3 \
	    -GMeshX=$(MESH_X) -GMeshY=$(MESH_Y) -CFLAGS "$(VL_PRINT_HOOK)" -Mdir $(VA_CHIP_DIR) $(RTL_SRC)
	$(MAKE) -s -C $(VA_CHIP_DIR) -f Vnm_chip.mk $(VERIF_MAKE_OPT) \
	    Vnm_chip__ALL.a verilated.o verilated_threads.o verilated_fst_c.o

$(VA_CORE_LIB) $(VA_CORE_RT) &: $(RTL_SRC) $(RTL_INC) emulator/nm_vl_print.h | deps
	@mkdir -p $(VA_CORE_DIR)
	$(VERILATOR) $(VFLAGS) -DNM_ASSERT -CFLAGS "$(VL_PRINT_HOOK)" -Mdir $(VA_CORE_DIR) $(RTL_SRC)
	$(MAKE) -s -C $(VA_CORE_DIR) -f Vnm_core.mk $(VERIF_MAKE_OPT) \
	    Vnm_core__ALL.a verilated.o verilated_threads.o verilated_fst_c.o

$(VA_CORE32_LIB): $(RTL_SRC) $(RTL_INC) emulator/nm_vl_print.h | deps
	@mkdir -p $(VA_CORE32_DIR)
	$(VERILATOR) $(VFLAGS) -DNM_ASSERT -GNumAxons=32 -GNumNeurons=16 -CFLAGS "$(VL_PRINT_HOOK)" \
	    -Mdir $(VA_CORE32_DIR) $(RTL_SRC)
	$(MAKE) -s -C $(VA_CORE32_DIR) -f Vnm_core.mk $(VERIF_MAKE_OPT) Vnm_core__ALL.a

$(VA_CHIP_DIR)/nm_vchip_shim.o: emulator/nm_vchip_shim.cpp emulator/nm_vchip_shim.h emulator/nm_vmodel.hpp $(VA_CHIP_LIB)
	$(VERIF_CXX) -DNM_ASSERT $(VL_PRINT_HOOK) $(NCORES_DEF) -I$(VA_CHIP_DIR) -c -o $@ $<

$(VA_CORE_DIR)/nm_vcore_shim.o: emulator/nm_vcore_shim.cpp emulator/nm_vcore_shim.h emulator/nm_vmodel.hpp $(VA_CORE_LIB)
	$(VERIF_CXX) -DNM_ASSERT $(VL_PRINT_HOOK) -I$(VA_CORE_DIR) -c -o $@ $<

$(VA_CORE32_DIR)/nm_vcore_shim.o: emulator/nm_vcore_shim.cpp emulator/nm_vcore_shim.h emulator/nm_vmodel.hpp $(VA_CORE32_LIB)
	$(VERIF_CXX) -DNM_ASSERT $(VL_PRINT_HOOK) -I$(VA_CORE32_DIR) -c -o $@ $<

$(BUILD)/obj/nm_vassert.o: emulator/nm_vassert.cpp emulator/nm_vl_print.h | deps
	@mkdir -p $(@D)
	$(CXX) -std=gnu++17 -O2 -g -Wall -Wextra -c -o $@ $<

# the programs of make test, linked against the assertion builds
$(BUILD)/assert/nm-tests: $$(TEST_OBJS) $(BUILD)/obj/nm_fw.o $(CHIP_OBJS) $(REF_OBJS) $(VA_CORE_MODEL) $(VA_CORE_RT) \
                          $(VA_CHIP_MODEL)
	@mkdir -p $(@D)
	$(CXX) -o $@ $^ $(CHECK_LIBS) $(JANSSON) $(LINK_RTL)

$(BUILD)/assert/diff-core: $(BUILD)/tobj/diff_core.o $(BUILD)/tobj/nm_test_netgen.o $(REF_OBJS) $(VA_CORE_MODEL) $(VA_CORE_RT)
	@mkdir -p $(@D)
	$(CXX) -o $@ $^ $(LINK_RTL)

$(BUILD)/assert/diff-chip: $(BUILD)/tobj/diff_chip.o $(BUILD)/tobj/nm_test_netgen.o $(BUILD)/obj/nm_fw.o \
                           $(CHIP_OBJS) $(REF_OBJS) $(VA_CHIP_MODEL) $(VA_CHIP_RT)
	@mkdir -p $(@D)
	$(CXX) -o $@ $^ $(LINK_RTL)

$(BUILD)/nmemu-assert: $$(filter-out $$(RTL_CHIP_OBJS),$$(NMEMU_OBJS)) $(VA_CHIP_MODEL) $(VA_CHIP_RT)
	$(CXX) -o $@ $^ $(JANSSON) $(LINK_RTL)

$(BUILD)/assert/assert-fire: $(BUILD)/tobj/assert_fire.o $(CHIP_OBJS) $(REF_OBJS) $(VA_CHIP_MODEL) $(VA_CHIP_RT) \
                             $(BUILD)/obj/nm_rtl_core.o $(VA_CORE32_DIR)/nm_vcore_shim.o $(VA_CORE32_LIB)
	@mkdir -p $(@D)
	$(CXX) -o $@ $^ $(LINK_RTL)

nmemu-assert: $(BUILD)/nmemu-assert

VA_PROGS := $(BUILD)/assert/nm-tests $(BUILD)/assert/diff-core $(BUILD)/assert/diff-chip $(BUILD)/nmemu-assert \
            $(BUILD)/assert/assert-fire $(BUILD)/tests/gen-image

test-assert: $(VA_PROGS) | deps
	tests/check-assert $(BUILD)

# ---------------------------------------------------------------- coverage
# Line and toggle coverage (verilator --coverage-line --coverage-toggle) of the core and
# the chip, over the RTL runs of the test suite: the Check suite with --rtl, the core
# and chip differential tests, and every example RTL-vs-model through nmemu-cov. Each
# model writes build/coverage/dat/cov-PID-N.dat; tools/coverage-report merges them and
# prints the verilator_coverage figures (docs/verification.md has them, with the review
# of what stays uncovered). Not part of make test: the coverage builds take minutes.
VC_FLAGS     := --coverage-line --coverage-toggle
VC_CHIP_DIR  := $(BUILD)/vchip_cov
VC_CHIP_LIB  := $(VC_CHIP_DIR)/Vnm_chip__ALL.a
VC_CHIP_RT   := $(VC_CHIP_DIR)/verilated.o $(VC_CHIP_DIR)/verilated_threads.o $(VC_CHIP_DIR)/verilated_fst_c.o \
                $(VC_CHIP_DIR)/verilated_cov.o
VC_CORE_DIR  := $(BUILD)/vcore_cov
VC_CORE_LIB  := $(VC_CORE_DIR)/Vnm_core__ALL.a
VC_CHIP_MODEL := $(BUILD)/obj/nm_rtl_chip.o $(VC_CHIP_DIR)/nm_vchip_shim.o $(VC_CHIP_LIB)
VC_CORE_MODEL := $(BUILD)/obj/nm_rtl_core.o $(VC_CORE_DIR)/nm_vcore_shim.o $(VC_CORE_LIB)
COV_DIR      := $(BUILD)/coverage

$(VC_CHIP_LIB) $(VC_CHIP_RT) &: $(RTL_SRC) $(RTL_INC) regmap/nm_chipmap.vh | deps
	@mkdir -p $(VC_CHIP_DIR)
	$(VERILATOR) --cc --trace-fst -Wall $(VC_FLAGS) -Irtl -Iregmap --top-module nm_chip --prefix Vnm_chip -O3 \
	    -GMeshX=$(MESH_X) -GMeshY=$(MESH_Y) -Mdir $(VC_CHIP_DIR) $(RTL_SRC)
	$(MAKE) -s -C $(VC_CHIP_DIR) -f Vnm_chip.mk $(VERIF_MAKE_OPT) \
	    Vnm_chip__ALL.a verilated.o verilated_threads.o verilated_fst_c.o verilated_cov.o

$(VC_CORE_LIB): $(RTL_SRC) $(RTL_INC) | deps
	@mkdir -p $(VC_CORE_DIR)
	$(VERILATOR) $(VFLAGS) $(VC_FLAGS) -Mdir $(VC_CORE_DIR) $(RTL_SRC)
	$(MAKE) -s -C $(VC_CORE_DIR) -f Vnm_core.mk $(VERIF_MAKE_OPT) Vnm_core__ALL.a

$(VC_CHIP_DIR)/nm_vchip_shim.o: emulator/nm_vchip_shim.cpp emulator/nm_vchip_shim.h emulator/nm_vmodel.hpp $(VC_CHIP_LIB)
	$(VERIF_CXX) -DNM_COVERAGE -DVM_COVERAGE=1 $(NCORES_DEF) -I$(VC_CHIP_DIR) -c -o $@ $<

$(VC_CORE_DIR)/nm_vcore_shim.o: emulator/nm_vcore_shim.cpp emulator/nm_vcore_shim.h emulator/nm_vmodel.hpp $(VC_CORE_LIB)
	$(VERIF_CXX) -DNM_COVERAGE -DVM_COVERAGE=1 -I$(VC_CORE_DIR) -c -o $@ $<

$(BUILD)/cov/nm-tests: $$(TEST_OBJS) $(BUILD)/obj/nm_fw.o $(CHIP_OBJS) $(REF_OBJS) $(VC_CORE_MODEL) $(VC_CHIP_MODEL) $(VC_CHIP_RT)
	@mkdir -p $(@D)
	$(CXX) -o $@ $^ $(CHECK_LIBS) $(JANSSON) $(LINK_RTL)

$(BUILD)/cov/diff-core: $(BUILD)/tobj/diff_core.o $(BUILD)/tobj/nm_test_netgen.o $(REF_OBJS) $(VC_CORE_MODEL) $(VC_CHIP_RT)
	@mkdir -p $(@D)
	$(CXX) -o $@ $^ $(LINK_RTL)

$(BUILD)/cov/diff-chip: $(BUILD)/tobj/diff_chip.o $(BUILD)/tobj/nm_test_netgen.o $(BUILD)/obj/nm_fw.o \
                        $(CHIP_OBJS) $(REF_OBJS) $(VC_CHIP_MODEL) $(VC_CHIP_RT)
	@mkdir -p $(@D)
	$(CXX) -o $@ $^ $(LINK_RTL)

$(BUILD)/cov/nmemu: $$(filter-out $$(RTL_CHIP_OBJS),$$(NMEMU_OBJS)) $(VC_CHIP_MODEL) $(VC_CHIP_RT)
	@mkdir -p $(@D)
	$(CXX) -o $@ $^ $(JANSSON) $(LINK_RTL)

VC_PROGS := $(BUILD)/cov/nm-tests $(BUILD)/cov/diff-core $(BUILD)/cov/diff-chip $(BUILD)/cov/nmemu $(BUILD)/tests/gen-image

COV_CORE_SEEDS ?= 20
COV_CORE_TICKS ?= 200
COV_CHIP_SEEDS ?= 2
COV_CHIP_TICKS ?= 40
coverage: $(VC_PROGS) | deps
	rm -rf $(COV_DIR)
	mkdir -p $(COV_DIR)/dat
	NM_COVERAGE_DIR=$(COV_DIR)/dat tests/run-coverage $(BUILD) $(COV_CORE_SEEDS) $(COV_CORE_TICKS) \
	    $(COV_CHIP_SEEDS) $(COV_CHIP_TICKS)
	tools/coverage-report $(COV_DIR)

coverage-report:
	tools/coverage-report $(COV_DIR)

# The GTKWave screenshot in docs/verification.md (a real GTKWave on a virtual display).
.PHONY: wave-picture
wave-picture: $(BUILD)/nmemu
	tools/install-deps gtkwave xvfb xauth x11-apps imagemagick
	tools/wave-picture $(BUILD)/nmemu docs/images/gtkwave-wave-tick0.png
