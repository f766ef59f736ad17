# mk/tsan.mk - the chip models' worker threads under ThreadSanitizer (GCC):
#   make SANITIZE=thread ...  builds every C and C++ object and program with -fsanitize=thread
#                             (use a BUILD of its own, as for SANITIZE=1 in mk/sanitize.mk)
#   make test-tsan            builds build/tsan/tests/nm-thread-tests so (the TrueNorth chip
#                             model's thread-equality test on 2, 3 and 4 threads and the
#                             Loihi-style chip model's on 2; no Verilated model, so the
#                             build is C only) and runs it: any data race TSan reports fails
#                             it. Part of make test-long, not of make test (the first build
#                             compiles the models again).
# nm_ref_core.c compiles its hot loops without target_clones under TSan (the ifunc resolvers
# run before TSan is initialised and crashed it at start-up: emulator/nm_ref_core.c).

TSAN_FLAGS := -fsanitize=thread -fno-omit-frame-pointer
ifeq ($(SANITIZE),thread)
CC  := $(CC) $(TSAN_FLAGS)
CXX := $(CXX) $(TSAN_FLAGS)
endif

TSAN_BUILD ?= $(BUILD)/tsan
# halt on the first report with an exit code of its own; one process (no fork per test)
TSAN_ENV := TSAN_OPTIONS=halt_on_error=1:exitcode=66:second_deadlock_stack=1 CK_FORK=no

# (listed with secondary expansion: CHIP_OBJS and REF_OBJS are defined after this file is read)
THREAD_TEST_OBJS = $(BUILD)/tobj/test_threads_main.o $(BUILD)/tobj/test_model.o $(BUILD)/ltobj/test_loihi_chip.o \
                   $(BUILD)/ltobj/loihi_test_backend.o $(BUILD)/obj/nm_gen.o $(BUILD)/obj/nm_load.o \
                   $(BUILD)/obj/nm_image.o $(BUILD)/obj/nm_output.o $(BUILD)/obj/nm_fw.o \
                   $(CHIP_OBJS) $(REF_OBJS) $(LOIHI_CHIP_OBJS)
.SECONDEXPANSION:
$(BUILD)/tests/nm-thread-tests: $$(THREAD_TEST_OBJS)
	@mkdir -p $(@D)
	$(CC) -o $@ $^ $(CHECK_LIBS) $(JANSSON) -lz -lm -pthread

.PHONY: test-tsan
test-long: test-tsan
test-tsan:
	$(MAKE) SANITIZE=thread BUILD=$(TSAN_BUILD) $(TSAN_BUILD)/tests/nm-thread-tests
	$(TSAN_ENV) $(TSAN_BUILD)/tests/nm-thread-tests
	@echo "tsan: the chip models' thread tests (TrueNorth 2-4 threads, Loihi 2) clean under ThreadSanitizer"
