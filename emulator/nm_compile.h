/* nm_compile.h - the JSON network description (docs/network-format.md) to an image and
 * back. Parsed with jansson. Errors name the JSON path and the rule broken, e.g.
 * "cores[3].neurons[17].alpha: 300000 is outside 0..262143". */
#ifndef NM_COMPILE_H
#define NM_COMPILE_H

#include <stddef.h>
#include <stdio.h>

#include "nm_image.h"

/* Compile a description held in a string (name is used in messages). NULL on error. */
nm_image *nm_compile_string(const char *json, const char *name, char *err, size_t errlen);
nm_image *nm_compile_file(const char *path, char *err, size_t errlen);

/* The description of an image, as a JSON text the caller frees; NULL on no memory.
 * nm_compile_string(nm_decompile(im)) gives back an identical image. */
char *nm_decompile(const nm_image *im);
/* The same description written to f (the image must be held, not streamed): 0, or -1 on
 * no memory or a write error. */
int nm_decompile_write(const nm_image *im, FILE *f);

#endif
