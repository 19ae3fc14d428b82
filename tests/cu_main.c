/*
** Test driver shared by every suite: run tests_register()'s suites with
** CUnit's basic interface; exit 1 when anything failed.
*/
#include "tests/cutest.h"
#include "models/vm.h"
#include "models/wl_burst.h"
#include "models/world.h"
#include "sim/drive/capacity.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

void cut_suite(const char *name, const struct cut_test *tests)
{
	CU_pSuite s = CU_add_suite(name, NULL, NULL);
	if (!s) {
		fprintf(stderr, "CU_add_suite(%s): %s\n", name, CU_get_error_msg());
		exit(2);
	}
	for (; tests->name; tests++)
		if (!CU_add_test(s, tests->name, tests->fn)) {
			fprintf(stderr, "CU_add_test(%s): %s\n", tests->name, CU_get_error_msg());
			exit(2);
		}
}

int cut_slow(void)
{
	const char *v = getenv("HVSIM_SLOW");
	return !(v && strcmp(v, "0") == 0);
}

const char *cut_hvsim(void)
{
	const char *v = getenv("HVSIM");
	return v && *v ? v : "./hvsim";
}

char *cut_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	for (;;) {
		if (n + 1 >= cap) {
			cap *= 2;
			buf = realloc(buf, cap);
		}
		size_t got = fread(buf + n, 1, cap - n - 1, f);
		if (got == 0)
			break;
		n += got;
	}
	fclose(f);
	buf[n] = 0;
	if (len)
		*len = n;
	return buf;
}

