/* nm_vdrive.h - the sequences every driver of a Verilated model shares (both core types, core and chip). */
#ifndef NM_VDRIVE_H
#define NM_VDRIVE_H

/* The TrueNorth-style drivers (nm_rtl_core.c, nm_rtl_chip.c) and the Loihi-style ones
 * (loihi/nm_loihi_rtl.c, loihi/nm_loihi_rtl_chip.c) each have their own pin struct, so
 * the sequences below reach the pins through pointers into it and clock the model
 * through the driver's own cycle(). Static inline: every build that links a driver
 * (nmemu, its assert and coverage builds, libnmemu.so, the test programs) gets it
 * without another object on its link line. */

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

#include "nm_core_if.h"

/* One driver as the sequences see it. */
typedef struct nm_vdrive {
    void *ctx;                /* the driver */
    void (*cycle)(void *ctx); /* one clock cycle: pins in, rising edge, pins out, assertion check */
    void (*eval)(void *ctx);  /* settle the combinational outputs without an edge (APB only) */
    const int *stopped;       /* the driver's flag: an RTL assertion fired */
} nm_vdrive;

/* A core's config port (docs/rtl.md, docs/loihi-core.md): the driver writes the address. */
typedef struct nm_vcfg_pins {
    uint8_t *req, *we;
    uint32_t *wdata;
    const uint8_t *rvalid, *err;
    const uint32_t *rdata;
} nm_vcfg_pins;

/* A chip's APB slave port (docs/chip.md, docs/loihi-chip.md). */
typedef struct nm_vapb_pins {
    uint8_t *psel, *penable, *pwrite;
    uint32_t *paddr, *pwdata;
    const uint8_t *pready, *pslverr;
    const uint32_t *prdata;
} nm_vapb_pins;

/* One config-port access, the address already on the pins: request for one cycle, the
 * response the next. NM_ERR_ASSERT once an assertion fired, NM_ERR_HANG without a
 * response, NM_ERR_CFG when refused. */
static inline int nm_vdrive_cfg(const nm_vdrive *d, const nm_vcfg_pins *p, int we, uint32_t wdata,
                                uint32_t *rdata)
{
    if (*d->stopped)
        return NM_ERR_ASSERT;
    *p->req = 1;
    *p->we = (uint8_t)we;
    *p->wdata = wdata;
    d->cycle(d->ctx);
    *p->req = 0;
    *p->we = 0;
    if (*d->stopped)
        return NM_ERR_ASSERT;
    if (!*p->rvalid)
        return NM_ERR_HANG; /* the port promises a response the next cycle */
    if (rdata)
        *rdata = *p->rdata;
    return *p->err ? NM_ERR_CFG : NM_OK;
}

/* One APB transfer: setup phase, access phase until PREADY, then idle. NM_ERR_CFG on
 * PSLVERR, NM_ERR_ASSERT once an assertion fired. */
static inline int nm_vdrive_apb(const nm_vdrive *d, const nm_vapb_pins *p, int write, uint32_t paddr,
                                uint32_t wdata, uint32_t *rdata)
{
    int err;
    if (*d->stopped)
        return NM_ERR_ASSERT;
    *p->psel = 1;
    *p->penable = 0;
    *p->pwrite = (uint8_t)write;
    *p->paddr = paddr;
    *p->pwdata = wdata;
    d->cycle(d->ctx); /* setup phase */
    *p->penable = 1;
    d->eval(d->ctx); /* access phase: PREADY, PRDATA, PSLVERR */
    while (!*p->pready)
        d->cycle(d->ctx);
    err = *p->pslverr;
    if (rdata)
        *rdata = *p->prdata;
    d->cycle(d->ctx);
    *p->psel = 0;
    *p->penable = 0;
    *p->pwrite = 0;
    if (*d->stopped)
        return NM_ERR_ASSERT;
    return err ? NM_ERR_CFG : NM_OK;
}

/* Reset: rst_n low for 4 cycles, then high for one. */
static inline void nm_vdrive_reset(const nm_vdrive *d, uint8_t *rst_n)
{
    int i;
    *rst_n = 0;
    for (i = 0; i < 4; i++)
        d->cycle(d->ctx);
    *rst_n = 1;
    d->cycle(d->ctx);
}

/* The text of an assertion that fired in clock cycle `cycle`: with the tick or step it
 * fell in when unit ("tick", "step") is given, number n, in_unit whether that tick or
 * step was running or the assertion came between it and the one before. */
static inline void nm_vdrive_assert_text(char *err, size_t len, uint64_t cycle, const char *unit, int in_unit,
                                         uint32_t n, const char *msg)
{
    if (!unit)
        snprintf(err, len, "RTL assertion in cycle %" PRIu64 ": %s", cycle, msg);
    else if (in_unit)
        snprintf(err, len, "RTL assertion in cycle %" PRIu64 " (%s %" PRIu32 "): %s", cycle, unit, n, msg);
    else
        snprintf(err, len, "RTL assertion in cycle %" PRIu64 " (between %ss, before %s %" PRIu32 "): %s", cycle,
                 unit, unit, n, msg);
}

#endif
