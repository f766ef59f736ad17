/* nm_nir.c - NIR (HDF5) reader: group /node holds "type" = "NIRGraph", "nodes" (one group
 * per node, each with a "type" string and its parameters as datasets) and "edges" (an
 * N x 2 array of strings, source then destination). Nested graphs nest the same layout. */
#include "nm_nir.h"

#include <hdf5.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct rd {
    const char *file;
    char *err;
    size_t errlen;
    int failed;
} rd;

static void rfail(rd *r, const char *fmt, ...)
{
    va_list ap;
    int k;
    if (r->failed)
        return;
    r->failed = 1;
    k = snprintf(r->err, r->errlen, "%s: ", r->file);
    if (k < 0 || (size_t)k >= r->errlen)
        return;
    va_start(ap, fmt);
    vsnprintf(r->err + k, r->errlen - (size_t)k, fmt, ap);
    va_end(ap);
}

/* A string dataset (scalar) as a new C string, or NULL. */
static char *read_string(hid_t loc, const char *name)
{
    hid_t ds, ty, mt;
    char *out = NULL;
    if (H5Lexists(loc, name, H5P_DEFAULT) <= 0)
        return NULL;
    ds = H5Dopen2(loc, name, H5P_DEFAULT);
    if (ds < 0)
        return NULL;
    ty = H5Dget_type(ds);
    if (H5Tget_class(ty) == H5T_STRING) {
        if (H5Tis_variable_str(ty) > 0) {
            char *p = NULL;
            mt = H5Tcopy(H5T_C_S1);
            H5Tset_size(mt, H5T_VARIABLE);
            H5Tset_cset(mt, H5Tget_cset(ty));
            if (H5Dread(ds, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, &p) >= 0 && p) {
                out = strdup(p);
                H5free_memory(p);
            }
            H5Tclose(mt);
        } else {
            size_t sz = H5Tget_size(ty);
            char *buf = calloc(sz + 1, 1);
            mt = H5Tcopy(H5T_C_S1);
            H5Tset_size(mt, sz + 1);
            H5Tset_cset(mt, H5Tget_cset(ty));
            if (buf && H5Dread(ds, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0)
                out = buf;
            else
                free(buf);
            H5Tclose(mt);
        }
    }
    H5Tclose(ty);
    H5Dclose(ds);
    return out;
}

/* A numeric dataset as doubles. 0 ok, 1 not numeric (skipped), -1 error. */
static int read_numeric(hid_t loc, const char *name, nm_arr *a)
{
    hid_t ds = H5Dopen2(loc, name, H5P_DEFAULT), ty, sp;
    H5T_class_t c;
    hsize_t dims[NM_MAXDIM];
    int nd, k, rc = -1;
    if (ds < 0)
        return -1;
    ty = H5Dget_type(ds);
    c = H5Tget_class(ty);
    H5Tclose(ty);
    if (c != H5T_INTEGER && c != H5T_FLOAT) {
        H5Dclose(ds);
        return 1;
    }
    sp = H5Dget_space(ds);
    nd = H5Sget_simple_extent_ndims(sp);
    if (nd >= 0 && nd <= NM_MAXDIM && H5Sget_simple_extent_dims(sp, dims, NULL) >= 0) {
        a->ndim = nd;
        a->n = 1;
        for (k = 0; k < nd; k++) {
            a->shape[k] = (size_t)dims[k];
            a->n *= (size_t)dims[k];
        }
        a->v = malloc((a->n ? a->n : 1) * sizeof *a->v);
        if (a->v && (a->n == 0 || H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, a->v) >= 0))
            rc = 0;
    }
    H5Sclose(sp);
    H5Dclose(ds);
    return rc;
}

static nm_graph *read_graph(rd *r, hid_t g, const char *path);

typedef struct iter_ctx {
    rd *r;
    char **names;
    size_t n;
} iter_ctx;

static herr_t collect(hid_t loc, const char *name, const H5L_info_t *info, void *op)
{
    iter_ctx *c = op;
    char **nn = realloc(c->names, (c->n + 1) * sizeof *nn);
    (void)loc;
    (void)info;
    if (!nn)
        return -1;
    c->names = nn;
    nn[c->n] = strdup(name);
    if (!nn[c->n])
        return -1;
    c->n++;
    return 0;
}

