# mk/import-loihi.mk - the NIR importer's Loihi-mode lowering (import/nm_lower_loihi.c,
# docs/import.md section 9) and its tests (make test-import-loihi, part of make test).

# the importer includes the Loihi compiler's header (it compiles what it lowers)
$(BUILD)/iobj/%.o: CFLAGS_ALL += -Iemulator/loihi
