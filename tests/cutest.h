/*
** Shared glue for the CUnit suites.  Each tests/test_<module>.c defines
**
**     void tests_register(void)
**
** which adds its suite(s) with CU_add_suite / CU_add_test (or the
** CUT_SUITE helper below); tests/cu_main.c runs them with the basic
** interface and exits non-zero on any failure.  Suites run from the
** project root.  HVSIM in the environment names the hvsim binary for
** tests that run the command line; HVSIM_SLOW=0 asks long statistical
** tests to shorten their runs (used by the sanitizer pass).
*/
#ifndef HVSIM_CUTEST_H
#define HVSIM_CUTEST_H

#include <stdio.h>
#include <string.h>
#include <CUnit/CUnit.h>
#include <CUnit/Basic.h>

void tests_register(void);

struct cut_test { const char *name; CU_TestFunc fn; };

/* Add a suite with the given tests (array ends with {NULL, NULL}). */
void cut_suite(const char *name, const struct cut_test *tests);

/* 1 unless HVSIM_SLOW=0 in the environment. */
int cut_slow(void);

/* Path of the hvsim binary to test ($HVSIM or ./hvsim). */
const char *cut_hvsim(void);

/* Read a whole file into a NUL-terminated malloc'd buffer; NULL if absent. */
char *cut_slurp(const char *path, size_t *len);
/* cut_slurp of DIR/NAME (NULL if it cannot be read). */
char *cut_slurp_in(const char *dir, const char *name);

/* Run a shell command, capture stdout+stderr (malloc'd, NUL-terminated)
** and return its exit status (or -1). */
int cut_run(const char *cmd, char **output);

/* A shell fragment for cut_run's commands that interrupt a command in
** the background: wait until a path matching GLOB (a format string's
** text: %s in it takes an argument) exists (at most 60 s), then 0.2 s more.  An hvsim output command makes
** its staging directory (DIR.tmp-PID) just before it catches SIGINT;
** before that a background job ignores SIGINT (sh), so a signal sent
** after a fixed second to a slow start (a loaded machine) was lost and
** the run went on for its whole simulated time. */
#define CUT_SH_WAIT_GLOB(GLOB) "i=0; until ls -d " GLOB " > /dev/null 2>&1 || [ $i -ge 600 ]; do sleep 0.1; i=$((i + 1)); done; " \
	"sleep 0.2; "

/* ... or until the background job $p has N processes of its own (a
** sweep's points: it catches signals before it starts them). */
#define CUT_SH_WAIT_CHILDREN(N) "i=0; until [ $(ps -o pid= --ppid $p | wc -l) -ge " #N " ] || [ $i -ge 600 ]; " \
	"do sleep 0.1; i=$((i + 1)); done; sleep 0.2; "

/* A fresh empty temporary directory (malloc'd path); cut_rmrf removes it. */
char *cut_tmpdir(void);
void cut_rmrf(const char *path);
/* The id of a process that has ended (for stale staging directories). */
long cut_dead_pid(void);
/* 1 if dir/name exists. */
int cut_exists(const char *dir, const char *name);
/* dir/name/sub/f: what a killed process leaves as a staging directory. */
void cut_stale(const char *dir, const char *name);

/* Load path with the given --set overrides (NULL-terminated "KEY=VALUE"
** strings), build and run its world.  On success returns 0 and leaves s
** and w for the caller to inspect and free (world_free, scn_free); on a
** load error prints the diagnostics and returns -1. */
struct scenario;
struct world;
struct scn_override;
int cut_sim(const char *path, const char *const *sets, struct scenario *s, struct world *w);

/* The VM named name in w, or NULL. */
struct vm;
struct burst;
struct vm *cut_vm(const struct world *w, const char *name);
/* The first workload inside VM vm, else the workload named vm; or NULL. */
struct burst *cut_burst(const struct world *w, const char *vm);

/* A shared fixture for suites that run one scenario at a time: the world
** and scenario of the last cut_fixture(), freed by cut_done().  The
** *_fatal lookups end the test when the name is unknown. */
extern struct world cut_W;
extern struct scenario cut_S;
void cut_fixture(const char *path, const char *const *sets);
void cut_done(void);
struct vm *cut_vm_fatal(const char *name);
struct burst *cut_burst_fatal(const char *vm);
/* Length of the measured interval, ns. */
double cut_interval(void);
/* VCPU 0 of VM vm: its run time over the measured interval. */
double cut_share(const char *vm);
/* Mean response time (s) of the workload in VM vm. */
double cut_resp(const char *vm);

/* What the policy's dump hook prints for w, as a malloc'd string (ends
** the test if the policy has no dump hook or memory runs out). */
char *cut_dump(struct world *w);

/* The same without running: load and build (w NULL: load only). */
int cut_load(const char *path, const char *const *sets, struct scenario *s, struct world *w);

/* Load path with sets for a capacity search (load only) and check its
** capacity settings (cap_check); ends the test if either fails. */
void cut_load_capacity(const char *path, const char *const *sets, struct scenario *s);

/* "KEY=VALUE" strings (NULL-terminated, at most CUT_MAX_SETS) -> ov,
** with the keys copied into keys; returns the count. */
#define CUT_MAX_SETS 32
int cut_sets(const char *const *sets, struct scn_override *ov, char keys[][128]);

/* Assert that hay contains needle; print both when it does not. */
#define CHECK_HAS(hay, needle) do {							\
	const char *h_ = (hay), *n_ = (needle);						\
	if (!h_ || !strstr(h_, n_))							\
		fprintf(stderr, "\n  missing: %s\n  in: %s\n", n_, h_ ? h_ : "(null)");	\
	CU_ASSERT_PTR_NOT_NULL(h_ ? strstr(h_, n_) : NULL);				\
} while (0)

#endif
