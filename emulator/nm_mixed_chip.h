/* nm_mixed_chip.h - the reference chip with chosen cores run as Verilated RTL cores (nmemu run --rtl-cores).
 *
 * The whole chip runs in the model (nm_ref_chip); each chosen core also runs as a
 * Verilated nm_core (nm_rtl_core) that receives, before every tick, the packets the
 * model's routing delivered to that core (through the RTL core's packet input), ticks
 * inside the model's tick, and whose spikes and packets replace the model core's: the
 * rest of the chip sees the RTL core's output. With check, each RTL core is compared
 * with the model's copy of itself after every tick (spikes, packets, cycles, every V).
 * docs/verification.md section 4. */
#ifndef NM_MIXED_CHIP_H
#define NM_MIXED_CHIP_H

#include <stddef.h>
#include <stdint.h>

#include "nm_chip_if.h"
#include "nm_ref_chip.h"

typedef struct nm_mixed_chip nm_mixed_chip;

/* Parse --rtl-cores: "X,Y[;X,Y...]" (cores) or "X0,Y0:X1,Y1" (the rectangle with these
 * corners, inclusive) on a mesh_x x mesh_y chip, into cores[y * mesh_x + x] = 1
 * (cores: mesh_x * mesh_y bytes, cleared first). The count, or -1 with a message. */
int nm_mixed_chip_parse(const char *spec, unsigned mesh_x, unsigned mesh_y, uint8_t *cores, char *err,
                        size_t errlen);

/* Wrap ref (taken over: freed with the mixed chip). The RTL core is the linked
 * 256 x 256 build, so the chip's cores must be 256 x 256. NULL with a message. */
nm_mixed_chip *nm_mixed_chip_new(nm_ref_chip *ref, unsigned mesh_x, unsigned mesh_y, unsigned naxons,
                                 unsigned nneurons, const uint8_t *cores, int check, char *err, size_t errlen);
void nm_mixed_chip_free(nm_mixed_chip *m);
/* The chip backend ("ref"): APB writes go to the model and to the RTL copies of the
 * chosen cores; reads of a chosen core's space come from its RTL core. */
void nm_mixed_chip_backend(nm_chip_backend *b, nm_mixed_chip *m);
/* After a failed call: the first divergence ("tick T, core (x, y), neuron N: V: ref=.. rtl=..")
 * or the RTL error; "" when none. */
const char *nm_mixed_chip_error(const nm_mixed_chip *m);
/* RTL cores, and their RTL cycles summed over cores and ticks. */
unsigned nm_mixed_chip_count(const nm_mixed_chip *m);
uint64_t nm_mixed_chip_rtl_cycles(const nm_mixed_chip *m);

#endif
