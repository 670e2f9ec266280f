#!/usr/bin/env bash
# Shown, not claimed (issue 13): on a small instance whose answer is known by exhaustive
# search (3 interchangeable QRF platoons over 6 candidate bases = 56 plans,
# scenarios/optimise/three-qrf-problem.ron), run the exhaustive evaluation with REPS
# replications per plan, then SEEDS seeded optimiser runs with a budget of 10 % of the
# exhaustive one, and count the runs whose chosen plan is within delta of the true best
# (true means from the exhaustive run). Writes docs/optimiser-check.md.
#
# Usage: scripts/optimiser-check.sh [SEEDS=20] [REPS=500] [OUT=docs/optimiser-check.md]
set -euo pipefail
cd "$(dirname "$0")/.."
SEEDS=${1:-20}
REPS=${2:-500}
OUT=${3:-docs/optimiser-check.md}
BIN=${FORCEPLAN:-target/release/forceplan}
PROBLEM=scenarios/optimise/three-qrf-problem.ron
[ -x "$BIN" ] || cargo build --release
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
start=$(date +%s.%N)
"$BIN" optimise "$PROBLEM" --exhaustive "$REPS" --out "$WORK/truth" --threads 2 >/dev/null 2>&1
truth_s=$(echo "$(date +%s.%N) - $start" | bc)
PLANS=$(python3 -c "import json;print(len(json.load(open('$WORK/truth/optimum.json'))['evaluated']))")
BUDGET=$(( PLANS * REPS / 10 ))
for s in $(seq 1 "$SEEDS"); do
  t0=$(date +%s.%N)
  "$BIN" optimise "$PROBLEM" --seed "$s" --budget-replications "$BUDGET" --out "$WORK/run-$s" --threads 2 >/dev/null 2>&1
  echo "$(echo "$(date +%s.%N) - $t0" | bc)" > "$WORK/run-$s/seconds"
done
python3 - "$WORK" "$SEEDS" "$REPS" "$BUDGET" "$PLANS" "$truth_s" "$OUT" <<'PY'
import json, sys
work, seeds, reps, budget, plans, truth_s, out = sys.argv[1:]
seeds, reps, budget, plans = int(seeds), int(reps), int(budget), int(plans)
truth = json.load(open(f"{work}/truth/optimum.json"))
delta = truth["guarantee"]["delta"]
means = {tuple(e["vector"]): e["objective_mean"] for e in truth["evaluated"]}
best_v = min(means, key=means.get)
best = means[best_v]
ranked = sorted(means.items(), key=lambda kv: kv[1])
rows, ok, used = [], 0, []
for s in range(1, seeds + 1):
    d = json.load(open(f"{work}/run-{s}/optimum.json"))
    v = tuple(d["best"]["vector"])
    gap = means[v] - best
    hit = gap <= delta
    ok += hit
    used.append(d["replications_total"])
    secs = float(open(f"{work}/run-{s}/seconds").read())
    rows.append(f"| {s} | {'; '.join(d['best']['description'])} | {means[v]:.4f} | {gap:.4f} | {'yes' if hit else 'NO'} | {d['replications_total']} | {d['guarantee']['selection_complete']} | {secs:.2f} |")
share = ok / seeds
lines = [
    "# Optimiser check: a small instance with a known answer",
    "",
    "Written by `scripts/optimiser-check.sh` (do not edit by hand). Problem: "
    "`scenarios/optimise/three-qrf-problem.ron`: three interchangeable QRF platoons placed at 6 candidate "
    f"bases ({plans} plans), minimise `{truth['problem']['objective_kpi']}`, delta = {delta} h, alpha = {truth['guarantee']['alpha']}.",
    "",
    f"**Truth:** `forceplan optimise {sys.argv[0] and 'scenarios/optimise/three-qrf-problem.ron'} --exhaustive {reps}`: every plan "
    f"with {reps} replications ({plans * reps} in all, {float(truth_s):.1f} s wall on this shared 2-core machine). "
    f"Best plan: {truth['best']['description']} with a mean of {best:.4f} h; the next best: "
    + ", ".join(f"{m:.4f} h" for _, m in ranked[1:4]) + ".",
    "",
    f"**Optimiser runs:** {seeds} runs with seeds 1 to {seeds}, each with `--budget-replications {budget}` "
    f"(10 % of the exhaustive budget). A run succeeds when the true mean of the plan it chose is within delta of the true best.",
    "",
    f"**Result: {ok} of {seeds} runs ({100 * share:.0f} %) ended within delta of the true best** "
    f"(target: at least 95 %), using {min(used)} to {max(used)} replications "
    f"(mean {sum(used) / len(used):.0f}, {100 * max(used) / (plans * reps):.1f} % of the exhaustive budget at most).",
    "",
    "| seed | chosen plan | true mean [h] | gap to best [h] | within delta | replications | selection complete | wall [s] |",
    "|---|---|---|---|---|---|---|---|",
] + rows + [""]
open(out, "w").write("\n".join(lines))
print("\n".join(lines[:12]))
sys.exit(0 if share >= 0.95 and max(used) <= plans * reps // 10 else 1)
PY
