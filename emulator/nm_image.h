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

typedef struct nm_image_core {
    uint32_t prng_seed;
    uint32_t *types;    /* naxons / 16 AXTYPE words */
    uint32_t *xbar;     /* nneurons * naxons / 32 XBAR words, row after row */
    uint32_t *neurons;  /* nneurons * 7 NEURON words */
} nm_image_core;

typedef struct nm_image {
    unsigned mesh_x, mesh_y, naxons, nneurons;
    nm_image_core *cores; /* mesh_x * mesh_y, index y * mesh_x + x; NULL when streamed */
    char *path;           /* the file the cores stream from (nm_image_open), else NULL */
} nm_image;

/* An empty (all-zero words, every delay 1) image; NULL on bad geometry or no memory. */
nm_image *nm_image_new(unsigned mesh_x, unsigned mesh_y, unsigned naxons, unsigned nneurons);
void nm_image_free(nm_image *im);
/* Free the per-core words and keep the geometry (once the image is loaded into a chip). */
void nm_image_release_cores(nm_image *im);

/* Bytes of one core section for this geometry. */
size_t nm_image_section_bytes(unsigned naxons, unsigned nneurons);

/* Parse and validate; on error returns NULL and writes "byte N: what" into err. */
nm_image *nm_image_parse(const uint8_t *buf, size_t len, char *err, size_t errlen);
/* Read a file: errors are prefixed with the path. */
nm_image *nm_image_read(const char *path, char *err, size_t errlen);

/* Open an image for streaming: the header and every core section are checked as
 * nm_image_read does (a bad image is refused whole), but only the geometry is kept
 * (cores is NULL); the sections are read again, one at a time, when the image is loaded
 * (nm_image_stream_*), so a chip is programmed without the whole image in memory. */
nm_image *nm_image_open(const char *path, char *err, size_t errlen);

/* The core sections of an opened image, in index order; each one's magic, coordinates
 * and CRC are checked again (the file may have changed since nm_image_open). _next returns a core valid until the next call, or NULL with
 * "path: byte N: what". */
typedef struct nm_image_stream nm_image_stream;
nm_image_stream *nm_image_stream_open(const nm_image *im, char *err, size_t errlen);
const nm_image_core *nm_image_stream_next(nm_image_stream *st, char *err, size_t errlen);
void nm_image_stream_close(nm_image_stream *st);

/* Serialize into a new buffer (caller frees); NULL on no memory or an invalid image. */
uint8_t *nm_image_serialize(const nm_image *im, size_t *len, char *err, size_t errlen);
/* Write atomically (temporary name, then rename). 0 on success. */
int nm_image_write(const nm_image *im, const char *path, char *err, size_t errlen);

#endif
