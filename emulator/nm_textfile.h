/* nm_textfile.h - reading a text file (a preset, a description) whole; finding a data file by name. */
#ifndef NM_TEXTFILE_H
#define NM_TEXTFILE_H

#include <stddef.h>

/* All of the file at path, NUL-terminated, in a new buffer the caller frees. At most max
 * bytes (a whole number of MiB): a larger file is refused. NULL when it cannot, with err
 * "<path>: <why>" (the system's reason when it cannot be opened). */
char *nm_textfile_read(const char *path, size_t max, char *err, size_t errlen);

/* The first readable <dir>/<name><ext> over the ':'-separated folders of dirs, into path:
 * 0, or -1 when there is none (path is then empty). */
int nm_textfile_find(const char *dirs, const char *name, const char *ext, char *path, size_t len);

/* 1 if name_or_path names a file by its path (it has a '/' or ends in ext), 0 if it is a name. */
int nm_textfile_is_path(const char *name_or_path, const char *ext);

/* A data file given by path or by name (nm_textfile_is_path): a name is <name><ext> in the
 * first of the ':'-separated dirs that has it. Read whole (at most max bytes), its path in
 * path. NULL when it cannot, with err "<what> '<name>': no <name><ext> in <dirs> ..." or the
 * reader's. */
char *nm_textfile_named(const char *what, const char *name_or_path, const char *ext, const char *dirs, size_t max,
                        char *path, size_t pathlen, char *err, size_t errlen);

#endif
