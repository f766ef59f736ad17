# mk/energy.mk - the energy model's validation in make test (docs/energy-model.md s5):
#   make test-validate-energy  make validate-energy at 200 timed ticks per point (about
#                              45 s here, against about 60 s at the full 1,000): the fit
#                              must still reproduce the preset and every point stay
#                              within 10 % (part of make test through TEST_EXTRA)
#   make test-long             the long variants: here the full make validate-energy

.PHONY: test-validate-energy

TEST_EXTRA += test-validate-energy

VALIDATE_TEST_TICKS ?= 200
test-validate-energy: $(BUILD)/tools/validate-energy
	$(BUILD)/tools/validate-energy --ticks $(VALIDATE_TEST_TICKS) --csv $(BUILD)/validate-energy-test.csv

# the long variants (not in make test): the full validation, 1,000 ticks per point
.PHONY: test-long
test-long: validate-energy
