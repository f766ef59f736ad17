/* nm_loihi_image.h - network images (.nmi, version 1.1, core type 1) of chips of Loihi-style
 * cores: docs/image-format.md, "Loihi images".
 *
 * Same container as the TrueNorth images (magic, header CRC, one CRC'd section per core);
 * version 1.1 carries the core type in the header's flags. A Loihi image holds, per core,
 * every configuration word of docs/loihi-register-map.md in a fixed order, so loading one is
 * writing those words through the config port. The reader validates every field (reserved
 * bits included) and names the byte offset of the first problem; it never returns a half
 * loaded image. The writer writes to a temporary name and renames.
 */
#ifndef NM_LOIHI_IMAGE_H
#define NM_LOIHI_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "nm_loihi_chip.h"

#define NM_LOIHI_IMAGE_CORE_TYPE 1u   /* header flags, bits 7:0 */
#define NM_LOIHI_IMAGE_HEADER_BYTES 48u /* 32-byte header + 16-byte geometry block */

typedef struct nm_loihi_image {
    unsigned mesh_x, mesh_y;
    nm_loihi_geom g;
    uint32_t **words; /* per core (index y * mesh_x + x): nm_loihi_image_nwords(&g) words */
    char *prov;       /* provenance, "key=value\n" lines (NULL: none; docs/image-format.md) */
} nm_loihi_image;

/* The optional provenance section after the core sections: "PROV", u32 text bytes N, the
 * text, zero padding to 4 bytes, CRC-32 of all before it. The text is lines "key=value\n":
 * keys 1..63 of [a-z0-9_.-], values up to 1023 printable bytes (no control characters),
 * at most NM_LOIHI_PROV_MAX bytes in all. */
#define NM_LOIHI_PROV_MAX 16384u /* = NM_PROV_MAX, emulator/nm_prov.h */
/* 0 if text is valid provenance; else -1 and why (naming the line) in err. */
int nm_loihi_prov_check(const char *text, size_t len, char *err, size_t errlen);
/* Replace the image's provenance with a copy of text (NULL or "" removes it); checked. */
int nm_loihi_image_set_prov(nm_loihi_image *im, const char *text, char *err, size_t errlen);
/* The number of cores the image configures: NUPD > 0 or an input axon with synapses. */
unsigned nm_loihi_image_cores_used(const nm_loihi_image *im);

/* Where each table starts in a core's words (section order). */
typedef struct nm_loihi_image_layout {
    size_t nupd, dprof, tprof, synfmt, cx, inaxon, syn, axmap, nwords;
} nm_loihi_image_layout;
#define NM_LOIHI_IMAGE_CX_WORDS 5u /* CFG, AXMAP, U, V, REF per compartment */

void nm_loihi_image_layout_of(const nm_loihi_geom *g, nm_loihi_image_layout *l);
size_t nm_loihi_image_section_bytes(const nm_loihi_geom *g);

/* An image of reset values (NUPD 0xFFFF, SYNFMT NBITS_M1 7, the rest 0); NULL on a bad
 * mesh (1 .. 64 each way) or geometry (msg) or no memory. */
nm_loihi_image *nm_loihi_image_new(unsigned mesh_x, unsigned mesh_y, const nm_loihi_geom *g, char *msg, size_t len);
void nm_loihi_image_free(nm_loihi_image *im);

/* 1 if buf starts like a version 1.1 image of core type 1 (enough to dispatch on). */
int nm_loihi_image_sniff(const uint8_t *buf, size_t len);
/* The same for a file (reads its first 32 bytes); 0 if unreadable. */
int nm_loihi_image_sniff_file(const char *path);

nm_loihi_image *nm_loihi_image_parse(const uint8_t *buf, size_t len, char *err, size_t errlen);
nm_loihi_image *nm_loihi_image_read(const char *path, char *err, size_t errlen);
uint8_t *nm_loihi_image_serialize(const nm_loihi_image *im, size_t *len, char *err, size_t errlen);
int nm_loihi_image_write(const nm_loihi_image *im, const char *path, char *err, size_t errlen);

/* The config address of word i of a core's words (layout order). */
uint32_t nm_loihi_image_word_addr(const nm_loihi_image_layout *l, size_t i);

/* A chip with the image's mesh and geometry, every word written through the config port. */
nm_loihi_chip *nm_loihi_image_load(const nm_loihi_image *im, char *err, size_t errlen);

#endif
