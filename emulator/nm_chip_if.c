/* nm_chip_if.c - tick output buffers, canonical order, APB addresses, flits. */
#include "nm_chip_if.h"

#include <stdlib.h>

#include "nm_chipmap.h"
#include "nm_regmap.h"

int nm_chip_tick_out_init(nm_chip_tick_out *o, unsigned ncores, unsigned nneurons, unsigned off_cap)
{
    o->cycles = 0;
    o->nspikes = o->noff = 0;
    o->spikes_cap = ncores * nneurons;
    o->off_cap = off_cap ? off_cap : 64;
    o->spikes = malloc(sizeof *o->spikes * (o->spikes_cap ? o->spikes_cap : 1));
    o->off = malloc(sizeof *o->off * o->off_cap);
    if (!o->spikes || !o->off) {
        nm_chip_tick_out_free(o);
        return NM_ERR_NOMEM;
    }
    return NM_OK;
}

void nm_chip_tick_out_free(nm_chip_tick_out *o)
{
    free(o->spikes);
    free(o->off);
    o->spikes = NULL;
    o->off = NULL;
    o->spikes_cap = o->off_cap = 0;
}

int nm_chip_tick_out_add_off(nm_chip_tick_out *o, const nm_offchip *p)
{
    if (o->noff == o->off_cap) {
        nm_offchip *n = realloc(o->off, sizeof *n * o->off_cap * 2);
        if (!n)
            return NM_ERR_NOMEM;
        o->off = n;
        o->off_cap *= 2;
    }
    o->off[o->noff++] = *p;
    return NM_OK;
}

static int cmp_spike(const void *a, const void *b)
{
    const nm_chip_spike *x = a, *y = b;
    if (x->core != y->core)
        return x->core < y->core ? -1 : 1;
    return (x->neuron > y->neuron) - (x->neuron < y->neuron);
}

static int cmp_off(const void *a, const void *b)
{
    const nm_offchip *x = a, *y = b;
    int64_t kx[7] = {x->tick, x->side, x->pos, x->pkt.dx, x->pkt.dy, x->pkt.axon, x->pkt.delay};
    int64_t ky[7] = {y->tick, y->side, y->pos, y->pkt.dx, y->pkt.dy, y->pkt.axon, y->pkt.delay};
    int i;
    for (i = 0; i < 7; i++)
        if (kx[i] != ky[i])
            return kx[i] < ky[i] ? -1 : 1;
    return 0;
}

void nm_chip_tick_out_sort(nm_chip_tick_out *o)
{
    uint32_t k;
    /* backends usually produce spikes in order already: check first, it is linear */
    for (k = 1; k < o->nspikes && cmp_spike(&o->spikes[k - 1], &o->spikes[k]) <= 0; k++)
        ;
    if (k < o->nspikes)
        qsort(o->spikes, o->nspikes, sizeof *o->spikes, cmp_spike);
    nm_chip_tick_out_sort_off(o);
}

void nm_chip_tick_out_sort_off(nm_chip_tick_out *o)
{
    if (o->noff > 1)
        qsort(o->off, o->noff, sizeof *o->off, cmp_off);
}

uint32_t nm_chip_paddr(unsigned space, unsigned index, unsigned word)
{
    return (((uint32_t)space << NM_CHIP_REGION_SHIFT) | ((uint32_t)index << 16) | (word & 0xffffu)) << 2;
}

static int16_t sext9(uint32_t v)
{
    v &= 0x1ffu;
    return (int16_t)((v & 0x100u) ? (int32_t)v - 512 : (int32_t)v);
}

uint32_t nm_flit_pack(const nm_pkt *p)
{
    return ((uint32_t)p->dx & NM_NEURON_DEST_DX_MASK) << NM_NEURON_DEST_DX_LSB |
           ((uint32_t)p->dy & NM_NEURON_DEST_DY_MASK) << NM_NEURON_DEST_DY_LSB |
           ((uint32_t)p->axon & NM_NEURON_DEST_AXON_MASK) << NM_NEURON_DEST_AXON_LSB |
           ((uint32_t)p->delay & NM_NEURON_DEST_DELAY_MASK) << NM_NEURON_DEST_DELAY_LSB;
}

nm_pkt nm_flit_unpack(uint32_t f)
{
    nm_pkt p;
    p.dx = sext9(f >> NM_NEURON_DEST_DX_LSB);
    p.dy = sext9(f >> NM_NEURON_DEST_DY_LSB);
    p.axon = (uint8_t)((f >> NM_NEURON_DEST_AXON_LSB) & NM_NEURON_DEST_AXON_MASK);
    p.delay = (uint8_t)((f >> NM_NEURON_DEST_DELAY_LSB) & NM_NEURON_DEST_DELAY_MASK);
    return p;
}
