/* nm_rtl_shapes.c - Verilated chips of any shape: build on demand (tools/build-rtl-shape), cache, dlopen. */
#include "nm_rtl_shapes.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef NM_SRCDIR
#define NM_SRCDIR "."
#endif
#ifndef NM_RTL_CACHE
#define NM_RTL_CACHE NM_SRCDIR "/build/rtl-shapes"
#endif

static const char *srcdir(void)
{
    const char *s = getenv("NMEMU_SRCDIR");
    return s && s[0] ? s : NM_SRCDIR;
}

const char *nm_rtl_shape_cache(void)
{
    const char *s = getenv("NMEMU_RTL_CACHE");
    return s && s[0] ? s : NM_RTL_CACHE;
}

int nm_rtl_shape_check(unsigned mx, unsigned my, unsigned na, unsigned nn, char *err, size_t errlen)
{
    if (mx < 1 || my < 1 || mx * my > NM_RTL_SHAPE_MAX_CORES) {
        snprintf(err, errlen,
                 "the RTL backend runs meshes of up to %u cores (this image: %u x %u = %u); use --backend ref, "
                 "or --rtl-cores to run some of its cores as RTL",
                 NM_RTL_SHAPE_MAX_CORES, mx, my, mx * my);
        return -1;
    }
    if ((na != 32 && na != 64 && na != 128 && na != 256) || nn < 1 || nn > 256) {
        snprintf(err, errlen, "the RTL core has 32, 64, 128 or 256 axons and 1 to 256 neurons (this image: %u x %u)",
                 na, nn);
        return -1;
    }
    return 0;
}

/* Run tools/build-rtl-shape with the shape arguments a1 (and a2 unless NULL); name is the
 * shape's key for messages. Its messages go to our stderr. */
static int run_builder(const char *name, const char *a1, const char *a2, char *err, size_t errlen)
{
    char script[4096];
    pid_t pid;
    int st;
    snprintf(script, sizeof script, "%s/tools/build-rtl-shape", srcdir());
    if (access(script, X_OK)) {
        snprintf(err, errlen, "cannot build the RTL model for %s: %s not found (set NMEMU_SRCDIR to the nmemu "
                 "source tree)", name, script);
        return -1;
    }
    fflush(NULL);
    pid = fork();
    if (pid < 0) {
        snprintf(err, errlen, "cannot start %s: %s", script, strerror(errno));
        return -1;
    }
    if (pid == 0) {
        char *argv[] = {script, (char *)srcdir(), (char *)nm_rtl_shape_cache(), (char *)a1, (char *)a2, NULL};
        execv(script, argv);
        _exit(127);
    }
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) {
            snprintf(err, errlen, "waiting for %s: %s", script, strerror(errno));
            return -1;
        }
    if (!WIFEXITED(st) || WEXITSTATUS(st)) {
        snprintf(err, errlen, "building the RTL model for %s failed (%s above)", name, script);
        return -1;
    }
    return 0;
}

/* dlopen a library of the cache; NULL with a message. */
static void *lib_open(const char *lib, char *err, size_t errlen)
{
    void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
    if (!h)
        snprintf(err, errlen, "cannot load the RTL model %s: %s", lib, dlerror());
    return h;
}

const nm_vchip_api *nm_rtl_shape_get(unsigned mx, unsigned my, unsigned na, unsigned nn, char *err, size_t errlen)
{
    const nm_vchip_api *a;
    char lib[4200];
    void *h;
    nm_vchip_shape_fn fn;
#ifndef NM_NO_LINKED_VCHIP
    a = nm_vchip_linked_api();
    if (a->mesh_x == mx && a->mesh_y == my && a->naxons == na && a->nneurons == nn)
        return a;
#endif
    {
        char mesh[32], geo[32], name[80];
        snprintf(mesh, sizeof mesh, "%ux%u", mx, my);
        snprintf(geo, sizeof geo, "%ux%u", na, nn);
        snprintf(name, sizeof name, "%s-%s", mesh, geo);
        if (nm_rtl_shape_check(mx, my, na, nn, err, errlen) || run_builder(name, mesh, geo, err, errlen))
            return NULL;
    }
    snprintf(lib, sizeof lib, "%s/%ux%u-%ux%u/libnmvchip.so", nm_rtl_shape_cache(), mx, my, na, nn);
    if (!(h = lib_open(lib, err, errlen)))
        return NULL;
    *(void **)&fn = dlsym(h, "nm_vchip_shape_api");
    a = fn ? fn() : NULL;
    if (!a || a->mesh_x != mx || a->mesh_y != my || a->naxons != na || a->nneurons != nn) {
        snprintf(err, errlen, "%s is not the RTL model of shape %ux%u-%ux%u", lib, mx, my, na, nn);
        dlclose(h);
        return NULL;
    }
    return a; /* the library stays loaded for the life of the process */
}

