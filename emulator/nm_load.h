/* nm_load.h - put an image into a chip backend, and read spike programs. */
#ifndef NM_LOAD_H
#define NM_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include "nm_chip_if.h"
#include "nm_image.h"

/* Program every core of the chip with the image, through the firmware driver.
 * The geometries must match. 0, or -1 with a message. */
int nm_image_load(const nm_image *im, const nm_chip_backend *b, char *err, size_t errlen);

/* One host input spike: axon `axon` of core (x, y) is active in tick `tick`. */
typedef struct nm_input {
    uint32_t tick;
    uint16_t x, y, axon;
} nm_input;

/* Read a spike program: the binary form when the file starts with "NMSP", else
 * `tick,x,y,axon` lines ('#' starts a comment; blank lines allowed), checking each
 * value against the chip; sorted by tick (stable within a tick is not promised).
 * 0, or -1 with "path:line: what". The caller frees *out. */
int nm_inputs_read(const char *path, unsigned mesh_x, unsigned mesh_y, unsigned naxons, nm_input **out,
                   size_t *n, char *err, size_t errlen);

/* Write spikes in the binary form (docs/network-format.md), atomically. */
int nm_inputs_write_binary(const char *path, const nm_input *in, size_t n, char *err, size_t errlen);

#endif
