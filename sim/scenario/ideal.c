/*
** <ideal remove="...">: the causes a counterfactual run removes
** (scenario.h, enum scn_ideal).  The models read s->ideal where each cause
** is charged; only overcommit changes the scenario itself (the machine's
** cores), here.
*/
#include "sim/scenario/load.h"

#include <string.h>

static const struct {
	const char *name, *what;
} causes[SCN_IDEAL_N] = {
	[SCN_IDEAL_SWITCH] = { "switch", "world switch and cache refill" },
	[SCN_IDEAL_NUMA] = { "numa", "remote NUMA memory" },
	[SCN_IDEAL_LHP] = { "lhp", "lock-holder preemption" },
	[SCN_IDEAL_PAGING] = { "paging", "CPU virtualisation and shadow paging" },
	[SCN_IDEAL_EMULATION] = { "emulation", "device emulation work" },
	[SCN_IDEAL_EMU_WAIT] = { "emu-wait", "waiting for Dom0 / I/O thread" },
	[SCN_IDEAL_NIC] = { "nic", "NIC queueing" },
	[SCN_IDEAL_DISK] = { "disk", "disk queueing" },
	[SCN_IDEAL_PAGECACHE] = { "pagecache", "page-cache misses" },
	[SCN_IDEAL_OVERCOMMIT] = { "overcommit", "more VCPUs than pCPUs" },
};

const char *scn_ideal_name(int c)
{
	return c >= 0 && c < SCN_IDEAL_N ? causes[c].name : "?";
}

const char *scn_ideal_what(int c)
{
	return c >= 0 && c < SCN_IDEAL_N ? causes[c].what : "?";
}

int scn_ideal_find(const char *name)
{
	for (int c = 0; c < SCN_IDEAL_N; c++)
		if (strcmp(causes[c].name, name) == 0)
			return c;
	return -1;
}

int scn_set_ideal(struct scenario *s, unsigned mask)
{
	s->ideal |= mask;
	if (!(mask & (1u << SCN_IDEAL_OVERCOMMIT)))
		return 0;
	long long v = 0;
	for (int i = 0; i < s->nvms; i++)
		v += (long long)s->vm[i].count * s->vm[i].vcpus;
	int n = s->machine.nnodes;
	if (n <= 0 || v <= scn_ncpus(&s->machine))
		return 0;
	long long per = (v + n - 1) / n;
	if (per * n > SCN_MAX_CPUS)
		return -1;
	for (int i = 0; i < n; i++)
		if (s->machine.node[i].cores < per)
			s->machine.node[i].cores = (int)per;
	return 0;
}

/* <ideal remove="switch numa ...">; the schema has checked the names. */
void ld_read_ideal(struct ld *ld, xmlNodePtr n)
{
	if (!n)
		return;
	ld->s->ideal_loc = ld_loc_of(ld, n);
	const char *v = ld_attr(n, "remove");
	char buf[512];
	unsigned mask = 0;
	snprintf(buf, sizeof buf, "%s", v ? v : "");
	char *save = NULL;
	for (char *t = strtok_r(buf, " \t\r\n", &save); t; t = strtok_r(NULL, " \t\r\n", &save)) {
		int c = scn_ideal_find(t);
		if (strcmp(t, "none") == 0)
			continue;
		if (c < 0)
			ld_err_at(ld, n, "remove", "expected none or causes among switch, numa, lhp, paging, emulation, emu-wait, "
				  "nic, disk, pagecache, overcommit", t, NULL);
		else
			mask |= 1u << c;
	}
	ld->s->ideal = mask;
}

/* After the machine and the VMs are read: overcommit's cores. */
void ld_apply_ideal(struct ld *ld, xmlNodePtr root)
{
	struct scenario *s = ld->s;
	if (BAD(ld) || !s->ideal)
		return;
	unsigned m = s->ideal;
	s->ideal = 0;
	if (scn_set_ideal(s, m))
		ld_err_at(ld, root, NULL, "expected ", NULL,
			  "guest VCPUs that <ideal remove=\"overcommit\"> can give a pCPU each (at most "
			  SCN_STR(SCN_MAX_CPUS) " pCPUs)");
}
