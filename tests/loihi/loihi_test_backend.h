/* loihi_test_backend.h - the backends the Loihi-core Check tests run on (model, and RTL when built with it). */
#ifndef LOIHI_TEST_BACKEND_H
#define LOIHI_TEST_BACKEND_H

#include "nm_loihi_if.h"

/* 1 (the reference model) unless the runner was given --rtl and the RTL is built in. */
extern int nm_loihi_test_nbackends;
/* Backend idx (0 = ref, 1 = rtl) with geometry g and options o (NULL: {0, 0}). */
int nm_loihi_test_new(int idx, const nm_loihi_geom *g, const nm_loihi_opts *o, nm_loihi_backend *b);
void nm_loihi_test_free(nm_loihi_backend *b);

#endif
