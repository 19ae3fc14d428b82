#!/bin/sh
# MPI ranks give what one machine gives (docs/cluster.md):
#
#   tests/cluster.sh            (make check-cluster; part of make check)
#
# With 1, 2 and 3 ranks (mpirun --oversubscribe, --allow-run-as-root as
# root), a sweep, a capacity search with several rounds and a short
# calibration (tests/data/cluster/) write the same files as `-j 1`,
# wall-clock figures aside; a sweep point and a calibration whose input
# is bad fail with the same messages and exit status (on 3 ranks); a worker rank
# killed in the middle of a sweep, then `--resume`, ends with the files
# of the uninterrupted sweep; the same for a calibration (the rerun takes
# what the killed one finished from DIR.cache); ranks sent SIGTERM while
# their point processes are stopped end within seconds of the 10 s grace.  Skipped (exit 0) when there is no mpirun
# or HVSIM was built without MPI (HVSIM_MPI=1 says it was; the Makefile
# sets it).
#
#   HVSIM=./hvsim  NPS="1 2 3"  HVSIM_MPI=1
set -u
HVSIM=${HVSIM:-./hvsim}
NPS=${NPS:-1 2 3}
D=tests/data/cluster
if ! command -v mpirun > /dev/null 2>&1; then
	echo "== cluster tests skipped: no mpirun (install openmpi-bin libopenmpi-dev, then make)"
	exit 0
fi
if [ "${HVSIM_MPI:-0}" != 1 ]; then
	echo "== cluster tests skipped: $HVSIM was built without MPI"
	exit 0
fi
MPIRUN="mpirun --oversubscribe"
[ "$(id -u)" = 0 ] && MPIRUN="$MPIRUN --allow-run-as-root"
W=$(mktemp -d "${TMPDIR:-/tmp}/hvsim-cluster.XXXXXX")
trap 'rm -rf "$W"' EXIT
fails=0
checks=0

bad() {
	echo "CLUSTER $*" >&2
	fails=$((fails + 1))
}

digest() {   # the files of an output directory, wall-clock figures aside
	(cd "$1" && find . -type f | LC_ALL=C sort | while read -r f; do
		case $f in
		./sweep.csv) sed 's/,[^,]*$//' "$f" ;;
		*) grep -v '"wall_\|^wall\| wall s' "$f" ;;
		esac | cksum | sed "s|^|$f |"
	done)
}

# same NAME REF GOT: GOT's files are REF's
same() {
	checks=$((checks + 1))
	if [ "$(digest "$2")" != "$(digest "$3")" ]; then
		bad "$1: the files differ from -j 1's"
		digest "$2" > "$W/a"
		digest "$3" > "$W/b"
		diff "$W/a" "$W/b" | head -n 8 >&2
	fi
}

# run NAME CMD...: the command's exit status in $rc, its stderr's hvsim
# messages (not the progress lines or mpirun's) in $W/NAME.msg
run() {
	name=$1
	shift
	"$@" > "$W/$name.out" 2> "$W/$name.err"
	rc=$?
	grep '^hvsim\|^  \|^/\|^--set' "$W/$name.err" | grep -v '^  Process name:\|^  Exit code:' > "$W/$name.msg"
}

# reap JOB: wait for the mpirun of a job whose rank was killed.  Its
# ranks end within seconds (rank 0 writes what it has); Open MPI 4.1's
# mpirun has been seen to hang after that, its ranks already gone, so it
# is given 30 s once no rank of the job is left, then killed (its
# status then 137).  The status in $rc.
reap() {
	n=0
	while kill -0 "$1" 2> /dev/null; do
		if ! pgrep -P "$1" > /dev/null 2>&1 || [ -z "$(ps -o stat= --ppid "$1" | grep -v Z)" ]; then
			n=$((n + 1))
			if [ $n -gt 150 ]; then
				echo "  (mpirun $1 still there 30 s after its ranks ended: killed)" >&2
				kill -9 "$1" 2> /dev/null
				break
			fi
		fi
		sleep 0.2
	done
	wait "$1"
	rc=$?
}

