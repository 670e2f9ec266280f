#!/usr/bin/env bash
# Submits a forceplan study to Slurm: an array job with one task per shard, then a merge
# job that runs when every shard has succeeded.
#
# Usage: scripts/slurm/submit.sh COMMAND INPUT OUT SHARDS [forceplan args...]
#   e.g. scripts/slurm/submit.sh compare scenarios/studies/basing.ron results/basing 16 -n 400
# Environment: FORCEPLAN (default: target/release/forceplan), SBATCH_ARGS (extra sbatch flags,
# e.g. "--partition=compute --time=01:00:00").
# Prints the two job ids: "<array job> <merge job>".
set -euo pipefail
if [ $# -lt 4 ]; then
    sed -n '2,10p' "$0" >&2
    exit 2
fi
cmd=$1 input=$2 out=$3 shards=$4
shift 4
here=$(cd "$(dirname "$0")" && pwd)
forceplan=$(realpath "${FORCEPLAN:-target/release/forceplan}")
[ -x "$forceplan" ] || { echo "no forceplan binary at $forceplan (cargo build --release)" >&2; exit 2; }
# Logs go beside OUT, not in it: OUT holds only forceplan's results (merge refuses other files).
mkdir -p "$out" "$out.slurm-logs"
out=$(realpath "$out")
# The input path is recorded in the results (and shown in the report): keep it as given;
# array tasks start in this directory (sbatch default), so a relative path works.
# shellcheck disable=SC2086
array=$(sbatch --parsable ${SBATCH_ARGS:-} --array="1-$shards" \
    --output="$out.slurm-logs/shard-%a.out" \
    --export=ALL,FORCEPLAN="$forceplan",FP_COMMAND="$cmd",FP_INPUT="$input",FP_OUT="$out",FP_SHARDS="$shards",FP_ARGS="$*" \
    "$here/shard.sbatch")
# shellcheck disable=SC2086
merge=$(sbatch --parsable ${SBATCH_ARGS:-} --dependency="afterok:$array" --job-name=forceplan-merge \
    --output="$out.slurm-logs/merge.out" \
    --wrap="'$forceplan' merge '$out' --out '$out'")
echo "$array $merge"
