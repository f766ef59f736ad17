/* fuzz_image.c - libFuzzer target: the image reader must refuse or accept any bytes
 * without crashing, and what it accepts must serialize back to the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nm_image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    nm_image *im = nm_image_parse(data, size, err, sizeof err);
    if (im) {
        size_t len = 0;
        uint8_t *b = nm_image_serialize(im, &len, err, sizeof err);
        if (!b || len != size || memcmp(b, data, size))
            abort();
        free(b);
        nm_image_free(im);
    }
    return 0;
}
