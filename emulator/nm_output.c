/* nm_output.c - output files that never destroy anything (nm_output.h). */
#include "nm_output.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_LINKS 40 /* symbolic links followed before giving up (as the kernel does) */
#define MAX_SLOTS 32 /* temporary files open at once that a signal removes */

/* Temporary files to remove on a signal. A slot is filled, then marked used; the
 * handler reads only used slots. */
static struct {
    volatile sig_atomic_t used;
    char name[4400];
} slots[MAX_SLOTS];

static int slot_take(const char *name)
{
    int i;
    for (i = 0; i < MAX_SLOTS; i++)
        if (!slots[i].used) {
            snprintf(slots[i].name, sizeof slots[i].name, "%s", name);
            atomic_signal_fence(memory_order_seq_cst);
            slots[i].used = 1;
            return i;
        }
    return -1; /* still written safely; only a signal would leave it behind */
}

static void slot_free(int i)
{
    if (i >= 0)
        slots[i].used = 0;
}

static void on_signal(int sig)
{
    int i;
    for (i = 0; i < MAX_SLOTS; i++)
        if (slots[i].used)
            unlink(slots[i].name);
    signal(sig, SIG_DFL);
    raise(sig);
}

void nm_out_catch_signals(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    struct sigaction sa;
    unsigned i;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaddset(&sa.sa_mask, sigs[i]);
    for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction old;
        /* a signal ignored when nmemu started (nohup, a background job) stays ignored */
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue;
        sigaction(sigs[i], &sa, NULL);
    }
}

/* The directory part of `path` ("." for a bare name), and the name part. */
static void split_path(const char *path, char *dir, size_t dn, const char **base)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        snprintf(dir, dn, ".");
        *base = path;
    } else {
        snprintf(dir, dn, "%.*s", slash == path ? 1 : (int)(slash - path), path);
        *base = slash + 1;
    }
}

/* Follow symbolic links from `path` to the file they lead to (which may not exist yet). */
static int follow_links(const char *path, char *out, size_t n, char *err, size_t errlen)
{
    char cur[4096], link[4096], dir[4096];
    const char *base;
    struct stat st;
    int i;
    ssize_t len;
    if ((size_t)snprintf(cur, sizeof cur, "%s", path) >= sizeof cur) {
        snprintf(err, errlen, "%.200s...: path too long", path);
        return -1;
    }
    for (i = 0; i < MAX_LINKS; i++) {
        if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode)) {
            snprintf(out, n, "%s", cur);
            return 0;
        }
        len = readlink(cur, link, sizeof link - 1);
        if (len < 0) {
            snprintf(err, errlen, "%s: %s", cur, strerror(errno));
            return -1;
        }
        link[len] = 0;
        if (link[0] == '/') {
            snprintf(cur, sizeof cur, "%s", link);
        } else {
            split_path(cur, dir, sizeof dir, &base);
            if ((size_t)snprintf(cur, sizeof cur, "%s/%s", dir, link) >= sizeof cur) {
                snprintf(err, errlen, "%s: the link leads to too long a path", path);
                return -1;
            }
        }
    }
    snprintf(err, errlen, "%s: too many levels of symbolic links", path);
    return -1;
}

/* Create the temporary file beside o->target: "DIR/.nmemu-PID-N-NAME", so that it keeps
 * the target's extension (the waveform's format is chosen by it). Returns its fd. */
static int make_temp(nm_out *o, const struct stat *old, char *err, size_t errlen)
{
    static unsigned counter;
    char dir[4096];
    const char *base;
    int fd = -1, tries;
    split_path(o->target, dir, sizeof dir, &base);
    for (tries = 0; tries < 100 && fd < 0; tries++) {
        if ((size_t)snprintf(o->tmp, sizeof o->tmp, "%s/.nmemu-%ld-%u-%s", dir, (long)getpid(), counter++, base) >=
            sizeof o->tmp) {
            snprintf(err, errlen, "%s: path too long", o->path);
            o->tmp[0] = 0;
            return -1;
        }
        fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL, 0666);
        if (fd < 0 && errno != EEXIST) {
            snprintf(err, errlen, "%s: cannot create a temporary file in %s: %s", o->path, dir, strerror(errno));
            o->tmp[0] = 0;
            return -1;
        }
    }
    if (fd < 0) {
        snprintf(err, errlen, "%s: cannot find a free temporary name in %s", o->path, dir);
        o->tmp[0] = 0;
        return -1;
    }
    o->slot = slot_take(o->tmp);
    if (old && fchmod(fd, old->st_mode & 07777) != 0) { /* the replaced file's permissions */
        snprintf(err, errlen, "%s: %s", o->tmp, strerror(errno));
        close(fd);
        unlink(o->tmp);
        slot_free(o->slot);
        o->slot = -1;
        o->tmp[0] = 0;
        return -1;
    }
    return fd;
}

/* Decide how `path` is written: directly (fd_out -1, o->tmp "") or through a new
 * temporary file (its fd in *fd_out). */
static int prepare(nm_out *o, const char *path, int *fd_out, char *err, size_t errlen)
{
    struct stat st;
    int have;
    memset(o, 0, sizeof *o);
    o->slot = -1;
    *fd_out = -1;
    if ((size_t)snprintf(o->path, sizeof o->path, "%s", path) >= sizeof o->path) {
        snprintf(err, errlen, "%.200s...: path too long", path);
        return -1;
    }
    if (!path[0]) {
        snprintf(err, errlen, "an empty file name");
        return -1;
    }
    if (!strcmp(path, "-")) {
        snprintf(o->target, sizeof o->target, "/dev/stdout");
        return 0;
    }
    if (follow_links(path, o->target, sizeof o->target, err, errlen))
        return -1;
    have = stat(o->target, &st) == 0;
    if (have && S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s: is a directory", path);
        return -1;
    }
    if (have && !S_ISREG(st.st_mode))
        return 0; /* a device, FIFO or socket: written directly */
    *fd_out = make_temp(o, have ? &st : NULL, err, errlen);
    return *fd_out < 0 ? -1 : 0;
}

