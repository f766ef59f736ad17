# mk/peers.mk - peer comparisons of the benchmark issue (docs/peers.md):
#   make bench-brian2   the same network in Brian2 (cpp_standalone), its speed and memory
#   make bench-icarus   the same RTL in Icarus Verilog against the Verilated chip
# Each appends one CSV row to bench/results/.

PEERS_DIR := $(BUILD)/peers
GEN_W     := $(BUILD)/bench/gen-w

$(GEN_W): $(BUILD)/bobj/brian2/gen_w.o $(BUILD)/obj/nm_image.o $(BUILD)/obj/nm_core_prog.o
	@mkdir -p $(@D)
	$(CC) -o $@ $^ -lz

NMI2APB   := $(BUILD)/bench/nmi2apb
VL_REPLAY := $(BUILD)/bench/vl-replay

$(NMI2APB): $(BUILD)/bobj/icarus/nmi2apb.o $(BUILD)/obj/nm_load.o $(BUILD)/obj/nm_image.o $(BUILD)/obj/nm_fw.o \
            $(BUILD)/obj/nm_chip_if.o $(BUILD)/obj/nm_core_prog.o
	@mkdir -p $(@D)
	$(CC) -o $@ $^ -lz

$(VL_REPLAY): $(BUILD)/bobj/icarus/vl_replay.o $(BUILD)/obj/nm_fw.o $(CHIP_OBJS) $(REF_OBJS) $(RTL_CHIP_OBJS)
	@mkdir -p $(@D)
	$(CXX) -o $@ $^ $(LINK_RTL)

# ---------------------------------------------------------------- the peer benchmarks
# Debian's python3-brian lives in /usr/bin/python3's dist-packages (a python3 earlier in
# PATH, e.g. pyenv's, would not see it).
PEER_PY       := /usr/bin/python3
# the results directory of make bench (BENCH_RESULTS in the Makefile), where bench/summarize.py looks
PEERS_RESULTS = $(or $(BENCH_RESULTS),bench/results)
BRIAN2_MESH   ?= 64
BRIAN2_TICKS  ?= 300
BRIAN2_JOBS   ?= 1
# OpenMP threads of the Brian2 simulation (0: none, single-threaded like nmemu --threads 1)
BRIAN2_THREADS ?= 0
# check-brian2 also compares the rasters of W at BRIAN2_CHECK_MESH (empty: skip) for
# BRIAN2_CHECK_TICKS ticks
BRIAN2_CHECK_MESH  ?=
BRIAN2_CHECK_TICKS ?= 50
ICARUS_TICKS  ?= 100

.PHONY: bench-brian2 check-brian2 bench-icarus
BENCH_EXTRA += bench-brian2 bench-icarus

brian2-deps: | deps
	tools/install-deps python3-brian python3-numpy
.PHONY: brian2-deps

# Brian2 and nmemu must give the same spikes (small networks, about a minute)
check-brian2: $(BUILD)/nmemu $(GEN_W) brian2-deps
	bench/brian2/check-rasters $(BUILD)/nmemu $(GEN_W) $(PEERS_DIR)/check-brian2 \
	    $(if $(BRIAN2_CHECK_MESH),$(BRIAN2_CHECK_MESH) $(BRIAN2_CHECK_TICKS))

# W (BRIAN2_MESH x BRIAN2_MESH cores) in Brian2 for BRIAN2_TICKS ticks: one row of
# $(PEERS_RESULTS)/brian2.csv (workload "W <generator>", read by bench/summarize.py; its
# peak_rss_mb is the simulating binary's). At 64 x 64 it needs about 11 GB and 2-3 minutes.
bench-brian2: check-brian2
	@mkdir -p $(PEERS_DIR) $(PEERS_RESULTS)
	w=$$(bench/brian2/workload $(BUILD)/nmemu $(GEN_W) $(PEERS_DIR)/W-$(BRIAN2_MESH)x$(BRIAN2_MESH).nmi $(BRIAN2_MESH) \
	    $(BRIAN2_MESH)) && \
	$(PEER_PY) bench/brian2/nmemu_brian2.py $(PEERS_DIR)/W-$(BRIAN2_MESH)x$(BRIAN2_MESH).nmi --ticks $(BRIAN2_TICKS) \
	    --label "W$(if $(filter-out 64,$(BRIAN2_MESH)),-$(BRIAN2_MESH)x$(BRIAN2_MESH))$(if $(filter-out 0 1,$(BRIAN2_THREADS)),-$(BRIAN2_THREADS)threads) $$w" \
	    --csv $(PEERS_RESULTS)/brian2.csv --jobs $(BRIAN2_JOBS) --threads $(BRIAN2_THREADS) \
	    --build-dir $(PEERS_DIR)/brian2-W-$(BRIAN2_MESH)-t$(BRIAN2_THREADS)

# W on the MESH_X x MESH_Y chip, ICARUS_TICKS ticks, on Icarus Verilog and on the
# Verilated chip: one row of $(PEERS_RESULTS)/icarus.csv; fails when the simulators
# disagree on any cycle count or counter.
bench-icarus: $(BUILD)/nmemu $(GEN_W) $(NMI2APB) $(VL_REPLAY) | deps
	@mkdir -p $(PEERS_DIR) $(PEERS_RESULTS)
	w=$$(bench/brian2/workload $(BUILD)/nmemu $(GEN_W) $(PEERS_DIR)/W-$(MESH_X)x$(MESH_Y).nmi $(MESH_X) \
	    $(MESH_Y)) && \
	$(PEER_PY) bench/icarus/run_icarus.py $(PEERS_DIR)/W-$(MESH_X)x$(MESH_Y).nmi --ticks $(ICARUS_TICKS) \
	    --label "W-$(MESH_X)x$(MESH_Y) $$w" --csv $(PEERS_RESULTS)/icarus.csv --out-dir $(PEERS_DIR)/icarus --build $(BUILD)
