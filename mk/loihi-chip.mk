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
regmap-lchip: $(REGMAP_GEN)
	$(REGMAP_GEN) $(LCHIP_MAP_ARGS)
test-regmap-lchip: $(REGMAP_GEN)
	$(REGMAP_GEN) --check $(LCHIP_MAP_ARGS)

# ---------------------------------------------------------------- RTL checks
LCHIP_RTL_SRC  = rtl/nm_fifo.v rtl/nm_router.v $(LOIHI_RTL_SRC) rtl/loihi/nm_loihi_chip.v
LCHIP_RTL_INC  = $(LOIHI_RTL_INC) regmap/nm_loihi_chipmap.vh
# the chip under test: 3 x 2 cores of the small geometry, input queues deep enough never to
# fill (256, docs/loihi-chip.md "Differential test")
LCHIP_MESH_X  ?= 3
LCHIP_MESH_Y  ?= 2
LCHIP_G_SMALL := -GNCOMP=16 -GNAXIN=16 -GNAXOUT=32 -GNSYN=256 -GNDSLOT=8 -GNDPROF=4 -GNTPROF=2 \
                 -GNSYNFMT=4 -GINQ=256
LCHIP_G_LINT  := $(LCHIP_G_SMALL) -GMeshX=$(LCHIP_MESH_X) -GMeshY=$(LCHIP_MESH_Y)

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
