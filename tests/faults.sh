#!/bin/sh
# Fault injection (docs/testing-robustness.md): run hvsim-faults (hvsim
# under ASan + UBSan with its allocations and output calls wrapped,
# tests/faults/faultwrap.c) with the Nth allocation failing, then with
# the disk full from the Nth output operation on, for every N a whole
# run makes (every FAULTS_STEP-th), in four cases:
#
#   run    hvsim run SCEN -o NEW --timeline T.json --gantt; and two
#          more runs: profiles spliced with --set (into a profile too)
#          and an activity trace; a request trace
#   force  hvsim run SCEN -o OLD --force, over an older output directory
#   sweep  hvsim sweep SWEEP -o NEW -j 2, then the same command again
#          without faults (a rerun resumes)
#   import hvsim import perf-sched|apache-log SAMPLE -o NEW.csv
#   cache  hvsim sweep CAPSWEEP -o NEW -j 2 --cache STORE (a capacity
#          sweep sharing a store of replications, every fifth N of the
#          allocations; a new STORE for odd N, the one the runs before
#          left for even N), then the same into another NEW without
#          faults and with the same STORE: nothing a faulty run left in
#          the store may change a later sweep's results
#
# Each faulty run must end without a sanitizer report, with exit status
# 1 or 2 and a message (or 0 with outputs identical to a run without
# faults), leaving no staging (*.tmp-*, *.old-*) and no partial output:
# NEW and T.json absent, OLD untouched; the sweep's rerun must complete
# it with a sweep.csv identical to an uninterrupted sweep's (wall_s
# aside) and the same point directories.  A failed allocation's message
# must not blame the input (no "expected"); the run cases' first 60
# allocations (FAULTS_LOAD_ALLOCS), the scenario's loading, fail one by
# one whatever the step.
#
#   HVSIM_FAULTS=build/san/hvsim-faults FAULTS_STEP=1 sh tests/faults.sh
#
# FAULTS_ONLY="one_run:alloc one_sweep:io" runs only those cases.
# FAULTS_SHARD=K/M runs the Kth of M shares of the faulty runs (from 0),
# so that M processes side by side run them all (make check: 2); the
# faulty runs are dealt out two at a time, so a cache case's odd N and
# the even N after it, which takes the store the odd one left, stay in
# one share.
set -u
BIN=${HVSIM_FAULTS:-build/san/hvsim-faults}
STEP=${FAULTS_STEP:-1}
SCEN=${FAULTS_SCEN:-tests/data/good/vm-hogs.xml}
SWEEP=${FAULTS_SWEEP:-tests/data/sweep/toy.xml}
CAPSWEEP="tests/data/sweep/capacity-curves.xml --set sweep.bracket=previous"
[ -x "$BIN" ] || { echo "faults.sh: no $BIN (make $BIN)" >&2; exit 2; }
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
unset HVSIM_FAULT HVSIM_FAULT_COUNT
W=$(mktemp -d "${TMPDIR:-/tmp}/hvsim-faults.XXXXXX")
trap 'rm -rf "$W"' EXIT
fails=0 runs=0
SHARD=${FAULTS_SHARD:-0/1}
SH_K=${SHARD%/*} SH_M=${SHARD#*/}
case $SH_K/$SH_M in
*[!0-9/]*|/*|*/) echo "faults.sh: FAULTS_SHARD: expected K/M, got '$SHARD'" >&2; exit 2 ;;
esac
[ "$SH_M" -ge 1 ] && [ "$SH_K" -lt "$SH_M" ] ||
	{ echo "faults.sh: FAULTS_SHARD: expected K/M with K < M, got '$SHARD'" >&2; exit 2; }
cand=0   # faulty runs considered so far, this share's or not

bad() {
	echo "FAULT $*" >&2
	fails=$((fails + 1))
	if [ -s "$W/err" ]; then sed 's/^/    | /' "$W/err" | head -n 30 >&2; fi
}

