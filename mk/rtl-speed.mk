# mk/rtl-speed.mk - the Verilated chip's speed before and after issue 13 (docs/performance.md,
# "The Verilated chip's speed"):
#   make bench-rtl-speed   the busy 4 x 4 network and the quiet wave example on the chip as
#                          built today and on the baseline (the RTL of RTL_BASE_REV with its
#                          Verilator flags), alternating, median of RTL_SPEED_REPEAT fresh
#                          chips each; fails unless both simulate the same cycles, spikes,
#                          off-chip packets and counters (the fingerprint column).
# The Icarus ratio of the same run is make bench-icarus (mk/peers.mk), on the build of today.

.PHONY: bench-rtl-speed
BENCH_EXTRA += bench-rtl-speed

# the last commit before the speed work; its rtl/ is rebuilt with its flags as the baseline
RTL_BASE_REV      ?= 0edcd2a
RTL_BASE_DIR      := $(BUILD)/rtl-base
VCHIP_BASE_DIR    := $(BUILD)/vchip-base
VCHIP_BASE_LIB    := $(VCHIP_BASE_DIR)/Vnm_chip__ALL.a
VCHIP_BASE_RT     := $(VCHIP_BASE_DIR)/verilated.o $(VCHIP_BASE_DIR)/verilated_threads.o \
                     $(VCHIP_BASE_DIR)/verilated_fst_c.o
RTL_SPEED_TICKS   ?= 20
RTL_SPEED_REPEAT  ?= 5
RTL_SPEED_ROUNDS  ?= 2
SPEED_OBJS := $(BUILD)/bobj/bench_rtl_speed.o $(BUILD)/bobj/bench_net.o $(BUILD)/obj/nm_load.o $(BUILD)/obj/nm_output.o $(BUILD)/obj/nm_image.o $(BUILD)/obj/nm_fw.o \
              $(BUILD)/obj/nm_chip_if.o $(BUILD)/obj/nm_chipmap_table.o $(BUILD)/obj/nm_core_prog.o \
              $(BUILD)/obj/nm_regmap_table.o $(BUILD)/obj/nm_core_if.o $(BUILD)/obj/nm_rtl_chip.o

$(VCHIP_BASE_LIB) $(VCHIP_BASE_RT) &: | deps
	rm -rf $(RTL_BASE_DIR) && mkdir -p $(RTL_BASE_DIR) $(VCHIP_BASE_DIR)
	git archive $(RTL_BASE_REV) rtl | tar -x -C $(RTL_BASE_DIR)
	$(VERILATOR) --cc --trace-fst -Wall -I$(RTL_BASE_DIR)/rtl --top-module nm_chip --prefix Vnm_chip -O3 \
	    -GMeshX=4 -GMeshY=4 -Mdir $(VCHIP_BASE_DIR) $(RTL_BASE_DIR)/rtl/*.v
	$(MAKE) -s -C $(VCHIP_BASE_DIR) -f Vnm_chip.mk OPT_FAST=-O2 OPT_GLOBAL=-O2 OPT_SLOW=-O1 \
	    Vnm_chip__ALL.a verilated.o verilated_threads.o verilated_fst_c.o

$(VCHIP_BASE_DIR)/nm_vchip_shim.o: emulator/nm_vchip_shim.cpp emulator/nm_vchip_shim.h emulator/nm_vmodel.hpp $(VCHIP_BASE_LIB)
	$(CXX) -std=gnu++17 -O2 -g -Wall -Wextra -I$(VCHIP_BASE_DIR) -isystem $(VINC) -isystem $(VINC)/vltstd -c -o $@ $<

$(BUILD)/bench/bench-rtl-speed: $(SPEED_OBJS) $(BUILD)/obj/nm_vchip_shim.o $(VCHIP_LIB) $(VCHIP_RT)
	@mkdir -p $(@D)
	$(CXX) -o $@ $^ $(LINK_RTL)

$(BUILD)/bench/bench-rtl-speed-base: $(SPEED_OBJS) $(VCHIP_BASE_DIR)/nm_vchip_shim.o $(VCHIP_BASE_LIB) $(VCHIP_BASE_RT)
	@mkdir -p $(@D)
	$(CXX) -o $@ $^ $(LINK_RTL)

bench-rtl-speed: $(BUILD)/bench/bench-rtl-speed $(BUILD)/bench/bench-rtl-speed-base $(BUILD)/examples/wave.nmi
	@mkdir -p $(BENCH_RESULTS)
	rm -f $(BUILD)/rtl_speed.csv
	for r in $$(seq $(RTL_SPEED_ROUNDS)); do \
	    for b in base fast; do \
	        bin=$(BUILD)/bench/bench-rtl-speed$$([ $$b = base ] && echo -base); \
	        $$bin --label $$b --ticks $(RTL_SPEED_TICKS) --repeat $(RTL_SPEED_REPEAT) --csv $(BUILD)/rtl_speed.csv \
	            --wave $(BUILD)/examples/wave.nmi examples/wave/input.csv || exit 1; \
	    done; \
	done
	/usr/bin/python3 bench/rtl_speed.py $(BUILD)/rtl_speed.csv $(BENCH_RESULTS)/rtl_speed.csv
