/* fuzz_spikes.c - libFuzzer target: the spike-program reader on any text. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "nm_load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[] = "/tmp/nmemu-fuzz-XXXXXX", err[256];
    nm_input *in = NULL;
    size_t n = 0, k;
    int fd = mkstemp(path);
    FILE *f;
    if (fd < 0)
        return 0;
    f = fdopen(fd, "wb");
    if (!f) {
        close(fd);
        unlink(path);
        return 0;
    }
    fwrite(data, 1, size, f);
    fclose(f);
    if (nm_inputs_read(path, 4, 4, 256, &in, &n, err, sizeof err) == 0) {
        for (k = 0; k < n; k++)
            if (in[k].x > 3 || in[k].y > 3 || in[k].axon > 255 || (k && in[k].tick < in[k - 1].tick))
                abort();
        free(in);
    }
    unlink(path);
    return 0;
}
