/* loihi_test_backend.c - creates the backends the Loihi-core Check tests run on.
 * Built with -DNM_LOIHI_TEST_RTL the RTL backend (emulator/loihi/nm_loihi_rtl.h) is index 1. */
#include <stddef.h>

#include "loihi_test_backend.h"
#include "nm_loihi_ref.h"
#ifdef NM_LOIHI_TEST_RTL
#include "nm_loihi_rtl.h"
#endif

int nm_loihi_test_nbackends = 1;

int nm_loihi_test_new(int idx, const nm_loihi_geom *g, const nm_loihi_opts *o, nm_loihi_backend *b)
{
    char msg[128];
    if (idx == 0) {
        nm_loihi_ref *r = nm_loihi_ref_new(g, o, msg, sizeof msg);
        if (!r)
            return NM_ERR_NOMEM;
        nm_loihi_ref_backend(b, r);
        return NM_OK;
    }
#ifdef NM_LOIHI_TEST_RTL
    if (idx == 1) {
        nm_loihi_rtl *r = nm_loihi_rtl_new(g, o, msg, sizeof msg);
        if (!r)
            return NM_ERR_NOMEM;
        nm_loihi_rtl_backend(b, r);
        return NM_OK;
    }
#endif
    return NM_ERR_ARG;
}

void nm_loihi_test_free(nm_loihi_backend *b)
{
    if (b->impl)
        b->free(b->impl);
    b->impl = NULL;
}
