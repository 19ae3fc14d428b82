/*
** The single-process cluster (cluster.h): what hvsim built without MPI
** and every test binary link.  One rank, no workers; started by mpirun
** with more ranks it refuses to run, since every rank would run the
** whole command into the same directory.
*/
#include "sim/engine/cluster.h"
#include "sim/engine/proc.h"

#include <stdio.h>
#include <stdlib.h>

int cluster_init(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *n = getenv("OMPI_COMM_WORLD_SIZE");
	if (n && atoi(n) > 1) {
		fprintf(stderr, "hvsim: started by mpirun with %s ranks, but built without MPI (install Open MPI, "
				"then make; docs/cluster.md)\n",
			n);
		return 2;
	}
	return 0;
}

int cluster_size(void)
{
	return 1;
}

int cluster_rank(void)
{
	return 0;
}

int cluster_worker(void)
{
	return 0;
}

int cluster_active(void)
{
	return 0;
}

int cluster_slots(void)
{
	return 1;
}

int cluster_pool(const struct pool *p, char *err, size_t errlen)
{
	return pool_run_local(p, err, errlen);
}

int cluster_serve(const struct pool *p)
{
	(void)p;
	return 2;
}

int cluster_finish(int status)
{
	return status;
}
