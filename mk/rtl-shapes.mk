# mk/rtl-shapes.mk - the Verilated chip in any shape (docs/chip.md section 8):
#   nmemu run --backend rtl|check builds the model of an image's shape (mesh and core
#   geometry) on first use into $(BUILD)/rtl-shapes/ and reuses it afterwards
#   (tools/build-rtl-shape, loaded with dlopen by emulator/nm_rtl_shapes.c)
#   make rtl-shapes SHAPES="3x5 8x8-64x32"   build shapes ahead (MXxMY[-AxN], 256x256 default)
#   make rtl-shapes SHAPES="loihi-4x2-small"  a chip of Loihi-style cores (loihi-MXxMY-GEO, GEO small,
#                                             default or c16-a16-o32-s256-d8-p4-t2-f4-q16; docs/loihi-chip.md)
#   make rtl-shapes SHAPES="loihi-core-default" a lone Loihi-style core for nmemu run --rtl-cores
#                                             (loihi-core-GEO, the same GEO; docs/loihi-chip.md)
#   make test-rtl-shapes   an odd mesh (3x5) on the rtl and check backends (part of make test)

.PHONY: rtl-shapes test-rtl-shapes
TEST_EXTRA += test-rtl-shapes

SHAPES          ?= 3x5
RTL_SHAPE_CACHE := $(CURDIR)/$(BUILD)/rtl-shapes

# where nmemu finds the sources and its cache (NMEMU_SRCDIR, NMEMU_RTL_CACHE override)
$(BUILD)/obj/nm_rtl_shapes.o: CFLAGS_ALL += -DNM_SRCDIR='"$(CURDIR)"' -DNM_RTL_CACHE='"$(RTL_SHAPE_CACHE)"'

rtl-shapes: | deps
	@for s in $(SHAPES); do \
	    case $$s in loihi-*) tools/build-rtl-shape $(CURDIR) $(RTL_SHAPE_CACHE) $$s || exit 1; \
	        echo "rtl-shapes: $$s ready in $(RTL_SHAPE_CACHE)"; continue;; esac; \
	    mesh=$${s%%-*}; geo=$${s#*-}; [ "$$geo" = "$$s" ] && geo=256x256; \
	    tools/build-rtl-shape $(CURDIR) $(RTL_SHAPE_CACHE) $$mesh $$geo || exit 1; \
	    echo "rtl-shapes: $$mesh-$$geo ready in $(RTL_SHAPE_CACHE)"; \
	done

test-rtl-shapes: $(BUILD)/nmemu | deps
	tests/check-rtl-shapes $(BUILD)/nmemu