int nm_rtl_shape_built(unsigned mx, unsigned my, unsigned na, unsigned nn)
{
    char lib[4200];
#ifndef NM_NO_LINKED_VCHIP
    const nm_vchip_api *a = nm_vchip_linked_api();
    if (a->mesh_x == mx && a->mesh_y == my && a->naxons == na && a->nneurons == nn)
        return 1;
#endif
    snprintf(lib, sizeof lib, "%s/%ux%u-%ux%u/libnmvchip.so", nm_rtl_shape_cache(), mx, my, na, nn);
    return access(lib, R_OK) == 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Append to buf (which holds `used` characters) the sorted names of the cache's directories
 * that start with `prefix` and hold the library `libname`, each after ", " when anything
 * precedes it. */
static void list_cached(const char *prefix, const char *libname, char *buf, size_t len, size_t used)
{
    DIR *d = opendir(nm_rtl_shape_cache());
    struct dirent *e;
    char *names[512];
    size_t n = 0, k;
    while (d && (e = readdir(d)) && n < 512) {
        char lib[4400];
        struct stat sb;
        if (e->d_name[0] == '.' || strncmp(e->d_name, prefix, strlen(prefix)) != 0)
            continue;
        snprintf(lib, sizeof lib, "%s/%s/%s", nm_rtl_shape_cache(), e->d_name, libname);
        if (stat(lib, &sb) == 0 && (names[n] = strdup(e->d_name)))
            n++;
    }
    if (d)
        closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    for (k = 0; k < n; k++) {
        if (used < len)
            used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? ", " : "", names[k]);
        free(names[k]);
    }
}

void nm_rtl_shape_list(char *buf, size_t len)
{
#ifndef NM_NO_LINKED_VCHIP
    const nm_vchip_api *a = nm_vchip_linked_api();
    size_t used = (size_t)snprintf(buf, len, "%ux%u-%ux%u (linked)", a->mesh_x, a->mesh_y, a->naxons, a->nneurons);
#else
    size_t used = 0; /* nmemu-sc (mk/systemc.mk) links no C-harness chip */
    if (len)
        buf[0] = 0;
#endif
    list_cached("", "libnmvchip.so", buf, len, used);
}

/* ---------------------------------------------------------------- the SystemC flavour */

int nm_rtl_shape_sc_lib(const char *key, char *lib, size_t liblen, char *err, size_t errlen)
{
    char sckey[200];
    snprintf(sckey, sizeof sckey, "sc-%s", key);
    if (run_builder(sckey, sckey, NULL, err, errlen))
        return -1;
    snprintf(lib, liblen, "%s/%s/libnmsc.so", nm_rtl_shape_cache(), sckey);
    return 0;
}

/* ---------------------------------------------------------------- Loihi-style chips */

void nm_rtl_lshape_key(unsigned mx, unsigned my, const nm_loihi_geom *g, char *buf, size_t len)
{
    snprintf(buf, len, "loihi-%ux%u-c%u-a%u-o%u-s%u-d%u-p%u-t%u-f%u-q%u", mx, my, g->ncomp, g->naxin, g->naxout,
             g->nsyn, g->ndslot, g->ndprof, g->ntprof, g->nsynfmt, g->inq);
}

int nm_rtl_lshape_check(unsigned mx, unsigned my, const nm_loihi_geom *g, char *err, size_t errlen)
{
    char why[256];
    if (mx < 1 || my < 1 || mx * my > NM_RTL_SHAPE_MAX_CORES) {
        snprintf(err, errlen,
                 "the RTL backend runs Loihi-style chips of up to %u cores (this image: %u x %u = %u); use "
                 "--backend ref", NM_RTL_SHAPE_MAX_CORES, mx, my, mx * my);
        return -1;
    }
    if (nm_loihi_geom_check(g, why, sizeof why) != NM_OK) {
        snprintf(err, errlen, "the RTL backend cannot build this core geometry: %s", why);
        return -1;
    }
    return 0;
}