# A directory's files with their checksums, wall-clock lines and the
# sweep's wall_s column left out: what must be the same run to run.
digest() {
	(cd "$1" && find . -type f | LC_ALL=C sort | while read -r f; do
		case $f in
		*/sweep.csv|./sweep.csv) sed 's/,[^,]*$//' "$f" ;;
		*) grep -v '"wall_\|^wall' "$f" ;;
		esac | cksum | sed "s|^|$f |"
	done)
}

staging() {   # any staging left in $W?
	find "$W" \( -name '*.tmp-*' -o -name '*.old-*' \) | head -n 1
}

sanitized() {   # did a sanitizer speak?
	grep -q 'Sanitizer\|runtime error' "$W/err"
}

# blamed FAULT: an allocation failed, yet a message blames the input
# ("<vm pin>: expected a pCPU list ..." when the list's array could not
# grow): memory ran out, which is never the input's fault
blamed() {
	case $1 in alloc:*) grep -q ': expected ' "$W/err" ;; *) return 1 ;; esac
}

# stdout_only RC: RC, or 0 when the one failure was hvsim's closing flush
# of stdout (the command's last output call; stdout on the full disk):
# hvsim says so (its only error) and exits 1, its outputs complete, so
# they are checked as exit 0's are
stdout_only() {
	if [ "$1" = 1 ] && [ "$(grep -c '^hvsim[ :]' "$W/err")" = 1 ] &&
	   grep -q '^hvsim: standard output: cannot write: ' "$W/err"; then
		echo 0
	else
		echo "$1"
	fi
}

counts() {   # counts CMD...: the most allocations and output calls of any process
	rm -f "$W/count"
	HVSIM_FAULT_COUNT="$W/count" "$@" > /dev/null 2>&1
	awk '{ if ($2 > a) a = $2; if ($3 > o) o = $3 } END { print a + 0, o + 0 }' "$W/count"
}

# ---- references, without faults
mkdir -p "$W/ref"
# the run cases: NAME, then hvsim run's arguments after SCEN -o DIR
#   run      a small run with a timeline and a Gantt chart
#   profiles profiles spliced, --set (into a profile too), an activity trace
#   requests a request trace replayed
set_case() {
	case $1 in
	run) CSCEN=$SCEN; CARGS="--timeline $W/t.json --gantt" ;;
	profiles) CSCEN=experiments/examples/activity-in-vm.xml
		CARGS="--set run.duration=0.3s --set hypervisor.costs.cpu-factor=0.9" ;;
	requests) CSCEN=experiments/examples/requests-replay.xml
		CARGS="--set run.duration=2s --set run.warmup=1s" ;;
	esac
}
RUN_CASES=${FAULTS_RUNS:-run profiles requests}
for c in $RUN_CASES; do
	set_case "$c"
	# shellcheck disable=SC2086
	"$BIN" run "$CSCEN" -o "$W/ref/$c" $CARGS > /dev/null 2>&1 ||
		{ echo "faults.sh: $CSCEN does not run" >&2; exit 1; }
	[ "$c" != run ] || mv "$W/t.json" "$W/ref/t.json"
done
"$BIN" sweep "$SWEEP" -o "$W/ref/sweep" -j 2 > /dev/null 2>&1 ||
	{ echo "faults.sh: $SWEEP does not sweep" >&2; exit 1; }
REF_T=$(grep -v '"wall_' "$W/ref/t.json" | cksum)
REF_SWEEP=$(digest "$W/ref/sweep")
REF_RUN=$(digest "$W/ref/run")
summary=""
for c in $RUN_CASES; do
	set_case "$c"
	# shellcheck disable=SC2086
	set -- $(counts "$BIN" run "$CSCEN" -o "$W/c1" $CARGS)
	eval "A_$c=$1 IO_$c=$2"
	summary="$summary $c $1/$2,"
	rm -rf "$W/c1" "$W/t.json"
