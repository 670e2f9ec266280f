#!/usr/bin/env bash
# End-to-end test of the Slurm workflow, run by .ci/run: starts a one-node cluster on
# localhost, submits a study as a job array of shards plus a dependent merge job, waits,
# and checks that the merged outputs equal those of an unsharded run (every file, every
# value; only the timing fields wall_seconds, events_per_second, threads, cpu_seconds,
# seconds_per_replication_year and violations_per_cpu_second (null after a merge), and the
# timing stated in report.html, may differ).
set -euo pipefail
cd "$(dirname "$0")/../.."
forceplan=${FORCEPLAN:-target/release/forceplan}
study=scenarios/studies/basing.ron
args=(-n 4 --threads 1)
work=$(mktemp -d /tmp/forceplan-slurm.XXXXXX)
trap 'rm -rf "$work"' EXIT

scripts/slurm/local-cluster.sh
[ -x "$forceplan" ] || cargo build --release --locked

read -r array merge < <(FORCEPLAN="$forceplan" scripts/slurm/submit.sh compare "$study" "$work/sharded" 3 "${args[@]}")
echo "slurm: array job $array (3 shards), merge job $merge"
for _ in $(seq 1 600); do
    [ -z "$(squeue -h -j "$array,$merge" 2>/dev/null)" ] && break
    sleep 1
done
if [ -n "$(squeue -h -j "$array,$merge" 2>/dev/null)" ]; then
    echo "slurm: jobs still queued after 10 minutes" >&2
    squeue >&2
    exit 1
fi
if [ ! -f "$work/sharded/comparison.json" ]; then
    echo "slurm: the merge job produced no comparison.json" >&2
    tail -n 50 "$work"/sharded.slurm-logs/*.out >&2 || true
    exit 1
fi

"$forceplan" compare "$study" "${args[@]}" --out "$work/direct" >/dev/null
python3 - "$work/direct" "$work/sharded" <<'PY'
import json, os, sys
direct, sharded = sys.argv[1], sys.argv[2]
timing = {"wall_seconds", "events_per_second", "threads", "cpu_seconds",
          "seconds_per_replication_year", "violations_per_cpu_second"}
def strip(v):
    if isinstance(v, dict):
        return {k: strip(x) for k, x in v.items() if k not in timing}
    if isinstance(v, list):
        return [strip(x) for x in v]
    return v
n = 0
for root, _, files in os.walk(direct):
    for f in files:
        a = os.path.join(root, f)
        b = os.path.join(sharded, os.path.relpath(a, direct))
        if not os.path.exists(b):
            sys.exit(f"slurm: {b} missing from the merged outputs")
        if f.endswith(".json"):
            same = strip(json.load(open(a))) == strip(json.load(open(b)))
        elif f == "report.html":  # a run's report states its wall time
            keep = lambda p: [l for l in open(p, encoding="utf-8") if "<dt>events simulated</dt>" not in l]
            same = keep(a) == keep(b)
        else:
            same = open(a, "rb").read() == open(b, "rb").read()
        if not same:
            sys.exit(f"slurm: {os.path.relpath(a, direct)} differs between the direct and the merged run")
        n += 1
print(f"slurm: merged outputs equal the unsharded run ({n} files)")
PY
