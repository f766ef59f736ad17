# mk/board.mk - the board of chips across MPI ranks (issue 12, docs/scale-out.md):
#   build/nmemu gains the board run (board/*.c); when Open MPI's mpicc is there it is
#   linked with MPI, so `mpirun -np N build/nmemu run BOARD.nmi` splits the chips among
#   ranks; without it nmemu still builds and runs boards on one process.
#   make test-board     the rank-count equality test (in make test)
#   make bench-board    the NS16e-size board (4 x 4 chips of 64 x 64) on 1 and 2 ranks

MPICC      := $(shell command -v mpicc 2>/dev/null)
ifneq ($(MPICC),)
MPI_CFLAGS := -DNM_WITH_MPI $(shell $(MPICC) -showme:compile 2>/dev/null || $(MPICC) -show | cut -d' ' -f2-)
MPI_LIBS   := $(shell $(MPICC) -showme:link 2>/dev/null)
endif

BOARD_OBJS := $(BUILD)/obj/board/nm_board.o $(BUILD)/obj/board/nm_board_run.o $(BUILD)/obj/board/nm_board_mpi.o

$(BUILD)/obj/board/%.o: board/%.c $(wildcard board/*.h emulator/*.h) | deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

# only this file sees mpi.h
$(BUILD)/obj/board/nm_board_mpi.o: CFLAGS_ALL += $(MPI_CFLAGS)

# nmemu links the board run (an extra prerequisite lands in its link line) and MPI
$(BUILD)/nmemu: $(BOARD_OBJS)
$(BUILD)/nmemu: LINK_RTL += $(MPI_LIBS)
# and so do the assertion and coverage builds of nmemu (mk/verif.mk)
$(BUILD)/nmemu-assert $(BUILD)/cov/nmemu: $(BOARD_OBJS)
$(BUILD)/nmemu-assert $(BUILD)/cov/nmemu: LINK_RTL += $(MPI_LIBS)

BOARD_RANKS ?= 1 2 3 4
test-board: $(BUILD)/nmemu $(BUILD)/tests/board-tests
	tests/check-board $(BUILD)/nmemu "$(BOARD_RANKS)"

TEST_EXTRA += test-board
.PHONY: test-board bench-board

# the board's Check tests and the random-board generator of tests/check-board
$(BUILD)/tests/board-tests: $(BUILD)/tobj/board_tests.o $(BUILD)/obj/board/nm_board.o $(BUILD)/obj/nm_image.o \
    $(BUILD)/obj/nm_load.o $(BUILD)/obj/nm_compile.o $(BUILD)/obj/nm_energy.o $(BUILD)/obj/nm_textfile.o $(BUILD)/obj/nm_fw.o $(BUILD)/obj/nm_output.o \
    $(CHIP_OBJS) $(REF_OBJS)
	@mkdir -p $(@D)
	$(CC) -o $@ $^ $(CHECK_LIBS) $(JANSSON) -lz -lm -pthread

# the NS16e-size board on 1 and 2 ranks (never in make test: about 3 GB and minutes)
BOARD_BENCH_TICKS ?= 100
bench-board: $(BUILD)/nmemu
	bench/run-board $(BUILD)/nmemu $(or $(BENCH_RESULTS),bench/results)/board.csv $(BOARD_BENCH_TICKS)

BENCH_EXTRA += bench-board
