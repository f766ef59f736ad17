# mk/loihi-verif.mk - the Loihi-style chip at any shape and its RTL assertions (docs/loihi-chip.md):
#   make test-lassert        NM_ASSERT in rtl/loihi: lint, a clean run, bad stimuli and planted
#                            bugs each firing their assertion (Icarus, tests/rtl/tb_lchip_assert.v;
#                            part of make test, about 20 s)
#   make test-lshapes        the shape key, the build command and the error when Verilator is
#                            missing, without building (part of make test, a few seconds)
#   make test-long-lshapes   a Loihi image of a 4 x 2 mesh (not the linked 3 x 2) built on demand
#                            and run on --backend check and rtl (part of make test-long)
#   make test-lrtl-cores     nmemu run --rtl-cores --check on Loihi images (part of make test): the
#                            small (linked) geometry, and random networks of a geometry not linked
#                            (c64-a32-o64-s512-d8-p4-t2-f4-q64), whose core is built on demand once
#   make test-long-lrtl-cores  --rtl-cores at the default (Loihi 1) geometry (part of make test-long)
#   make bench-lrtl-cores    workload L on 8 x 8 cores of the default geometry with 1 and 16 RTL cores
#   make rtl-shapes SHAPES=loihi-core-default  builds a lone Loihi core's geometry ahead
#   make rtl-shapes SHAPES=loihi-4x2-small   builds a Loihi shape ahead (mk/rtl-shapes.mk)

.PHONY: test-lassert test-lshapes test-long-lshapes test-lrtl-cores
TEST_EXTRA += test-lassert test-lshapes test-lrtl-cores

test-lassert: | deps
	tests/loihi/check-lassert $(BUILD)

test-lshapes: $(BUILD)/nmemu
	tests/loihi/check-lshapes $(BUILD)/nmemu

test-long: test-long-lshapes
test-long-lshapes: $(BUILD)/nmemu
	tests/loihi/check-lshapes $(BUILD)/nmemu --build

# nmemu run --rtl-cores on Loihi images: the Verilated Loihi core (mk/loihi-rtl.mk, the small
# geometry) is linked into nmemu; its Verilator runtime is the TrueNorth chip's (linked once).
# Any other geometry is a library built on demand into $(RTL_SHAPE_CACHE) (emulator/nm_rtl_shapes.c).
LOIHI_NMEMU_OBJS += $(BUILD)/lobj/nm_loihi_rtl.o $(VLOIHI_DIR)/nm_vloihi_shim.o $(VLOIHI_LIB)

test-lrtl-cores: $(BUILD)/nmemu
	tests/loihi/check-lrtl-cores $(BUILD)/nmemu

.PHONY: test-long-lrtl-cores bench-lrtl-cores
test-long: test-long-lrtl-cores
test-long-lrtl-cores: $(BUILD)/nmemu
	tests/loihi/check-lrtl-cores $(BUILD)/nmemu --default

BENCH_EXTRA      += bench-lrtl-cores
LRTL_CORES_STEPS  ?= 100
LRTL_CORES_REPEAT ?= 3
bench-lrtl-cores: $(BUILD)/nmemu
	@mkdir -p $(BENCH_RESULTS) $(BUILD)/peers
	/usr/bin/python3 bench/loihi/lrtl_cores.py $(BUILD)/nmemu $(BUILD)/peers $(LRTL_CORES_STEPS) \
	    $(LRTL_CORES_REPEAT) $(BENCH_RESULTS)/lrtl_cores.csv

# ---------------------------------------------------------------- Verilated assertion builds
# make test-long-lassert (part of make test-long): the Loihi core and the 3 x 2 Loihi chip
# Verilated with NM_ASSERT run their differential tests clean (no assertion fires on legal
# traffic). Each is a Verilator build of its own, so it is not part of make test.
VALCHIP_DIR := $(BUILD)/vlchip_assert
VALCHIP_LIB := $(VALCHIP_DIR)/Vnm_loihi_chip__ALL.a
VALCHIP_RT  := $(VALCHIP_DIR)/verilated.o $(VALCHIP_DIR)/verilated_threads.o $(VALCHIP_DIR)/verilated_fst_c.o
VALOIHI_DIR := $(BUILD)/vloihi_assert
VALOIHI_LIB := $(VALOIHI_DIR)/Vnm_loihi_core__ALL.a
VALOIHI_RT  := $(VALOIHI_DIR)/verilated.o $(VALOIHI_DIR)/verilated_threads.o $(VALOIHI_DIR)/verilated_fst_c.o

