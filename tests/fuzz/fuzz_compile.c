/* fuzz_compile.c - libFuzzer target: the JSON compiler must refuse or accept any text
 * without crashing; what it accepts must survive decompile + compile unchanged. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nm_compile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[512], *text = malloc(size + 1), *back;
    nm_image *a, *b;
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = 0;
    a = nm_compile_string(text, "fuzz", err, sizeof err);
    free(text);
    if (!a)
        return 0;
    if (a->mesh_x * a->mesh_y <= 4) { /* keep each run short */
        size_t la, lb;
        uint8_t *sa, *sb;
        back = nm_decompile(a);
        b = back ? nm_compile_string(back, "decompiled", err, sizeof err) : NULL;
        sa = nm_image_serialize(a, &la, err, sizeof err);
        sb = b ? nm_image_serialize(b, &lb, err, sizeof err) : NULL;
        if (!b || !sa || !sb || la != lb || memcmp(sa, sb, la))
            abort();
        free(back);
        free(sa);
        free(sb);
        nm_image_free(b);
    }
    nm_image_free(a);
    return 0;
}