/* The core geometry a Verilated Loihi-style library was built for. a is an nm_vlchip_api or an
   nm_vloihi_api: both carry the same nine geometry fields (a macro, as C has no common type). */
#define API_GEOM(a)                                                                                            \
    ((nm_loihi_geom){.ncomp = (a)->ncomp,                                                                      \
                     .naxin = (a)->naxin,                                                                      \
                     .naxout = (a)->naxout,                                                                    \
                     .nsyn = (a)->nsyn,                                                                        \
                     .ndslot = (a)->ndslot,                                                                    \
                     .ndprof = (a)->ndprof,                                                                    \
                     .ntprof = (a)->ntprof,                                                                    \
                     .nsynfmt = (a)->nsynfmt,                                                                  \
                     .inq = (a)->inq})

static int geom_same(nm_loihi_geom a, const nm_loihi_geom *g)
{
    return a.ncomp == g->ncomp && a.naxin == g->naxin && a.naxout == g->naxout && a.nsyn == g->nsyn &&
           a.ndslot == g->ndslot && a.ndprof == g->ndprof && a.ntprof == g->ntprof && a.nsynfmt == g->nsynfmt &&
           a.inq == g->inq;
}

static int lapi_is(const nm_vlchip_api *a, unsigned mx, unsigned my, const nm_loihi_geom *g)
{
    return a->mesh_x == mx && a->mesh_y == my && geom_same(API_GEOM(a), g);
}

int nm_rtl_lshape_fits_linked(unsigned mx, unsigned my, const nm_loihi_geom *g)
{
#ifdef NM_NO_LINKED_VLCHIP
    /* libnmemu.so (mk/python_lrtl.mk) links no build of Loihi-style cores: every shape is a library */
    (void)mx, (void)my, (void)g;
    return 0;
#else
    const nm_vlchip_api *a = nm_vlchip_linked_api();
    return mx <= a->mesh_x && my <= a->mesh_y && a->ncomp == g->ncomp && a->naxin == g->naxin &&
           a->naxout == g->naxout && a->nsyn == g->nsyn && a->ndslot == g->ndslot && a->ndprof == g->ndprof &&
           a->ntprof == g->ntprof && a->nsynfmt == g->nsynfmt && a->inq >= g->inq;
#endif
}

static void lshape_lib(unsigned mx, unsigned my, const nm_loihi_geom *g, char *lib, size_t len)
{
    char key[160];
    nm_rtl_lshape_key(mx, my, g, key, sizeof key);
    snprintf(lib, len, "%s/%s/libnmvlchip.so", nm_rtl_shape_cache(), key);
}

const nm_vlchip_api *nm_rtl_lshape_get(unsigned mx, unsigned my, const nm_loihi_geom *g, char *err, size_t errlen)
{
    const nm_vlchip_api *a;
    char key[160], lib[4400];
    void *h;
    nm_vlchip_shape_fn fn = NULL;
#ifndef NM_NO_LINKED_VLCHIP
    if (nm_rtl_lshape_fits_linked(mx, my, g))
        return nm_vlchip_linked_api();
#endif
    nm_rtl_lshape_key(mx, my, g, key, sizeof key);
    if (nm_rtl_lshape_check(mx, my, g, err, errlen) || run_builder(key, key, NULL, err, errlen))
        return NULL;
    lshape_lib(mx, my, g, lib, sizeof lib);
    if (!(h = lib_open(lib, err, errlen)))
        return NULL;
    *(void **)&fn = dlsym(h, "nm_vlchip_shape_api");
    a = fn ? fn() : NULL;
    if (!a || !lapi_is(a, mx, my, g)) {
        snprintf(err, errlen, "%s is not the RTL model of shape %s", lib, key);
        dlclose(h);
        return NULL;
    }
    return a; /* the library stays loaded for the life of the process */
}

int nm_rtl_lshape_built(unsigned mx, unsigned my, const nm_loihi_geom *g)
{
    char lib[4400];
    if (nm_rtl_lshape_fits_linked(mx, my, g))
        return 1;
    lshape_lib(mx, my, g, lib, sizeof lib);
    return access(lib, R_OK) == 0;
}

