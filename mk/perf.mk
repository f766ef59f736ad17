# mk/perf.mk - before and after in one run (issue 14, docs/performance.md): the W
# benchmark and nmemu built from a baseline commit beside the current ones.
#   make bench-baseline   build/baseline/bench-merolla from PERF_BASE (git archive)
#   make bench-w-compare  W, W-high, W-stochastic on 1 and 2 threads, baseline and current
#                         interleaved, repeated; then nmemu run's peak RSS on W for both
# The machine is shared: compare the two columns of one run, not runs of different days.

PERF_BASE     ?= b3b01ef
PERF_BASE_DIR := $(BUILD)/baseline
PERF_REPEAT   ?= 3
PERF_TICKS    ?= 200
PERF_CSV      ?= $(or $(BENCH_RESULTS),bench/results)/compare.csv

$(PERF_BASE_DIR)/src/.stamp:
	rm -rf $(PERF_BASE_DIR)/src && mkdir -p $(PERF_BASE_DIR)/src
	git archive $(PERF_BASE) | tar -x -C $(PERF_BASE_DIR)/src
	touch $@

$(PERF_BASE_DIR)/bench-merolla: $(PERF_BASE_DIR)/src/.stamp
	$(MAKE) -C $(PERF_BASE_DIR)/src build/bench/bench-merolla
	cp $(PERF_BASE_DIR)/src/build/bench/bench-merolla $@

bench-baseline: $(PERF_BASE_DIR)/bench-merolla

# each configuration: baseline then current, PERF_REPEAT times (medians in the CSV
# rows, labels "<workload>@base" and "<workload>")
bench-w-compare: $(PERF_BASE_DIR)/bench-merolla $(BUILD)/bench/bench-merolla
	@mkdir -p $(dir $(PERF_CSV))
	set -e; for r in $$(seq $(PERF_REPEAT)); do for t in 1 2; do \
	  for w in "W --rate 20" "W-high --rate 150" "W-stochastic --rate 20 --stochastic 1"; do \
	    set -- $$w; l=$$1; shift; \
	    $(PERF_BASE_DIR)/bench-merolla --label $$l@base $$@ --threads $$t --ticks $(PERF_TICKS) --csv $(PERF_CSV); \
	    $(BUILD)/bench/bench-merolla --label $$l $$@ --threads $$t --ticks $(PERF_TICKS) --csv $(PERF_CSV); \
	  done; done; done

.PHONY: bench-baseline bench-w-compare
