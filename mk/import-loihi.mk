# mk/import-loihi.mk - the NIR importer's Loihi-mode lowering (import/nm_lower_loihi.c,
# docs/import.md section 9) and its tests (make test-import-loihi, part of make test).

# the importer includes the Loihi compiler's header (it compiles what it lowers)
$(BUILD)/iobj/%.o: CFLAGS_ALL += -Iemulator/loihi

# a test helper: run a Loihi image and write u, v (both views) and spikes of mapped compartments
# (object names spelled out: mk/loihi-model.mk, which names them, is read after this file)
NM_PROBE_OBJS := $(addprefix $(BUILD)/lobj/,nm_loihi_image.o nm_loihi_chip.o nm_loihi_ref.o nm_loihi_if.o \
                 nm_loihi_prog.o) $(BUILD)/obj/nm_barrier.o $(BUILD)/obj/nm_core_if.o $(BUILD)/obj/nm_loihi_regmap_table.o
$(BUILD)/tools/nm-loihi-probe: tests/import/loihi_probe.c $(NM_PROBE_OBJS) | deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -Iemulator/loihi -o $@ $^ -lz -lm -pthread

.PHONY: test-import-loihi
TEST_EXTRA += test-import-loihi

test-import-loihi: $(BUILD)/nmemu $(BUILD)/tools/nm-loihi-probe import-deps
	tests/import/run-import-loihi-tests $(BUILD)/nmemu $(BUILD)/tools/nm-loihi-probe $(IMPORT_PY) $(BUILD)/import-loihi-tests

# make test-long: the same with cnn_sinabs on Loihi-mode cores at the length of the TrueNorth
# comparison (20 ticks of input, 100 to drain; make test runs 10 and 20)
.PHONY: test-long-import-loihi
test-long: test-long-import-loihi
test-long-import-loihi: $(BUILD)/nmemu $(BUILD)/tools/nm-loihi-probe import-deps
	tests/import/run-import-loihi-tests $(BUILD)/nmemu $(BUILD)/tools/nm-loihi-probe $(IMPORT_PY) \
	    $(BUILD)/import-loihi-tests-long 20 100

# ---------------------------------------------------------------- digits on Loihi-mode cores
# examples/digits/digits_loihi.py: train, export NIR, nmemu import nir --target loihi, run every
# held-out image with nmemu run, image by image against the integer reference (docs/digits.md)
.PHONY: digits-loihi test-digits-loihi
TEST_EXTRA += test-digits-loihi

digits-loihi: $(BUILD)/nmemu import-deps
	$(IMPORT_PY) examples/digits/digits_loihi.py --nmemu $(BUILD)/nmemu --out $(BUILD)/digits \
	    --sweep 2,4,8,32 --sweep-images 30

# make digits runs the Loihi variant too
digits: digits-loihi

# a small run in make test: 12 held-out images, chip = reference on each
test-digits-loihi: $(BUILD)/nmemu import-deps
	$(IMPORT_PY) examples/digits/digits_loihi.py --nmemu $(BUILD)/nmemu --out $(BUILD)/digits/quick-loihi \
	    --images 12 --sweep ""
