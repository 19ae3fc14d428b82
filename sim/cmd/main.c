/*
** hvsim's entry: find the command in the table (sim/cmd/cmd.c), parse
** its options, run its handler.  --help, --version, --man and
** --completion come from the same table.
** Exit status: 0 success, 1 the run failed, 2 bad usage or bad input,
** 130 interrupted.
*/
#include "sim/cmd/cmd.h"
#include "sim/engine/cluster.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>

/* A standard descriptor the caller closed (hvsim ... 2>&-) would be the
** next file hvsim opens, and its messages would land in an output (a
** timeline's JSON); each closed one is opened on /dev/null the wrong way
** round, so that writing to it fails instead. */
static void std_fds_open(void)
{
	for (int fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) < 0 && errno == EBADF) {
			int n = open("/dev/null", fd == 0 ? O_WRONLY : O_RDONLY);
			if (n >= 0 && n != fd) {
				dup2(n, fd);
				close(n);
			}
		}
}

/* What a command printed (a table, --man, the profiles) has to have been
** written: a full disk or a closed stdout is a failure, not exit 0. */
static int stdout_flushed(int rc)
{
	int bad = ferror(stdout), e = errno;
	if (fflush(stdout) != 0) {
		bad = 1;
		e = errno;
	}
	if (!bad)
		return rc;
	fprintf(stderr, "hvsim: standard output: cannot write: %s\n", strerror(e));
	return rc ? rc : EXIT_RUNFAIL;
}

int main(int argc, char **argv)
{
	std_fds_open();
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
	rc = stdout_flushed(rc);
	xmlCleanupParser();
	return cluster_finish(rc);
}