echo "== cluster: $HVSIM under $MPIRUN -np $NPS against -j 1"

# each job: a name, then the command; bracket="previous" runs each
# curve's points in order, each point's start (the answer before it) sent
# with the point to the rank that runs it
for job in "sweep sweep $D/sweep.xml" "capacity capacity $D/capacity.xml" "calibrate calibrate $D/calib.xml -q" \
	"bracket sweep tests/data/sweep/capacity-curves.xml --set sweep.bracket=previous"; do
	set -- $job
	cmd=$1
	shift
	run "$cmd-ref" "$HVSIM" "$@" -j 1 -o "$W/$cmd-ref"
	[ "$rc" = 0 ] || { bad "$cmd -j 1 exits $rc"; sed 's/^/    | /' "$W/$cmd-ref.err" | head -n 5 >&2; continue; }
	for n in $NPS; do
		run "$cmd-$n" $MPIRUN -np "$n" "$HVSIM" "$@" -o "$W/$cmd-$n"
		if [ "$rc" != 0 ]; then
			bad "$cmd on $n ranks exits $rc"
			sed 's/^/    | /' "$W/$cmd-$n.err" | head -n 8 >&2
			continue
		fi
		same "$cmd on $n ranks" "$W/$cmd-ref" "$W/$cmd-$n"
	done
done

# bad input: a sweep point that does not load (not the first, so it runs
# on whichever rank), a calibration --set that does not load
sed 's|values="1 2 3 4 5 6 7 8"|values="1 2 3 4 5 6 7 eight"|' "$D/sweep.xml" > "$D/bad-sweep.tmp-$$.xml"
trap 'rm -rf "$W" "$D/bad-sweep.tmp-$$.xml"' EXIT
for job in "sweep $D/bad-sweep.tmp-$$.xml" "calibrate $D/calib.xml -q --set bzip2:vm[bench].vcpus=one"; do
	set -- $job
	cmd=$1
	run "bad-$cmd-ref" "$HVSIM" "$@" -j 1 -o "$W/bad-$cmd-ref"
	ref_rc=$rc
	[ -s "$W/bad-$cmd-ref.msg" ] && [ "$ref_rc" != 0 ] || bad "bad $cmd: -j 1 does not fail with a message"
	for n in 3; do
		run "bad-$cmd-$n" $MPIRUN -np "$n" "$HVSIM" "$@" -o "$W/bad-$cmd-$n"
		checks=$((checks + 1))
		[ "$rc" = "$ref_rc" ] || bad "bad $cmd on $n ranks exits $rc, -j 1 $ref_rc"
		cmp -s "$W/bad-$cmd-ref.msg" "$W/bad-$cmd-$n.msg" || {
			bad "bad $cmd on $n ranks: other messages than -j 1's"
			diff "$W/bad-$cmd-ref.msg" "$W/bad-$cmd-$n.msg" | head -n 8 >&2
		}
	done
done

