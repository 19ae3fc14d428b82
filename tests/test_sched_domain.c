/*
** Tests for models/sched_domain.c: the two levels of Linux's domains
** over a machine whose pCPUs are numbered across nodes unevenly (groups,
** local group, the walk from it, spans), and the balance interval and
** back-off that the O(1) and CFS balancers share.
*/
#include "tests/cutest.h"
#include "models/machine.h"
#include "models/sched_domain.h"

/* 7 pCPUs on 3 nodes, numbered across them: node 0 {0, 3, 5}, node 1
** {1, 4}, node 2 {2, 6}. */
static const int node_of[7] = { 0, 1, 2, 0, 1, 0, 2 };

/* A machine of n pCPUs, pCPU i on node node[i], nnodes nodes: the parts
** sd_topo_init reads. */
static int topo_of(struct sd_topo *t, int n, int nnodes, const int *node)
{
	struct pcpu_info cpu[8];
	struct machine m = { .nnodes = nnodes, .ncpus = n, .cpu = cpu };
	for (int i = 0; i < n; i++)
		cpu[i] = (struct pcpu_info){ i, node[i], 0 };
	return sd_topo_init(t, &m);
}

static void test_groups(void)
{
	struct sd_topo t;
	CU_ASSERT_EQUAL_FATAL(topo_of(&t, 7, 3, node_of), 0);
	/* core level: the cpus of the node, one group each, ascending */
	CU_ASSERT_EQUAL(sd_ngroups(&t, 3, SD_CORE), 3);
	CU_ASSERT_EQUAL(sd_ngroups(&t, 4, SD_CORE), 2);
	CU_ASSERT_EQUAL(sd_local_group(&t, 5, SD_CORE), 2);
	struct sd_span g = sd_group(&t, 5, SD_CORE, 1);
	CU_ASSERT_EQUAL(g.n, 1);
	CU_ASSERT_EQUAL(g.cpu[0], 3);
	/* from cpu 5 onwards: 5, then 0, then 3 (round the node) */
	int want[3] = { 5, 0, 3 };
	for (int k = 0; k < 3; k++)
		CU_ASSERT_EQUAL(sd_group(&t, 5, SD_CORE, sd_group_from(&t, 5, SD_CORE, k)).cpu[0], want[k]);
	/* node level: one group per node, its cpus ascending */
	CU_ASSERT_EQUAL(sd_ngroups(&t, 6, SD_NODE), 3);
	CU_ASSERT_EQUAL(sd_local_group(&t, 6, SD_NODE), 2);
	CU_ASSERT_EQUAL(sd_group_from(&t, 6, SD_NODE, 1), 0);
	g = sd_group(&t, 6, SD_NODE, 0);
	CU_ASSERT_EQUAL(g.n, 3);
	CU_ASSERT(g.cpu[0] == 0 && g.cpu[1] == 3 && g.cpu[2] == 5);
	/* spans: the node's cpus, or all of them node by node */
	struct sd_span sp = sd_span(&t, 4, SD_CORE);
	CU_ASSERT(sp.n == 2 && sp.cpu[0] == 1 && sp.cpu[1] == 4);
	sp = sd_span(&t, 4, SD_NODE);
	CU_ASSERT_EQUAL(sp.n, 7);
	int all[7] = { 0, 3, 5, 1, 4, 2, 6 }, same = 1;
	for (int i = 0; i < 7; i++)
		same &= sp.cpu[i] == all[i];
	CU_ASSERT(same);
	CU_ASSERT(sd_in_span(&t, 0, SD_CORE, 5));
	CU_ASSERT(!sd_in_span(&t, 0, SD_CORE, 1));
	CU_ASSERT(sd_in_span(&t, 0, SD_NODE, 1));
	CU_ASSERT(sd_level_on(&t, 0, SD_CORE) && sd_level_on(&t, 0, SD_NODE));
	sd_topo_fini(&t);
}

/* A single node's node level and a single core's core level have one
** group: degenerate, dropped. */
static void test_degenerate(void)
{
	static const int one_node[2] = { 0, 0 }, one_each[2] = { 0, 1 };
	struct sd_topo t;
	CU_ASSERT_EQUAL_FATAL(topo_of(&t, 2, 1, one_node), 0);
	CU_ASSERT(sd_level_on(&t, 1, SD_CORE));
	CU_ASSERT(!sd_level_on(&t, 1, SD_NODE));
	sd_topo_fini(&t);
	CU_ASSERT_EQUAL_FATAL(topo_of(&t, 2, 2, one_each), 0);
	CU_ASSERT(!sd_level_on(&t, 1, SD_CORE));
	CU_ASSERT(sd_level_on(&t, 1, SD_NODE));
	sd_topo_fini(&t);
}

/* SD_NODE_INIT's 8..32 ms, busy x32: at HZ 250 an idle pCPU balances
** the level every 2 jiffies, a busy one every 64 (2.6.24 caps it at
** HZ * NR_CPUS / 10); a pass that moves nothing doubles the interval up
** to max_interval, or to 512 ms when everything was pinned. */
static void test_interval_backoff(void)
{
	static const struct sd_def node = { "node", 8, 32, 32, 125, 2, 3, 2, 0, 1, 1, SD_BALANCE_FORK };
	struct sd d = { &node, SD_NODE, 0, 8, 0 };
	CU_ASSERT_EQUAL(sd_interval(&d, true, 250, 0), 2);
	CU_ASSERT_EQUAL(sd_interval(&d, false, 250, 0), 64);
	CU_ASSERT_EQUAL(sd_interval(&d, false, 250, 250 * 64 / 10), 64);
	CU_ASSERT_EQUAL(sd_interval(&d, false, 250, 50), 50);
	d.balance_interval = 1;
	CU_ASSERT_EQUAL(sd_interval(&d, true, 100, 0), 1);   /* 0.1 jiffy rounds up */
	d.balance_interval = 16;
	sd_backoff(&d, false);
	CU_ASSERT_EQUAL(d.balance_interval, 32);
	sd_backoff(&d, false);
	CU_ASSERT_EQUAL(d.balance_interval, 32);
	sd_backoff(&d, true);
	CU_ASSERT_EQUAL(d.balance_interval, 64);
	d.balance_interval = 512;
	sd_backoff(&d, true);
	CU_ASSERT_EQUAL(d.balance_interval, 512);
	CU_ASSERT_EQUAL(sd_source_load(300, 200), 200);
	CU_ASSERT_EQUAL(sd_target_load(300, 200), 300);
}

void tests_register(void)
{
	static const struct cut_test tests[] = {
		{ "groups, local group, walk and spans over unevenly numbered nodes", test_groups },
		{ "single-group levels are degenerate", test_degenerate },
		{ "balance interval and back-off", test_interval_backoff },
		{ NULL, NULL },
	};
	cut_suite("sched_domain", tests);
}
