# mk/loihi-model.mk - the Loihi-style core's model side (docs/loihi-core.md): its register map,
# reference model, directed and golden-trace tests, chip model and benchmarks.

# ---------------------------------------------------------------- register map
LOIHI_REGMAP_GEN  := $(BUILD)/tools/nm-regmap-gen
LOIHI_REGMAP_ARGS := regmap/nm_loihi_regmap.json --c regmap/nm_loihi_regmap.h \
                     --table regmap/nm_loihi_regmap_table.c --v regmap/nm_loihi_regmap.vh \
                     --md docs/loihi-register-map.md

.PHONY: regmap-loihi test-regmap-loihi
regmap: regmap-loihi
test-regmap: test-regmap-loihi

regmap-loihi: $(LOIHI_REGMAP_GEN)
	$(LOIHI_REGMAP_GEN) $(LOIHI_REGMAP_ARGS)

test-regmap-loihi: $(LOIHI_REGMAP_GEN)
	$(LOIHI_REGMAP_GEN) --check $(LOIHI_REGMAP_ARGS)

# ---------------------------------------------------------------- model objects
# Objects of emulator/loihi/ go to $(BUILD)/lobj/; LOIHI_REF_OBJS is what a program links
# to get the reference model (the RTL side's diff test links it too).
LOIHI_CFLAGS   = $(CFLAGS_ALL) -Iemulator/loihi
LOIHI_REF_OBJS := $(BUILD)/lobj/nm_loihi_ref.o $(BUILD)/lobj/nm_loihi_if.o $(BUILD)/lobj/nm_loihi_prog.o \
                  $(BUILD)/obj/nm_core_if.o $(BUILD)/obj/nm_loihi_regmap_table.o

LOIHI_CHIP_OBJS := $(BUILD)/lobj/nm_loihi_chip.o $(LOIHI_REF_OBJS)

# the compartment update relies on the vectorizer
$(BUILD)/lobj/nm_loihi_ref.o $(BUILD)/lobj/nm_loihi_chip.o: LOIHI_CFLAGS += -O3
$(BUILD)/lobj/%.o: emulator/loihi/%.c $(wildcard emulator/loihi/*.h emulator/*.h regmap/*.h) | deps
	@mkdir -p $(@D)
	$(CC) $(LOIHI_CFLAGS) -c -o $@ $<

$(BUILD)/ltobj/%.o: tests/loihi/%.c $(wildcard emulator/loihi/*.h emulator/*.h regmap/*.h tests/loihi/*.h) | deps
	@mkdir -p $(@D)
	$(CC) $(LOIHI_CFLAGS) -Itests/loihi $(CHECK_CFLAGS) -c -o $@ $<

# ---------------------------------------------------------------- model tests
LOIHI_TEST_OBJS := $(BUILD)/ltobj/test_loihi_main.o $(BUILD)/ltobj/loihi_test_backend.o \
                   $(BUILD)/ltobj/test_loihi_port.o $(BUILD)/ltobj/test_loihi_directed.o \
                   $(BUILD)/ltobj/test_loihi_golden.o $(BUILD)/ltobj/test_loihi_chip.o
$(BUILD)/tests/nm-loihi-tests: $(LOIHI_TEST_OBJS) $(LOIHI_CHIP_OBJS)
	@mkdir -p $(@D)
	$(CC) -o $@ $^ $(CHECK_LIBS)

.PHONY: test-loihi-model
# directed Check tests and the golden-trace test of the model (docs/loihi-core.md)
test-loihi-model: $(BUILD)/tests/nm-loihi-tests
	$(BUILD)/tests/nm-loihi-tests
TEST_EXTRA += test-loihi-model

# ---------------------------------------------------------------- chip model and benchmark

$(BUILD)/lbobj/%.o: bench/loihi/%.c $(wildcard emulator/loihi/*.h emulator/*.h regmap/*.h) | deps
	@mkdir -p $(@D)
	$(CC) $(LOIHI_CFLAGS) -c -o $@ $<

$(BUILD)/bench/bench-loihi: $(BUILD)/lbobj/bench_loihi.o $(LOIHI_CHIP_OBJS)
	@mkdir -p $(@D)
	$(CC) -o $@ $^
