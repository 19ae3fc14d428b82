/*
** Past one machine: the pool of sim/engine/proc.h over the ranks of an
** MPI job (docs/cluster.md).
**
** Every rank runs the same command line.  Rank 0, the manager, runs the
** command as on one machine; its pool_run hands units out one at a time
** to whichever rank is free (itself included: one local child), and
** calls done() for each result as the local pool does, so the caller
** sees no difference.  The other ranks, the workers, load only what
** their command needs to run a unit (the scenario, the calibration
** file), then serve units (cluster_serve): a unit arrives with the
** manager's description of its pool (pool.hdr: what depends on earlier
** results, such as a capacity round's first replication or
** calibration's parameter values), the worker applies it (pool.load),
** runs child() in a child process exactly as the local pool does and
** sends back (unit, wait status, bytes).  Workers never write the
** output directory; their stdout and stderr go to /dev/null (set
** HVSIM_CLUSTER_VERBOSE=1 to keep them).
**
** The MPI implementation is sim/engine/mpi/cluster_mpi.c, built into
** hvsim when the Makefile finds Open MPI; sim/engine/cluster.c is the
** single-process one every other binary links.  Without mpirun (or
** srun) both are the single-process case: MPI is not even initialised.
*/
#ifndef HVSIM_CLUSTER_H
#define HVSIM_CLUSTER_H

#include <stddef.h>

struct pool;

/* In main, before anything else: join the MPI job when started by
** mpirun or srun.  0, or an exit status after a message. */
int cluster_init(int *argc, char ***argv);

/* The job's ranks (1 without MPI) and this process's rank. */
int cluster_size(void);
int cluster_rank(void);

/* 1 in a worker rank's own process (not in its children). */
int cluster_worker(void);

/* 1 when pool_run in this process distributes over ranks: the
** manager's own process in a job of more than one rank. */
int cluster_active(void);

/* Units run at once over the job: a unit per rank. */
int cluster_slots(void);

/* The manager's pool_run over the ranks (proc.h's contract). */
int cluster_pool(const struct pool *p, char *err, size_t errlen);

/* A worker: serve the manager's units with p's child() and load(),
** p->ctx set up as the manager's command sets it up before its pools;
** returns when the job ends, with the exit status to end with. */
int cluster_serve(const struct pool *p);

/* At the end of main with the command's exit status: the manager tells
** the workers the job's status; a worker waits for it (answering any
** unit it is sent with a failure).  Returns the status to exit with. */
int cluster_finish(int status);

#endif
