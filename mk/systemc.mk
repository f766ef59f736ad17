# mk/systemc.mk - the chip as a SystemC / TLM-2.0 model (docs/systemc.md):
#   make nmemu-sc      build/nmemu-sc, the example platform (systemc/nm_sc_main.cpp)
#   make test-systemc  nmemu-sc against nmemu run --backend rtl on the same images and
#                      input: spikes, off-chip packets, counters and cycles per tick
#                      identical (part of make test through TEST_EXTRA)
#   make bench-systemc its speed next to the C harness's on the same image
# The RTL (rtl/nm_chip.v) is Verilated with --sc into build/vchip_sc; Debian's
# libsystemc-dev (2.3.4, C++17 only) provides SystemC and the TLM-2.0 headers.

.PHONY: nmemu-sc test-systemc bench-systemc

TEST_EXTRA  += test-systemc
BENCH_EXTRA += bench-systemc

VSC_DIR   := $(BUILD)/vchip_sc
VSC_LIB   := $(VSC_DIR)/Vnm_chip_sc__ALL.a
VSC_RT    := $(VSC_DIR)/verilated.o $(VSC_DIR)/verilated_threads.o
SC_CORES  := $$(($(MESH_X)*$(MESH_Y)))
SC_CXX    := $(CXX) -std=gnu++17 -O2 -g -Wall -Wextra -DNM_SC_CORES=$(SC_CORES) -I$(VSC_DIR) -Iemulator -Iregmap \
             -isystem $(VINC) -isystem $(VINC)/vltstd
SC_LINK   = $(shell pkg-config --libs systemc 2>/dev/null || echo -lsystemc) $(JANSSON) -lz -lm -pthread
SC_HDRS   := systemc/nm_sc_chip.h systemc/nm_sc_tlm_bus.h firmware/nm_fw.h $(wildcard emulator/*.h regmap/*.h)

$(VSC_LIB) $(VSC_RT) &: $(RTL_SRC) $(RTL_INC) regmap/nm_chipmap.vh | deps
	@mkdir -p $(VSC_DIR)
	$(VERILATOR) --sc -Wall -Irtl -Iregmap --top-module nm_chip --prefix Vnm_chip_sc -O3 \
	    -GMeshX=$(MESH_X) -GMeshY=$(MESH_Y) -Mdir $(VSC_DIR) $(RTL_SRC)
	$(MAKE) -s -C $(VSC_DIR) -f Vnm_chip_sc.mk OPT_FAST=-O2 OPT_GLOBAL=-O2 OPT_SLOW=-O1 \
	    Vnm_chip_sc__ALL.a verilated.o verilated_threads.o

$(BUILD)/scobj/%.o: systemc/%.cpp $(SC_HDRS) $(VSC_LIB) | deps
	@mkdir -p $(@D)
	$(SC_CXX) -c -o $@ $<

$(BUILD)/nmemu-sc: $(BUILD)/scobj/nm_sc_main.o $(BUILD)/scobj/nm_sc_chip.o $(VSC_LIB) $(VSC_RT) \
                   $(BUILD)/obj/nm_load.o $(BUILD)/obj/nm_image.o $(BUILD)/obj/nm_fw.o $(BUILD)/obj/nm_chip_if.o \
                   $(BUILD)/obj/nm_core_prog.o $(BUILD)/obj/nm_report.o
	$(CXX) -o $@ $^ $(SC_LINK)

nmemu-sc: $(BUILD)/nmemu-sc

test-systemc: $(BUILD)/nmemu-sc $(BUILD)/nmemu $(BUILD)/tests/gen-image
	tests/check-systemc $(BUILD)

# speed: the same image and input on nmemu-sc and nmemu --backend rtl (docs/systemc.md)
SC_BENCH_TICKS ?= 300
bench-systemc: $(BUILD)/nmemu-sc $(BUILD)/nmemu
	tests/bench-systemc $(BUILD) $(SC_BENCH_TICKS)
