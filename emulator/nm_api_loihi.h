/* nm_api_loihi.h - internal: the nm_sim API (nm_api.h) over a chip of Loihi-style cores (reference
 * model, Verilated chip or both in lockstep). nm_api.c dispatches to these when the image or
 * description is of Loihi type. */
#ifndef NM_API_LOIHI_H
#define NM_API_LOIHI_H

#include <stddef.h>
#include <stdint.h>

#include "nm_api.h"

typedef struct nml_sim nml_sim;

/* 1 when the file is a Loihi image (.nmi core type 1) or a description with core_type "loihi". */
int nml_is_loihi_file(const char *path);
int nml_is_loihi_json(const char *text);

int nml_open(nml_sim **out, const char *path, const char *json, const char *name, const nm_sim_opts *o, char *err,
             size_t errlen);
void nml_free(nml_sim *s);
void nml_geometry(const nml_sim *s, unsigned *mx, unsigned *my, unsigned *naxin, unsigned *ncomp);
uint64_t nml_tick(const nml_sim *s);
const char *nml_backend(const nml_sim *s); /* "ref", "rtl" or "check" */
int nml_inject(nml_sim *s, size_t n, const uint32_t *xyad, char *err, size_t errlen);
int nml_run(nml_sim *s, uint64_t ticks, size_t n, const uint32_t *inputs, char *err, size_t errlen);
size_t nml_spike_count(const nml_sim *s);
size_t nml_spikes(nml_sim *s, uint32_t *out, size_t cap);
size_t nml_cycles_count(const nml_sim *s);
size_t nml_cycles(nml_sim *s, uint32_t *out, size_t cap);
/* what: 0 v (state view), 1 v (hardware view), 2 u */
int nml_get(nml_sim *s, int what, unsigned x, unsigned y, unsigned first, unsigned n, int32_t *out, char *err,
            size_t errlen);
int nml_set_v(nml_sim *s, unsigned x, unsigned y, unsigned first, unsigned n, const int32_t *v, char *err,
              size_t errlen);
const char *nml_counter_name(unsigned i);
int nml_counters(nml_sim *s, uint64_t out[NM_SIM_NCOUNTERS], char *err, size_t errlen);
int nml_energy_get(nml_sim *s, nm_sim_energy *e, char *err, size_t errlen);
int nml_energy_reset(nml_sim *s, char *err, size_t errlen);
int nml_report(nml_sim *s, char **json, char *err, size_t errlen);

#endif