int nm_out_begin(nm_out *o, const char *path, char *err, size_t errlen)
{
    int fd;
    if (!path) {
        memset(o, 0, sizeof *o);
        o->slot = -1;
        return 0;
    }
    if (prepare(o, path, &fd, err, errlen))
        return -1;
    if (fd >= 0)
        close(fd);
    return 0;
}

int nm_out_add_companion(nm_out *o, const char *suffix)
{
    char name[4400];
    int k;
    if (!o->tmp[0])
        return 0;
    if (o->nextra == 4 || (size_t)snprintf(name, sizeof name, "%s%s", o->tmp, suffix) >= sizeof name)
        return -1;
    k = slot_take(name);
    if (k < 0)
        return -1;
    o->xslot[o->nextra++] = k;
    return 0;
}

const char *nm_out_name(const nm_out *o)
{
    return o->tmp[0] ? o->tmp : o->target;
}

int nm_out_open(nm_out *o, const char *path, char *err, size_t errlen)
{
    int fd;
    if (!path) {
        memset(o, 0, sizeof *o);
        o->slot = -1;
        return 0;
    }
    if (prepare(o, path, &fd, err, errlen))
        return -1;
    if (!strcmp(path, "-")) {
        o->f = stdout;
        return 0;
    }
    o->f = fd >= 0 ? fdopen(fd, "w") : fopen(o->target, "w");
    if (!o->f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        if (fd >= 0) {
            close(fd);
            nm_out_close(o, 0, err, 0);
        }
        return -1;
    }
    return 0;
}

int nm_out_close(nm_out *o, int keep, char *err, size_t errlen)
{
    int bad = 0, e = 0;
    if (o->f) {
        bad = fflush(o->f) != 0 || ferror(o->f) != 0;
        e = errno;
        if (o->f != stdout && fclose(o->f) != 0 && !bad) {
            bad = 1;
            e = errno;
        }
        o->f = NULL;
        if (bad && errlen)
            snprintf(err, errlen, "cannot write %s: %s", o->path, strerror(e ? e : EIO));
    }
    if (o->tmp[0]) {
        if (bad || !keep) {
            unlink(o->tmp);
        } else if (rename(o->tmp, o->target) != 0) {
            e = errno;
            unlink(o->tmp);
            bad = 1;
            if (errlen)
                snprintf(err, errlen, "cannot put %s in place: %s", o->path, strerror(e));
        }
        slot_free(o->slot);
        o->slot = -1;
        o->tmp[0] = 0;
    }
    while (o->nextra > 0) {
        int k = o->xslot[--o->nextra];
        unlink(slots[k].name);
        slot_free(k);
    }
    return bad ? -1 : 0;
}

int nm_out_write_file(const char *path, const void *data, size_t len, char *err, size_t errlen)
{
    nm_out o;
    if (nm_out_open(&o, path, err, errlen))
        return -1;
    if (len && fwrite(data, 1, len, o.f) != len) {
        int e = errno;
        nm_out_close(&o, 0, err, 0);
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(e));
        return -1;
    }
    return nm_out_close(&o, 1, err, errlen);
}

/* What identifies a file: device and inode when it exists, else its directory's device
 * and inode and its name. */
typedef struct file_key {
    int exists, chr, std;
    dev_t dev;
    ino_t ino;
    const char *name;
    char target[4096];
} file_key;

static void key_of(const char *path, file_key *k)
{
    struct stat st;
    char dir[4096], e[64];
    memset(k, 0, sizeof *k);
    if (!strcmp(path, "-")) {
        k->std = 1;
        return;
    }
    if (stat(path, &st) == 0) {
        k->exists = 1;
        k->chr = S_ISCHR(st.st_mode);
        k->dev = st.st_dev;
        k->ino = st.st_ino;
        return;
    }
    if (follow_links(path, k->target, sizeof k->target, e, sizeof e))
        snprintf(k->target, sizeof k->target, "%s", path);
    split_path(k->target, dir, sizeof dir, &k->name);
    if (stat(dir, &st) == 0) {
        k->dev = st.st_dev;
        k->ino = st.st_ino;
    } else {
        k->name = k->target; /* no such directory: compare the names */
    }
}

static int same_key(const file_key *a, const file_key *b)
{
    if (a->std || b->std)
        return a->std && b->std;
    if (a->chr || b->chr || a->exists != b->exists)
        return 0;
    if (a->exists)
        return a->dev == b->dev && a->ino == b->ino;
    return a->dev == b->dev && a->ino == b->ino && !strcmp(a->name, b->name);
}

int nm_out_check_distinct(const nm_out_role *r, size_t n, char *err, size_t errlen)
{
    file_key a, b;
    size_t i, j;
    for (i = 0; i < n; i++) {
        if (!r[i].path || !r[i].output)
            continue;
        key_of(r[i].path, &a);
        for (j = 0; j < n; j++) {
            if (j == i || !r[j].path || (r[j].output && j > i))
                continue;
            key_of(r[j].path, &b);
            if (!same_key(&a, &b))
                continue;
            if (r[j].output)
                snprintf(err, errlen, "%s %s and %s %s are the same file: refusing to write it twice", r[j].label,
                         r[j].path, r[i].label, r[i].path);
            else
                snprintf(err, errlen, "%s %s is the same file as %s %s: refusing to overwrite an input",
                         r[i].label, r[i].path, r[j].label, r[j].path);
            return -1;
        }
    }
    return 0;
}
