/* nm_test_backend.h - create a core backend by name for tests ("ref" or "rtl"). */
#ifndef NM_TEST_BACKEND_H
#define NM_TEST_BACKEND_H

#include "nm_core_if.h"

/* NM_OK, or an error if the name is unknown or the backend cannot be built. */
int  nm_test_backend_new(const char *name, const nm_core_opts *opts, nm_core_backend *out);
void nm_test_backend_free(nm_core_backend *b);

/* Backend names the runner was asked to test: "ref" always, "rtl" with --rtl. */
extern const char *nm_test_backends[2];
extern int nm_test_nbackends;

#endif
