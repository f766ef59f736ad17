/* nm_board_run.h - `nmemu run` for a board of chips, on one process or across MPI ranks
 * (docs/scale-out.md). nmemu.c hands a run over when nm_board_run_wanted says so. */
#ifndef NM_BOARD_RUN_H
#define NM_BOARD_RUN_H

/* 1 when the run's image is a board (its header has the board flag), the process was
 * started by mpirun, or --help-board was asked for. argv: the arguments after "run". */
int nm_board_run_wanted(int argc, char **argv);

/* The board run: exit status as nmemu's (0, 1 run failed, 2 usage, 3 bad input). */
int nm_board_cmd_run(int argc, char **argv);

#endif
