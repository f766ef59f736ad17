/* nm_output.h - output files that never destroy anything: written under a temporary
 * name and renamed onto the final one only when complete (docs/nmemu.1, OUTPUTS). */
#ifndef NM_OUTPUT_H
#define NM_OUTPUT_H

#include <stddef.h>
#include <stdio.h>

typedef struct nm_out {
    FILE *f;             /* NULL when no output was asked for */
    char path[4096];     /* the name the user gave */
    char tmp[4200];      /* the temporary name written, "" when written directly */
} nm_out;

/* Open `path` for writing (path NULL: no output, o->f NULL, returns 0). 0, or -1 with
 * a message naming the file. */
int nm_out_open(nm_out *o, const char *path, char *err, size_t errlen);

/* Finish: keep != 0 puts the complete file in place, keep == 0 throws it away. 0, or -1
 * with a message when the file could not be written (nothing is left behind then). */
int nm_out_close(nm_out *o, int keep, char *err, size_t errlen);

#endif
