/* nm_lower_loihi.h - lowering of an import graph onto Loihi-mode cores (docs/import.md section 9):
 * linear nodes (Affine, Linear, Scale, Flatten, Conv1d, Conv2d, SumPool2d, AvgPool2d, Delay)
 * composed into sparse connections (nm_compose.h),
 * LIF / CubaLIF / LI / CubaLI / IF elements onto compartments, weights quantized to Loihi's
 * synapse formats, fan-out through the axon map, Delay nodes into synaptic delays; the result is
 * a Loihi network description (docs/loihi-network-format.md) that nm_loihi_compile builds. */
#ifndef NM_LOWER_LOIHI_H
#define NM_LOWER_LOIHI_H

#include <stddef.h>

#include "nm_graph.h"

typedef struct nm_ll_opts {
    double dt;          /* seconds per tick */
    int wbits;          /* weight bits 1..8 (synapse format NBITS) */
    double vscale;      /* units of v per 1.0 of the float graph; 0: per layer, automatic */
    int wexp_set;       /* 1: every layer uses wexp (WGT_EXP -8..7); 0: per layer, automatic */
    int wexp;
    double vfloor;      /* > 0: an automatic scale keeps -vfloor x the largest threshold above v's
                         * saturation (-2^23 units); 0: no such limit */
} nm_ll_opts;

typedef struct nm_ll_net {
    char *json;         /* the Loihi network description (core_type "loihi", comment = report) */
    char *report;       /* discretization, quantization per layer, placement */
    char *input_map;    /* CSV input,node,index,x,y,axon,tick_offset */
    char *neuron_map;   /* CSV node,index,role,x,y,neuron (neuron = compartment) */
    size_t cores, compartments, synapses, axmap_entries;
    unsigned mesh_x, mesh_y;
    double hops_per_spike;
} nm_ll_net;

/* 1 when the graph holds a node only Loihi-mode cores take (LIF, CubaLIF, LI, CubaLI):
 * the default target. */
int nm_ll_prefers_loihi(const nm_graph *g);

/* Lower and place. NULL with a message naming the node, its type and why on failure. */
nm_ll_net *nm_lower_loihi(const nm_graph *g, const nm_ll_opts *o, char *err, size_t errlen);
void nm_ll_net_free(nm_ll_net *n);

#endif
