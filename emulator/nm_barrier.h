/* nm_barrier.h - a thread barrier that spins briefly before it sleeps (the chip models' worker threads).
 *
 * A chip model's tick passes a few barriers, and on a quiet machine a thread that sleeps
 * in pthread_barrier_wait takes tens of microseconds to wake (the kernel's futex wake and
 * a reschedule), a large share of a 1 ms tick; the other thread is usually due within
 * microseconds, so spinning first saves that. The spin is bounded (NM_BARRIER_SPIN pauses,
 * tens of microseconds), then the thread sleeps on a condition variable, so a loaded
 * machine loses little to it. Used by nm_ref_chip.c and loihi/nm_loihi_chip.c. */
#ifndef NM_BARRIER_H
#define NM_BARRIER_H

#include <pthread.h>
#include <stdatomic.h>

typedef struct __attribute__((aligned(64))) nm_barrier { /* a cache line of its own: no false sharing */
    pthread_mutex_t m;
    pthread_cond_t cv;
    atomic_uint n;              /* threads that meet at it */
    atomic_uint count;          /* arrived in this generation */
    atomic_uint gen;            /* generations completed */
} nm_barrier;

/* A barrier where n threads meet. 0, or -1 when the mutex or condition variable cannot
 * be made (nothing is left to destroy then). */
int nm_barrier_init(nm_barrier *b, unsigned n);
void nm_barrier_destroy(nm_barrier *b);
/* The same for k barriers b[0..k-1]: all made, or none (-1). */
int nm_barrier_init_array(nm_barrier *b, unsigned k, unsigned n);
void nm_barrier_destroy_array(nm_barrier *b, unsigned k);
/* Lower (or raise) the number of threads that meet, while none waits at it: a chip whose
 * k-th thread failed to start meets its k - 1 started threads once more to stop them. */
void nm_barrier_set_parties(nm_barrier *b, unsigned n);
/* Wait until all n threads have arrived. Everything each thread wrote before it arrived
 * is visible to every thread after. */
void nm_barrier_wait(nm_barrier *b);

#endif
