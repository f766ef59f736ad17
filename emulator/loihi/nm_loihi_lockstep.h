/* nm_loihi_lockstep.h - the Verilated chip of Loihi-style cores programmed from an image, and the
 * check backend's comparison of it with the reference chip after a step (shared by nmemu run,
 * emulator/loihi/nm_loihi_cli.c, and the embedding API, emulator/nm_api_loihi.c). */
#ifndef NM_LOIHI_LOCKSTEP_H
#define NM_LOIHI_LOCKSTEP_H

#include <stddef.h>

#include "nm_loihi_chip.h"
#include "nm_loihi_image.h"
#include "nm_loihi_rtl_chip.h"

/* A chip on the build api (nm_rtl_lshape_get) programmed through the firmware with every
 * config word of the image (image core (x, y) is RTL core y * mesh_x(chip) + x). what names
 * the image in messages. NM_OK and *out; NM_ERR_ARG when the build's geometry or mesh cannot
 * hold the image (a bad input), another NM_ERR_* when the chip fails; message in err. */
int nm_loihi_lockstep_rtl_new(const nm_vlchip_api *api, const nm_loihi_image *im, const char *what,
                              nm_loihi_rtl_chip **out, char *err, size_t errlen);

/* After step `step` of both: 0 when every core of the mx x my mesh has the same spikes (in
 * order) on both and every compartment 0..ncomp-1 the same u, v, refractory counter and
 * hardware-view v; else 1 with the first difference in msg ("check: backends diverged at
 * step ..."). */
int nm_loihi_lockstep_diverged(nm_loihi_chip *ref, nm_loihi_rtl_chip *rtl, unsigned mx, unsigned my,
                               unsigned ncomp, unsigned long step, char *msg, size_t len);

#endif
