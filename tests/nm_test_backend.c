/* nm_test_backend.c - the two core backends behind one constructor for tests. */
#include "nm_test_backend.h"

#include <string.h>

#include "nm_ref_core.h"
#include "nm_rtl_core.h"

const char *nm_test_backends[2] = {"ref", "rtl"};
int nm_test_nbackends = 1;

int nm_test_backend_new(const char *name, const nm_core_opts *opts, nm_core_backend *out)
{
    memset(out, 0, sizeof *out);
    if (!strcmp(name, "ref")) {
        nm_ref_core *c = nm_ref_core_new(NM_MAX_AXONS, NM_MAX_NEURONS, opts);
        if (!c)
            return NM_ERR_NOMEM;
        nm_ref_core_backend(out, c);
        return NM_OK;
    }
    if (!strcmp(name, "rtl")) {
        nm_rtl_core *c = nm_rtl_core_new(opts, NULL);
        if (!c)
            return NM_ERR_NOMEM;
        nm_rtl_core_backend(out, c);
        return NM_OK;
    }
    return NM_ERR_ARG;
}

void nm_test_backend_free(nm_core_backend *b)
{
    if (b && b->free)
        b->free(b->impl);
    if (b)
        b->impl = NULL;
}