void nm_rtl_lshape_list(char *buf, size_t len)
{
    size_t used = 0;
#ifndef NM_NO_LINKED_VLCHIP
    const nm_vlchip_api *a = nm_vlchip_linked_api();
    nm_loihi_geom lg = API_GEOM(a);
    char key[160];
    nm_rtl_lshape_key(a->mesh_x, a->mesh_y, &lg, key, sizeof key);
    used = (size_t)snprintf(buf, len, "%s (linked)", key);
#else
    if (len)
        buf[0] = 0;
#endif
    list_cached("loihi-", "libnmvlchip.so", buf, len, used);
}

/* ---------------------------------------------------------------- lone Loihi-style cores */

void nm_rtl_lcore_key(const nm_loihi_geom *g, char *buf, size_t len)
{
    snprintf(buf, len, "loihi-core-c%u-a%u-o%u-s%u-d%u-p%u-t%u-f%u-q%u", g->ncomp, g->naxin, g->naxout, g->nsyn,
             g->ndslot, g->ndprof, g->ntprof, g->nsynfmt, g->inq);
}

int nm_rtl_lcore_check(const nm_loihi_geom *g, char *err, size_t errlen)
{
    char why[256], key[160];
    if (nm_loihi_geom_check(g, why, sizeof why) == NM_OK)
        return 0;
    nm_rtl_lcore_key(g, key, sizeof key);
    snprintf(err, errlen, "the RTL core cannot have the geometry %s: %s", key, why);
    return -1;
}

static int capi_is(const nm_vloihi_api *a, const nm_loihi_geom *g)
{
    return geom_same(API_GEOM(a), g);
}

int nm_rtl_lcore_fits_linked(const nm_loihi_geom *g)
{
#ifdef NM_NO_LINKED_VLCHIP
    (void)g; /* libnmemu.so links no Loihi-style core either */
    return 0;
#else
    return capi_is(nm_vloihi_linked_api(), g);
#endif
}

static void lcore_lib(const nm_loihi_geom *g, char *lib, size_t len)
{
    char key[160];
    nm_rtl_lcore_key(g, key, sizeof key);
    snprintf(lib, len, "%s/%s/libnmvloihi.so", nm_rtl_shape_cache(), key);
}

const nm_vloihi_api *nm_rtl_lcore_get(const nm_loihi_geom *g, char *err, size_t errlen)
{
    const nm_vloihi_api *a;
    char key[160], lib[4400];
    void *h;
    nm_vloihi_shape_fn fn = NULL;
#ifndef NM_NO_LINKED_VLCHIP
    if (nm_rtl_lcore_fits_linked(g))
        return nm_vloihi_linked_api();
#endif
    nm_rtl_lcore_key(g, key, sizeof key);
    if (nm_rtl_lcore_check(g, err, errlen) || run_builder(key, key, NULL, err, errlen))
        return NULL;
    lcore_lib(g, lib, sizeof lib);
    if (!(h = lib_open(lib, err, errlen)))
        return NULL;
    *(void **)&fn = dlsym(h, "nm_vloihi_shape_api");
    a = fn ? fn() : NULL;
    if (!a || !capi_is(a, g)) {
        snprintf(err, errlen, "%s is not the RTL core of geometry %s", lib, key);
        dlclose(h);
        return NULL;
    }
    return a; /* the library stays loaded for the life of the process */
}

int nm_rtl_lcore_built(const nm_loihi_geom *g)
{
    char lib[4400];
    if (nm_rtl_lcore_fits_linked(g))
        return 1;
    lcore_lib(g, lib, sizeof lib);
    return access(lib, R_OK) == 0;
}

void nm_rtl_lcore_list(char *buf, size_t len)
{
    size_t used = 0;
#ifndef NM_NO_LINKED_VLCHIP
    const nm_vloihi_api *a = nm_vloihi_linked_api();
    nm_loihi_geom lg = API_GEOM(a);
    char key[160];
    nm_rtl_lcore_key(&lg, key, sizeof key);
    used = (size_t)snprintf(buf, len, "%s (linked)", key);
#else
    if (len)
        buf[0] = 0;
#endif
    list_cached("loihi-core-", "libnmvloihi.so", buf, len, used);
}
