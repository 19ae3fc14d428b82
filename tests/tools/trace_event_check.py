#!/usr/bin/python3
"""Check a Chrome trace-event file written by `hvsim run --timeline`
against the Trace Event Format (Google, "Trace Event Format", JSON Object
Format): every event has the fields its phase needs; complete events
("X") have ts and dur >= 0; counters ("C") have numeric args; flow starts
("s") and ends ("f", "bp": "e") pair by id at one time; metadata ("M")
names processes and threads.  Then what hvsim promises on top: every
entity's state spans on its track are contiguous and do not overlap, and
a pCPU's segments do not overlap.  Prints a summary; exit 1 on the first
violation (with the event), 2 on bad usage.

    tests/tools/trace_event_check.py T.json [END_US]

END_US: the run's end in microseconds; when given, every entity's spans
must reach it."""
import json
import sys
from collections import defaultdict


def fail(msg, ev=None):
    print("trace_event_check: " + msg + (": " + json.dumps(ev) if ev is not None else ""))
    sys.exit(1)


def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__)
        sys.exit(2)
    with open(sys.argv[1]) as f:
        doc = json.load(f)
    end = float(sys.argv[2]) if len(sys.argv) == 3 else None
    evs = doc.get("traceEvents")
    if not isinstance(evs, list):
        fail("expected a traceEvents list")
    names = {}
    spans = defaultdict(list)
    flows = {}
    count = defaultdict(int)
    for ev in evs:
        ph = ev.get("ph")
        count[ph] += 1
        if ph not in ("X", "C", "M", "s", "f"):
            fail("unexpected phase", ev)
        if "pid" not in ev or not isinstance(ev["pid"], int):
            fail("expected an integer pid", ev)
        if ph == "M":
            if ev.get("name") not in ("process_name", "process_sort_index", "thread_name", "thread_sort_index"):
                fail("unknown metadata", ev)
            if ev["name"] == "thread_name":
                names[(ev["pid"], ev["tid"])] = ev["args"]["name"]
            continue
        for k in ("name", "ts"):
            if k not in ev:
                fail("expected " + k, ev)
        if ph == "X":
            if "tid" not in ev or not (ev.get("dur", -1) >= 0):
                fail("expected tid and dur >= 0", ev)
            spans[(ev["pid"], ev["tid"])].append((ev["ts"], ev["ts"] + ev["dur"], ev))
        elif ph == "C":
            if not ev.get("args") or not all(isinstance(v, (int, float)) for v in ev["args"].values()):
                fail("expected numeric counter args", ev)
        else:
            if "id" not in ev or "tid" not in ev:
                fail("expected id and tid", ev)
            if ph == "s":
                if ev["id"] in flows:
                    fail("flow id started twice", ev)
                flows[ev["id"]] = ev
            else:
                if ev.get("bp") != "e" or ev["id"] not in flows or flows[ev["id"]]["ts"] != ev["ts"]:
                    fail("expected a flow end (bp e) matching a start at the same time", ev)
                del flows[ev["id"]]
    if flows:
        fail("flow started and never ended", next(iter(flows.values())))
    for track, ss in spans.items():
        if track not in names:
            fail("a track without a thread_name", ss[0][2])
        ss.sort(key=lambda s: s[0])
        state = ss[0][2].get("cat") == "state"
        for a, b in zip(ss, ss[1:]):
            if b[0] < a[1] - 1e-3:
                fail("overlapping events on one track", b[2])
            if state and abs(b[0] - a[1]) > 1e-3:
                fail("a gap between an entity's state spans", b[2])
        if state and end is not None and abs(ss[-1][1] - end) > 1e-3:
            fail("an entity's spans stop before the run's end", ss[-1][2])
    print("trace_event_check: %d events (%s), %d tracks named, flows paired: ok"
          % (len(evs), ", ".join("%s %d" % kv for kv in sorted(count.items())), len(names)))


main()
