# mk/faults.mk - fault injection (docs/faults.md): `nmemu run --faults PLAN.json` and the
# `nmemu faults` campaign; their objects join nmemu's link line, their test joins make test.
NM_FAULTS_OBJS := $(BUILD)/obj/nm_faults.o $(BUILD)/obj/nm_cmd_faults.o
$(BUILD)/nmemu: $(NM_FAULTS_OBJS)

.PHONY: test-faults
TEST_EXTRA += test-faults
test-faults: $(BUILD)/nmemu
	tests/check-faults $(BUILD)/nmemu
