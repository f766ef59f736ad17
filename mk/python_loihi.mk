# mk/python_loihi.mk - libnmemu.so (the Python binding's library) opens Loihi images and
# descriptions too (emulator/nm_api_loihi.c over the Loihi reference chip; docs/python.md).
# Read after mk/python.mk (names sort so), which defines LIB_OBJS and the library's rule.

LOIHI_PIC_OBJS := $(PIC_DIR)/nm_api_loihi.o \
    $(addprefix $(PIC_DIR)/loihi/,nm_loihi_chip.o nm_loihi_ref.o nm_loihi_if.o nm_loihi_prog.o \
      nm_loihi_image.o nm_loihi_compile.o nm_loihi_energy.o) $(PIC_DIR)/nm_loihi_regmap_table.o
# nm_output.o: nm_image.c writes through it since the cli merge (the library did not link without)
LOIHI_PIC_OBJS += $(PIC_DIR)/nm_output.o
LIB_OBJS += $(LOIHI_PIC_OBJS)
$(LIBNMEMU): $(LOIHI_PIC_OBJS)

$(PIC_DIR)/nm_api_loihi.o: CFLAGS_ALL += -Iemulator/loihi
$(PIC_DIR)/loihi/nm_loihi_ref.o $(PIC_DIR)/loihi/nm_loihi_chip.o: CFLAGS_ALL += -O3
$(PIC_DIR)/loihi/%.o: emulator/loihi/%.c $(wildcard emulator/loihi/*.h emulator/*.h regmap/*.h) | deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -Iemulator/loihi -fPIC -c -o $@ $<
# the register-map tables live in regmap/ (since the regmap move; mk/python.mk's rule reads emulator/)
$(PIC_DIR)/%.o: regmap/%.c | deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -fPIC -c -o $@ $<
