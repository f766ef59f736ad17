/* nm_output.h - output files that never destroy anything (docs/nmemu.1, OUTPUTS).
 *
 * Every file nmemu writes goes through this module:
 *  - a regular file (or a name that does not exist yet) is written under a unique
 *    temporary name in the same directory (".nmemu-PID-N-NAME", created with O_EXCL) and
 *    renamed onto its name only when complete; on an error, and on SIGINT, SIGTERM or
 *    SIGHUP (nm_out_catch_signals), the temporary file is removed and the old file, if
 *    any, is left as it was;
 *  - "-" is standard output; a device, FIFO or socket is opened and written directly,
 *    never renamed over or removed;
 *  - a symbolic link is followed: the file it points to is written (by the rules above)
 *    and the link stays a link;
 *  - a directory is refused.
 * nm_out_check_distinct refuses, before anything runs, an output that is the same file
 * as an input or as another output (character devices such as /dev/null excepted). */
#ifndef NM_OUTPUT_H
#define NM_OUTPUT_H

#include <stddef.h>
#include <stdio.h>

typedef struct nm_out {
    FILE *f;          /* the stream (nm_out_open); NULL when no output was asked for */
    char path[4096];  /* the name the user gave */
    char target[4096];/* the file written: path with symbolic links followed */
    char tmp[4400];   /* the temporary name, "" when the target is written directly */
    int slot;         /* the signal-cleanup slot of tmp, or -1 */
    int nextra;       /* companion files of tmp (nm_out_add_companion) */
    int xslot[4];
} nm_out;

/* Open `path` for writing as a stream (path NULL: no output, o->f NULL, returns 0).
 * 0, or -1 with a message naming the file. */
int nm_out_open(nm_out *o, const char *path, char *err, size_t errlen);

/* Like nm_out_open, for a file that other code writes by name (a waveform, a gnuplot
 * figure): no stream is opened; nm_out_name gives the name to write. */
int nm_out_begin(nm_out *o, const char *path, char *err, size_t errlen);

/* The name to write now: the temporary name, or the target when written directly. */
const char *nm_out_name(const nm_out *o);

/* A file that the writer of a temporary file makes beside it, named tmp + suffix (the
 * waveform writer's ".hier" and ".fst.tmp" files): removed with the temporary file on a
 * signal and when the output is closed. Up to 4; nothing to do for a direct target.
 * 0, or -1 when there is no room. */
int nm_out_add_companion(nm_out *o, const char *suffix);

/* Finish: keep != 0 puts the complete file in place; keep == 0 throws the temporary file
 * away (a direct target keeps what was written). 0, or -1 with a message when the file
 * could not be written (no temporary file is left then). Safe on a zeroed or already
 * closed nm_out. */
int nm_out_close(nm_out *o, int keep, char *err, size_t errlen);

/* Write `len` bytes to `path` in one go, by the rules above. 0, or -1 with a message. */
int nm_out_write_file(const char *path, const void *data, size_t len, char *err, size_t errlen);

/* On SIGINT, SIGTERM and SIGHUP remove every temporary file still open, then die of the
 * signal as before. Call once from main. */
void nm_out_catch_signals(void);

/* One file a command reads or writes, for nm_out_check_distinct. */
typedef struct nm_out_role {
    const char *label; /* how the user named it: "-o", "--spikes", "the image" */
    const char *path;  /* NULL: not given, skipped */
    int output;        /* 1 output, 0 input */
} nm_out_role;

/* 0 when no output is the same file as an input or another output (by device and inode
 * for files that exist, by directory and name for those that do not; symbolic links
 * followed; character devices excepted); -1 with a message naming both otherwise. */
int nm_out_check_distinct(const nm_out_role *r, size_t n, char *err, size_t errlen);

#endif
