#!/bin/sh
# Interrupting a sweep loses nothing and mixes nothing (docs/sweep.md,
# docs/testing-robustness.md):
#
#   tests/interrupt-sweep.sh [N]        (N = 100 by default)
#
# runs a small `hvsim sweep -j 2` into DIR and interrupts it N times, each
# at a random instant (within what is left of the sweep), with SIGINT,
# SIGTERM or SIGKILL (to the sweep
# alone, as kill(1) does; after a SIGKILL its orphaned point processes are
# left to finish), running the same command again after each one (a rerun
# resumes).  After each interruption DIR may hold only finished work:
# sweep.csv's header and whole rows of the uninterrupted sweep (wall_s
# aside), none twice, and complete point directories.  Whenever a run completes, DIR's sweep.csv must be identical,
# wall_s column aside, to an uninterrupted sweep's, every point directory
# identical to its (wall-clock lines aside), no staging (*.tmp-*, *.old-*)
# left; then DIR is removed and the next interruptions start a new sweep.
# At the end the sweep is completed and checked once more.  Exit 0 when
# every check held.
#
#   HVSIM=./hvsim  SWEEP=tests/data/sweep/toy.xml  SETS="--set run.duration=40000s"
#   SEED=N  (the random instants and signals; default: the current time)
set -u
N=${1:-100}
HVSIM=${HVSIM:-./hvsim}
SWEEP=${SWEEP:-tests/data/sweep/toy.xml}
SETS=${SETS:---set run.duration=40000s}
SEED=${SEED:-$(date +%s)}
[ -x "$HVSIM" ] || { echo "interrupt-sweep.sh: no $HVSIM (make)" >&2; exit 2; }
W=$(mktemp -d "${TMPDIR:-/tmp}/hvsim-interrupt.XXXXXX")
trap 'rm -rf "$W"' EXIT
DIR=$W/sweep
fails=0

bad() {
	echo "INTERRUPT $*" >&2
	fails=$((fails + 1))
}

digest() {   # the files of a sweep directory, wall-clock figures aside
	(cd "$1" && find . -type f | LC_ALL=C sort | while read -r f; do
		case $f in
		./sweep.csv) sed 's/,[^,]*$//' "$f" ;;
		*) grep -v '"wall_\|^wall' "$f" ;;
		esac | cksum | sed "s|^|$f |"
	done)
}

staging() {
	find "$W" \( -name '*.tmp-*' -o -name '*.old-*' \) | head -n 1
}

# a random number in [0, $1) from awk, seeded once and carried in $RND
RND=$SEED
rand() {
	set -- "$1" $(awk -v s="$RND" -v m="$1" 'BEGIN { srand(s); r = rand(); print int(r * m), int(rand() * 2147483647) }')
	RND=$3
	R=$2
}

now_ms() {
	date +%s%3N
}

# ---- the uninterrupted sweep
t0=$(now_ms)
# shellcheck disable=SC2086
"$HVSIM" sweep "$SWEEP" -o "$W/ref" -j 2 $SETS > /dev/null 2>&1 ||
	{ echo "interrupt-sweep.sh: $SWEEP does not sweep" >&2; exit 1; }
T=$(($(now_ms) - t0))
REF=$(digest "$W/ref")
echo "== interrupting '$HVSIM sweep $SWEEP -j 2 $SETS' $N times (an uninterrupted sweep: $T ms; seed $SEED)"

completed=0 rounds=0 sigint=0 sigterm=0 sigkill=0 early=0
check_done() {   # a run completed: DIR must be the uninterrupted sweep
	completed=$((completed + 1))
	s=$(staging)
	[ -z "$s" ] || bad "after a completed run, staging left: $s"
	if [ "$(digest "$DIR")" != "$REF" ]; then
		bad "a completed sweep differs from the uninterrupted one (round $rounds)"
		digest "$DIR" > "$W/got"
		echo "$REF" | diff - "$W/got" | head -n 12 >&2
	fi
}

# an interrupted DIR holds only finished work: sweep.csv's header and
# whole rows (a last line cut short aside) are the uninterrupted sweep's,
# none twice; every points/NNN that exists is complete
check_partial() {
	[ -d "$DIR" ] || return 0
	[ -f "$DIR/sweep.csv" ] || { bad "interruption $i: $DIR without sweep.csv"; return; }
	head -n 1 "$DIR/sweep.csv" | cmp -s - "$W/ref.head" || bad "interruption $i: sweep.csv's header differs"
	# whole lines only (the last may lack its newline)
	sed '1d;$!b;/^$/d' "$DIR/sweep.csv" > "$W/rows"
	[ -z "$(tail -c 1 "$DIR/sweep.csv")" ] || sed -i '$d' "$W/rows"
	sed 's/,[^,]*$//' "$W/rows" | sort > "$W/rows.s"
	[ -z "$(uniq -d "$W/rows.s")" ] || bad "interruption $i: a row twice in sweep.csv"
	[ -z "$(comm -23 "$W/rows.s" "$W/ref.rows")" ] || bad "interruption $i: a row not of the uninterrupted sweep"
	for d in "$DIR"/points/*; do
		[ -d "$d" ] || continue
		case $d in *.tmp-*|*.old-*) continue ;; esac
		[ "$(digest "$d")" = "$(digest "$W/ref/points/${d##*/}")" ] ||
			bad "interruption $i: $d is not the uninterrupted sweep's"
	done
}
head -n 1 "$W/ref/sweep.csv" > "$W/ref.head"
sed '1d' "$W/ref/sweep.csv" | sed 's/,[^,]*$//' | sort > "$W/ref.rows"

