/* nm_load.h - put an image into a chip backend, and read spike programs. */
#ifndef NM_LOAD_H
#define NM_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include "../firmware/nm_fw.h"
#include "nm_chip_if.h"
#include "nm_image.h"

/* The firmware's bus on a chip backend's APB port (b must outlive the bus). */
nm_fw_bus nm_chip_fw_bus(const nm_chip_backend *b);

/* Program every core of the chip with the image, through the firmware driver.
 * The geometries must match. 0, or -1 with a message. */
int nm_image_load(const nm_image *im, const nm_chip_backend *b, char *err, size_t errlen);

/* One host input spike: axon `axon` of core (x, y) is active in tick `tick`. */
typedef struct nm_input {
    uint32_t tick;
    uint16_t x, y, axon;
} nm_input;

/* The host packet that makes input spike `in` land for its tick: sent before the tick,
 * with delay 1 (docs/chip.md section 2). */
nm_pkt nm_input_packet(const nm_input *in);

/* Read a spike program: the binary form when the file starts with "NMSP", else
 * `tick,x,y,axon` lines of any length ('#' starts a comment; blank lines allowed; a
 * header line "tick,x,y,axon" or "tick,x,y,neuron", as `nmemu run --spikes` writes, may
 * come before the first spike), checking each value against the chip; sorted by tick
 * (stable within a tick is not promised).
 * 0, or -1 with "path:line: what". The caller frees *out. */
int nm_inputs_read(const char *path, unsigned mesh_x, unsigned mesh_y, unsigned naxons, nm_input **out,
                   size_t *n, char *err, size_t errlen);

/* Write spikes in the binary form (docs/network-format.md), atomically. */
int nm_inputs_write_binary(const char *path, const nm_input *in, size_t n, char *err, size_t errlen);

#endif
