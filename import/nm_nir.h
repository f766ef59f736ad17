/* nm_nir.h - read a NIR file (HDF5, neuromorphs/NIR layout) into the import graph IR. */
#ifndef NM_NIR_H
#define NM_NIR_H

#include <stddef.h>

#include "nm_graph.h"

/* Read, validate and flatten; shapes inferred. NULL with a message naming the file, the
 * HDF5 path and the rule on any problem; nothing half-read is returned. */
nm_graph *nm_nir_read(const char *path, char *err, size_t errlen);

#endif
