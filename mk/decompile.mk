# mk/decompile.mk - decompile's compact form and the compile round trip (issue 14, docs/network-format.md)
#   make test-decompile       the examples, a 4 x 4 W, W-stochastic and a board: byte-identical, size bounded
#   make test-long-decompile  also W (64 x 64): time, peak RSS under 400 MB
.PHONY: test-decompile test-long-decompile
test-decompile: $(BUILD)/nmemu
	tests/check-decompile $(BUILD)/nmemu

test-long-decompile: $(BUILD)/nmemu
	tests/check-decompile $(BUILD)/nmemu long

TEST_EXTRA += test-decompile
test-long: test-long-decompile
