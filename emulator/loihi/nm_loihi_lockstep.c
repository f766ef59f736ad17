/* nm_loihi_lockstep.c - the Verilated chip of Loihi-style cores programmed from an image, and the check comparison with the reference chip. */
#include "nm_loihi_lockstep.h"

#include <stdio.h>

#include "nm_fw.h"
#include "nm_loihi_prog.h"
#include "nm_loihi_regmap.h"

int nm_loihi_lockstep_rtl_new(const nm_vlchip_api *api, const nm_loihi_image *im, const char *what,
                              nm_loihi_rtl_chip **out, char *err, size_t errlen)
{
    const nm_loihi_geom *bg, *ig = &im->g;
    nm_loihi_image_layout l;
    nm_loihi_rtl_chip *c;
    unsigned k, bw;
    size_t i;
    *out = NULL;
    c = nm_loihi_rtl_chip_new_api(api, NULL, err, errlen);
    if (!c)
        return NM_ERR_HANG;
    bg = nm_loihi_rtl_chip_geom(c);
    bw = nm_loihi_rtl_chip_mesh_x(c);
    if (bg->ncomp != ig->ncomp || bg->naxin != ig->naxin || bg->naxout != ig->naxout || bg->nsyn != ig->nsyn ||
        bg->ndslot != ig->ndslot || bg->ndprof != ig->ndprof || bg->ntprof != ig->ntprof ||
        bg->nsynfmt != ig->nsynfmt || bg->inq < ig->inq || im->mesh_x > bw ||
        im->mesh_y > nm_loihi_rtl_chip_mesh_y(c)) {
        snprintf(err, errlen, "%s: the RTL chip of Loihi-style cores is built as %u x %u cores of %u compartments, "
                              "%u input axons, %u axon-map entries, %u synapse words, %u delay slots, %u/%u/%u profiles "
                              "and formats, input queue %u; the image has %u x %u cores of %u, %u, %u, %u, %u, %u/%u/%u, "
                              "queue %u (it needs the same core geometry, a queue at least as deep, and a mesh that "
                              "fits; docs/loihi-chip.md)",
                 what, bw, nm_loihi_rtl_chip_mesh_y(c), bg->ncomp, bg->naxin, bg->naxout, bg->nsyn, bg->ndslot,
                 bg->ndprof, bg->ntprof, bg->nsynfmt, bg->inq, im->mesh_x, im->mesh_y, ig->ncomp, ig->naxin,
                 ig->naxout, ig->nsyn, ig->ndslot, ig->ndprof, ig->ntprof, ig->nsynfmt, ig->inq);
        nm_loihi_rtl_chip_free(c);
        return NM_ERR_ARG;
    }
    nm_loihi_image_layout_of(ig, &l);
    for (k = 0; k < im->mesh_x * im->mesh_y; k++) {
        unsigned core = (k / im->mesh_x) * bw + k % im->mesh_x;
        for (i = 0; i < l.nwords; i++)
            if (nm_fw_loihi_core_write(nm_loihi_rtl_chip_bus(c), core, nm_loihi_image_word_addr(&l, i),
                                       im->words[k][i]) != NM_FW_OK) {
                snprintf(err, errlen, "%s: core %u: the RTL refused config word %zu (address 0x%05x)", what, k, i,
                         (unsigned)nm_loihi_image_word_addr(&l, i));
                nm_loihi_rtl_chip_free(c);
                return NM_ERR_CFG;
            }
    }
    *out = c;
    return NM_OK;
}

int nm_loihi_lockstep_diverged(nm_loihi_chip *ref, nm_loihi_rtl_chip *rtl, unsigned mx, unsigned my,
                               unsigned ncomp, unsigned long t, char *msg, size_t len)
{
    static const char *const f[4] = {"u", "v", "refractory", "v (hardware view)"};
    static const int wid[4] = {24, 24, 6, 24};
    unsigned k, n, j, bw = nm_loihi_rtl_chip_mesh_x(rtl);
    for (k = 0; k < mx * my; k++) {
        unsigned x = k % mx, y = k / mx, core = y * bw + x;
        const nm_loihi_out *a = nm_loihi_chip_core_out(ref, k), *b = nm_loihi_rtl_chip_core_out(rtl, core);
        nm_loihi_ref *m = nm_loihi_chip_core(ref, k);
        for (j = 0; j < a->nspikes || j < b->nspikes; j++)
            if (j >= a->nspikes || j >= b->nspikes || a->spikes[j] != b->spikes[j]) {
                snprintf(msg, len, "check: backends diverged at step %lu, core (%u, %u): spike %u: ref %s%d, rtl %s%d",
                         t, x, y, j, j < a->nspikes ? "compartment " : "none", j < a->nspikes ? a->spikes[j] : 0,
                         j < b->nspikes ? "compartment " : "none", j < b->nspikes ? b->spikes[j] : 0);
                return 1;
            }
        for (n = 0; n < ncomp; n++) {
            uint32_t w[4];
            if (nm_fw_loihi_read_cx_state(nm_loihi_rtl_chip_bus(rtl), core, n, w) != NM_FW_OK) {
                snprintf(msg, len, "check: step %lu, core (%u, %u): the RTL refused a state read", t, x, y);
                return 1;
            }
            for (j = 0; j < 4; j++) {
                uint32_t mw = 0;
                nm_loihi_ref_cfg_read(m, nm_loihi_addr_cx(n, NML_CX_U + j), &mw);
                if (mw != w[j]) {
                    snprintf(msg, len, "check: backends diverged at step %lu, core (%u, %u), compartment %u, %s: "
                                       "ref %ld, rtl %ld", t, x, y, n, f[j], (long)nm_loihi_sext(mw, (unsigned)wid[j]),
                             (long)nm_loihi_sext(w[j], (unsigned)wid[j]));
                    return 1;
                }
            }
        }
    }
    return 0;
}
