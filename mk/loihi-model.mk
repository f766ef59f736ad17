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
