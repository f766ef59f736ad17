# mk/loihi-verif.mk - the Loihi-style chip at any shape and its RTL assertions (docs/loihi-chip.md):
#   make test-lassert        NM_ASSERT in rtl/loihi: lint, a clean run, bad stimuli and planted
#                            bugs each firing their assertion (Icarus, tests/rtl/tb_lchip_assert.v;
#                            part of make test, about 20 s)
#   make test-lshapes        the shape key, the build command and the error when Verilator is
#                            missing, without building (part of make test, a few seconds)
#   make test-long-lshapes   a Loihi image of a 4 x 2 mesh (not the linked 3 x 2) built on demand
#                            and run on --backend check and rtl (part of make test-long)
#   make test-lrtl-cores     nmemu run --rtl-cores --check on Loihi images (part of make test)
#   make rtl-shapes SHAPES=loihi-4x2-small   builds a Loihi shape ahead (mk/rtl-shapes.mk)

.PHONY: test-lassert test-lshapes test-long-lshapes test-lrtl-cores
TEST_EXTRA += test-lassert test-lshapes test-lrtl-cores

test-lassert: | deps
	tests/loihi/check-lassert $(BUILD)

test-lshapes: $(BUILD)/nmemu
	tests/loihi/check-lshapes $(BUILD)/nmemu

test-long: test-long-lshapes
test-long-lshapes: $(BUILD)/nmemu
	tests/loihi/check-lshapes $(BUILD)/nmemu --build

# nmemu run --rtl-cores on Loihi images: the Verilated Loihi core (mk/loihi-rtl.mk, the small
# geometry) is linked into nmemu; its Verilator runtime is the TrueNorth chip's (linked once)
LOIHI_NMEMU_OBJS += $(BUILD)/lobj/nm_loihi_rtl.o $(VLOIHI_DIR)/nm_vloihi_shim.o $(VLOIHI_LIB)

test-lrtl-cores: $(BUILD)/nmemu
	tests/loihi/check-lrtl-cores $(BUILD)/nmemu
