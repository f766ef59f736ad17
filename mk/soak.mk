# mk/soak.mk - make soak: long runs with invariants (tests/soak), not part of make test.
#   W (64 x 64 Merolla, 20 Hz) for SOAK_W_TICKS ticks on the reference backend: event
#   counts consistent (neuron updates = ticks x cores x 256, spikes = scheduler writes,
#   no off-chip packet, the rate within 10 % of 20 Hz) and peak memory flat against a
#   run of 1/100 the ticks; then a 4 x 4 network for SOAK_CHECK_TICKS ticks in
#   --backend check. At the issue's sizes (10^6 and 10^5) this runs for hours: W alone is
#   about 17 minutes at its benchmark speed (1,000 ticks/s on 2 threads), and the check
#   backend reads back every V of both models after every tick. Smaller: make soak
#   SOAK_W_TICKS=1000 SOAK_CHECK_TICKS=500 (measured in docs/verification.md).
SOAK_W_TICKS     ?= 1000000
SOAK_CHECK_TICKS ?= 100000

.PHONY: soak
soak: $(BUILD)/nmemu
	tests/soak $(BUILD)/nmemu $(SOAK_W_TICKS) $(SOAK_CHECK_TICKS)
