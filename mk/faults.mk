# mk/faults.mk - fault injection (docs/faults.md): `nmemu run --faults PLAN.json` and the
# `nmemu faults` campaign; their objects join nmemu's link line, their test joins make test.
NM_FAULTS_OBJS := $(BUILD)/obj/nm_faults.o $(BUILD)/obj/nm_cmd_faults.o
$(BUILD)/nmemu: $(NM_FAULTS_OBJS)
# and so do the assertion and coverage builds of nmemu (mk/verif.mk)
$(BUILD)/nmemu-assert $(BUILD)/cov/nmemu: $(NM_FAULTS_OBJS)

.PHONY: test-faults
TEST_EXTRA += test-faults
test-faults: $(BUILD)/nmemu
	tests/check-faults $(BUILD)/nmemu

# make test-long (not make test): a larger campaign on examples/routing (hundreds of
# packets a tick), 2,000 faults of 100 ticks, identical on 1 and 2 threads.
.PHONY: test-long-faults
test-long: test-long-faults
test-long-faults: $(BUILD)/nmemu
	@mkdir -p $(BUILD)/faults-long
	$(BUILD)/nmemu compile examples/routing/net.json -o $(BUILD)/faults-long/routing.nmi
	for j in 1 2; do \
	    $(BUILD)/nmemu faults $(BUILD)/faults-long/routing.nmi --input examples/routing/input.csv \
	        --n 2000 --seed 16 --ticks 100 --threads $$j --list $(BUILD)/faults-long/list$$j.csv \
	        >$(BUILD)/faults-long/table$$j.txt || exit 1; \
	done
	cmp $(BUILD)/faults-long/list1.csv $(BUILD)/faults-long/list2.csv
	cmp $(BUILD)/faults-long/table1.txt $(BUILD)/faults-long/table2.txt
	cat $(BUILD)/faults-long/table1.txt