$(VALCHIP_LIB) $(VALCHIP_RT) &: $(LCHIP_RTL_SRC) $(LCHIP_RTL_INC) emulator/nm_vl_print.h | deps
	@mkdir -p $(VALCHIP_DIR)
	$(VERILATOR) $(LCHIP_VFLAGS) -DNM_ASSERT -CFLAGS "$(VL_PRINT_HOOK)" -Mdir $(VALCHIP_DIR) $(LCHIP_RTL_SRC)
	$(MAKE) -s -C $(VALCHIP_DIR) -f Vnm_loihi_chip.mk $(VERIF_MAKE_OPT) \
	    Vnm_loihi_chip__ALL.a verilated.o verilated_threads.o verilated_fst_c.o

$(VALCHIP_DIR)/nm_vlchip_shim.o: emulator/loihi/nm_vlchip_shim.cpp emulator/loihi/nm_vlchip_shim.h \
                                 emulator/nm_vmodel.hpp $(VALCHIP_LIB)
	$(VLOIHI_CXX) -DNM_ASSERT $(VL_PRINT_HOOK) $(LCHIP_SHAPE_DEF) -I$(VALCHIP_DIR) -c -o $@ $<

$(VALOIHI_LIB) $(VALOIHI_RT) &: $(LOIHI_RTL_SRC) $(LOIHI_RTL_INC) emulator/nm_vl_print.h | deps
	@mkdir -p $(VALOIHI_DIR)
	$(VERILATOR) $(LOIHI_VFLAGS) $(LOIHI_G_SMALL) -DNM_ASSERT -CFLAGS "$(VL_PRINT_HOOK)" -Mdir $(VALOIHI_DIR) \
	    $(LOIHI_RTL_SRC)
	$(MAKE) -s -C $(VALOIHI_DIR) -f Vnm_loihi_core.mk $(VERIF_MAKE_OPT) \
	    Vnm_loihi_core__ALL.a verilated.o verilated_threads.o verilated_fst_c.o

$(VALOIHI_DIR)/nm_vloihi_shim.o: emulator/loihi/nm_vloihi_shim.cpp emulator/loihi/nm_vloihi_shim.h \
                                 emulator/nm_vmodel.hpp $(VALOIHI_LIB)
	$(VLOIHI_CXX) -DNM_ASSERT $(VL_PRINT_HOOK) -I$(VALOIHI_DIR) -c -o $@ $<

$(BUILD)/lassert/diff-loihi-chip: $(BUILD)/ltobj/diff_loihi_chip.o $(LCHIP_MODEL_OBJS) \
    $(BUILD)/lobj/nm_loihi_rtl_chip.o $(BUILD)/obj/nm_fw.o $(VALCHIP_DIR)/nm_vlchip_shim.o $(VALCHIP_LIB) \
    $(VALCHIP_RT) $(BUILD)/obj/nm_vassert.o
	@mkdir -p $(@D)
	$(CXX) -o $@ $^ $(LINK_RTL)

$(BUILD)/lassert/diff-loihi-core: $(BUILD)/ltobj/diff_loihi_core.o $(LOIHI_REF_OBJS) $(BUILD)/lobj/nm_loihi_rtl.o \
    $(VALOIHI_DIR)/nm_vloihi_shim.o $(VALOIHI_LIB) $(VALOIHI_RT) $(BUILD)/obj/nm_vassert.o
	@mkdir -p $(@D)
	$(CXX) -o $@ $^ $(LINK_RTL)

.PHONY: test-long-lassert
test-long: test-long-lassert
test-long-lassert: $(BUILD)/lassert/diff-loihi-chip $(BUILD)/lassert/diff-loihi-core
	$(BUILD)/lassert/diff-loihi-chip --seed 1 --seeds 10 --steps 200 --quiet
	tests/loihi/run-diff-loihi $(BUILD)/lassert/diff-loihi-core 20 300 $(LOIHI_DIFF_JOBS)
