#!/usr/bin/env bash
# measure-speed.sh [BIN]: every speed figure of issue 10, on this machine, for the release
# binary BIN (default target/release/forceplan). Run it on a quiet machine for the README.
#
#   1. CPU seconds per replication-year and violations per CPU second of the default scenario,
#      one thread (the tool's own timing: summary.json's cpu_seconds, each replication timed
#      on its thread), and the whole process's user time for comparison;
#   2. the SimPy reference model (scripts/simpy_reference.py) on the same scenario's
#      parameters (written by `cargo run --example simpy_export`): its CPU seconds per
#      replication-year and the ratio to forceplan's, in-process and whole process;
#   3. the force ×16 against ×1 (every contingent 16 times as many units, 60 days): CPU
#      per replication;
#   4. peak memory (max RSS) of 1,000 replications on 2 threads;
#   5. the speed-up of 2 threads over 1 (wall time of 20 replications).
#
# Environment: N (replications for 1, default 10), N_MEM (default 1000), SIMPY_REPS (1).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$(realpath "${1:-$ROOT/target/release/forceplan}")
N=${N:-10}; N_MEM=${N_MEM:-1000}; SIMPY_REPS=${SIMPY_REPS:-1}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
cd "$ROOT"
SC=scenarios/coalition-2026.ron
field() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }
user_time() { /usr/bin/time -f '%U %e %M' -o "$T/time" "$@" >/dev/null 2>&1; cat "$T/time"; }

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== 1. default scenario, $N replications, 1 thread"
read -r U _ _ < <(user_time "$BIN" run $SC -n "$N" --threads 1 --no-plots --out "$T/one" --force)
SPRY=$(field "$T/one/summary.json" seconds_per_replication_year)
VPS=$(field "$T/one/summary.json" violations_per_cpu_second)
printf 'seconds per replication-year (CPU, tool): %.4f   [target <= 0.15]\n' "$SPRY"
printf 'violations per CPU second (tool):         %.0f\n' "$VPS"
printf 'whole process: %.2f s user for %s replications (%.4f s each, start-up and files included)\n' "$U" "$N" "$(echo "$U / $N" | bc -l)"

echo "== 2. SimPy reference ($SIMPY_REPS replication(s)) against forceplan"
cargo run --quiet --example simpy_export -- $SC > "$T/params.json"
/usr/bin/time -f '%U' -o "$T/ptime" python3 scripts/simpy_reference.py "$T/params.json" --replications "$SIMPY_REPS" > "$T/simpy.json"
PU=$(cat "$T/ptime")
SIMPY_SPRY=$(field "$T/simpy.json" seconds_per_replication_year)
read -r FU _ _ < <(user_time "$BIN" run $SC -n "$SIMPY_REPS" --threads 1 --no-plots --out "$T/ref" --force)
printf 'SimPy: %.2f s CPU per replication-year (in process); forceplan %.4f: ratio %.1f   [target >= 50]\n' \
  "$SIMPY_SPRY" "$SPRY" "$(echo "$SIMPY_SPRY / $SPRY" | bc -l)"
printf 'whole process, %s replication(s): SimPy %.2f s user, forceplan %.2f s user: ratio %.1f\n' \
  "$SIMPY_REPS" "$PU" "$FU" "$(echo "$PU / $FU" | bc -l)"
python3 -c "import json; print('SimPy KPIs of its first replication:', json.load(open('$T/simpy.json'))['kpis_first_replication'])"
python3 -c "import json; d=json.load(open('$T/ref/summary.json'))['kpis']; print('forceplan KPIs (mean):', {k: round(d[k]['mean'], 4) for k in ['violations','needing_response','detected_share','responded_share','response_time_mean_h','within_target_share']})"

echo "== 3. force x16 against x1 (60 days, 3 replications each, 1 thread)"
for k in 1 16; do
  python3 - "$SC" "$T/x$k.ron" "$k" <<'PY'
import re, sys
src, dst, k = sys.argv[1], sys.argv[2], int(sys.argv[3])
t = open(src).read()
t = re.sub(r"units: (\d+)", lambda m: f"units: {int(m.group(1)) * k}", t)
t = t.replace("horizon_days: 365,", "horizon_days: 60,", 1)
open(dst, "w").write(t)
PY
  "$BIN" run "$T/x$k.ron" -n 3 --threads 1 --no-plots --out "$T/x$k" --force >/dev/null 2>&1
done
C1=$(field "$T/x1/summary.json" cpu_seconds); C16=$(field "$T/x16/summary.json" cpu_seconds)
printf 'CPU per replication: x1 %.4f s, x16 %.4f s: x16/x1 = %.2f   [target <= 2]\n' \
  "$(echo "$C1 / 3" | bc -l)" "$(echo "$C16 / 3" | bc -l)" "$(echo "$C16 / $C1" | bc -l)"

echo "== 4. peak memory of $N_MEM replications, 2 threads"
read -r _ _ M < <(user_time "$BIN" run $SC -n "$N_MEM" --threads 2 --no-plots --out "$T/mem" --force)
printf 'max RSS: %.1f MB   [target < 50]\n' "$(echo "$M / 1024" | bc -l)"

echo "== 5. 2 threads against 1 (20 replications, wall time)"
"$BIN" run $SC -n 20 --threads 1 --no-plots --out "$T/t1" --force >/dev/null 2>&1
"$BIN" run $SC -n 20 --threads 2 --no-plots --out "$T/t2" --force >/dev/null 2>&1
W1=$(field "$T/t1/summary.json" wall_seconds); W2=$(field "$T/t2/summary.json" wall_seconds)
printf 'wall: 1 thread %.2f s, 2 threads %.2f s: speed-up %.2f   [target >= 1.9; needs 2 idle cores]\n' \
  "$W1" "$W2" "$(echo "$W1 / $W2" | bc -l)"
