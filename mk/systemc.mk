# mk/systemc.mk - the chips as SystemC / TLM-2.0 models (docs/systemc.md):
#   make nmemu-sc      build/nmemu-sc, the example platform (systemc/nm_sc_main.cpp; images
#                      of Loihi-style cores go to systemc/nm_sc_lmain.cpp)
#   make test-systemc  nmemu-sc against nmemu run --backend rtl on the same images and
#                      input: spikes, off-chip packets, counters and cycles per tick
#                      identical, for both core types, energy lines included; shapes built on
#                      demand (tests/check-systemc-shapes: one small build) (part of make test)
#   make bench-systemc its speed next to the C harness's on the same image
#   make test-long-systemc-shapes  chips of shapes the linked builds do not have, built on
#                      demand into the shape cache (a 2 x 3 Loihi-style chip, a 3 x 5
#                      TrueNorth-style chip; part of make test-long)
# The RTL (rtl/nm_chip.v) is Verilated with --sc into build/vchip_sc, the chip of Loihi-style
# cores (rtl/loihi/nm_loihi_chip.v) into build/vlchip_sc, in the shape of the C harness's
# linked build (LCHIP_MESH_X x LCHIP_MESH_Y small cores, mk/loihi-chip.mk); Debian's
# libsystemc-dev (2.3.4, C++17 only) provides SystemC and the TLM-2.0 headers.

.PHONY: nmemu-sc test-systemc bench-systemc test-long-systemc-shapes

TEST_EXTRA  += test-systemc
BENCH_EXTRA += bench-systemc

VSC_DIR   := $(BUILD)/vchip_sc
VSC_LIB   := $(VSC_DIR)/Vnm_chip_sc__ALL.a
VSC_RT    := $(VSC_DIR)/verilated.o $(VSC_DIR)/verilated_threads.o
SC_CORES  := $$(($(MESH_X)*$(MESH_Y)))
# the chip of Loihi-style cores: the C harness's linked build (the same Verilator flags and
# parameters, LCHIP_G_LINT), with --sc; its Verilator runtime is the TrueNorth build's
VLSC_DIR  := $(BUILD)/vlchip_sc
VLSC_LIB  := $(VLSC_DIR)/Vnm_loihi_chip_sc__ALL.a
SC_LCORES := $$(($(LCHIP_MESH_X)*$(LCHIP_MESH_Y)))
SC_CXX    := $(CXX) -std=gnu++17 -O2 -g -Wall -Wextra -DNM_SC_CORES=$(SC_CORES) -DNM_SC_LCORES=$(SC_LCORES) \
             -DNM_SC_MESH_X=$(MESH_X) -DNM_SC_MESH_Y=$(MESH_Y) -DNM_SC_LMESH_X=$(LCHIP_MESH_X) -DNM_SC_LMESH_Y=$(LCHIP_MESH_Y) \
             -I$(VSC_DIR) -I$(VLSC_DIR) -Iemulator -Iemulator/loihi -Ifirmware -Iregmap \
             -isystem $(VINC) -isystem $(VINC)/vltstd