# ranks that do not run the same job: another --set on rank 1 (its
# points had another seed: rows rank 0 wrote as its own, exit 0), another
# scenario (another scenario's rows in sweep.csv), or the same name with
# other contents in rank 1's working directory: refused, exit 2, no DIR
mkdir -p "$W/r0" "$W/r1"
# (profiles by name: the copies are elsewhere)
sed 's|profile="[^"]*/\([^/"]*\)\.xml"|profile="\1"|' "$D/sweep.xml" > "$W/r0/s.xml"
sed 's|seed="[0-9]*"|seed="99"|' "$W/r0/s.xml" > "$W/r1/s.xml"
cmp -s "$W/r0/s.xml" "$W/r1/s.xml" && bad "mismatch: could not make another sweep.xml"
HVABS=$(cd "$(dirname "$HVSIM")" && pwd)/$(basename "$HVSIM")   # the ranks start in r0/ and r1/
for job in "set:--set run.seed=5" "scenario:tests/data/sweep/toy.xml" "contents:"; do
	mm=${job%%:*}
	other=${job#*:}
	case $mm in
	set) run "mismatch-$mm" $MPIRUN -np 1 "$HVSIM" sweep "$D/sweep.xml" -o "$W/mm-$mm" : \
		-np 1 "$HVSIM" sweep "$D/sweep.xml" -o "$W/mm-$mm" $other ;;
	scenario) run "mismatch-$mm" $MPIRUN -np 1 "$HVSIM" sweep "$D/sweep.xml" -o "$W/mm-$mm" : \
		-np 1 "$HVSIM" sweep "$other" -o "$W/mm-$mm" ;;
	contents) run "mismatch-$mm" $MPIRUN -np 1 --wdir "$W/r0" "$HVABS" sweep s.xml -o "$W/mm-$mm" : \
		-np 1 --wdir "$W/r1" "$HVABS" sweep s.xml -o "$W/mm-$mm" ;;
	esac
	checks=$((checks + 1))
	[ "$rc" = 2 ] || bad "mismatched ranks ($mm) exit $rc, expected 2"
	grep -q "^hvsim: rank 1: expected every rank to run rank 0's command line on the same files" \
		"$W/mismatch-$mm.err" || bad "mismatched ranks ($mm): no message naming rank 1"
	[ ! -e "$W/mm-$mm" ] || bad "mismatched ranks ($mm): $W/mm-$mm written"
done

# a worker rank killed in the middle of a sweep, then --resume
LONG="--set run.duration=600s"
"$HVSIM" sweep "$D/sweep.xml" $LONG -j 2 -o "$W/kill-ref" > /dev/null 2>&1 || bad "the long sweep fails"
$MPIRUN -np 3 "$HVSIM" sweep "$D/sweep.xml" $LONG -o "$W/kill" > "$W/kill.out" 2> "$W/kill.err" &
job=$!
n=0
while [ "$(cat "$W/kill/sweep.csv" 2> /dev/null | wc -l)" -lt 3 ] && [ $n -lt 600 ]; do
	sleep 0.1
	n=$((n + 1))
done
killed=
comm=$(basename "$HVSIM" | cut -c 1-15)
for p in $(pgrep -x "$comm"); do
	r=$(tr '\0' '\n' < "/proc/$p/environ" 2> /dev/null | sed -n 's/^OMPI_COMM_WORLD_RANK=//p')
	pp=$(ps -o ppid= -p "$p" | tr -d ' ')
	# rank 1 itself, not one of its point processes
	if [ "$r" = 1 ] && [ "$(ps -o comm= -p "$pp")" != "$comm" ] && grep -q "$W/kill" "/proc/$p/cmdline" 2>/dev/null; then
		kill -9 "$p" && killed=$p
		break
	fi
done
reap "$job"
checks=$((checks + 1))
if [ -z "$killed" ]; then
	bad "kill: found no rank 1 to kill (the sweep exited $rc)"
else
	[ "$rc" != 0 ] || bad "kill: the job exits 0 after its rank 1 was killed"
	rows=$(($(wc -l < "$W/kill/sweep.csv") - 1))
	run kill-resume $MPIRUN -np 3 "$HVSIM" sweep "$D/sweep.xml" $LONG -o "$W/kill" --resume
	[ "$rc" = 0 ] || { bad "kill: --resume exits $rc"; sed 's/^/    | /' "$W/kill-resume.err" | head -n 8 >&2; }
	same "kill a worker, then --resume ($rows of 8 rows kept)" "$W/kill-ref" "$W/kill"
fi