done
set -- $(counts "$BIN" run "$SCEN" -o "$W/ref/run" --force)
FORCE_A=$1 FORCE_IO=$2
set -- $(counts "$BIN" sweep "$SWEEP" -o "$W/c2" -j 2)
SWEEP_A=$1 SWEEP_IO=$2
rm -rf "$W/c2"
# shellcheck disable=SC2086
"$BIN" sweep $CAPSWEEP -o "$W/ref/cap" -j 2 > /dev/null 2>&1 ||
	{ echo "faults.sh: $CAPSWEEP does not sweep" >&2; exit 1; }
REF_CAP=$(digest "$W/ref/cap")
# shellcheck disable=SC2086
set -- $(counts "$BIN" sweep $CAPSWEEP -o "$W/c4" -j 2 --cache "$W/c4store")
CACHE_A=$1 CACHE_IO=$2
rm -rf "$W/c4" "$W/c4store"
echo "== fault injection ($BIN, every ${STEP}th N): allocations/output calls:$summary" \
     "run --force $FORCE_A/$FORCE_IO, sweep -j 2 $SWEEP_A/$SWEEP_IO, cache $CACHE_A/$CACHE_IO"

# ---- a run into a new directory (case $CASE)
one_run() {   # one_run FAULT
	rm -rf "$W/o" "$W/t.json"
	# shellcheck disable=SC2086
	HVSIM_FAULT=$1 "$BIN" run "$CSCEN" -o "$W/o" $CARGS > /dev/null 2> "$W/err"
	rc=$?
	runs=$((runs + 1))
	ref=$(digest "$W/ref/$CASE")
	if sanitized; then bad "$CASE $1: sanitizer report (exit $rc)"; return; fi
	rc=$(stdout_only "$rc")
	case $rc in
	0)
		[ "$(digest "$W/o")" = "$ref" ] || bad "$CASE $1: exit 0 but outputs differ from a run without faults"
		[ "$CASE" != run ] || [ "$(grep -v '"wall_' "$W/t.json" | cksum)" = "$REF_T" ] ||
			bad "$CASE $1: exit 0 but the timeline differs" ;;
	1|2)
		[ -s "$W/err" ] || bad "$CASE $1: exit $rc without a message"
		! blamed "$1" || bad "$CASE $1: memory ran out, but the message blames the input"
		[ ! -e "$W/t.json" ] || bad "$CASE $1: exit $rc but the timeline exists"
		if grep -q 'cannot write the timeline: .*; not written (the outputs are in ' "$W/err"; then
			# the one failure after the outputs are in place: the
			# timeline's rename (a file of its own), said so
			[ "$(digest "$W/o")" = "$ref" ] || bad "$CASE $1: outputs in place differ"
		else
			[ ! -e "$W/o" ] || bad "$CASE $1: exit $rc but -o DIR exists"
		fi ;;
	*) bad "$CASE $1: exit $rc" ;;
	esac
	s=$(staging)
	[ -z "$s" ] || { bad "$CASE $1: staging left: $s"; rm -rf "$s"; }
}

# ---- run --force over an older output directory
one_force() {   # one_force FAULT
	rm -rf "$W/f"
	cp -r "$W/ref/run" "$W/f"
	echo '"older"' >> "$W/f/summary.json"
	before=$(digest "$W/f")
	HVSIM_FAULT=$1 "$BIN" run "$SCEN" -o "$W/f" --force > /dev/null 2> "$W/err"
	rc=$?
	runs=$((runs + 1))
	if sanitized; then bad "force $1: sanitizer report (exit $rc)"; return; fi
	rc=$(stdout_only "$rc")
	case $rc in
	0) [ "$(digest "$W/f")" = "$REF_RUN" ] || bad "force $1: exit 0 but outputs differ from a run without faults" ;;
	1|2)
		[ -s "$W/err" ] || bad "force $1: exit $rc without a message"
		! blamed "$1" || bad "force $1: memory ran out, but the message blames the input"
		[ "$(digest "$W/f")" = "$before" ] || bad "force $1: exit $rc but the older directory changed" ;;
	*) bad "force $1: exit $rc" ;;
	esac
	s=$(staging)
	[ -z "$s" ] || { bad "force $1: staging left: $s"; rm -rf "$s"; }
}

