/* nm_output.c - output files written under a temporary name (nm_output.h). */
#include "nm_output.h"

#include <errno.h>
#include <string.h>

int nm_out_open(nm_out *o, const char *path, char *err, size_t errlen)
{
    o->f = NULL;
    o->tmp[0] = 0;
    if (!path)
        return 0;
    snprintf(o->path, sizeof o->path, "%s", path);
    snprintf(o->tmp, sizeof o->tmp, "%s.tmp", path);
    o->f = fopen(o->tmp, "w");
    if (!o->f) {
        snprintf(err, errlen, "%s: %s", o->tmp, strerror(errno));
        return -1;
    }
    return 0;
}

int nm_out_close(nm_out *o, int keep, char *err, size_t errlen)
{
    int bad;
    if (!o->f)
        return 0;
    bad = ferror(o->f) != 0;
    bad |= fclose(o->f) != 0;
    o->f = NULL;
    if (bad || !keep) {
        remove(o->tmp);
        if (bad)
            snprintf(err, errlen, "cannot write %s", o->path);
        return bad ? -1 : 0;
    }
    if (rename(o->tmp, o->path) != 0) {
        snprintf(err, errlen, "%s: %s", o->path, strerror(errno));
        remove(o->tmp);
        return -1;
    }
    return 0;
}
