# mk/import.mk - the import subsystem (import/): NIR (HDF5) and RANC networks onto the chip,
# `nmemu import nir|ranc` (docs/import.md), and its tests (make test-import).

# Debian's libhdf5-dev: pkg-config `hdf5` where it exists, else the serial flavour's paths.
HDF5_CFLAGS := $(shell pkg-config --cflags hdf5 2>/dev/null || echo -I/usr/include/hdf5/serial)
HDF5_LIBS   := $(shell pkg-config --libs hdf5 2>/dev/null || echo -L/usr/lib/x86_64-linux-gnu/hdf5/serial -lhdf5_serial)
IMPORT_SRC  := $(sort $(wildcard import/*.c))
IMPORT_OBJS := $(patsubst import/%.c,$(BUILD)/iobj/%.o,$(IMPORT_SRC))
IMPORT_PY   := /usr/bin/python3

$(BUILD)/iobj/%.o: import/%.c $(wildcard import/*.h emulator/*.h) | deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -Iimport $(HDF5_CFLAGS) -c -o $@ $<

# nmemu links the importer: extra prerequisites (the link recipe takes $^) and libraries
$(BUILD)/nmemu: $(IMPORT_OBJS)
$(BUILD)/nmemu: LINK_RTL += $(HDF5_LIBS)
$(BUILD)/obj/nmemu.o: CFLAGS_ALL += -Iimport

.PHONY: test-import import-deps
TEST_EXTRA += test-import

import-deps: | deps
	tools/install-deps libhdf5-dev python3-h5py python3-numpy

# the golden NIR files (tests/data/nir), a hand-built RANC network, bad files
test-import: $(BUILD)/nmemu import-deps
	tests/import/run-import-tests $(BUILD)/nmemu $(IMPORT_PY) $(BUILD)/import-tests

# the other builds of nmemu (mk/verif.mk: the assertion and coverage builds) link it too
$(BUILD)/nmemu-assert $(BUILD)/cov/nmemu: $(IMPORT_OBJS)
$(BUILD)/nmemu-assert $(BUILD)/cov/nmemu: LINK_RTL += $(HDF5_LIBS)
