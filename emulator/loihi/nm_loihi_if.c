/* nm_loihi_if.c - shared helpers of the Loihi-style core backends: messages, geometry checks. */
#include <stdio.h>

#include "nm_loihi_if.h"

const char *nm_loihi_strerror(int code)
{
    if (code == NM_ERR_FULL)
        return "input queue full: packet dropped";
    return nm_strerror(code);
}

static int is_pow2(unsigned x)
{
    return x && !(x & (x - 1u));
}

/* One size: a power of two within [lo, hi]. */
static int check_one(const char *name, unsigned v, unsigned lo, unsigned hi, char *msg, size_t len)
{
    if (!is_pow2(v) || v < lo || v > hi) {
        if (msg && len)
            snprintf(msg, len, "geometry: %s = %u, expected a power of two in %u .. %u", name, v, lo, hi);
        return NM_ERR_ARG;
    }
    return NM_OK;
}

int nm_loihi_geom_check(const nm_loihi_geom *g, char *msg, size_t len)
{
    int rc;
    if ((rc = check_one("ncomp", g->ncomp, 4u, NM_LOIHI_MAX_NCOMP, msg, len)) ||
        (rc = check_one("naxin", g->naxin, 4u, NM_LOIHI_MAX_NAXIN, msg, len)) ||
        (rc = check_one("naxout", g->naxout, 4u, NM_LOIHI_MAX_NAXOUT, msg, len)) ||
        (rc = check_one("nsyn", g->nsyn, 4u, NM_LOIHI_MAX_NSYN, msg, len)) ||
        (rc = check_one("ndslot", g->ndslot, 2u, NM_LOIHI_MAX_NDSLOT, msg, len)) ||
        (rc = check_one("ndprof", g->ndprof, 1u, NM_LOIHI_MAX_NDPROF, msg, len)) ||
        (rc = check_one("ntprof", g->ntprof, 1u, NM_LOIHI_MAX_NTPROF, msg, len)) ||
        (rc = check_one("nsynfmt", g->nsynfmt, 1u, NM_LOIHI_MAX_NSYNFMT, msg, len)) ||
        (rc = check_one("inq", g->inq, 2u, NM_LOIHI_MAX_INQ, msg, len)))
        return rc;
    if ((unsigned long)g->ndslot * g->ncomp > 65536ul) {
        /* every accumulator needs an address in the DA region, whose offsets are 16 bits */
        if (msg && len)
            snprintf(msg, len, "geometry: ndslot x ncomp = %u x %u = %lu, at most 65536 (the DA region's size)",
                     g->ndslot, g->ncomp, (unsigned long)g->ndslot * g->ncomp);
        return NM_ERR_ARG;
    }
    return NM_OK;
}