# a worker rank killed in the middle of a calibration, then the same
# command: the simulations rank 0 kept in DIR.cache are not run again,
# and the files are -j 1's
$MPIRUN -np 3 "$HVSIM" calibrate "$D/calib.xml" -q -o "$W/calkill" > /dev/null 2>&1 &
job=$!
n=0
while [ "$(cat "$W/calkill.cache" 2> /dev/null | wc -l)" -lt 40 ] && [ $n -lt 600 ] && kill -0 "$job" 2> /dev/null; do
	sleep 0.01
	n=$((n + 1))
done
killed=
for p in $(pgrep -x "$comm"); do
	r=$(tr '\0' '\n' < "/proc/$p/environ" 2> /dev/null | sed -n 's/^OMPI_COMM_WORLD_RANK=//p')
	pp=$(ps -o ppid= -p "$p" | tr -d ' ')
	if [ "$r" = 1 ] && [ "$(ps -o comm= -p "$pp")" != "$comm" ] && grep -q "$W/calkill" "/proc/$p/cmdline" 2>/dev/null; then
		kill -9 "$p" && killed=$p
		break
	fi
done
reap "$job"
checks=$((checks + 1))
if [ -z "$killed" ]; then
	bad "calibration kill: found no rank 1 to kill (the calibration exited $rc)"
elif [ ! -f "$W/calkill.cache" ]; then
	bad "calibration kill: no $W/calkill.cache after the kill (exit $rc)"
else
	kept=$(($(wc -l < "$W/calkill.cache") - 1))
	run calkill-again $MPIRUN -np 3 "$HVSIM" calibrate "$D/calib.xml" -o "$W/calkill"
	[ "$rc" = 0 ] || { bad "calibration kill: the rerun exits $rc"; sed 's/^/    | /' "$W/calkill-again.err" | head -n 8 >&2; }
	grep -q 'finished simulations taken from' "$W/calkill-again.err" || bad "calibration kill: the rerun did not take the cache"
	same "kill a worker of a calibration, then again ($kept simulations kept)" "$W/calibrate-ref" "$W/calkill"
fi

# SIGTERM to the ranks themselves (as Slurm's scancel sends it) while
# their point processes are stopped: each rank sends its child SIGTERM
# and, POOL_KILL_GRACE_S (10 s) later, SIGKILL, so the job ends (130)
# with no process left; it waited for ever
$MPIRUN -np 2 "$HVSIM" sweep "$D/sweep.xml" --set run.duration=1000000s -o "$W/stopped" > /dev/null 2>&1 &
job=$!
ranks=
kids=
n=0
while [ $n -lt 600 ]; do
	ranks=$(pgrep -P "$job" -x "$comm" | tr '\n' ' ')
	kids=$(for r in $ranks; do pgrep -P "$r"; done | tr '\n' ' ')
	[ "$(echo $kids | wc -w)" -ge 2 ] && break
	sleep 0.1
	n=$((n + 1))
done
checks=$((checks + 1))
if [ "$(echo $kids | wc -w)" -lt 2 ]; then
	bad "stopped points: found no two point processes under the ranks ($ranks)"
	kill -9 $ranks "$job" 2> /dev/null
	wait "$job"
else
	kill -STOP $kids
	t0=$(date +%s)
	kill -TERM $ranks
	( sleep 60; kill -9 "$job" $ranks $kids 2> /dev/null ) &
	dog=$!
	reap "$job"
	took=$(($(date +%s) - t0))
	kill "$dog" 2> /dev/null
	[ "$rc" = 130 ] || bad "stopped points: the job exits $rc, expected 130"
	[ "$took" -ge 9 ] && [ "$took" -le 45 ] || bad "stopped points: ended after $took s, expected 10 to 45"
	for k in $kids; do
		if kill -0 "$k" 2> /dev/null; then
			bad "stopped points: point process $k left"
			kill -9 "$k" 2> /dev/null
		fi
	done
fi

echo "== cluster: $checks checks, $fails problems"
[ "$fails" -eq 0 ]
