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
