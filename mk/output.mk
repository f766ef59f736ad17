# mk/output.mk - every program that writes images or spike programs (nm_image.o,
# nm_load.o) writes them through nm_output.o (safe outputs, docs/nmemu.1 OUTPUTS).
# Listed here as extra prerequisites, so they join each program's $^ link line (the
# test programs get it through TEST_OBJS, nmemu through NMEMU_OBJS).
NM_OUTPUT_O := $(BUILD)/obj/nm_output.o
$(BUILD)/tests/gen-image $(BUILD)/bench/gen-w $(BUILD)/bench/nmi2apb $(BUILD)/nmemu-sc \
$(BUILD)/bench/bench-merolla $(BUILD)/tools/validate-energy: $(NM_OUTPUT_O)

.PHONY: test-outputs
TEST_EXTRA += test-outputs
test-outputs: $(BUILD)/nmemu $(BUILD)/tests/gen-image
	tests/check-outputs $(BUILD)/nmemu $(BUILD)/tests/gen-image
