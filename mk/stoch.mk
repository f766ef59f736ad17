# mk/stoch.mk - issue 14 (stochastic cores, two threads): before and after in one run.
#   make bench-stoch-compare  W, W-high and W-stochastic on 1 and 2 threads, the baseline
#                             (STOCH_BASE, built from git archive) and the current build
#                             interleaved, STOCH_REPEAT rounds; each line of the log has
#                             wall ticks/s and the CPU ms per tick (the machine is shared:
#                             compare the two builds of one run, docs/performance.md)

STOCH_BASE     ?= 0c99bb0
STOCH_BASE_DIR := $(BUILD)/stoch-base
STOCH_REPEAT   ?= 3
STOCH_TICKS    ?= 100
STOCH_LOG      ?= $(or $(BENCH_RESULTS),bench/results)/stoch_compare.log

$(STOCH_BASE_DIR)/src/.stamp:
	rm -rf $(STOCH_BASE_DIR)/src && mkdir -p $(STOCH_BASE_DIR)/src
	git archive $(STOCH_BASE) | tar -x -C $(STOCH_BASE_DIR)/src
	touch $@

$(STOCH_BASE_DIR)/bench-merolla: $(STOCH_BASE_DIR)/src/.stamp
	$(MAKE) -C $(STOCH_BASE_DIR)/src build/bench/bench-merolla
	cp $(STOCH_BASE_DIR)/src/build/bench/bench-merolla $@

bench-stoch-compare: $(STOCH_BASE_DIR)/bench-merolla $(BUILD)/bench/bench-merolla
	@mkdir -p $(dir $(STOCH_LOG))
	@echo "# bench-stoch-compare $$(date -u +%FT%TZ) base $(STOCH_BASE) load $$(cut -d' ' -f1-3 /proc/loadavg)" >>$(STOCH_LOG)
	set -e; for r in $$(seq $(STOCH_REPEAT)); do for t in 1 2; do \
	  for w in "W --rate 20" "W-high --rate 150" "W-stochastic --rate 20 --stochastic 1"; do \
	    set -- $$w; l=$$1; shift; \
	    for b in base now; do \
	      if [ $$b = base ]; then bin=$(STOCH_BASE_DIR)/bench-merolla; else bin=$(BUILD)/bench/bench-merolla; fi; \
	      $$bin --label $$l $$@ --threads $$t --ticks $(STOCH_TICKS) 2>&1 >/dev/null | \
	        sed -n "s/^  run 1: /$$l $$b threads=$$t: /p" | tee -a $(STOCH_LOG); \
	    done; done; done; done

.PHONY: bench-stoch-compare