TOTAL=$(wc -l < "$W/ref.rows")
i=0 tries=0
while [ "$i" -lt "$N" ] && [ "$tries" -lt $((3 * N)) ]; do
	tries=$((tries + 1))
	rand 3
	case $R in 0) sig=INT ;; 1) sig=TERM ;; *) sig=KILL ;; esac
	# a random instant within what is left of the sweep (about)
	done_rows=0
	[ -f "$DIR/sweep.csv" ] && done_rows=$(($(wc -l < "$DIR/sweep.csv") - 1))
	rand $((T * 6 * (TOTAL - done_rows + 1) / (5 * TOTAL) + 20))
	delay=$R
	# shellcheck disable=SC2086
	"$HVSIM" sweep "$SWEEP" -o "$DIR" -j 2 $SETS > /dev/null 2> "$W/err" &
	pid=$!
	sleep "$(awk -v d="$delay" 'BEGIN { printf "%.3f", d / 1000 }')"
	kids=$(ps -o pid= --ppid "$pid" 2>/dev/null | tr '\n' ' ')
	if kill -s "$sig" "$pid" 2>/dev/null; then
		i=$((i + 1))
		case $sig in INT) sigint=$((sigint + 1)) ;; TERM) sigterm=$((sigterm + 1)) ;; *) sigkill=$((sigkill + 1)) ;; esac
	else
		early=$((early + 1))
	fi
	wait "$pid" 2>/dev/null
	rc=$?
	# orphans of a SIGKILL finish their point on their own
	for k in $kids; do
		n=0
		while kill -0 "$k" 2>/dev/null && [ $n -lt 300 ]; do
			sleep 0.1
			n=$((n + 1))
		done
	done
	case $rc in
	0) check_done; rm -rf "$DIR"; rounds=$((rounds + 1)) ;;
	130|137|143) check_partial ;;   # interrupted: 130 (SIGINT, SIGTERM handled), 137 killed, 143 terminated
	*) bad "interruption $i ($sig after $delay ms): exit $rc"; sed 's/^/    | /' "$W/err" | head -n 5 >&2 ;;
	esac
	if [ "$rc" != 0 ] && [ "$rc" != 137 ] && grep -q 'Sanitizer\|runtime error' "$W/err"; then
		bad "interruption $i ($sig): sanitizer report"
	fi
done
# a second sweep into a DIR another one is writing is refused (exit 2),
# not run beside it: it would clean the first one's staging as stale
# shellcheck disable=SC2086
"$HVSIM" sweep "$SWEEP" -o "$W/busy" -j 2 $SETS > /dev/null 2>&1 &
busy=$!
t=0
while [ ! -e "$W/busy/sweep.csv" ] && [ $t -lt 100 ]; do sleep 0.1; t=$((t + 1)); done
# shellcheck disable=SC2086
"$HVSIM" sweep "$SWEEP" -o "$W/busy" -j 2 --resume $SETS > /dev/null 2> "$W/err2"
rc=$?
if kill -0 "$busy" 2>/dev/null; then
	[ "$rc" = 2 ] && grep -q "another hvsim sweep is writing it" "$W/err2" ||
		bad "a second sweep into a busy DIR exits $rc: $(head -n 1 "$W/err2")"
else
	echo "interrupt-sweep.sh: the first sweep ended before the second started; busy-DIR check skipped" >&2
fi
kill -INT "$busy" 2>/dev/null
wait "$busy" 2>/dev/null
# complete the last sweep
# shellcheck disable=SC2086
"$HVSIM" sweep "$SWEEP" -o "$DIR" -j 2 $SETS > /dev/null 2> "$W/err"
rc=$?
if [ "$rc" = 0 ]; then
	check_done
else
	bad "the final rerun exits $rc"
	sed 's/^/    | /' "$W/err" | head -n 5 >&2
fi
[ "$i" -eq "$N" ] || bad "only $i of $N signals reached a running sweep in $tries tries"
echo "== $i interruptions (SIGINT $sigint, SIGTERM $sigterm, SIGKILL $sigkill; $early more tries came after the sweep had ended)," \
     "$completed completed sweeps checked ($rounds restarted from scratch): $fails problems"
[ "$fails" -eq 0 ]
