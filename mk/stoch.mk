# mk/stoch.mk - issue 14 (stochastic cores, two threads): before and after in one run.
#   make bench-stoch-compare  W, W-high and W-stochastic on 1 and 2 threads, the baseline
#                             (STOCH_BASE, built from git archive) and the current build
#                             interleaved, STOCH_REPEAT rounds; each line of the log has
#                             wall ticks/s and the CPU ms per tick (the machine is shared:
#                             compare the two builds of one run, docs/performance.md)
#   make bench-stoch-summary  the medians of the last run in the log, the speed-ups and
#                             the 2-thread / 1-thread CPU ratios

STOCH_BASE     ?= cf69990
STOCH_BASE_DIR := $(BUILD)/stoch-base-$(STOCH_BASE)
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

# The last bench-stoch-compare run of the log summed up: per workload, build and thread
# count the median CPU ms per tick (and wall ticks/s) over the rounds, the speed-up of
# the current build and the 2-thread / 1-thread CPU ratio of each build.
bench-stoch-summary:
	@grep '^# bench-stoch-compare' $(STOCH_LOG) | tail -1
	@awk '/^# bench-stoch-compare/ { n = NR } { l[NR] = $$0 } END { print l[n]; for (i = n + 1; i <= NR; i++) print l[i] }' $(STOCH_LOG) | \
	  sed -n 's/^\([^ ]*\) \(base\|now\) threads=\([0-9]\): \([0-9.]*\) ticks\/s.* \([0-9.]*\) ms CPU per tick/\1 \2 \3 \5 \4/p' | \
	  sort -k1,1 -k2,2 -k3,3n -k4,4n | \
	  awk '{ k = $$1 " " $$2 " " $$3; v[k, ++c[k]] = $$4; t[k, c[k]] = $$5; if (!(k in seen)) { seen[k] = 1; o[++no] = k } } \
	    END { for (i = 1; i <= no; i++) { k = o[i]; m = c[k]; \
	            med[k] = m % 2 ? v[k, (m + 1) / 2] : (v[k, m / 2] + v[k, m / 2 + 1]) / 2; \
	            printf "%-32s median %.3f CPU ms per tick over %d rounds\n", k " thread(s):", med[k], m } \
	          for (i = 1; i <= no; i++) { split(o[i], f, " "); \
	            if (f[2] == "now" && f[3] == 1 && ((f[1] " base 1") in med) && ((f[1] " now 2") in med) && ((f[1] " base 2") in med)) \
	              printf "%-14s CPU base/now: %.2fx (1 thread), %.2fx (2 threads); 2-thread/1-thread CPU: base %.3f, now %.3f\n", f[1], \
	                med[f[1] " base 1"] / med[o[i]], med[f[1] " base 2"] / med[f[1] " now 2"], \
	                med[f[1] " base 2"] / med[f[1] " base 1"], med[f[1] " now 2"] / med[o[i]] } }'

.PHONY: bench-stoch-summary
