/* nm_lower_tn.h - lowering of an import graph onto TrueNorth-mode cores (docs/import.md):
 * linear nodes composed into one sparse matrix per neuron node, weights quantized to
 * B-bit two's-complement codes carried by B axon copies (one axon type per bit), fan-in
 * above a core's axons split over partial-sum neuron pairs, fan-out through splitter
 * (relay) neurons, then placement (nm_place.c). A Loihi-mode lowering reads the same graph. */
#ifndef NM_LOWER_TN_H
#define NM_LOWER_TN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "nm_core_prog.h"
#include "nm_graph.h"
#include "nm_image.h"

typedef struct nm_tn_opts {
    double dt;             /* seconds per tick: LIF tau -> per-tick decay */
    int reset_subtract;    /* 1: V -= alpha on a spike (gamma 1); 0: V = 0 (gamma 0, R 0) */
    int wbits;             /* 2..4: weight bits per synapse = axon copies per input */
    double range_pct;      /* 100: the largest |w| of a neuron maps to the top code; else that percentile */
    int lif_linear;        /* accept LIF with its decay approximated by a constant leak */
    double v_floor;        /* potentials down to -v_floor * v_threshold must not saturate */
    unsigned naxons, nneurons;
} nm_tn_opts;

enum { NM_R_MAIN, NM_R_FINAL, NM_R_PPOS, NM_R_PNEG, NM_R_RELAY };

typedef struct nm_tn_target {
    int32_t core;          /* logical core, -1 off chip */
    uint16_t axon;
    uint8_t extra;         /* 1 for an unsplit neuron in a node that also has split ones */
} nm_tn_target;

typedef struct nm_tn_neuron {
    nm_neuron_cfg cfg;     /* dest filled by placement */
    uint32_t node, index;  /* the graph node and the element it stands for */
    uint8_t role;
    int32_t core;          /* logical core */
    uint16_t slot;
    nm_tn_target tgt;      /* its one destination */
} nm_tn_neuron;

typedef struct nm_tn_core {
    uint8_t role;          /* role of the neurons it holds */
    uint32_t node;
    uint16_t nneur, naxon;
    uint8_t types[256];
    uint32_t src[256];     /* emitter feeding each axon */
    uint32_t *xbar;        /* 256 rows x 8 words */
    int x, y;              /* mesh position (placement) */
    double cx, cy;         /* where its neurons sit in their layer's image, 0..1 (placement key) */
} nm_tn_core;

typedef struct nm_tn_net {
    nm_tn_opts opts;
    size_t nhost;                  /* host emitters (Input elements), ids 0..nhost-1 */
    uint32_t *host_node, *host_index;
    nm_tn_neuron *neur;            /* logical neurons: emitter id = nhost + k */
    size_t nneur;
    nm_tn_core *cores;
    size_t ncores;
    nm_tn_target **tg;             /* per emitter: its targets before relays */
    uint32_t *ntg;
    size_t tg_alloc;
    unsigned mesh_x, mesh_y;
    char *report;                  /* human report: discretization, quantization, placement */
    /* figures */
    size_t synapses, relays, partials, finals, mains;
    double hops_per_spike, packets_per_spike;
} nm_tn_net;

/* Lower and place. NULL with a message naming the node, its type and why on failure. */
nm_tn_net *nm_lower_tn(const nm_graph *g, const nm_tn_opts *o, char *err, size_t errlen);
void nm_tn_net_free(nm_tn_net *n);

/* The chip image of a placed net. */
nm_image *nm_tn_image(const nm_tn_net *n, char *err, size_t errlen);

/* Placement (nm_place.c): cores sorted by where their neurons sit in their layer's image
 * (cx, cy), along a Hilbert curve, then laid on the mesh along the same curve: cores of
 * every layer that see one patch of the image sit together. Destinations resolved, hop
 * figures. 0 or -1. */
int nm_tn_place(nm_tn_net *n, char *err, size_t errlen);

/* Write the maps to a stream: host inputs (input,node,index,x,y,axon,tick_offset) and
 * neurons (node,index,role,x,y,neuron). 0, or -1 on a write error. */
int nm_tn_write_input_map(const nm_tn_net *n, const nm_graph *g, FILE *f);
int nm_tn_write_neuron_map(const nm_tn_net *n, const nm_graph *g, FILE *f);

#endif
