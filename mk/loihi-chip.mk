# mk/loihi-chip.mk - the chip of Loihi-style cores (docs/loihi-chip.md): rtl/loihi/nm_loihi_chip.v,
# its address map regmap/nm_loihi_chipmap.json, the Verilated chip behind a C wrapper and the
# chip-level differential test against emulator/loihi/nm_loihi_chip.
#   test-lint, test-iverilog, test-regmap  also cover nm_loihi_chip (the *-lchip targets below)
#   make test-diff-lchip    RTL chip vs model chip after every step (LCHIP_DIFF_SEEDS x
#                           LCHIP_DIFF_STEPS, random 2x2 and 3x2 chips)
#   make test-lchip-mutant  a planted bug in the chip RTL must make the diff test fail

# ---------------------------------------------------------------- register map
LCHIP_MAP_ARGS := regmap/nm_loihi_chipmap.json --c regmap/nm_loihi_chipmap.h \
                  --table regmap/nm_loihi_chipmap_table.c --v regmap/nm_loihi_chipmap.vh \
                  --md docs/loihi-chip-register-map.md
.PHONY: regmap-lchip test-regmap-lchip
regmap: regmap-lchip
test-regmap: test-regmap-lchip
regmap-lchip: $(BUILD)/tools/nm-regmap-gen
	$(REGMAP_GEN) $(LCHIP_MAP_ARGS)
test-regmap-lchip: $(BUILD)/tools/nm-regmap-gen
	$(REGMAP_GEN) --check $(LCHIP_MAP_ARGS)

# ---------------------------------------------------------------- RTL checks
# (spelled out: mk/loihi-rtl.mk and mk/loihi-model.mk are read after this file, and a rule's
# prerequisites are expanded when it is read)
LCHIP_RTL_SRC := rtl/nm_fifo.v rtl/nm_router.v rtl/loihi/nm_loihi_weight.v rtl/loihi/nm_loihi_cx.v \
                 rtl/loihi/nm_loihi_inq.v rtl/loihi/nm_loihi_core.v rtl/loihi/nm_loihi_chip.v
LCHIP_RTL_INC := regmap/nm_loihi_regmap.vh regmap/nm_loihi_chipmap.vh
# the chip under test: 3 x 2 cores of the small geometry, input queues deep enough never to
# fill (4096, docs/loihi-chip.md "Differential test")
LCHIP_MESH_X  ?= 3
LCHIP_MESH_Y  ?= 2
LCHIP_G_SMALL := -GNCOMP=16 -GNAXIN=16 -GNAXOUT=32 -GNSYN=256 -GNDSLOT=8 -GNDPROF=4 -GNTPROF=2 \
                 -GNSYNFMT=4 -GINQ=4096
LCHIP_G_LINT  := $(LCHIP_G_SMALL) -GMeshX=$(LCHIP_MESH_X) -GMeshY=$(LCHIP_MESH_Y)
lchip_comma := ,
# the same shape for the shim's table (emulator/loihi/nm_vlchip_shim.cpp; NCOMP .. INQ in the
# order of LCHIP_G_SMALL; nm_loihi_rtl_chip.c checks it against the registers of the build)
LCHIP_SHAPE_DEF := -DNM_VLCHIP_MX=$(LCHIP_MESH_X) -DNM_VLCHIP_MY=$(LCHIP_MESH_Y) \
                   -DNM_VLCHIP_GEOM=$(subst $(eval) ,$(lchip_comma),$(strip $(foreach g,$(LCHIP_G_SMALL),$(lastword \
                   $(subst =, ,$(g))))))

.PHONY: test-lint-lchip test-iverilog-lchip
test-lint: test-lint-lchip
test-iverilog: test-iverilog-lchip
test-lint-lchip: | deps
	$(VERILATOR) --lint-only -Wall -Iregmap --top-module nm_loihi_chip $(LCHIP_RTL_SRC)
	$(VERILATOR) --lint-only -Wall -Iregmap --top-module nm_loihi_chip $(LCHIP_G_LINT) $(LCHIP_RTL_SRC)
	$(VERILATOR) --lint-only -Wall -Iregmap --top-module nm_loihi_chip $(LCHIP_G_SMALL) -GMeshX=1 -GMeshY=1 \
	    $(LCHIP_RTL_SRC)
	@echo "lint: verilator --lint-only -Wall clean (nm_loihi_chip: 2x2 default cores, 3x2 and 1x1 small cores)"

test-iverilog-lchip: | deps
	tests/rtl/run-iverilog-lchip $(BUILD)

# ---------------------------------------------------------------- Verilated chip
VLCHIP_DIR   := $(BUILD)/vlchip
VLCHIP_LIB   := $(VLCHIP_DIR)/Vnm_loihi_chip__ALL.a
VLCHIP_RT    := $(VLCHIP_DIR)/verilated.o $(VLCHIP_DIR)/verilated_threads.o $(VLCHIP_DIR)/verilated_fst_c.o
LCHIP_VFLAGS  = --cc --trace-fst -Wall -Iregmap --top-module nm_loihi_chip -O3 --x-assign fast --x-initial fast \
                $(LCHIP_G_LINT)
