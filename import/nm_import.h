/* nm_import.h - `nmemu import nir|ranc ...`: the import subcommand (docs/import.md). */
#ifndef NM_IMPORT_H
#define NM_IMPORT_H

#include "nm_opts.h"

/* The command as nmemu's command table lists it, and its two forms. */
extern const nm_cmd_spec nm_import_spec, nm_import_nir_spec, nm_import_ranc_spec;

/* argv[0] is "import", argv[1] "nir" or "ranc". Returns an NM_EXIT_* status. */
int nm_cmd_import(int argc, char **argv);

#endif
