# mk/loihi-tools.mk - nmemu decompile, plot, sweep, static power and provenance on images of
# Loihi-style cores (tests/loihi/check-tools-loihi; docs/loihi-network-format.md).

.PHONY: test-tools-loihi
test-tools-loihi: $(BUILD)/nmemu
	tests/loihi/check-tools-loihi $(BUILD)/nmemu
TEST_EXTRA += test-tools-loihi