LCHIP_RTL_OBJS := $(BUILD)/lobj/nm_loihi_rtl_chip.o $(VLCHIP_DIR)/nm_vlchip_shim.o $(BUILD)/obj/nm_fw.o \
                 $(VLCHIP_LIB) $(VLCHIP_RT)

# the Verilator flags of the last build: a change of mesh or geometry re-Verilates
LCHIP_VSTAMP := $(VLCHIP_DIR)/vflags
.PHONY: lchip-vflags-check
$(LCHIP_VSTAMP): lchip-vflags-check
	@mkdir -p $(@D)
	@echo '$(LCHIP_VFLAGS) $(LCHIP_MESH_X) $(LCHIP_MESH_Y)' | cmp -s - $@ || \
	    echo '$(LCHIP_VFLAGS) $(LCHIP_MESH_X) $(LCHIP_MESH_Y)' >$@

$(VLCHIP_LIB) $(VLCHIP_RT) &: $(LCHIP_RTL_SRC) $(LCHIP_RTL_INC) $(LCHIP_VSTAMP) | deps
	@mkdir -p $(VLCHIP_DIR)
	$(VERILATOR) $(LCHIP_VFLAGS) -Mdir $(VLCHIP_DIR) $(LCHIP_RTL_SRC)
	$(MAKE) -s -C $(VLCHIP_DIR) -f Vnm_loihi_chip.mk OPT_FAST=-O2 OPT_GLOBAL=-O2 OPT_SLOW=-O1 \
	    Vnm_loihi_chip__ALL.a verilated.o verilated_threads.o verilated_fst_c.o

$(VLCHIP_DIR)/nm_vlchip_shim.o: emulator/loihi/nm_vlchip_shim.cpp emulator/loihi/nm_vlchip_shim.h \
                                emulator/nm_vmodel.hpp $(VLCHIP_LIB) $(LCHIP_VSTAMP)
	$(VLOIHI_CXX) $(LCHIP_SHAPE_DEF) -I$(VLCHIP_DIR) -c -o $@ $<

$(BUILD)/lobj/nm_loihi_rtl_chip.o: LOIHI_CFLAGS += -Ifirmware
$(BUILD)/lobj/nm_loihi_rtl_chip.o $(BUILD)/lobj/nm_loihi_cli.o $(BUILD)/ltobj/diff_loihi_chip.o: firmware/nm_fw.h
$(BUILD)/ltobj/diff_loihi_chip.o: LOIHI_CFLAGS += -Ifirmware

LCHIP_MODEL_OBJS := $(BUILD)/lobj/nm_loihi_chip.o $(BUILD)/obj/nm_barrier.o $(BUILD)/lobj/nm_loihi_ref.o \
                    $(BUILD)/lobj/nm_loihi_if.o $(BUILD)/lobj/nm_loihi_prog.o $(BUILD)/obj/nm_core_if.o $(BUILD)/obj/nm_loihi_regmap_table.o
$(BUILD)/tests/diff-loihi-chip: $(BUILD)/ltobj/diff_loihi_chip.o $(LCHIP_MODEL_OBJS) $(LCHIP_RTL_OBJS)
	@mkdir -p $(@D)
	$(CXX) -o $@ $^ $(LINK_RTL)

# ---------------------------------------------------------------- tests
LCHIP_DIFF_SEEDS ?= 30
LCHIP_DIFF_STEPS ?= 200
.PHONY: test-diff-lchip
TEST_EXTRA += test-diff-lchip
test-diff-lchip: $(BUILD)/tests/diff-loihi-chip
	$(BUILD)/tests/diff-loihi-chip --seed 1 --seeds $(LCHIP_DIFF_SEEDS) --steps $(LCHIP_DIFF_STEPS) --quiet

# a planted bug in a copy of the chip RTL must be caught (tests/loihi/check-lchip-mutant)
.PHONY: test-lchip-mutant
TEST_EXTRA += test-lchip-mutant
LCHIP_MUT_OBJS := $(BUILD)/ltobj/diff_loihi_chip.o $(LCHIP_MODEL_OBJS) $(BUILD)/lobj/nm_loihi_rtl_chip.o \
                  $(BUILD)/obj/nm_fw.o
test-lchip-mutant: $(LCHIP_MUT_OBJS) | deps
	LCHIP_MUT_VFLAGS="$(LCHIP_VFLAGS)" LCHIP_MUT_SHAPE="$(LCHIP_SHAPE_DEF)" \
	    tests/loihi/check-lchip-mutant $(BUILD) $(LCHIP_MUT_OBJS)
