# mk/python.mk - the embedding library build/libnmemu.so (emulator/nm_api.h), the Python
# binding over it (python/nmemu, docs/python.md) and the digits classifier (examples/digits):
#   make libnmemu       build/libnmemu.so (every object compiled -fPIC, the Verilated chip too)
#   make test-python    the binding's unittest suite (part of make test)
#   make test-digits    a small digits run: a few held-out images on the check backend (make test)
#   make run-digits     ten held-out digits on the RTL chip in check mode, each answer and its spikes
#   make digits         train, export to NIR, build the chip network, run every held-out image
#                       on the chip, the accuracy/energy table and figure (docs/digits.md)

# Debian's python3 (with python3-numpy, python3-h5py, python3-sklearn); a python3 earlier in
# PATH (pyenv's) would not see them.
PY          := /usr/bin/python3
LIBNMEMU    := $(BUILD)/libnmemu.so
PIC_DIR     := $(BUILD)/pic
VCHIPPIC_DIR := $(BUILD)/vchip-pic
VCHIPPIC_LIB := $(VCHIPPIC_DIR)/Vnm_chip__ALL.a
VCHIPPIC_RT  := $(VCHIPPIC_DIR)/verilated.o $(VCHIPPIC_DIR)/verilated_threads.o $(VCHIPPIC_DIR)/verilated_fst_c.o

# the same C objects as build/nmemu's, position-independent
LIB_SRCS := nm_api nm_energy nm_textfile nm_energy_report nm_report nm_load nm_image nm_output nm_compile nm_ref_chip nm_barrier nm_chip_if \
            nm_chipmap_table nm_ref_core nm_core_prog nm_regmap_table nm_core_if nm_rtl_chip
LIB_OBJS := $(addprefix $(PIC_DIR)/,$(addsuffix .o,$(LIB_SRCS))) $(PIC_DIR)/nm_fw.o $(PIC_DIR)/nm_vchip_shim.o

.PHONY: libnmemu test-python test-digits digits run-digits install-python

libnmemu: $(LIBNMEMU)

$(PIC_DIR)/nm_ref_core.o $(PIC_DIR)/nm_ref_chip.o: CFLAGS_ALL += -O3
$(PIC_DIR)/nm_energy.o: CFLAGS_ALL += -DNM_DATADIR='"$(PREFIX)/share/nmemu"'
$(PIC_DIR)/%.o: emulator/%.c $(wildcard emulator/*.h regmap/*.h) | deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -fPIC -c -o $@ $<

# the generated register-map tables (regmap/, make regmap)
$(PIC_DIR)/%.o: regmap/%.c $(wildcard regmap/*.h) | deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -fPIC -c -o $@ $<

$(PIC_DIR)/nm_fw.o: firmware/nm_fw.c firmware/nm_fw.h regmap/nm_chipmap.h regmap/nm_regmap.h | deps
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(WARN) $(OPT) -Iregmap -fPIC -ffreestanding -fno-builtin -c -o $@ $<

# the Verilated chip again, its model and runtime compiled -fPIC (verilated.mk adds $(OPT))
$(VCHIPPIC_LIB) $(VCHIPPIC_RT) &: $(RTL_SRC) $(RTL_INC) regmap/nm_chipmap.vh | deps
	@mkdir -p $(VCHIPPIC_DIR)
	$(VERILATOR) --cc --trace-fst -Wall -Irtl -Iregmap --top-module nm_chip --prefix Vnm_chip -O3 \
	    -GMeshX=$(MESH_X) -GMeshY=$(MESH_Y) -Mdir $(VCHIPPIC_DIR) $(RTL_SRC)
	$(MAKE) -s -C $(VCHIPPIC_DIR) -f Vnm_chip.mk OPT=-fPIC OPT_FAST=-O2 OPT_GLOBAL=-O2 OPT_SLOW=-O1 \
	    Vnm_chip__ALL.a verilated.o verilated_threads.o verilated_fst_c.o

$(PIC_DIR)/nm_vchip_shim.o: emulator/nm_vchip_shim.cpp emulator/nm_vchip_shim.h emulator/nm_vmodel.hpp $(VCHIPPIC_LIB)
	@mkdir -p $(@D)
	$(CXX) -std=gnu++17 -O2 -g -fPIC -Wall -Wextra -DNM_VCHIP_MX=$(MESH_X) -DNM_VCHIP_MY=$(MESH_Y) \
	    -I$(VCHIPPIC_DIR) -isystem $(VINC) -isystem $(VINC)/vltstd -c -o $@ $<

# only nm_api.h's functions are exported (emulator/nm_api.map), so the Verilator runtime
# inside cannot clash with another one in the same process
$(LIBNMEMU): $(LIB_OBJS) $(VCHIPPIC_LIB) $(VCHIPPIC_RT) emulator/nm_api.map
	$(CXX) -shared -o $@ -Wl,--version-script=emulator/nm_api.map -Wl,-soname,libnmemu.so \
	    $(sort $(LIB_OBJS)) $(VCHIPPIC_LIB) $(VCHIPPIC_RT) $(JANSSON) -lz -lm -pthread -ldl

# ---------------------------------------------------------------- tests
test-python: $(LIBNMEMU) $(BUILD)/nmemu
	NMEMU_LIB=$(abspath $(LIBNMEMU)) PYTHONPATH=python $(PY) -m unittest discover -s python/tests -v

DIGITS_DIR := $(BUILD)/digits
test-digits: $(LIBNMEMU)
	NMEMU_LIB=$(abspath $(LIBNMEMU)) PYTHONPATH=python $(PY) examples/digits/digits.py --quick \
	    --out $(DIGITS_DIR)/quick

# the whole example: every held-out image on the RTL chip, compared image by image with the
# Python fixed-point reference (DIGITS_BACKEND=check also runs the C model in lockstep: slower)
DIGITS_BACKEND ?= rtl
digits: $(LIBNMEMU)
	NMEMU_LIB=$(abspath $(LIBNMEMU)) PYTHONPATH=python $(PY) examples/digits/digits.py \
	    --backend $(DIGITS_BACKEND) --out $(DIGITS_DIR)

# a few held-out digits classified on the RTL chip in check mode: answers, spikes, accuracy, energy
run-digits: $(LIBNMEMU)
	NMEMU_LIB=$(abspath $(LIBNMEMU)) PYTHONPATH=python $(PY) examples/digits/digits.py --show 10 \
	    --out $(DIGITS_DIR)/show

TEST_EXTRA += test-python test-digits

# ---------------------------------------------------------------- install
# the library into PREFIX/lib, the package into PREFIX/lib/python3/dist-packages (Debian's
# python3 looks there for PREFIX=/usr/local; else set PYTHONPATH, docs/python.md)
PYDIR ?= $(PREFIX)/lib/python3/dist-packages
install: install-python
install-python: $(LIBNMEMU)
	install -d $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PYDIR)/nmemu
	install -m 755 $(LIBNMEMU) $(DESTDIR)$(PREFIX)/lib/libnmemu.so
	install -m 644 emulator/nm_api.h $(DESTDIR)$(PREFIX)/include/nm_api.h
	install -m 644 python/nmemu/*.py $(DESTDIR)$(PYDIR)/nmemu/