# ---- a sweep, then its rerun without faults
one_sweep() {   # one_sweep FAULT
	rm -rf "$W/s"
	HVSIM_FAULT=$1 "$BIN" sweep "$SWEEP" -o "$W/s" -j 2 > /dev/null 2> "$W/err"
	rc=$?
	runs=$((runs + 1))
	if sanitized; then bad "sweep $1: sanitizer report (exit $rc)"; return; fi
	case $rc in
	0|1|2) [ "$rc" = 0 ] || [ -s "$W/err" ] || bad "sweep $1: exit $rc without a message" ;;
	*) bad "sweep $1: exit $rc" ;;
	esac
	s=$(staging)
	[ -z "$s" ] || { bad "sweep $1: staging left: $s"; rm -rf "$s"; }
	"$BIN" sweep "$SWEEP" -o "$W/s" -j 2 > /dev/null 2> "$W/err"
	rc2=$?
	if [ $rc2 != 0 ]; then
		bad "sweep $1 (exit $rc): the rerun without faults exits $rc2"
	elif [ "$(digest "$W/s")" != "$REF_SWEEP" ]; then
		bad "sweep $1 (exit $rc): after the rerun, outputs differ from an uninterrupted sweep"
		digest "$W/s" > "$W/got"
		echo "$REF_SWEEP" | diff - "$W/got" | head -n 10 >&2
	fi
}

# ---- a capacity sweep with a store, then another into the same store
one_cache() {   # one_cache FAULT
	rm -rf "$W/k" "$W/k2"
	# odd N: a new store (the faulty run stores); even N: the store as the
	# runs before left it (the faulty run takes from it)
	case $1 in *[13579]) rm -rf "$W/store" ;; esac
	# shellcheck disable=SC2086
	HVSIM_FAULT=$1 "$BIN" sweep $CAPSWEEP -o "$W/k" -j 2 --cache "$W/store" > /dev/null 2> "$W/err"
	rc=$?
	runs=$((runs + 1))
	if sanitized; then bad "cache $1: sanitizer report (exit $rc)"; return; fi
	rc=$(stdout_only "$rc")
	case $rc in
	0) [ "$(digest "$W/k")" = "$REF_CAP" ] || bad "cache $1: exit 0 but outputs differ from a sweep without faults" ;;
	1|2) [ -s "$W/err" ] || bad "cache $1: exit $rc without a message" ;;
	*) bad "cache $1: exit $rc" ;;
	esac
	s=$(staging)
	[ -z "$s" ] || { bad "cache $1: staging left: $s"; rm -rf "$s"; }
	# shellcheck disable=SC2086
	"$BIN" sweep $CAPSWEEP -o "$W/k2" -j 2 --cache "$W/store" > /dev/null 2> "$W/err"
	rc2=$?
	if [ $rc2 != 0 ]; then
		bad "cache $1 (exit $rc): the next sweep without faults exits $rc2"
	elif [ "$(digest "$W/k2")" != "$REF_CAP" ]; then
		bad "cache $1 (exit $rc): the next sweep with the store differs from a sweep without it"
	fi
}