# -rdynamic: a shape's library (tools/build-rtl-shape-sc) uses this program's SystemC classes
# (nm_sc_chip_base, ...) and Verilator runtime
SC_LINK   = -rdynamic $(shell pkg-config --libs systemc 2>/dev/null || echo -lsystemc) $(JANSSON) -lz -lm -ldl -pthread
SC_HDRS   := $(wildcard systemc/*.h) firmware/nm_fw.h $(wildcard emulator/*.h emulator/loihi/*.h regmap/*.h)
SC_OBJS   := $(addprefix $(BUILD)/scobj/,nm_sc_main.o nm_sc_lmain.o nm_sc_chip_base.o nm_sc_chip.o nm_sc_lchip.o \
               nm_sc_chip_rtl.o nm_sc_lchip_rtl.o nm_rtl_shapes.o)

$(VSC_LIB) $(VSC_RT) &: $(RTL_SRC) $(RTL_INC) regmap/nm_chipmap.vh | deps
	@mkdir -p $(VSC_DIR)
	$(VERILATOR) --sc -Wall -Irtl -Iregmap --top-module nm_chip --prefix Vnm_chip_sc -O3 \
	    -GMeshX=$(MESH_X) -GMeshY=$(MESH_Y) -Mdir $(VSC_DIR) $(RTL_SRC)
	$(MAKE) -s -C $(VSC_DIR) -f Vnm_chip_sc.mk OPT_FAST=-O2 OPT_GLOBAL=-O2 OPT_SLOW=-O1 \
	    Vnm_chip_sc__ALL.a verilated.o verilated_threads.o

$(VLSC_LIB): $(LCHIP_RTL_SRC) $(LCHIP_RTL_INC) $(LCHIP_VSTAMP) | deps
	@mkdir -p $(VLSC_DIR)
	$(VERILATOR) --sc -Wall -Iregmap --top-module nm_loihi_chip --prefix Vnm_loihi_chip_sc -O3 \
	    --x-assign fast --x-initial fast $(LCHIP_G_LINT) -Mdir $(VLSC_DIR) $(LCHIP_RTL_SRC)
	$(MAKE) -s -C $(VLSC_DIR) -f Vnm_loihi_chip_sc.mk OPT_FAST=-O2 OPT_GLOBAL=-O2 OPT_SLOW=-O1 \
	    Vnm_loihi_chip_sc__ALL.a

$(BUILD)/scobj/%.o: systemc/%.cpp $(SC_HDRS) $(VSC_LIB) $(VLSC_LIB) | deps
	@mkdir -p $(@D)
	$(SC_CXX) -c -o $@ $<

# the shape cache's code (emulator/nm_rtl_shapes.c) without the C harness's linked chips: the
# "sc-" flavour of the cache (nm_rtl_shape_sc_lib) for the shapes the linked builds do not have
$(BUILD)/scobj/nm_rtl_shapes.o: emulator/nm_rtl_shapes.c $(wildcard emulator/*.h emulator/loihi/*.h) | deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -Iemulator/loihi -DNM_NO_LINKED_VCHIP -DNM_NO_LINKED_VLCHIP -DNM_SRCDIR='"$(CURDIR)"' \
	    -DNM_RTL_CACHE='"$(RTL_SHAPE_CACHE)"' -c -o $@ $<

$(BUILD)/nmemu-sc: $(SC_OBJS) $(VSC_LIB) $(VLSC_LIB) $(VSC_RT) \
                   $(BUILD)/obj/nm_load.o $(BUILD)/obj/nm_image.o $(BUILD)/obj/nm_fw.o $(BUILD)/obj/nm_chip_if.o \
                   $(BUILD)/obj/nm_core_prog.o $(BUILD)/obj/nm_report.o $(BUILD)/obj/nm_energy.o $(BUILD)/obj/nm_textfile.o \
                   $(BUILD)/obj/nm_energy_report.o $(LOIHI_IMAGE_OBJS) $(LOIHI_CHIP_OBJS) $(BUILD)/lobj/nm_loihi_energy.o
	$(CXX) -o $@ $^ $(SC_LINK)

nmemu-sc: $(BUILD)/nmemu-sc

test-systemc: $(BUILD)/nmemu-sc $(BUILD)/nmemu $(BUILD)/tests/gen-image
	tests/check-systemc $(BUILD)
	tests/check-systemc-loihi $(BUILD)
	tests/check-systemc-shapes $(BUILD)

test-long: test-long-systemc-shapes
test-long-systemc-shapes: $(BUILD)/nmemu-sc $(BUILD)/nmemu | deps
	tests/check-systemc-shapes $(BUILD) --long

# speed: the same image and input on nmemu-sc and nmemu --backend rtl (docs/systemc.md)
SC_BENCH_TICKS ?= 300
bench-systemc: $(BUILD)/nmemu-sc $(BUILD)/nmemu
	tests/bench-systemc $(BUILD) $(SC_BENCH_TICKS)