int cut_run(const char *cmd, char **output)
{
	char *full = malloc(strlen(cmd) + 16);
	sprintf(full, "%s 2>&1", cmd);
	FILE *p = popen(full, "r");
	free(full);
	if (!p)
		return -1;
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	size_t got;
	while ((got = fread(buf + n, 1, cap - n - 1, p)) > 0) {
		n += got;
		if (n + 1 >= cap) {
			cap *= 2;
			buf = realloc(buf, cap);
		}
	}
	buf[n] = 0;
	int st = pclose(p);
	if (output)
		*output = buf;
	else
		free(buf);
	if (st == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

char *cut_tmpdir(void)
{
	char *t = strdup("/tmp/hvsim-test-XXXXXX");
	if (!mkdtemp(t)) {
		free(t);
		return NULL;
	}
	return t;
}

void cut_rmrf(const char *path)
{
	char *cmd = malloc(strlen(path) + 16);
	sprintf(cmd, "rm -rf '%s'", path);
	if (system(cmd) != 0)
		fprintf(stderr, "warning: could not remove %s\n", path);
	free(cmd);
}

long cut_dead_pid(void)
{
	pid_t p = fork();
	if (p == 0)
		_exit(0);
	if (p > 0)
		waitpid(p, NULL, 0);
	return (long)p;
}

char *cut_slurp_in(const char *dir, const char *name)
{
	char *p = malloc(strlen(dir) + strlen(name) + 2);
	if (!p)
		return NULL;
	sprintf(p, "%s/%s", dir, name);
	char *r = cut_slurp(p, NULL);
	free(p);
	return r;
}

int cut_exists(const char *dir, const char *name)
{
	char *p = malloc(strlen(dir) + strlen(name) + 2);
	sprintf(p, "%s/%s", dir, name);
	int r = access(p, F_OK) == 0;
	free(p);
	return r;
}

void cut_stale(const char *dir, const char *name)
{
	char *cmd = malloc(2 * strlen(dir) + 2 * strlen(name) + 64);
	sprintf(cmd, "mkdir -p '%s/%s/sub' && echo old > '%s/%s/sub/f'", dir, name, dir, name);
	if (system(cmd) != 0)
		fprintf(stderr, "warning: could not create %s/%s\n", dir, name);
	free(cmd);
}

struct vm *cut_vm(const struct world *w, const char *name)
{
	for (int i = 0; i < w->nvms; i++)
		if (strcmp(w->vms[i].name, name) == 0)
			return &w->vms[i];
	return NULL;
}

struct burst *cut_burst(const struct world *w, const char *vm)
{
	for (int i = 0; i < w->nburst; i++)
		if (w->burst[i]->vm && strcmp(w->burst[i]->vm->name, vm) == 0)
			return w->burst[i];
	for (int i = 0; i < w->nburst; i++)
		if (strcmp(w->burst[i]->name, vm) == 0)
			return w->burst[i];
	return NULL;
}

char *cut_dump(struct world *w)
{
	char *text = NULL;
	size_t len = 0;
	CU_ASSERT_PTR_NOT_NULL_FATAL(w->sched.ops->dump);
	FILE *f = open_memstream(&text, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	w->sched.ops->dump(&w->sched, f);
	fclose(f);
	return text;
}

struct world cut_W;
struct scenario cut_S;

void cut_fixture(const char *path, const char *const *sets)
{
	if (cut_sim(path, sets, &cut_S, &cut_W))
		CU_FAIL_FATAL("scenario did not run");
}

void cut_done(void)
{
	world_free(&cut_W);
	scn_free(&cut_S);
}

struct vm *cut_vm_fatal(const char *name)
{
	struct vm *vm = cut_vm(&cut_W, name);
	if (!vm)
		CU_FAIL_FATAL("no such VM");
	return vm;
}

struct burst *cut_burst_fatal(const char *vm)
{
	struct burst *b = cut_burst(&cut_W, vm);
	if (!b)
		CU_FAIL_FATAL("no workload in that VM");
	return b;
}

double cut_interval(void)
{
	return (double)(cut_W.batches.t1 - cut_W.batches.t0);
}

double cut_share(const char *vm)
{
	return (double)cut_vm_fatal(vm)->vcpu[0]->t_run / cut_interval();
}

double cut_resp(const char *vm)
{
	return tally_mean(&cut_burst_fatal(vm)->resp).mean;
}

int cut_sets(const char *const *sets, struct scn_override *ov, char keys[][128])
{
	int n = 0;
	for (; sets && sets[n] && n < CUT_MAX_SETS; n++) {
		const char *eq = strchr(sets[n], '=');
		snprintf(keys[n], 128, "%.*s", (int)(eq - sets[n]), sets[n]);
		ov[n].key = keys[n];
		ov[n].value = eq + 1;
	}
	return n;
}

int cut_load(const char *path, const char *const *sets, struct scenario *s, struct world *w)
{
	struct scn_override ov[CUT_MAX_SETS];
	char keys[CUT_MAX_SETS][128];
	int n = cut_sets(sets, ov, keys);
	struct diag d = { 0 };
	if (scn_load(s, path, ov, n, 0, &d)) {
		diag_print(&d, stderr);
		diag_free(&d);
		return -1;
	}
	if (w && world_build(w, s, &d)) {
		diag_print(&d, stderr);
		diag_free(&d);
		world_free(w);
		scn_free(s);
		return -1;
	}
	diag_free(&d);
	return 0;
}

void cut_load_capacity(const char *path, const char *const *sets, struct scenario *s)
{
	if (cut_load(path, sets, s, NULL))
		CU_FAIL_FATAL("scenario did not load");
	struct diag d = { 0 };
	int rc = cap_check(s, &d);
	diag_print(&d, stderr);
	diag_free(&d);
	if (rc)
		CU_FAIL_FATAL("capacity settings rejected");
}

int cut_sim(const char *path, const char *const *sets, struct scenario *s, struct world *w)
{
	if (cut_load(path, sets, s, w))
		return -1;
	if (world_run(w)) {
		world_free(w);
		scn_free(s);
		return -1;
	}
	return 0;
}

int main(void)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	tests_register();
	CU_basic_set_mode(CU_BRM_NORMAL);
	CU_basic_run_tests();
	unsigned failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
