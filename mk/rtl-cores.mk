# mk/rtl-cores.mk - RTL cores inside the reference model (nmemu run --rtl-cores;
# emulator/nm_mixed_chip.c; docs/verification.md section 4):
#   make test-rtl-cores   --rtl-cores with --check on an 8 x 8 chip (part of make test)
#   make bench-rtl-cores  W (64 x 64, 20 Hz) with 1 and with 16 RTL cores

.PHONY: test-rtl-cores bench-rtl-cores
TEST_EXTRA  += test-rtl-cores
BENCH_EXTRA += bench-rtl-cores

RTL_CORES_TICKS  ?= 200
RTL_CORES_REPEAT ?= 3

test-rtl-cores: $(BUILD)/nmemu
	tests/check-rtl-cores $(BUILD)/nmemu

bench-rtl-cores: $(BUILD)/nmemu
	@mkdir -p $(BENCH_RESULTS) $(BUILD)/peers
	[ -f $(BUILD)/peers/W-64x64-20.nmi ] || $(BUILD)/nmemu gen merolla --rate 20 -o $(BUILD)/peers/W-64x64-20.nmi
	/usr/bin/python3 bench/rtl_cores.py $(BUILD)/nmemu $(BUILD)/peers/W-64x64-20.nmi $(RTL_CORES_TICKS) \
	    $(RTL_CORES_REPEAT) $(BENCH_RESULTS)/rtl_cores.csv
