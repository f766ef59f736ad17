# mk/python_lrtl.mk - libnmemu.so runs Loihi images on the rtl and check backends too: the
# Verilated chip of the image's shape is found or built on demand (emulator/nm_rtl_shapes.c, no
# linked build of Loihi-style cores in the library) and compared with the reference chip by
# emulator/loihi/nm_loihi_lockstep.c, which nmemu run shares (docs/python.md).
#   make test-long-python-lrtl   the binding's Loihi rtl/check tests on a 4 x 2 mesh of small cores
#                                (the shape make test-long-lshapes builds; part of make test-long)
# Read after mk/python_loihi.mk and mk/loihi-*.mk (names sort so).

LOIHI_NMEMU_OBJS += $(BUILD)/lobj/nm_loihi_lockstep.o
$(BUILD)/lobj/nm_loihi_lockstep.o: LOIHI_CFLAGS += -Ifirmware

LRTL_PIC_OBJS := $(PIC_DIR)/loihi/nm_loihi_lockstep.o $(PIC_DIR)/loihi/nm_loihi_rtl_chip.o \
                 $(PIC_DIR)/nm_rtl_shapes_lib.o
LIB_OBJS += $(LRTL_PIC_OBJS)
$(LIBNMEMU): $(LRTL_PIC_OBJS)

$(PIC_DIR)/nm_api_loihi.o: CFLAGS_ALL += -Ifirmware
$(PIC_DIR)/loihi/nm_loihi_lockstep.o: CFLAGS_ALL += -Ifirmware
$(PIC_DIR)/loihi/nm_loihi_rtl_chip.o: CFLAGS_ALL += -Ifirmware -DNM_NO_LINKED_VLCHIP
$(PIC_DIR)/loihi/nm_loihi_lockstep.o $(PIC_DIR)/loihi/nm_loihi_rtl_chip.o $(PIC_DIR)/nm_api_loihi.o: firmware/nm_fw.h
$(PIC_DIR)/nm_rtl_shapes_lib.o: emulator/nm_rtl_shapes.c $(wildcard emulator/*.h emulator/loihi/*.h) | deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -Iemulator/loihi -DNM_NO_LINKED_VLCHIP -DNM_SRCDIR='"$(CURDIR)"' \
	    -DNM_RTL_CACHE='"$(RTL_SHAPE_CACHE)"' -fPIC -c -o $@ $<

.PHONY: test-long-python-lrtl
test-long: test-long-python-lrtl
# after test-long-lshapes when both run (same shape; two builders of one key at once would clash)
test-long-python-lrtl: $(LIBNMEMU) | test-long-lshapes
	NMEMU_LIB=$(abspath $(LIBNMEMU)) NMEMU_TEST_LRTL=1 PYTHONPATH=python $(PY) -m unittest -v \
	    python/tests/test_loihi_rtl.py