static int list_children(hid_t g, char ***names, size_t *n)
{
    iter_ctx c = {NULL, NULL, 0};
    hsize_t idx = 0;
    int rc = H5Literate(g, H5_INDEX_NAME, H5_ITER_INC, &idx, collect, &c) < 0 ? -1 : 0;
    *names = c.names;
    *n = c.n;
    return rc;
}

static void free_names(char **names, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static int read_node(rd *r, hid_t ng, const char *name, const char *path, nm_node *node)
{
    char *type = read_string(ng, "type"), **kids = NULL;
    size_t nk = 0, k;
    char sub[1024];
    snprintf(sub, sizeof sub, "%s/nodes/%s", path, name);
    node->name = strdup(name);
    if (!type) {
        rfail(r, "%s: a node needs a string dataset 'type'", sub);
        return -1;
    }
    node->type = nm_node_type_parse(type);
    if (node->type == NM_N_COUNT) {
        rfail(r, "%s/type: '%s' is no NIR node type (known: Input, Output, Affine, Linear, Scale, LIF, CubaLIF, "
                 "IF, LI, CubaLI, Threshold, Delay, Flatten, Conv1d, Conv2d, SumPool2d, AvgPool2d, NIRGraph)",
              sub, type);
        free(type);
        return -1;
    }
    free(type);
    if (node->type == NM_N_GRAPH) {
        node->sub = read_graph(r, ng, sub);
        return node->sub ? 0 : -1;
    }
    if (list_children(ng, &kids, &nk)) {
        free_names(kids, nk);
        rfail(r, "%s: cannot list its datasets", sub);
        return -1;
    }
    node->arrs = calloc(nk ? nk : 1, sizeof *node->arrs);
    for (k = 0; k < nk && node->arrs; k++) {
        nm_arr a;
        int rc;
        if (!strcmp(kids[k], "type"))
            continue;
        memset(&a, 0, sizeof a);
        rc = read_numeric(ng, kids[k], &a);
        if (rc < 0) {
            free(a.v);
            rfail(r, "%s/%s: cannot read it as numbers", sub, kids[k]);
            free_names(kids, nk);
            return -1;
        }
        if (rc == 1) { /* text: kept so that a parameter given as text is named, not "missing" */
            a.str = read_string(ng, kids[k]);
            if (!a.str)
                continue; /* other non-numeric metadata: not a parameter this reader uses */
        }
        a.name = strdup(kids[k]);
        node->arrs[node->narrs++] = a;
    }
    free_names(kids, nk);
    return 0;
}

static int read_edges(rd *r, hid_t g, const char *path, nm_graph *out)
{
    hid_t ds, ty, sp, mt;
    hsize_t dims[2] = {0, 0};
    int nd;
    char **buf;
    size_t i;
    if (H5Lexists(g, "edges", H5P_DEFAULT) <= 0) {
        rfail(r, "%s: a graph needs a dataset 'edges'", path);
        return -1;
    }
    ds = H5Dopen2(g, "edges", H5P_DEFAULT);
    ty = H5Dget_type(ds);
    sp = H5Dget_space(ds);
    nd = H5Sget_simple_extent_ndims(sp);
    H5Sget_simple_extent_dims(sp, dims, NULL);
    if (H5Tget_class(ty) != H5T_STRING || !(nd == 2 && dims[1] == 2) ) {
        H5Sclose(sp);
        H5Tclose(ty);
        H5Dclose(ds);
        if (nd == 1 && dims[0] == 0)
            return 0;
        rfail(r, "%s/edges: expected an N x 2 array of strings (source, destination)", path);
        return -1;
    }
    buf = calloc((size_t)dims[0] * 2 + 1, sizeof *buf);
    mt = H5Tcopy(H5T_C_S1);
    H5Tset_cset(mt, H5Tget_cset(ty));
    if (H5Tis_variable_str(ty) > 0) {
        H5Tset_size(mt, H5T_VARIABLE);
        if (!buf || H5Dread(ds, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0) {
            rfail(r, "%s/edges: cannot read", path);
            goto bad;
        }
        out->edges = calloc((size_t)dims[0] + 1, sizeof *out->edges);
        for (i = 0; i < dims[0] && out->edges; i++) {
            out->edges[i].src = strdup(buf[2 * i] ? buf[2 * i] : "");
            out->edges[i].dst = strdup(buf[2 * i + 1] ? buf[2 * i + 1] : "");
        }
        H5Dvlen_reclaim(mt, sp, H5P_DEFAULT, buf);
    } else {
        size_t sz = H5Tget_size(ty);
        char *fb = calloc((size_t)dims[0] * 2, sz + 1);
        H5Tset_size(mt, sz + 1);
        if (!fb || H5Dread(ds, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, fb) < 0) {
            free(fb);
            rfail(r, "%s/edges: cannot read", path);
            goto bad;
        }
        out->edges = calloc((size_t)dims[0] + 1, sizeof *out->edges);
        for (i = 0; i < dims[0] && out->edges; i++) {
            out->edges[i].src = strdup(fb + (2 * i) * (sz + 1));
            out->edges[i].dst = strdup(fb + (2 * i + 1) * (sz + 1));
        }
        free(fb);
    }
    out->nedges = (size_t)dims[0];
    free(buf);
    H5Tclose(mt);
    H5Sclose(sp);
    H5Tclose(ty);
    H5Dclose(ds);
    return 0;
bad:
    free(buf);
    H5Tclose(mt);
    H5Sclose(sp);
    H5Tclose(ty);
    H5Dclose(ds);
    return -1;
}

static nm_graph *read_graph(rd *r, hid_t g, const char *path)
{
    nm_graph *out = calloc(1, sizeof *out);
    char *type = read_string(g, "type"), **kids = NULL;
    size_t nk = 0, k;
    hid_t nodes;
    if (!out)
        return NULL;
    out->path = strdup(path);
    if (!type || strcmp(type, "NIRGraph")) {
        rfail(r, "%s/type: expected 'NIRGraph', found %s%s%s", path, type ? "'" : "", type ? type : "nothing",
              type ? "'" : "");
        free(type);
        nm_graph_free(out);
        return NULL;
    }
    free(type);
    if (H5Lexists(g, "nodes", H5P_DEFAULT) <= 0) {
        rfail(r, "%s: a graph needs a group 'nodes'", path);
        nm_graph_free(out);
        return NULL;
    }
    nodes = H5Gopen2(g, "nodes", H5P_DEFAULT);
    if (nodes < 0 || list_children(nodes, &kids, &nk)) {
        rfail(r, "%s/nodes: cannot list the nodes", path);
        if (nodes >= 0)
            H5Gclose(nodes);
        free_names(kids, nk);
        nm_graph_free(out);
        return NULL;
    }
    out->nodes = calloc(nk ? nk : 1, sizeof *out->nodes);
    for (k = 0; k < nk && out->nodes; k++) {
        hid_t ng = H5Gopen2(nodes, kids[k], H5P_DEFAULT);
        int rc;
        if (ng < 0) {
            rfail(r, "%s/nodes/%s: not a group", path, kids[k]);
            break;
        }
        out->nnodes++;
        rc = read_node(r, ng, kids[k], path, &out->nodes[k]);
        H5Gclose(ng);
        if (rc)
            break;
    }
    H5Gclose(nodes);
    free_names(kids, nk);
    if (!r->failed && !out->nodes)
        rfail(r, "out of memory");
    if (!r->failed)
        read_edges(r, g, path, out);
    if (r->failed) {
        nm_graph_free(out);
        return NULL;
    }
    return out;
}

nm_graph *nm_nir_read(const char *path, char *err, size_t errlen)
{
    rd r = {path, err, errlen, 0};
    hid_t f, g;
    nm_graph *out;
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0) {
        rfail(&r, "cannot open as HDF5 (missing, or not a NIR file)");
        return NULL;
    }
    if (H5Lexists(f, "node", H5P_DEFAULT) <= 0) {
        rfail(&r, "no group '/node': not a NIR file");
        H5Fclose(f);
        return NULL;
    }
    g = H5Gopen2(f, "node", H5P_DEFAULT);
    out = read_graph(&r, g, "node");
    H5Gclose(g);
    H5Fclose(f);
    if (!out)
        return NULL;
    {
        char e2[768];
        if (nm_graph_validate_flatten(out, e2, sizeof e2) || nm_graph_infer_shapes(out, e2, sizeof e2)) {
            snprintf(err, errlen, "%s: %s", path, e2);
            nm_graph_free(out);
            return NULL;
        }
    }
    return out;
}
