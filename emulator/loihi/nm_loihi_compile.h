/* nm_loihi_compile.h - the JSON description of a chip of Loihi-style cores (Loihi-native names:
 * du/decayU, dv/decayV, vth_mant, refract_delay, bias_mant, bias_exp, weight_bits, sign_mode,
 * wgt_exp, delay) compiled into a Loihi image. docs/loihi-network-format.md is the format.
 * Every error names the file, the JSON path and the rule; nothing is returned half built. */
#ifndef NM_LOIHI_COMPILE_H
#define NM_LOIHI_COMPILE_H

#include <stddef.h>

#include "nm_loihi_image.h"

/* 1 if the JSON text is an object whose "core_type" is "loihi" (how nmemu compile dispatches). */
int nm_loihi_json_is_loihi(const char *text);
/* The same for a file; 0 if unreadable or not JSON. */
int nm_loihi_json_file_is_loihi(const char *path);

/* Compile JSON text (`what` names it in errors). NULL on error. */
nm_loihi_image *nm_loihi_compile_text(const char *text, const char *what, char *err, size_t errlen);
nm_loihi_image *nm_loihi_compile_file(const char *path, char *err, size_t errlen);

/* The description (JSON text, malloc'd) that nm_loihi_compile_text turns back into the same
 * image, byte for byte. An image whose words the description cannot express (tables not laid
 * out as the compiler lays them, a refractory count in the image, a synapse on a compartment
 * beyond NCOMP, ...) gives NULL and names the core, the word and why in err. */
char *nm_loihi_decompile(const nm_loihi_image *im, char *err, size_t errlen);

#endif
