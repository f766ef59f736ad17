/* nm_textfile.c - finding a small data file in a list of folders and reading it whole (nm_textfile.h). */
#include "nm_textfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *nm_textfile_read(const char *path, size_t max, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
        snprintf(err, errlen, "%s: cannot determine its size", path);
        fclose(f);
        return NULL;
    }
    if ((unsigned long)n > max) {
        snprintf(err, errlen, "%s: larger than %zu MiB", path, max >> 20);
        fclose(f);
        return NULL;
    }
    buf = malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        snprintf(err, errlen, "%s: cannot read", path);
        free(buf);
        fclose(f);
        return NULL;
    }
    buf[n] = 0;
    fclose(f);
    return buf;
}

int nm_textfile_find(const char *dirs, const char *name, const char *ext, char *path, size_t len)
{
    const char *d = dirs;
    for (;;) {
        const char *end = strchr(d, ':');
        int n = end ? (int)(end - d) : (int)strlen(d);
        snprintf(path, len, "%.*s/%s%s", n, d, name, ext);
        if (access(path, R_OK) == 0)
            return 0;
        if (!end)
            break;
        d = end + 1;
    }
    if (len)
        path[0] = 0;
    return -1;
}

int nm_textfile_is_path(const char *name_or_path, const char *ext)
{
    size_t len = strlen(name_or_path), el = strlen(ext);
    return strchr(name_or_path, '/') || (len > el && !strcmp(name_or_path + len - el, ext));
}

char *nm_textfile_named(const char *what, const char *name_or_path, const char *ext, const char *dirs, size_t max,
                        char *path, size_t pathlen, char *err, size_t errlen)
{
    if (nm_textfile_is_path(name_or_path, ext)) {
        snprintf(path, pathlen, "%s", name_or_path);
    } else if (nm_textfile_find(dirs, name_or_path, ext, path, pathlen)) {
        snprintf(err, errlen, "%s '%s': no %s%s in %s (or give a path to a preset file)", what, name_or_path,
                 name_or_path, ext, dirs);
        return NULL;
    }
    return nm_textfile_read(path, max, err, errlen);
}
