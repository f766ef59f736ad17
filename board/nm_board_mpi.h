/* nm_board_mpi.h - the board's communication over MPI (nm_board_comm), and how a
 * process learns it was started by mpirun. Built with mpicc into build/nmemu when
 * Open MPI's compiler is there (mk/board.mk); without it, nm_board_mpi_init refuses. */
#ifndef NM_BOARD_MPI_H
#define NM_BOARD_MPI_H

#include <stddef.h>

#include "nm_board.h"

/* 1 when this program was built with MPI. */
int nm_board_mpi_built(void);

/* The number of processes mpirun (Open MPI, MPICH or any PMI launcher) started, from
 * the environment; 0 when not started by a launcher. Needs no MPI call. */
int nm_board_mpi_launched(void);

/* MPI_Init and fill *c for MPI_COMM_WORLD. -1 with a message when built without MPI. */
int nm_board_mpi_init(int *argc, char ***argv, nm_board_comm *c, char *err, size_t errlen);
void nm_board_mpi_finalize(void);

#endif
