/* nm_board_mpi.c - nm_board_comm over MPI (NM_WITH_MPI), or a refusal without it. */
#include "nm_board_mpi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int nm_board_mpi_launched(void)
{
    static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE", "MPI_LOCALNRANKS", NULL};
    const char *const *v;
    for (v = vars; *v; v++) {
        const char *s = getenv(*v);
        if (s && *s)
            return atoi(s) > 0 ? atoi(s) : 1;
    }
    return getenv("PMIX_RANK") ? 1 : 0;
}

#ifdef NM_WITH_MPI
#include <mpi.h>

int nm_board_mpi_built(void)
{
    return 1;
}

static int to_int_counts(const size_t *n, int *out, int size)
{
    int r;
    for (r = 0; r < size; r++) {
        if (n[r] > (size_t)0x7fffffff)
            return -1;
        out[r] = (int)n[r];
    }
    return 0;
}

static int mpi_alltoallv(void *ctx, const void *send, const size_t *scount, void **recv, size_t *rlen)
{
    int size, r, *sc, *rc, *sd, *rd;
    size_t total = 0;
    (void)ctx;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    sc = malloc(4 * (size_t)size * sizeof *sc);
    if (!sc)
        return -1;
    rc = sc + size;
    sd = rc + size;
    rd = sd + size;
    if (to_int_counts(scount, sc, size)) {
        free(sc);
        return -1;
    }
    MPI_Alltoall(sc, 1, MPI_INT, rc, 1, MPI_INT, MPI_COMM_WORLD);
    for (r = 0; r < size; r++) {
        sd[r] = r ? sd[r - 1] + sc[r - 1] : 0;
        rd[r] = (int)total;
        total += (size_t)rc[r];
    }
    *recv = malloc(total ? total : 1);
    if (!*recv || total > (size_t)0x7fffffff) {
        free(sc);
        return -1;
    }
    MPI_Alltoallv(send, sc, sd, MPI_BYTE, *recv, rc, rd, MPI_BYTE, MPI_COMM_WORLD);
    *rlen = total;
    free(sc);
    return 0;
}

static int mpi_gatherv(void *ctx, const void *send, size_t n, void **recv, size_t *rlen)
{
    int size, rank, r, cnt, *rc = NULL, *rd = NULL;
    size_t total = 0;
    (void)ctx;
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    if (n > (size_t)0x7fffffff)
        return -1;
    cnt = (int)n;
    *recv = NULL;
    *rlen = 0;
    if (rank == 0) {
        rc = malloc(2 * (size_t)size * sizeof *rc);
        if (!rc)
            return -1;
        rd = rc + size;
    }
    MPI_Gather(&cnt, 1, MPI_INT, rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (rank == 0) {
        for (r = 0; r < size; r++) {
            rd[r] = (int)total;
            total += (size_t)rc[r];
        }
        *recv = malloc(total ? total : 1);
        if (!*recv || total > (size_t)0x7fffffff) {
            free(rc);
            return -1;
        }
        *rlen = total;
    }
    MPI_Gatherv(send, cnt, MPI_BYTE, *recv, rc, rd, MPI_BYTE, 0, MPI_COMM_WORLD);
    free(rc);
    return 0;
}

static int mpi_sum_u64(void *ctx, uint64_t *v, size_t n)
{
    (void)ctx;
    return MPI_Allreduce(MPI_IN_PLACE, v, (int)n, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD) != MPI_SUCCESS;
}

static int mpi_min_u64(void *ctx, uint64_t *v, size_t n)
{
    (void)ctx;
    return MPI_Allreduce(MPI_IN_PLACE, v, (int)n, MPI_UINT64_T, MPI_MIN, MPI_COMM_WORLD) != MPI_SUCCESS;
}

static int mpi_max_u32(void *ctx, uint32_t *v, size_t n)
{
    (void)ctx;
    return MPI_Allreduce(MPI_IN_PLACE, v, (int)n, MPI_UINT32_T, MPI_MAX, MPI_COMM_WORLD) != MPI_SUCCESS;
}

static int mpi_bcast(void *ctx, void *buf, size_t n)
{
    char *p = buf;
    (void)ctx;
    while (n > 0) { /* in pieces: MPI counts are int */
        int k = n > (1u << 30) ? 1 << 30 : (int)n;
        if (MPI_Bcast(p, k, MPI_BYTE, 0, MPI_COMM_WORLD) != MPI_SUCCESS)
            return -1;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

static void mpi_abort(void *ctx, int code)
{
    (void)ctx;
    fflush(stdout);
    fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, code);
}

int nm_board_mpi_init(int *argc, char ***argv, nm_board_comm *c, char *err, size_t errlen)
{
    (void)err;
    (void)errlen;
    memset(c, 0, sizeof *c);
    MPI_Init(argc, argv);
    /* errors in MPI calls end the job (the default, said once more) */
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL);
    MPI_Comm_rank(MPI_COMM_WORLD, &c->rank);
    MPI_Comm_size(MPI_COMM_WORLD, &c->size);
    c->alltoallv = mpi_alltoallv;
    c->gatherv = mpi_gatherv;
    c->sum_u64 = mpi_sum_u64;
    c->min_u64 = mpi_min_u64;
    c->max_u32 = mpi_max_u32;
    c->bcast = mpi_bcast;
    c->abort = mpi_abort;
    return 0;
}

void nm_board_mpi_finalize(void)
{
    MPI_Finalize();
}

#else

int nm_board_mpi_built(void)
{
    return 0;
}

int nm_board_mpi_init(int *argc, char ***argv, nm_board_comm *c, char *err, size_t errlen)
{
    (void)argc;
    (void)argv;
    (void)c;
    snprintf(err, errlen, "this nmemu was built without MPI: install openmpi-bin and libopenmpi-dev "
                          "(tools/install-deps) and rebuild to run on several ranks");
    return -1;
}

void nm_board_mpi_finalize(void)
{
}

#endif
