// rtl/nm_chip.f - the TrueNorth-style core and chip: sources and include path, relative to
// this file. Lint by hand from anywhere: verilator --lint-only -Wall -F rtl/nm_chip.f
// (add --top-module nm_core for the core alone). make test-lint runs exactly that.
-I../regmap
--top-module nm_chip
nm_fifo.v
nm_icg.v
nm_router.v
nm_core.v
nm_chip.v
