/*
** Workloads in VMs and the device-I/O model: every stage of a request
** computed by hand and compared with the simulation; where the device
** model's work runs under each hypervisor; the disk's seeks; netperf at
** the wire's limit; the guest's timer ticks; the page cache; and the
** SPECweb2005 sessions' page mix, think times, session lengths and
** zero-load page times.
*/
#include "cutest.h"
#include "models/io.h"
#include "models/specweb.h"
#include "models/vm.h"
#include "models/wl_activity.h"
#include "models/wl_micro.h"
#include "models/wl_requests.h"
#include "models/wl_specweb.h"
#include "models/workload.h"
#include "sim/scenario/scenario.h"
#include "models/world.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define IO "tests/data/workloads/io.xml"
#define IOXEN "tests/data/workloads/io-xen.xml"

/* tests/data/workloads/io.xml at 1 GHz: cycles are ns. */
#define EXIT 1000.0
#define EMU_PKT 10000.0
#define EMU_DISK 20000.0
#define G_PKT 1000.0
#define G_DISK 5000.0
#define SHADOW 2.0
#define NIC_RATE 125e6
#define DISK_RATE 50e6
#define SEEK (5e6 + 5e6)            /* seek + half a rotation at 6000 rpm, ns */

/* one.csv: a 14180-byte reply (+300 header = 10 packets) and 1 ms of CPU,
** half of it kernel work (kernel-share 0.5). */
#define BODY (14180.0 + 300)
#define OUT 10.0
#define IN 6.0                      /* the request + 5 delayed ACKs */
#define CPU (1e6 * (0.5 + 0.5 * SHADOW))

static const struct wl_requests *req0(void)
{
	CU_ASSERT_PTR_NOT_NULL_FATAL(cut_W.wl);
	CU_ASSERT_EQUAL_FATAL(cut_W.wl->nreq, 1);
	return cut_W.wl->req[0];
}

static double run_s(const struct entity *e)
{
	return (double)e->t_run / 1e9;
}

/* io.xml as the bare machine: no exits, no emulation, no shadow paging. */
static const char *const native[] = { "hypervisor.kind=native", "hypervisor.io.exit=0cycles",
				      "hypervisor.io.exits-tx-packet=0", "hypervisor.io.exits-rx-packet=0",
				      "hypervisor.io.exits-interrupt=0", "hypervisor.io.exits-disk=0",
				      "hypervisor.io.exits-timer=0", "hypervisor.io.emu-packet=0cycles",
				      "hypervisor.io.emu-disk=0cycles", "hypervisor.io.shadow=1", NULL };

/* Run io.xml edited by the sed script (another workload body, say) from
** dir, with the overrides sets: cut_fixture's world. */
static void variant(const char *dir, const char *script, const char *const *sets)
{
	char path[512], cmd[2048];
	snprintf(path, sizeof path, "%s/variant.xml", dir);
	snprintf(cmd, sizeof cmd, "sed '%s' %s > %s", script, IO, path);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	cut_fixture(path, sets);
}

/* The guest's share of one request: receive (TCP/IP, exits per packet
** and per interrupt), the request's CPU, send (TCP/IP, exits per packet
** and per completion interrupt). */
static double guest_ns(void)
{
	double rx = IN * G_PKT + (IN * 1 + IN * 1) * EXIT;   /* driver work: no shadow cost */
	double tx = OUT * G_PKT + (OUT * 2 + OUT * 1) * EXIT;
	return rx + CPU + tx;
}

static double wire_ns(void)
{
	return (BODY + OUT * IO_FRAME) / NIC_RATE * 1e9;
}

