/* nm_barrier.c - the spinning thread barrier of the chip models (nm_barrier.h). */
#include "nm_barrier.h"

#include <stddef.h>

#define NM_BARRIER_SPIN 2000

int nm_barrier_init(nm_barrier *b, unsigned n)
{
    atomic_init(&b->n, n);
    atomic_init(&b->count, 0);
    atomic_init(&b->gen, 0);
    if (pthread_mutex_init(&b->m, NULL))
        return -1;
    if (pthread_cond_init(&b->cv, NULL)) {
        pthread_mutex_destroy(&b->m);
        return -1;
    }
    return 0;
}

void nm_barrier_destroy(nm_barrier *b)
{
    pthread_cond_destroy(&b->cv);
    pthread_mutex_destroy(&b->m);
}

int nm_barrier_init_array(nm_barrier *b, unsigned k, unsigned n)
{
    unsigned i;
    for (i = 0; i < k; i++)
        if (nm_barrier_init(&b[i], n)) {
            nm_barrier_destroy_array(b, i);
            return -1;
        }
    return 0;
}

void nm_barrier_destroy_array(nm_barrier *b, unsigned k)
{
    unsigned i;
    for (i = 0; i < k; i++)
        nm_barrier_destroy(&b[i]);
}

void nm_barrier_set_parties(nm_barrier *b, unsigned n)
{
    atomic_store(&b->n, n);
}

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

void nm_barrier_wait(nm_barrier *b)
{
    const unsigned g = atomic_load_explicit(&b->gen, memory_order_acquire);
    unsigned i;
    if (atomic_fetch_add_explicit(&b->count, 1, memory_order_acq_rel) + 1 == atomic_load(&b->n)) {
        /* the last to arrive: the next generation starts from 0 before anyone sees it */
        atomic_store_explicit(&b->count, 0, memory_order_relaxed);
        pthread_mutex_lock(&b->m);
        atomic_store_explicit(&b->gen, g + 1, memory_order_release);
        pthread_cond_broadcast(&b->cv);
        pthread_mutex_unlock(&b->m);
        return;
    }
    for (i = 0; i < NM_BARRIER_SPIN; i++) {
        if (atomic_load_explicit(&b->gen, memory_order_acquire) != g)
            return;
        cpu_relax();
    }
    pthread_mutex_lock(&b->m);
    while (atomic_load_explicit(&b->gen, memory_order_acquire) == g)
        pthread_cond_wait(&b->cv, &b->m);
    pthread_mutex_unlock(&b->m);
}
