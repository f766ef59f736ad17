/* nm_import.h - `nmemu import nir|ranc ...`: the import subcommand (docs/import.md). */
#ifndef NM_IMPORT_H
#define NM_IMPORT_H

/* argv[0] is "nir" or "ranc". Returns the nmemu exit status (0, 2 usage, 3 bad input). */
int nm_cmd_import(int argc, char **argv);

#endif
