/* nm_ranc.h - import a RANC network (UA-RCL/RANC memory files: csram_NNN.mem, tc_NNN.mem,
 * tb_input.txt with tb_num_inputs.txt) as a TrueNorth-mode image and a spike program.
 * Every semantic difference and its mapping: docs/import.md, section "RANC". */
#ifndef NM_RANC_H
#define NM_RANC_H

#include <stddef.h>

#include "nm_image.h"
#include "nm_load.h"

typedef struct nm_ranc_opts {
    unsigned grid_x, grid_y;        /* RANC's GRID_DIMENSION_X, _Y */
    int out_x, out_y;               /* the output bus slot (OUTPUT_CORE_X/Y), -1 for none */
} nm_ranc_opts;

typedef struct nm_ranc_net {
    nm_image *im;
    nm_input *in;                   /* from tb_input.txt, sorted by tick; NULL when absent */
    size_t nin;
    unsigned naxons, nneurons, cores_read, to_output_bus;
} nm_ranc_net;

/* Read the directory. 0, or -1 with "file:line: what" (nothing returned half-read). */
int nm_ranc_read(const char *dir, const nm_ranc_opts *o, nm_ranc_net *out, char *err, size_t errlen);
void nm_ranc_free(nm_ranc_net *n);

#endif
