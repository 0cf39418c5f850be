#!/usr/bin/env python3
"""Runs kinesys-bench once and checks what it wrote parses and adds up:
results.csv and summary.csv have the documented columns and a successful
kinesys row with records > 0; results.json names the machine, versions and
configuration and holds the same runs with per-second series and latency
percentiles; every plot announced exists and is a PNG. With --expect-failure
the run must fail and its message must contain the given text."""
import argparse
import csv
import json
import os
import shutil
import subprocess
import sys

RESULT_COLUMNS = ["scenario", "client", "config", "repeat", "ok", "seconds", "records", "records_per_s", "mib_per_s",
                  "cpu_seconds", "records_per_cpu_s", "p50_ms", "p90_ms", "p99_ms", "p999_ms", "max_ms", "note"]


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--run", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--scenario", required=True)
    ap.add_argument("--peers", action="store_true")
    ap.add_argument("--expect-failure")
    ap.add_argument("--expect-target", help="text the results' target description must contain")
    ap.add_argument("args", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    extra = [x for x in a.args if x != "--"]
    shutil.rmtree(a.out, ignore_errors=True)
    if a.peers:
        if os.environ.get("KINESYS_BENCH_SMOKE_PEERS") != "1":
            print("SKIPPED: peers (boto3, JS SDK) are slow to start; set KINESYS_BENCH_SMOKE_PEERS=1 to run them")
            return
        extra += ["--peers", "boto3,js"]
    cmd = [a.run, a.scenario, "--out", a.out] + extra
    print("running:", " ".join(cmd), flush=True)
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=170)
    sys.stdout.write(p.stdout)
    sys.stdout.write(p.stderr)
    if a.expect_failure:
        if p.returncode == 0:
            fail("expected a failure")
        if a.expect_failure not in p.stderr:
            fail("the error does not name %r" % a.expect_failure)
        return
    if p.returncode != 0:
        fail("kinesys-bench exited with %d" % p.returncode)

    with open(os.path.join(a.out, "results.csv")) as f:
        reader = csv.DictReader(f)
        if reader.fieldnames != RESULT_COLUMNS:
            fail("results.csv columns: %s" % reader.fieldnames)
        rows = list(reader)
    own = "raw" if a.scenario == "raw" else "kinesys"  # raw replays pre-encoded requests: its own client
    kinesys = [r for r in rows if r["client"] == own]
    if not kinesys:
        fail("no kinesys row in results.csv")
    for r in kinesys:
        if r["ok"] != "1" or int(r["records"]) <= 0 or float(r["records_per_s"]) <= 0:
            fail("a kinesys run did not complete records: %s" % r)
        if r["scenario"] != a.scenario:
            fail("scenario %s in a %s run" % (r["scenario"], a.scenario))
    with open(os.path.join(a.out, "summary.csv")) as f:
        summary = list(csv.DictReader(f))
    if not summary or float(summary[0]["median_records_per_s"]) <= 0:
        fail("summary.csv has no median")

    with open(os.path.join(a.out, "results.json")) as f:
        doc = json.load(f)
    for key in ("machine", "versions", "command", "target", "records", "settings", "sweeps", "runs", "summaries"):
        if key not in doc:
            fail("results.json lacks %s" % key)
    if a.expect_target and a.expect_target not in str(doc["target"]):
        fail("target is %r, expected it to mention %r" % (doc["target"], a.expect_target))
    if len(doc["runs"]) != len(rows):
        fail("results.json has %d runs, results.csv %d" % (len(doc["runs"]), len(rows)))
    for run in doc["runs"]:
        if run["client"] == "kinesys":
            if not run["per_second"] and run["seconds"] >= 1.0:
                fail("no per-second series in a run of %.1f s" % run["seconds"])
            for q in ("p50", "p90", "p99", "p999", "max"):
                if q not in run["latency_ms"]:
                    fail("latency %s missing" % q)
    sweeps = doc["sweeps"]
    if sweeps:
        expected = 1
        for values in sweeps.values():
            expected *= len(values)
        configs = {r["config"] for r in kinesys}
        if len(configs) != expected:
            fail("%d configurations for a sweep of %d" % (len(configs), expected))

    if "--no-plots" not in extra and shutil.which("gnuplot"):
        for kind in ("throughput", "rate", "latency"):
            png = os.path.join(a.out, "plots", "%s-%s.png" % (a.scenario, kind))
            with open(png, "rb") as f:
                if f.read(8) != b"\x89PNG\r\n\x1a\n":
                    fail("%s is not a PNG" % png)
    if a.peers:
        clients = {r["client"] for r in rows}
        for peer in ("boto3", "js", "raw"):
            if peer not in clients:
                print("note: no %s row (see the notes above)" % peer)
    print("OK: %d runs, %d configurations" % (len(rows), len(summary)))


if __name__ == "__main__":
    main()
