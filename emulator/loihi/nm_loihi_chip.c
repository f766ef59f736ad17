/* nm_loihi_chip.c - a mesh of Loihi-style reference cores with X-then-Y routing (docs/loihi-core.md s6). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nm_loihi_chip.h"

struct nm_loihi_chip {
    unsigned w, h, n;
    nm_loihi_ref **cores;
    nm_loihi_out *outs;
    nm_loihi_chip_stats st;
    /* --rtl-cores: rtl[i] non-NULL runs core i on that backend (NULL: none attached) */
    nm_loihi_backend **rtl;
    nm_loihi_out *mouts; /* the model copies' outputs of the last step */
};

nm_loihi_chip *nm_loihi_chip_new(unsigned w, unsigned h, const nm_loihi_geom *g, char *msg, size_t len)
{
    nm_loihi_chip *c;
    unsigned i;
    if (w < 1 || h < 1 || w > 256 || h > 256) {
        if (msg && len)
            snprintf(msg, len, "chip: mesh %u x %u, expected 1 .. 256 each way", w, h);
        return NULL;
    }
    c = calloc(1, sizeof *c);
    if (!c)
        goto nomem;
    c->w = w;
    c->h = h;
    c->n = w * h;
    c->cores = calloc(c->n, sizeof *c->cores);
    c->outs = calloc(c->n, sizeof *c->outs);
    if (!c->cores || !c->outs) {
        nm_loihi_chip_free(c);
        goto nomem;
    }
    for (i = 0; i < c->n; i++) {
        c->cores[i] = nm_loihi_ref_new(g, NULL, msg, len);
        if (!c->cores[i]) {
            nm_loihi_chip_free(c);
            return NULL;
        }
    }
    return c;
nomem:
    if (msg && len)
        snprintf(msg, len, "chip: out of memory");
    return NULL;
}

void nm_loihi_chip_free(nm_loihi_chip *c)
{
    unsigned i;
    if (!c)
        return;
    if (c->cores)
        for (i = 0; i < c->n; i++)
            nm_loihi_ref_free(c->cores[i]);
    free(c->cores);
    free(c->rtl);
    free(c->mouts);
    free(c->outs);
    free(c);
}

unsigned nm_loihi_chip_ncores(const nm_loihi_chip *c)
{
    return c->n;
}

nm_loihi_ref *nm_loihi_chip_core(nm_loihi_chip *c, unsigned i)
{
    return i < c->n ? c->cores[i] : NULL;
}

int nm_loihi_chip_inject(nm_loihi_chip *c, unsigned i, unsigned axon)
{
    int rc;
    if (i >= c->n)
        return NM_ERR_ARG;
    rc = nm_loihi_ref_inject(c->cores[i], axon);
    if (c->rtl && c->rtl[i]) {
        int r2 = c->rtl[i]->inject(c->rtl[i]->impl, axon);
        if (r2 != NM_OK && r2 != NM_ERR_FULL)
            return r2;
    }
    return rc;
}

int nm_loihi_chip_attach(nm_loihi_chip *c, unsigned i, nm_loihi_backend *b)
{
    if (i >= c->n || !b)
        return NM_ERR_ARG;
    if (!c->rtl) {
        c->rtl = calloc(c->n, sizeof *c->rtl);
        c->mouts = calloc(c->n, sizeof *c->mouts);
        if (!c->rtl || !c->mouts)
            return NM_ERR_NOMEM;
    }
    c->rtl[i] = b;
    return NM_OK;
}

const nm_loihi_out *nm_loihi_chip_model_out(const nm_loihi_chip *c, unsigned i)
{
    if (i >= c->n)
        return NULL;
    return c->rtl && c->rtl[i] ? &c->mouts[i] : &c->outs[i];
}

const nm_loihi_out *nm_loihi_chip_core_out(const nm_loihi_chip *c, unsigned i)
{
    return i < c->n ? &c->outs[i] : NULL;
}

const nm_loihi_chip_stats *nm_loihi_chip_stats_get(const nm_loihi_chip *c)
{
    return &c->st;
}

int nm_loihi_chip_step(nm_loihi_chip *c, nm_loihi_chip_out *out)
{
    unsigned i, k;
    uint32_t maxcyc = 0, nspk = 0, npkts = 0;
    uint64_t ew = 0, ns = 0, off = 0;
    int rc;
    /* every core steps; its packets wait in its output buffer */
    if (c->n)
        nm_loihi_ref_prefetch(c->cores[0]);
    for (i = 0; i < c->n; i++) {
        if (i + 1 < c->n)
            nm_loihi_ref_prefetch(c->cores[i + 1]);
        if ((rc = nm_loihi_ref_tick(c->cores[i], &c->outs[i])) != NM_OK)
            return rc;
        if (c->rtl && c->rtl[i]) { /* the RTL core's step is the one the chip sees */
            c->mouts[i] = c->outs[i];
            if ((rc = c->rtl[i]->tick(c->rtl[i]->impl, &c->outs[i])) != NM_OK)
                return rc;
        }
        if (c->outs[i].cycles > maxcyc)
            maxcyc = c->outs[i].cycles;
        nspk += c->outs[i].nspikes;
    }
    /* then the packets land, in source-core and send order */
    for (i = 0; i < c->n; i++) {
        const nm_loihi_out *o = &c->outs[i];
        int x = (int)(i % c->w), y = (int)(i / c->w);
        for (k = 0; k < o->npkts; k++) {
            const nm_loihi_pkt *p = &o->pkts[k];
            int dx = x + p->dx, dy = y + p->dy;
            if (dx < 0 || dy < 0 || dx >= (int)c->w || dy >= (int)c->h) {
                off++;
                continue;
            }
            ew += (uint64_t)(p->dx < 0 ? -p->dx : p->dx);
            ns += (uint64_t)(p->dy < 0 ? -p->dy : p->dy);
            nm_loihi_ref_push(c->cores[(unsigned)dy * c->w + (unsigned)dx], p->axon);
            if (c->rtl && c->rtl[(unsigned)dy * c->w + (unsigned)dx]) {
                nm_loihi_backend *b = c->rtl[(unsigned)dy * c->w + (unsigned)dx];
                if ((rc = b->inject(b->impl, p->axon)) != NM_OK && rc != NM_ERR_FULL)
                    return rc;
            }
        }
        npkts += o->npkts;
    }
    c->st.steps++;
    c->st.pkts += npkts;
    c->st.offmesh += off;
    c->st.hops_ew += ew;
    c->st.hops_ns += ns;
    c->st.cycles += maxcyc;
    if (out) {
        out->cycles = maxcyc;
        out->nspikes = nspk;
        out->npkts = npkts;
    }
    return NM_OK;
}
