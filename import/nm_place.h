/* nm_place.h - placement shared by the lowerings: cores ordered by where their neurons sit in
 * their layer's image along a Hilbert curve, then laid on the mesh along the same curve, so
 * cores that see one patch of the image sit together (docs/import.md sections 4 and 9). */
#ifndef NM_PLACE_H
#define NM_PLACE_H

#include <stddef.h>

/* n cores with placement keys (cx[i], cy[i]) in 0..1 onto an mx x my mesh (n <= mx * my):
 * (x[i], y[i]). Equal keys keep their order. 0, or -1 when out of memory. */
int nm_place_hilbert(size_t n, const double *cx, const double *cy, unsigned mx, unsigned my, int *x, int *y);

#endif
