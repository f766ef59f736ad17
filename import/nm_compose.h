/* nm_compose.h - the linear nodes of an import graph composed into sparse matrices: the
 * input of every population node (Input or a neuron node) as a sparse linear expression over
 * the elements of the population nodes before it. Shared by every lowering (TrueNorth-mode
 * in nm_lower_tn.c; a Loihi-mode lowering reads the same expressions). */
#ifndef NM_COMPOSE_H
#define NM_COMPOSE_H

#include <stddef.h>
#include <stdint.h>

#include "nm_graph.h"

#define NM_CONST_POP 0xFFFFFFFFu /* the term of a bias (idx 0) */

typedef struct nm_term {
    uint32_t pop, idx; /* element idx of population node pop, or NM_CONST_POP */
    int32_t delay;     /* steps, from Delay nodes (0 without them; 0 for a bias) */
    double w;
} nm_term;

typedef struct nm_expr {
    nm_term *t;        /* sorted by (pop, idx, delay), no duplicates (a sum may cancel to 0) */
    uint32_t n;
} nm_expr;

typedef struct nm_compose {
    const nm_graph *g;
    nm_expr **out;     /* per linear node: its output expressions */
    double dt;         /* seconds per step for Delay nodes; 0: Delay nodes are not composed */
} nm_compose;

/* Input and every neuron-like node: their elements are what expressions are made of. */
int nm_compose_is_population(nm_node_type t);
/* Affine, Linear, Scale, Flatten, Conv1d, Conv2d, SumPool2d, AvgPool2d. */
int nm_compose_is_linear(nm_node_type t);
/* Parameter `name` of node n for element i (a one-value array applies to all); 0 if absent. */
double nm_node_param(const nm_node *n, const char *name, size_t i);

/* Compose every linear node, visiting them in `order` (nm_graph_topo_order), each after the
 * linear nodes it reads. 0, or -1 with a message naming the node (a cycle of linear nodes
 * only is refused). Delay nodes are not composed (a lowering that meets one refuses it first). */
int nm_compose_init(nm_compose *c, const nm_graph *g, const size_t *order, char *err, size_t errlen);
/* The same, and Delay nodes too: a Delay of d seconds adds round(d / dt) steps to the delay of
 * every term through it (its elements must share one delay, a whole number of dt steps). */
int nm_compose_init_delays(nm_compose *c, const nm_graph *g, const size_t *order, double dt, char *err,
                           size_t errlen);
/* The input of node v: out_size expressions (the sum over its in-edges); caller frees with
 * nm_exprs_free. NULL with a message. */
nm_expr *nm_compose_input(const nm_compose *c, size_t v, char *err, size_t errlen);
void nm_exprs_free(nm_expr *x, size_t n);
/* Rank of every element of a population node when its positions are visited in Morton (Z)
 * order, channels innermost (C x H x W; 2-D: the last axis outermost; else index order), so
 * runs of consecutive ranks are compact patches. NULL when out of memory; caller frees. */
uint32_t *nm_morton_rank(const nm_node *n);
void nm_compose_free(nm_compose *c);

#endif
