/*
** hvsim's entry: find the command in the table (sim/cmd/cmd.c), parse
** its options, run its handler.  --help, --version, --man and
** --completion come from the same table.
** Exit status: 0 success, 1 the run failed, 2 bad usage or bad input,
** 130 interrupted.
*/
#include "sim/cmd/cmd.h"
#include "sim/engine/cluster.h"

#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>

int main(int argc, char **argv)
{
	LIBXML_TEST_VERSION;
	/* under mpirun or srun: every rank runs this same command line
	** (sim/engine/cluster.h) */
	int rc = cluster_init(&argc, &argv);
	if (rc)
		return rc;
	/* only these distribute their work; any other command runs on rank 0
	** alone, as without mpirun */
	int spread = argc > 1 && (!strcmp(argv[1], "sweep") || !strcmp(argv[1], "capacity") ||
				  !strcmp(argv[1], "calibrate"));
	if (!cluster_worker() || spread)
		rc = cmd_main(argc, argv);
	xmlCleanupParser();
	return cluster_finish(rc);
}
