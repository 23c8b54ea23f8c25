#!/usr/bin/env bash
# Run every benchmark in sequence with its default size; print a verdict per benchmark at the end.
# Each one starts and stops its own gunicorn, Celery workers, beat and (faults) Redis and PostgreSQL,
# on its own databases (cme_bench_*), Redis databases 4-9 or its own Redis, and ports 8100-8199.
#
#   bench/run_all.sh [--quick] 2>&1 | tee bench-results.txt
#
# --quick runs the reduced forms (faults --quick, fewer check-in rounds, 500 certificates, a short
# load on the moderate seed) for a check that the benchmarks still run.
set -u
cd "$(dirname "$0")/.."
PYTHON=.venv/bin/python
QUICK=${1:-}

declare -a RUNS
if [[ "$QUICK" == "--quick" ]]; then
  RUNS=(
    "bench/checkin.py --rounds 1"
    "bench/certificates.py --claims 500 --renders 100"
    "bench/faults.py --quick"
    "bench/load.py --capacity-seconds 10 --seconds 20 --bare-seconds 5 --owners 100"
  )
else
  RUNS=("bench/checkin.py" "bench/certificates.py" "bench/faults.py" "bench/load.py --full")
fi
if [[ -f bench/reports.py ]]; then
  RUNS+=("bench/reports.py")
fi

echo "machine: $(nproc) CPUs; $(free -m | awk '/^Mem:/ {print $2 " MB memory, " $7 " MB available"}'); $(date -u '+%Y-%m-%d %H:%M UTC')"
declare -a VERDICTS
status=0
for run in "${RUNS[@]}"; do
  echo
  echo "################ $run"
  started=$(date +%s)
  # shellcheck disable=SC2086 # the options are meant to split
  $PYTHON $run
  code=$?
  VERDICTS+=("$(printf '%-60s exit %s, %ss' "$run" "$code" "$(( $(date +%s) - started ))")")
  [[ $code -ne 0 ]] && status=1
done
echo
echo "################ summary (exit 0: every target held)"
printf '  %s\n' "${VERDICTS[@]}"
exit $status
