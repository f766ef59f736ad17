# mk/sanitize.mk - the tests under AddressSanitizer and UndefinedBehaviorSanitizer:
#   make SANITIZE=1 ...   builds every C and C++ object and program of nmemu with
#                         -fsanitize=address,undefined (use a BUILD of its own:
#                         make SANITIZE=1 BUILD=build/sanitize test-unit)
#   make test-sanitize    the unit, CLI, output and differential tests (reduced sizes)
#                         so built, in build/sanitize; any ASan or UBSan report, and any
#                         leak at exit, fails them. Its own target, not in make test: the
#                         first run builds the Verilated models again (about 10 minutes on
#                         2 cores); later runs take about 3 minutes.
# The Verilated models themselves (Verilator's generated C++ and runtime) are built by
# Verilator's own makefile without sanitizers; the shims and all of nmemu's code are.

SANITIZE_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
ifeq ($(SANITIZE),1)
CC  := $(CC) $(SANITIZE_FLAGS)
CXX := $(CXX) $(SANITIZE_FLAGS)
endif

SANITIZE_BUILD ?= $(BUILD)/sanitize
# halt on the first report; the exit code of a leak (23) differs from nmemu's own 1..3
SANITIZE_ENV := ASAN_OPTIONS=detect_leaks=1:exitcode=23:abort_on_error=0 \
                UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
SANITIZE_SIZES := DIFF_SEEDS=6 DIFF_TICKS=300 DIFF_CHIP_SEEDS=1 DIFF_CHIP_TICKS=100

.PHONY: test-sanitize
test-sanitize:
	$(SANITIZE_ENV) $(MAKE) SANITIZE=1 BUILD=$(SANITIZE_BUILD) $(SANITIZE_SIZES) \
	    test-unit test-cli test-outputs test-diff test-diff-chip
	@echo "sanitize: unit, CLI, output and differential tests clean under ASan + UBSan"
