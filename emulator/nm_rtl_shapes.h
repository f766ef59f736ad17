/* nm_rtl_shapes.h - the Verilated chip in any shape: built on demand, cached, loaded.
 *
 * A shape is a mesh (mesh_x x mesh_y) and a core geometry (naxons x nneurons). The
 * 4 x 4 mesh of 256 x 256 cores is linked into the programs; any other shape is a
 * shared library built once by tools/build-rtl-shape (Verilator, then g++) into the
 * cache directory and loaded with dlopen. docs/chip.md section 8.
 *
 * Where things are: the sources (rtl/, tools/build-rtl-shape) in $NMEMU_SRCDIR, else
 * the source tree nmemu was built from; the cache in $NMEMU_RTL_CACHE, else
 * build/rtl-shapes of that tree. */
#ifndef NM_RTL_SHAPES_H
#define NM_RTL_SHAPES_H

#include <stddef.h>

#include "nm_vchip_shim.h"

/* The largest mesh the RTL backend accepts (docs/chip.md section 8): the Verilated
 * model's code grows with the number of cores, and so do its build time and memory. */
#define NM_RTL_SHAPE_MAX_CORES 256u

/* 0 when the RTL backend can have this shape, else -1 and why. */
int nm_rtl_shape_check(unsigned mesh_x, unsigned mesh_y, unsigned naxons, unsigned nneurons, char *err,
                       size_t errlen);

/* The build for this shape: the linked one when it matches, else the cached library,
 * built first if missing or older than the sources (tools/build-rtl-shape says so on
 * stderr while it builds). NULL with a message on failure. */
const nm_vchip_api *nm_rtl_shape_get(unsigned mesh_x, unsigned mesh_y, unsigned naxons, unsigned nneurons,
                                     char *err, size_t errlen);

/* The shapes available: the linked one, then every library in the cache, as
 * "4x4-256x256 (linked), 3x5-256x256, ..." in buf. */
void nm_rtl_shape_list(char *buf, size_t len);

/* 1 when the shape is linked or its library is in the cache (it may still be rebuilt
 * if the sources changed since). */
int nm_rtl_shape_built(unsigned mesh_x, unsigned mesh_y, unsigned naxons, unsigned nneurons);

/* The cache directory in use. */
const char *nm_rtl_shape_cache(void);

#endif
