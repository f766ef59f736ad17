// rtl/loihi/nm_loihi_chip.f - the Loihi-style core and chip: sources and include path,
// relative to this file. Lint by hand from anywhere:
// verilator --lint-only -Wall -F rtl/loihi/nm_loihi_chip.f   (make test-lint runs it)
-I../../regmap
--top-module nm_loihi_chip
../nm_fifo.v
../nm_router.v
nm_loihi_weight.v
nm_loihi_cx.v
nm_loihi_inq.v
nm_loihi_core.v
nm_loihi_chip.v
