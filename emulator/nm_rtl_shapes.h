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

#include "loihi/nm_loihi_if.h"
#include "loihi/nm_vlchip_shim.h"
#include "loihi/nm_vloihi_shim.h"
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

/* Chips of Loihi-style cores (rtl/loihi/nm_loihi_chip.v, docs/loihi-chip.md): a shape is a
 * mesh and the nine core parameters of nm_loihi_geom. The linked build (3 x 2 small cores,
 * input queues of 4096) serves every image whose geometry equals its own (queue no deeper)
 * and whose mesh fits in it; any other shape is a library libnmvlchip.so in the cache
 * directory nm_rtl_lshape_key names, built by tools/build-rtl-shape KEY. */

/* The shape's key and cache directory name:
 * "loihi-MXxMY-cNCOMP-aNAXIN-oNAXOUT-sNSYN-dNDSLOT-pNDPROF-tNTPROF-fNSYNFMT-qINQ". */
void nm_rtl_lshape_key(unsigned mesh_x, unsigned mesh_y, const nm_loihi_geom *g, char *buf, size_t len);
/* 0 when the RTL backend can have this shape (at most NM_RTL_SHAPE_MAX_CORES cores, a
 * geometry nm_loihi_geom_check accepts), else -1 and why. */
int nm_rtl_lshape_check(unsigned mesh_x, unsigned mesh_y, const nm_loihi_geom *g, char *err, size_t errlen);
/* 1 when an image of this shape runs on the linked build. */
int nm_rtl_lshape_fits_linked(unsigned mesh_x, unsigned mesh_y, const nm_loihi_geom *g);
/* The build for an image of this shape: the linked one when the image fits in it, else the
 * cached library, built first if missing or older than the sources. NULL with a message. */
const nm_vlchip_api *nm_rtl_lshape_get(unsigned mesh_x, unsigned mesh_y, const nm_loihi_geom *g, char *err,
                                       size_t errlen);
/* 1 when nm_rtl_lshape_get would not need to build. */
int nm_rtl_lshape_built(unsigned mesh_x, unsigned mesh_y, const nm_loihi_geom *g);
/* "loihi-3x2-... (linked), loihi-4x2-..., ..." */
void nm_rtl_lshape_list(char *buf, size_t len);

/* Lone Loihi-style cores (rtl/loihi/nm_loihi_core.v) for nmemu run --rtl-cores on Loihi images
 * (docs/loihi-chip.md): a geometry is the nine core parameters. The linked build (small
 * geometry, mk/loihi-rtl.mk) serves images of exactly its geometry; any other is a library
 * libnmvloihi.so in the cache directory nm_rtl_lcore_key names, built by
 * tools/build-rtl-shape KEY, reused afterwards, rebuilt when the sources change. */

/* "loihi-core-cNCOMP-aNAXIN-oNAXOUT-sNSYN-dNDSLOT-pNDPROF-tNTPROF-fNSYNFMT-qINQ" */
void nm_rtl_lcore_key(const nm_loihi_geom *g, char *buf, size_t len);
/* 0 when the RTL core can have this geometry (nm_loihi_geom_check), else -1 and why, naming it. */
int nm_rtl_lcore_check(const nm_loihi_geom *g, char *err, size_t errlen);
/* 1 when the linked build has this geometry. */
int nm_rtl_lcore_fits_linked(const nm_loihi_geom *g);
/* The build for this geometry: the linked one, else the cached library, built first if missing
 * or older than the sources. NULL with a message (a failed build names its log). */
const nm_vloihi_api *nm_rtl_lcore_get(const nm_loihi_geom *g, char *err, size_t errlen);
/* 1 when nm_rtl_lcore_get would not need to build. */
int nm_rtl_lcore_built(const nm_loihi_geom *g);
/* "loihi-core-c16-... (linked), loihi-core-c64-..., ..." */
void nm_rtl_lcore_list(char *buf, size_t len);

/* The SystemC flavour (nmemu-sc, docs/systemc.md): the chip of a shape Verilated with --sc and
 * wrapped as a SystemC module (systemc/nm_sc_chip_rtl.cpp, nm_sc_lchip_rtl.cpp), a library
 * CACHE/sc-KEY/libnmsc.so built by tools/build-rtl-shape sc-KEY when missing or older than
 * the sources. KEY is "MXxMY-AxN" for a TrueNorth-style chip, nm_rtl_lshape_key's for a chip
 * of Loihi-style cores; check the shape first (nm_rtl_shape_check, nm_rtl_lshape_check).
 * 0 with the library's path in lib, or -1 and why. Built with NM_NO_LINKED_VCHIP and
 * NM_NO_LINKED_VLCHIP, this file needs neither linked C-harness chip. */
int nm_rtl_shape_sc_lib(const char *key, char *lib, size_t liblen, char *err, size_t errlen);

#endif
