"""The fault-injection run in its reduced form: 50 claims through the API while a worker is killed,
then a PostgreSQL restart during 300 check-ins.

bench/faults.py starts its own stack (gunicorn, two workers, beat, its own Redis and, as root, its own
PostgreSQL cluster), SIGKILLs a worker while it renders, then checks that every certificate and report
ends ready with one file, nothing lost or duplicated, nothing pending past three minutes; then that the
check-ins through the database restart got 503 or a retry, never a 500, and no half-written row.
The full run (500 claims, three kills, a Redis restart, a PostgreSQL restart under 1,000 check-ins)
is `python bench/faults.py`.
"""

import shutil
import subprocess
import sys

import pytest

from tests.worker import ROOT

pytestmark = pytest.mark.xdist_group("faults")


def test_quick_fault_run_loses_and_duplicates_nothing():
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is needed on PATH for the fault run (it starts its own Redis)")

    result = subprocess.run(
        [sys.executable, "bench/faults.py", "--quick"], cwd=ROOT, capture_output=True, text=True, timeout=900
    )

    assert result.stdout.strip().splitlines()[-1] == "RESULT: PASS", result.stdout[-4000:] + result.stderr[-2000:]
    assert result.returncode == 0
