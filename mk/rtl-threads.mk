# mk/rtl-threads.mk - Verilator's multithreaded model of the chip against the one-thread model
# (docs/performance.md, "Verilator threads"); not part of make bench (it builds two more chips):
#   make bench-rtl-threads   builds the shape RTL_THREADS_MESH twice with tools/build-rtl-shape,
#                            with 1 and with RTL_THREADS_N threads (cached in build/rtl-shapes as
#                            MXxMY-256x256 and MXxMY-256x256-tN), then runs bench-rtl-speed on
#                            each alternately (RTL_THREADS_ROUNDS rounds, median of RTL_SPEED_REPEAT
#                            fresh chips, RTL_SPEED_TICKS ticks); fails unless every run has the
#                            same fingerprint (cycles, spikes, off-chip packets, counters).
#   RTL_THREADS_KICK=256     extra host packets per core (bench-rtl-speed --kick): 0 keeps the
#                            4 x 4 network; meshes above 4 x 4 need 256 to be busy.
# A two-thread model needs both CPUs at once: on a shared machine run it when nothing else runs.

.PHONY: bench-rtl-threads

RTL_THREADS_MESH   ?= 4x4
RTL_THREADS_N      ?= 2
RTL_THREADS_ROUNDS ?= 3
RTL_THREADS_KICK   ?= 0

bench-rtl-threads: $(BUILD)/bench/bench-rtl-speed | deps
	tools/build-rtl-shape $(CURDIR) $(RTL_SHAPE_CACHE) $(RTL_THREADS_MESH) 256x256 1
	tools/build-rtl-shape $(CURDIR) $(RTL_SHAPE_CACHE) $(RTL_THREADS_MESH) 256x256 $(RTL_THREADS_N)
	@mkdir -p $(BENCH_RESULTS)
	rm -f $(BUILD)/rtl_threads.csv
	for r in $$(seq $(RTL_THREADS_ROUNDS)); do \
	    for t in 1 $(RTL_THREADS_N); do \
	        lib=$(RTL_SHAPE_CACHE)/$(RTL_THREADS_MESH)-256x256$$([ $$t = 1 ] || echo -t$$t)/libnmvchip.so; \
	        $(BUILD)/bench/bench-rtl-speed --label $(RTL_THREADS_MESH)-t$$t --lib $$lib --kick $(RTL_THREADS_KICK) \
	            --ticks $(RTL_SPEED_TICKS) --repeat $(RTL_SPEED_REPEAT) --csv $(BUILD)/rtl_threads.csv || exit 1; \
	    done; \
	done
	@test $$(tail -n +2 $(BUILD)/rtl_threads.csv | cut -d, -f8 | sort -u | wc -l) = 1 || \
	    { echo "bench-rtl-threads: the builds simulated different results (fingerprints differ)"; exit 1; }
	test -f $(BENCH_RESULTS)/rtl_threads.csv || \
	    echo "run,$$(head -1 $(BUILD)/rtl_threads.csv)" >$(BENCH_RESULTS)/rtl_threads.csv
	tail -n +2 $(BUILD)/rtl_threads.csv | sed 's/^/$(shell date -u +%Y-%m-%dT%H:%M),/' >>$(BENCH_RESULTS)/rtl_threads.csv
	@echo "bench-rtl-threads: identical fingerprints; results appended to $(BENCH_RESULTS)/rtl_threads.csv"