/* KVM: receive emulation on the QEMU I/O thread, send emulation on the
** VCPU thread; the response is the sum of the stages. */
static void test_request_kvm(void)
{
	cut_fixture(IO, NULL);
	const struct wl_requests *q = req0();
	struct vm *g = cut_vm_fatal("g");
	double vcpu = guest_ns() + OUT * EMU_PKT, io = IN * EMU_PKT;
	CU_ASSERT_DOUBLE_EQUAL(run_s(g->vcpu[0]), vcpu / 1e9, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(run_s(g->iothread), io / 1e9, 1e-9);
	CU_ASSERT_EQUAL(q->resp.tot_cnt, 1);
	CU_ASSERT_DOUBLE_EQUAL(q->resp.max, (io + vcpu + wire_ns()) / 1e9, 2e-9);
	cut_done();
}

/* Xen: every device model in Dom0; the VCPU only pays exits and its own
** kernel work. */
static void test_request_xen(void)
{
	cut_fixture(IOXEN, NULL);
	const struct wl_requests *q = req0();
	struct vm *g = cut_vm_fatal("g"), *d0 = cut_vm_fatal("Domain-0");
	CU_ASSERT_PTR_NULL(g->iothread);
	CU_ASSERT_DOUBLE_EQUAL(run_s(g->vcpu[0]), guest_ns() / 1e9, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(run_s(d0->vcpu[0]), (IN + OUT) * EMU_PKT / 1e9, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(q->resp.max, (guest_ns() + (IN + OUT) * EMU_PKT + wire_ns()) / 1e9, 2e-9);
	cut_done();
}

/* VirtualBox: the EMT runs the guest and every device. */
static void test_request_vbox(void)
{
	static const char *const sets[] = { "hypervisor.kind=vbox", NULL };
	cut_fixture(IO, sets);
	struct vm *g = cut_vm_fatal("g");
	CU_ASSERT_PTR_NULL(g->iothread);
	CU_ASSERT_DOUBLE_EQUAL(run_s(g->vcpu[0]), (guest_ns() + (IN + OUT) * EMU_PKT) / 1e9, 1e-9);
	cut_done();
}

/* Native: no exits, no emulation, no shadow paging. */
static void test_request_native(void)
{
	cut_fixture(IO, native);
	struct vm *g = cut_vm_fatal("g");
	double guest = (IN + OUT) * G_PKT + 1e6;
	CU_ASSERT_DOUBLE_EQUAL(run_s(g->vcpu[0]), guest / 1e9, 1e-9);
	CU_ASSERT_DOUBLE_EQUAL(req0()->resp.max, (guest + wire_ns()) / 1e9, 2e-9);
	cut_done();
}

/* A page-cache miss reads the reply from the disk: the guest's block
** layer and exits, the device model, a seek and the transfer, and the
** completion interrupt; hit ratio from the guest's spare memory. */
static void test_request_miss(void)
{
	/* 1 GiB - 128 MiB OS = 896 MiB of cache against a 1 TiB file set:
	** hit ~0.00085, so the one request misses for this seed */
	static const char *const sets[] = { "vm[g].workload[log].requests.fileset=1TiB", NULL };
	cut_fixture(IO, sets);
	const struct wl_requests *q = req0();
	CU_ASSERT_DOUBLE_EQUAL(q->hit, 896.0 / (1024.0 * 1024.0), 1e-12);
	CU_ASSERT_EQUAL(q->misses, 1);
	double disk_cpu = G_DISK + 10 * EXIT + 1 * EXIT;
	double disk = SEEK + (BODY - 300) / DISK_RATE * 1e9;
	struct vm *g = cut_vm_fatal("g");
	CU_ASSERT_DOUBLE_EQUAL(run_s(g->iothread), (IN * EMU_PKT + EMU_DISK) / 1e9, 1e-9);
	double expect = IN * EMU_PKT + EMU_DISK + disk + disk_cpu + guest_ns() + OUT * EMU_PKT + wire_ns();
	CU_ASSERT_DOUBLE_EQUAL(q->resp.max, expect / 1e9, 5e-9);
	CU_ASSERT_EQUAL(cut_W.io->disk[0].nseek, 1);
	cut_done();
}

/* dd copies in 128 kB read-ahead chunks; the page cache writes the copy
** back in 4 MiB runs, each a seek away from the input and back. */
static void test_dd(void)
{
	char *dir = cut_tmpdir();
	variant(dir, "s|kind=\"requests\"|kind=\"dd\"|; "
		     "s|<requests file=\"one.csv\"[^>]*/>|<dd size=\"10MiB\" block=\"4KiB\"/>|; "
		     "s|<run duration=\"10s\"|<run duration=\"100s\"|", native);
	CU_ASSERT_EQUAL_FATAL(cut_W.wl->nmicro, 1);
	/* copying writes no page tables: no share for io.shadow by default */
	CU_ASSERT_EQUAL(cut_S.vm[0].workload[0].micro.kernel_share, 0);
	const struct micro *mb = cut_W.wl->micro[0];
	int fin;
	double mbs = micro_metric(mb, &fin);
	CU_ASSERT_TRUE(fin);
	/* 80 reads of 128 KiB, each copied in 32 blocks (2 system calls each,
	** 1 cycle a byte); write-back runs after chunks 32, 64 and 80; seeks:
	** the first read, each write and each read after a write (6); the
	** guest's block layer for 83 requests */
	double chunk = 131072, size = 10.0 * 1048576;
	double t = 6 * SEEK + 2 * size / DISK_RATE * 1e9 + 80 * (64 * 1000 + chunk) + 83 * G_DISK;
	CU_ASSERT_DOUBLE_EQUAL(mbs, size / (t / 1e9) / 1e6, 1e-6);
	CU_ASSERT_EQUAL(cut_W.io->disk[0].nseek, 6);
	CU_ASSERT_EQUAL(cut_W.io->disk[0].nreq, 83);
	cut_done();
	cut_rmrf(dir);
	free(dir);
}

/* A bzip2 stopped before it compressed a byte has no time to extrapolate
** from its share done: micro.csv's value is empty (it was "inf"). */
static void test_bzip2_nothing_done(void)
{
	char *dir = cut_tmpdir();
	variant(dir, "s|kind=\"requests\"|kind=\"bzip2\"|; "
		     "s|<requests file=\"one.csv\"[^>]*/>|<bzip2 size=\"10MiB\"/>|; "
		     "s|<run duration=\"10s\"[^>]*/>|<run duration=\"1us\" warmup=\"0s\"/>|", native);
	CU_ASSERT_EQUAL_FATAL(cut_W.wl->nmicro, 1);
	int fin;
	CU_ASSERT_FALSE(isfinite(micro_metric(cut_W.wl->micro[0], &fin)));
	CU_ASSERT_FALSE(fin);
	char *row = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&row, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	micro_row(cut_W.wl->micro[0], f);
	fclose(f);
	CU_ASSERT_PTR_NOT_NULL(strstr(row, ",bzip2,,s,0,"));
	free(row);
	cut_done();
	cut_rmrf(dir);
	free(dir);
}

/* netperf with free CPU runs at the wire's limit: payload over payload +
** framing. */
static void test_netperf_wire(void)
{
	char *dir = cut_tmpdir();
	variant(dir, "s|kind=\"requests\"|kind=\"netperf\"|; "
		     "s|<requests file=\"one.csv\"[^>]*/>|<netperf duration=\"2s\" cycles-per-byte=\"0\"/>|; "
		     "s|packet=\"1000cycles\"|packet=\"0cycles\"|", native);
	CU_ASSERT_EQUAL_FATAL(cut_W.wl->nmicro, 1);
	CU_ASSERT_EQUAL(cut_S.vm[0].workload[0].micro.kernel_share, 0);
	int fin;
	double mbit = micro_metric(cut_W.wl->micro[0], &fin);
	double pkts = ceil(16384.0 / IO_MSS), eff = 16384.0 / (16384.0 + pkts * IO_FRAME);
	/* within one message of the limit (the window drains at the end) */
	CU_ASSERT_DOUBLE_EQUAL(mbit, 1000 * eff, 1000 * eff * 0.005);
	CU_ASSERT_TRUE(cut_W.io->nic[0].t_busy > (int64_t)(0.99 * 2e9));
	/* with 30k cycles of exits per packet the VCPU is the bottleneck */
	cut_done();
	cut_rmrf(dir);
	free(dir);
}

/* The guest's periodic tick: an idle VCPU wakes HZ times a second for
** the handler and its exits. */
static void test_timer_ticks(void)
{
	static const char *const sets[] = { "vm[g].guest.timer-hz=250", NULL };
	cut_fixture(IO, sets);
	struct vm *g = cut_vm_fatal("g");
	CU_ASSERT_EQUAL(g->ticks, 2500);
	double per_tick = 10000 + 2 * EXIT;   /* handler (no page-table writes: no shadow) + 2 exits */
	double request = guest_ns() + OUT * EMU_PKT;
	CU_ASSERT_DOUBLE_EQUAL(run_s(g->vcpu[0]), (2500 * per_tick + request) / 1e9, 1e-9);
	cut_done();
}

/* The NIC presets give exits per packet and interrupt; attributes win. */
static void test_nic_preset(void)
{
	static const char *const sets[] = { "hypervisor.io.nic=e1000", NULL };
	struct scenario s;
	CU_ASSERT_EQUAL_FATAL(cut_load(IO, sets, &s, NULL), 0);
	CU_ASSERT_DOUBLE_EQUAL(s.hv.io.irq_packets, 4, 0);   /* from the preset */
	CU_ASSERT_DOUBLE_EQUAL(s.hv.io.exits_tx, 2, 0);      /* io.xml's own */
	scn_free(&s);
	CU_ASSERT_EQUAL_FATAL(cut_load("experiments/capacity/fig3-kvm-4vm.xml", NULL, &s, NULL), 0);
	CU_ASSERT_DOUBLE_EQUAL(s.hv.io.exits_tx, 3, 0);      /* rtl8139 */
	CU_ASSERT_DOUBLE_EQUAL(s.hv.io.exits_rx, 2, 0);
	CU_ASSERT_DOUBLE_EQUAL(s.hv.io.exit, 3300, 0);       /* the world switch */
	scn_free(&s);
}

/* ------------------------------------------------------- SPECweb --- */

#define WEB "tests/data/workloads/specweb.xml"

/* One big cheap VM: the pages come out in the kit's expected mix, 91.94%
** of them after a think time, 12.41 pages a session; at zero load a
** page takes its bytes' time on the user's 100,000 B/s line. */
static void test_specweb_sessions(void)
{
	cut_fixture(WEB, cut_slow() ? NULL : (const char *const[]){ "run.duration=400s", NULL });
	CU_ASSERT_EQUAL_FATAL(cut_W.wl->nweb, 1);
	const struct wl_specweb *ws = cut_W.wl->web[0];
	uint64_t tot = 0;
	for (int k = 0; k < SPECWEB_NPAGES; k++)
		tot += ws->pages[k];
	printf("\n    %llu pages, %llu sessions; produced vs expected mix:",
	       (unsigned long long)tot, (unsigned long long)ws->m.c.sessions);
	CU_ASSERT_TRUE_FATAL(tot > 20000);
	for (int k = 0; k < SPECWEB_NPAGES; k++) {
		double p = specweb_pages[k].expected_pct / 100, got = (double)ws->pages[k] / (double)tot;
		/* sessions make pages correlated: allow 5 binomial sigmas */
		double sd = sqrt(p * (1 - p) / (double)tot);
		printf(" %s %.2f/%.2f", specweb_pages[k].name, 100 * got, 100 * p);
		CU_ASSERT_DOUBLE_EQUAL(got, p, 5 * sd + 0.002);
	}
	const struct specweb_counts *c = &ws->m.c;
	uint64_t all = 0;
	for (int k = 0; k < SPECWEB_NPAGES; k++)
		all += c->pages[k];
	double think_share = (double)c->thinks / (double)all;
	double think_mean = c->think_s / (double)c->thinks;
	double pages_per_session = (double)all / (double)(c->exits + c->timeouts);
	printf("\n    think share %.4f (kit 0.9194), mean think %.3f s (kit %.1f), pages/session %.3f (12.407)",
	       think_share, think_mean, ws->m.p.think_mean, pages_per_session);
	CU_ASSERT_DOUBLE_EQUAL(think_share, ws->m.think_share, 0.01);
	CU_ASSERT_DOUBLE_EQUAL(think_mean, ws->m.p.think_mean, 0.25);
	CU_ASSERT_DOUBLE_EQUAL(pages_per_session, SPECWEB_KIT_SESSION_PAGES, 0.4);

	/* zero load: a page's time is its dynamic reply, then its images, all
	** through one 100,000 B/s line, each with a 300-byte header */
	double expect = 0;
	for (int k = 0; k < SPECWEB_NPAGES; k++) {
		const struct specweb_page_def *pg = &specweb_pages[k];
		double bytes = pg->padding + 300;
		for (int i = 0; i < SPECWEB_NIMAGES; i++)
			if (specweb_images[i].page == k)
				bytes += specweb_images[i].bytes * (1 - specweb_images[i].p304) + 300;
		expect += (double)ws->pages[k] / (double)tot * bytes / 100000;
	}
	struct ci r = tally_mean(&ws->resp);
	printf("\n    mean page time %.4f s, line time by the mix %.4f s", r.mean, expect);
	CU_ASSERT_DOUBLE_EQUAL(r.mean, expect, 0.02 * expect + 0.005);
	CU_ASSERT_TRUE(r.mean >= expect * 0.99);
	CU_ASSERT_EQUAL(ws->qos.good, ws->qos.n);   /* nothing near 3 s */
	cut_done();
}

/* Memory: users' server memory comes out of the page cache. */
static void test_specweb_cache(void)
{
	static const char *const sets[] = { "vm[web].workload[shop].specweb.fileset=1GiB",
					    "vm[web].workload[shop].specweb.users=200", "run.duration=60s", "run.warmup=10s", NULL };
	cut_fixture(WEB, sets);
	const struct wl_specweb *ws = cut_W.wl->web[0];
	/* 2 GiB - 128 MiB OS - 200 x 1 MiB = 1720 MiB against 1 GiB: all hits */
	CU_ASSERT_DOUBLE_EQUAL(ws->hit, 1, 0);
	cut_done();
	static const char *const sets2[] = { "vm[web].workload[shop].specweb.fileset=4GiB",
					     "vm[web].workload[shop].specweb.users=200", "run.duration=60s", "run.warmup=10s", NULL };
	cut_fixture(WEB, sets2);
	ws = cut_W.wl->web[0];
	CU_ASSERT_DOUBLE_EQUAL(ws->hit, 1720.0 / 4096.0, 1e-12);
	double miss = (double)ws->misses / (double)ws->requests;
	printf("\n    hit %.4f, measured miss share %.4f of %llu requests", ws->hit, miss,
	       (unsigned long long)ws->requests);
	/* image replies of 304s have no body and never miss */
	CU_ASSERT_TRUE(miss < 1 - ws->hit);
	CU_ASSERT_TRUE(miss > 0.7 * (1 - ws->hit));
	CU_ASSERT_TRUE(cut_W.io->disk[0].nreq > 0);
	cut_done();
}

/* Activity traces replay inside a VM as guest work. */
static void test_activity_in_vm(void)
{
	char *dir = cut_tmpdir(), trace[512], cmd[1400];
	snprintf(trace, sizeof trace, "%s/act.csv", dir);
	snprintf(cmd, sizeof cmd, "%s import perf-sched tests/data/import/perf_sched_real.txt -o %s >/dev/null 2>&1",
		 cut_hvsim(), trace);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	snprintf(cmd, sizeof cmd, "s|kind=\"requests\"|kind=\"activity\"|; "
				  "s|<requests file=\"one.csv\"[^>]*/>|<trace file=\"%s\"/>|", trace);
	variant(dir, cmd, NULL);
	CU_ASSERT_EQUAL_FATAL(cut_W.nact, 1);
	const struct activity *a = cut_W.act[0];
	CU_ASSERT_PTR_NOT_NULL(a->vm);
	int64_t rec = 0, got = 0;
	for (int i = 0; i < a->nth; i++) {
		rec += a->th[i].recorded_run;
		got += a->th[i].g_run;
		CU_ASSERT_PTR_NULL(a->th[i].e);
	}
	/* every recorded burst inside the 10 s run is replayed on the VCPU */
	struct vm *g = cut_vm_fatal("g");
	printf("\n    recorded %.3f s of CPU, replayed %.3f s, VCPU ran %.3f s", rec / 1e9, got / 1e9,
	       run_s(g->vcpu[0]));
	CU_ASSERT_TRUE(got > 0);
	CU_ASSERT_DOUBLE_EQUAL(run_s(g->vcpu[0]), got / 1e9, 0.002 + 0.01 * got / 1e9);
	cut_done();
	cut_rmrf(dir);
	free(dir);
}

void tests_register(void)
{
	static const struct cut_test tests[] = {
		{ "one request under KVM, stage by stage", test_request_kvm },
		{ "one request under Xen: emulation in Dom0", test_request_xen },
		{ "one request under VirtualBox: emulation on the EMT", test_request_vbox },
		{ "one request native: no exits", test_request_native },
		{ "a page-cache miss goes to the disk", test_request_miss },
		{ "dd seeks between its files", test_dd },
		{ "bzip2 stopped before its first byte", test_bzip2_nothing_done },
		{ "netperf at the wire's limit", test_netperf_wire },
		{ "guest timer ticks", test_timer_ticks },
		{ "emulated NIC presets", test_nic_preset },
		{ "SPECweb sessions: mix, think, length, zero-load time", test_specweb_sessions },
		{ "SPECweb page cache from guest memory", test_specweb_cache },
		{ "activity trace replayed in a VM", test_activity_in_vm },
		{ NULL, NULL },
	};
	cut_suite("workloads", tests);
}