# ---- hvsim import into a new file
one_import() {   # one_import FAULT
	rm -f "$W/imp.csv"
	# shellcheck disable=SC2086
	HVSIM_FAULT=$1 "$BIN" import $IMP -o "$W/imp.csv" > /dev/null 2> "$W/err"
	rc=$?
	runs=$((runs + 1))
	if sanitized; then bad "import $1: sanitizer report (exit $rc)"; return; fi
	rc=$(stdout_only "$rc")
	case $rc in
	0) cmp -s "$W/imp.csv" "$W/ref/imp-$IMPN.csv" || bad "import $IMPN $1: exit 0 but the trace differs" ;;
	1|2)
		[ -s "$W/err" ] || bad "import $IMPN $1: exit $rc without a message"
		[ ! -e "$W/imp.csv" ] || bad "import $IMPN $1: exit $rc but the trace exists" ;;
	*) bad "import $IMPN $1: exit $rc" ;;
	esac
	s=$(staging)
	[ -z "$s" ] || { bad "import $IMPN $1: staging left: $s"; rm -rf "$s"; }
}

mine() {   # is the next faulty run this share's? (FAULTS_SHARD)
	cand=$((cand + 1))
	[ $((((cand - 1) / 2) % SH_M)) = "$SH_K" ]
}

sweep_range() {   # sweep_range FN KIND MAX
	case " ${FAULTS_ONLY:-$1:$2} " in *" $1:$2 "*) ;; *) return ;; esac
	cand=$(((cand + 1) / 2 * 2))   # a range's first two runs are dealt together
	n=1
	while [ "$n" -le "$3" ]; do
		mine && "$1" "$2:$n"
		n=$((n + STEP))
	done
	mine && "$1" "$2:$3"   # the last one always
}

# every N of the first LOAD_ALLOCS allocations whatever the step: the
# scenario's loading (its profiles found and read), where a failed
# allocation could be reported as an input error (blamed, above)
LOAD_ALLOCS=${FAULTS_LOAD_ALLOCS:-60}
dense_load() {   # dense_load MAX
	case " ${FAULTS_ONLY:-one_run:alloc} " in *" one_run:alloc "*) ;; *) return ;; esac
	n=1
	while [ "$n" -le "$1" ] && [ "$n" -le "$LOAD_ALLOCS" ]; do
		[ $(((n - 1) % STEP)) = 0 ] || { mine && one_run "alloc:$n"; }
		n=$((n + 1))
	done
}
for CASE in $RUN_CASES; do
	set_case "$CASE"
	eval "a=\$A_$CASE io=\$IO_$CASE"
	sweep_range one_run alloc "$a"
	dense_load "$a"
	sweep_range one_run io "$io"
done
for IMPN in perf-sched apache-log; do
	case $IMPN in
	perf-sched) IMP="perf-sched tests/data/import/perf_sched_sample.txt" ;;
	apache-log) IMP="apache-log tests/data/import/access_sample.log" ;;
	esac
	# shellcheck disable=SC2086
	"$BIN" import $IMP -o "$W/ref/imp-$IMPN.csv" > /dev/null 2>&1 || { echo "faults.sh: import $IMP fails" >&2; exit 1; }
	# shellcheck disable=SC2086
	set -- $(counts "$BIN" import $IMP -o "$W/c3.csv")
	rm -f "$W/c3.csv"
	sweep_range one_import alloc "$1"
	sweep_range one_import io "$2"
done
sweep_range one_force alloc "$FORCE_A"
sweep_range one_force io "$FORCE_IO"
sweep_range one_sweep alloc "$SWEEP_A"
sweep_range one_sweep io "$SWEEP_IO"
STEP0=$STEP
STEP=$((STEP0 * 5))   # with an odd step N alternates odd and even
sweep_range one_cache alloc "$CACHE_A"
STEP=$STEP0
sweep_range one_cache io "$CACHE_IO"

if [ "$fails" -gt 0 ]; then
	echo "== fault injection ($SHARD): $fails of $runs faulty runs misbehaved" >&2
	exit 1
fi
share=""
[ "$SH_M" = 1 ] || share=" (share $SHARD)"
echo "== fault injection$share: $runs faulty runs, all clean (exit 1 or 2 with a message, or outputs as without faults; no partial output)"
