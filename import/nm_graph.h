/* nm_graph.h - the import graph IR: NIR nodes and edges, validated, nested graphs flattened.
 *
 * The NIR reader (nm_nir.c) fills it; a per-target lowering (nm_lower_tn.c for
 * TrueNorth-mode cores; a Loihi-mode lowering slots in beside it) reads it. Every
 * parameter is kept as a named array of doubles with its shape, whatever its HDF5 type. */
#ifndef NM_GRAPH_H
#define NM_GRAPH_H

#include <stddef.h>
#include <stdint.h>

typedef enum nm_node_type {
    NM_N_INPUT, NM_N_OUTPUT, NM_N_AFFINE, NM_N_LINEAR, NM_N_SCALE, NM_N_LIF, NM_N_CUBALIF,
    NM_N_IF, NM_N_LI, NM_N_CUBALI, NM_N_THRESHOLD, NM_N_DELAY, NM_N_FLATTEN, NM_N_CONV1D,
    NM_N_CONV2D, NM_N_SUMPOOL2D, NM_N_AVGPOOL2D, NM_N_GRAPH, NM_N_COUNT
} nm_node_type;

#define NM_MAXDIM 6

typedef struct nm_arr {
    char *name;
    double *v;
    size_t n;                 /* elements */
    int ndim;                 /* 0 for a scalar */
    size_t shape[NM_MAXDIM];
    char *str;                /* a string dataset: its text (v NULL, n 0) */
} nm_arr;

struct nm_graph;

typedef struct nm_node {
    char *name;               /* after flattening: "outer.inner" */
    nm_node_type type;
    nm_arr *arrs;
    size_t narrs;
    struct nm_graph *sub;     /* NM_N_GRAPH only, before flattening */
    int inner_io;             /* an Input/Output of a nested graph (dropped when flattening) */
    /* filled by nm_graph_infer_shapes */
    size_t in_size, out_size;
    int out_ndim;
    size_t out_shape[NM_MAXDIM];
} nm_node;

typedef struct nm_edge {
    char *src, *dst;          /* node names as in the file */
    size_t s, d;              /* node indices once resolved */
} nm_edge;

typedef struct nm_graph {
    char *path;               /* where it lives in the file, for messages ("node", "node/nodes/lif1") */
    nm_node *nodes;
    size_t nnodes;
    nm_edge *edges;
    size_t nedges;
} nm_graph;

const char *nm_node_type_name(nm_node_type t);
/* NM_N_COUNT when the name is no NIR node type. */
nm_node_type nm_node_type_parse(const char *s);

void nm_graph_free(nm_graph *g);

/* The array `name` of a node, or NULL. */
const nm_arr *nm_node_arr(const nm_node *n, const char *name);
/* Index of a node by name, or (size_t)-1. */
size_t nm_graph_find(const nm_graph *g, const char *name);

/* Check every node has the parameters its type needs (with sane shapes) and every edge
 * names nodes that exist, recursively; then replace nested graphs by their nodes
 * ("outer.inner"), wiring the edges through their Input and Output nodes. 0, or -1 with a
 * message naming the graph path, the node or edge, and the rule. */
int nm_graph_validate_flatten(nm_graph *g, char *err, size_t errlen);

/* Shapes of every node of a flattened graph, from the Input nodes forward (feed-forward
 * part only; a node on a cycle takes its size from its own parameters). 0 or -1. */
int nm_graph_infer_shapes(nm_graph *g, char *err, size_t errlen);

/* Nodes in an order where every edge that is not part of a cycle goes forward; *cyclic set
 * to 1 when the graph has a cycle (recurrence). Caller frees. */
size_t *nm_graph_topo_order(const nm_graph *g, int *cyclic);

#endif
