#!/bin/sh
# The paper's microbenchmark grid (docs/sources.md sec. 1): bzip2, netperf
# and dd in 1, 5 and 10 concurrent 1-VCPU VMs under each hypervisor.
# Run from the project root after `make hvsim`:
#     sh experiments/micro/run-all.sh [OUTDIR]        (default out/micro)
# Prints one line per run: benchmark, hypervisor, VMs, the mean / min /
# max of the per-VM metric in micro.csv, and how many VMs finished.
# The costs are uncalibrated defaults (docs/workloads.md).
set -e
out=${1:-out/micro}
hvs=${HVS:-"kvm-75 xen-3.3.0 vbox-2.0.6 native"}
printf '%-8s %-11s %3s %10s %10s %10s %-7s %s\n' bench hypervisor vms mean min max unit finished
for b in bzip2 netperf dd; do
	for hv in $hvs; do
		for n in 1 5 10; do
			d=$out/$b-$hv-$n
			./hvsim run experiments/micro/$b.xml -o "$d" --force \
				--set "vm[bench].count=$n" \
				--set "hypervisor.profile=../../models/profiles/hypervisors/$hv.xml" >/dev/null
			awk -F, -v b=$b -v hv=$hv -v n=$n 'NR > 1 {
				v = $4 + 0; s += v; k++; f += $6
				if (k == 1 || v < lo) lo = v
				if (k == 1 || v > hi) hi = v
				u = $5
			} END {
				printf "%-8s %-11s %3d %10.2f %10.2f %10.2f %-7s %d/%d\n", b, hv, n, s / k, lo, hi, u, f, k
			}' "$d/micro.csv"
		done
	done
done
