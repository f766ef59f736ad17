/* nm_image.h - network images (.nmi): docs/image-format.md.
 *
 * An image holds every word a chip needs, exactly as the register map lays them out.
 * The reader validates every field and reports the byte offset of the first problem;
 * it never returns a half-loaded image. The writer writes to a temporary name and
 * renames, so no half-written file is ever left.
 */
#ifndef NM_IMAGE_H
#define NM_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#define NM_IMAGE_VERSION_MAJOR 1u
#define NM_IMAGE_VERSION_MINOR 0u     /* what the writer writes for TrueNorth-style cores */
#define NM_IMAGE_VERSION_MINOR_MAX 1u /* the reader accepts 1.0 and 1.1 (core type 0) */
#define NM_IMAGE_HEADER_BYTES 32u
/* header flags bit 8: a board section (NM_IMAGE_BOARD_BYTES) follows the header (bits 7:0
 * are the core type of version 1.1, docs/image-format.md) */
#define NM_IMAGE_FLAG_BOARD 0x100u
#define NM_IMAGE_BOARD_BYTES 16u
#define NM_IMAGE_MAX_BOARD 64u

typedef struct nm_image_core {
    uint32_t prng_seed;
    uint32_t *types;    /* naxons / 16 AXTYPE words */
    uint32_t *xbar;     /* nneurons * naxons / 32 XBAR words, row after row */
    uint32_t *neurons;  /* nneurons * 7 NEURON words */
} nm_image_core;

/* A board of board_x x board_y chips, each a mesh_x x mesh_y mesh (docs/image-format.md
 * s"Boards"). A plain chip image is a 1 x 1 board. The cores of chip c (index
 * cy * board_x + cx) are nm_image_chip(im, c): either every chip has its own cores
 * (chip_images = board_x * board_y) or one chip is repeated (chip_images = 1). */
typedef struct nm_image {
    unsigned mesh_x, mesh_y, naxons, nneurons;
    /* chip_images * mesh_x * mesh_y; chip after chip, index y * mesh_x + x; NULL when the
     * image is streamed (nm_image_open) */
    nm_image_core *cores;
    unsigned board_x, board_y, chip_images;
    char *path;               /* the file the cores stream from (nm_image_open), else NULL */
    unsigned open_lo, open_hi; /* the chip images nm_image_open checked, which may be streamed */
    size_t sections_at;        /* file offset of the first core section (nm_image_open) */
    char *prov; /* provenance, "key=value\n" lines (NULL: none; docs/image-format.md, "Provenance") */
} nm_image;

/* An empty (all-zero words, every delay 1) image; NULL on bad geometry or no memory. */
nm_image *nm_image_new(unsigned mesh_x, unsigned mesh_y, unsigned naxons, unsigned nneurons);
void nm_image_free(nm_image *im);
/* An empty board image: bx x by chips (1..64 each), repeat != 0 for one chip repeated. */
nm_image *nm_image_new_board(unsigned mesh_x, unsigned mesh_y, unsigned naxons, unsigned nneurons, unsigned bx,
                             unsigned by, int repeat);
/* The cores of chip `chip` (cy * board_x + cx), mesh_x * mesh_y of them; NULL when the
 * image is streamed (nm_image_open). */
nm_image_core *nm_image_chip(const nm_image *im, unsigned chip);
/* 1 when the image describes more than one chip. */
int nm_image_is_board(const nm_image *im);
/* Free the per-core words and keep the geometry (once the image is loaded into a chip). */
void nm_image_release_cores(nm_image *im);

/* Bytes of one core section for this geometry. */
size_t nm_image_section_bytes(unsigned naxons, unsigned nneurons);

/* Parse and validate; on error returns NULL and writes "byte N: what" into err. */
nm_image *nm_image_parse(const uint8_t *buf, size_t len, char *err, size_t errlen);
/* Read a file: errors are prefixed with the path. */
nm_image *nm_image_read(const char *path, char *err, size_t errlen);

/* As nm_image_read, but only the core words of chip images first .. first + count - 1
 * are read and checked (the others keep NULL words; header, board section and file
 * size are always checked): for a process that runs some of a board's chips. */
nm_image *nm_image_read_chips(const char *path, unsigned first, unsigned count, char *err, size_t errlen);

/* Open an image for streaming: the header, the board section and every core section are
 * checked as nm_image_read does (a bad image is refused whole), but only the geometry is
 * kept (cores is NULL); the sections are read again, one at a time, when the image is
 * loaded (nm_image_load, nm_image_load_chip, nm_image_stream_*), so a chip is programmed
 * without the whole image in memory. A file that is not a regular one (a pipe) is read
 * whole instead, as nm_image_read does (cores then not NULL). */
nm_image *nm_image_open(const char *path, char *err, size_t errlen);
/* The same, checking only chip images first .. first + count - 1 (as nm_image_read_chips):
 * only those may be streamed then. count 0 checks the header and board section only. */
nm_image *nm_image_open_chips(const char *path, unsigned first, unsigned count, char *err, size_t errlen);

/* The core sections of chip `chip` (cy * board_x + cx; its chip image, the one image when
 * chip_images is 1) of an opened image, in index order; each one's magic, coordinates
 * and CRC are checked again (the file may have changed since nm_image_open). _next
 * returns a core valid until the next call, or NULL with "path: byte N: what". */
typedef struct nm_image_stream nm_image_stream;
nm_image_stream *nm_image_stream_open(const nm_image *im, unsigned chip, char *err, size_t errlen);
const nm_image_core *nm_image_stream_next(nm_image_stream *st, char *err, size_t errlen);
void nm_image_stream_close(nm_image_stream *st);

/* Serialize into a new buffer (caller frees); NULL on no memory or an invalid image. */
uint8_t *nm_image_serialize(const nm_image *im, size_t *len, char *err, size_t errlen);
/* Write atomically (temporary name, then rename). 0 on success. */
int nm_image_write(const nm_image *im, const char *path, char *err, size_t errlen);

#endif
