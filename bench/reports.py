"""Benchmark: the annual report end to end against a plain SQL GROUP BY of the same figures, in one run.

    .venv/bin/python bench/reports.py [--rounds 3] [--fresh]

On its own PostgreSQL database `cme_bench_reports` (created and migrated when missing, seeded once with
`manage.py seed_scale` at full size: 50,000 learners, 5,000 activities, 1,000,000 attendance rows, and
kept for the next run; `--fresh` drops it first), with Redis database 4 as broker and cache (flushed at
start and end), it starts its own Celery worker (one pool process, queue `cme-bench-reports`, media in
a temporary folder) and measures, each round in the same run:

- the annual report of the last twelve months, end to end: POST /api/v1/reports/, poll until
  `ready`, download the PDF (in-process API client, token auth; the worker renders);
- the same figures by plain SQL GROUP BY queries (no Django, no PDF): the baseline. Target: the
  end-to-end time is at most 3 times the baseline;
- the worker pool process's peak memory (VmHWM in /proc);
- GET /api/v1/reports/pars-activities.csv for the same period (streamed; rows counted).

It prints the figures and a Targets block (ratio <= 3, the same figures by both routes, peak worker
memory < 250 MB) ending in RESULT: PASS or FAIL (exit status 1). The worker is the only process it
starts, and it stops it on the way out.
"""

# ruff: noqa: S608 - the baseline SQL is built from constants, never input

import argparse
import contextlib
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import harness  # noqa: E402 - after the path is set

QUEUE = "cme-bench-reports"
DATABASE = "cme_bench_reports"
REDIS_URL = f"{harness.REDIS}/4"
TARGET_RATIO = 3.0
TARGET_PEAK_MB = 250.0
PHYSICIANS = "('MD', 'DO', 'MBBS')"
REPORTED = "('published', 'closed')"


def environment(media_root: str) -> dict:
    env = dict(os.environ)
    env.setdefault("SECRET_KEY", "bench-reports-not-secret")
    env.update(
        DATABASE_URL=harness.database_url(DATABASE),
        CELERY_BROKER_URL=REDIS_URL,
        CACHE_URL=REDIS_URL,
        CACHE_KEY_PREFIX="bench-reports",
        CELERY_TASK_DEFAULT_QUEUE=QUEUE,
        MEDIA_ROOT=media_root,
        DEBUG="false",
        ALLOWED_HOSTS="testserver,localhost,127.0.0.1",  # the in-process API client's host
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
        DJANGO_SETTINGS_MODULE="cme.settings",
    )
    return env


# --- The worker -------------------------------------------------------------------------------------


def start_worker(env: dict, log: Path) -> subprocess.Popen:
    with open(log, "ab") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "cme", "worker", "-Q", QUEUE, "-c", "1", "-n", f"{QUEUE}@%h",
             "--without-gossip", "--without-mingle", "--loglevel=WARNING"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip


def stop_worker(worker: subprocess.Popen) -> None:
    """SIGTERM the worker's process group (its pool processes too), then SIGKILL what is left."""
    if worker.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            worker.wait(timeout=20)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(worker.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        worker.wait(timeout=5)


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found += [int(child) for child in (task / "children").read_text().split()]
    return found


def peak_rss_mb(pid: int) -> float:
    """VmHWM (peak resident set) of the pool processes of the worker `pid`, in MB."""
    peaks = []
    for child in children(pid) or [pid]:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{child}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
    return max(peaks, default=0.0)


def wait_until(predicate, *, timeout: float, interval: float, what: str, worker=None, log: Path | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        if worker is not None and worker.poll() is not None:
            raise SystemExit(f"The worker exited; its log:\n{log.read_text()[-3000:] if log else ''}")
        time.sleep(interval)
    raise SystemExit(f"Timed out after {timeout} s waiting for {what}")


# --- The plain SQL baseline ---------------------------------------------------------------------------

IN_PERIOD = "s.starts_at >= %(start)s AND s.starts_at < %(end)s"
BASELINE_SQL = {
    "activities by type": f"""
        SELECT a.activity_type_id, count(*), sum(a.estimated_hours) FILTER (WHERE NOT t.live)
        FROM activities_activity a JOIN activities_activitytype t ON t.code = a.activity_type_id
        WHERE a.status IN {REPORTED} AND (
            (t.live AND EXISTS (SELECT 1 FROM activities_session s WHERE s.activity_id = a.id AND {IN_PERIOD}))
            OR (NOT t.live AND a.available_from <= %(to)s AND a.available_until >= %(from)s))
        GROUP BY 1""",
    "hours by type": f"""
        WITH per_group AS (
            SELECT s.activity_id, count(*) AS sessions,
                   CASE WHEN s.parallel_group = '' THEN sum(s.credit_hours) ELSE max(s.credit_hours) END AS hours
            FROM activities_session s JOIN activities_activity a ON a.id = s.activity_id
            WHERE {IN_PERIOD} AND a.status IN {REPORTED}
            GROUP BY s.activity_id, s.parallel_group)
        SELECT a.activity_type_id, sum(g.sessions), sum(g.hours)
        FROM per_group g JOIN activities_activity a ON a.id = g.activity_id GROUP BY 1""",
    # One scan of the attendance: learners per activity (PARS counting), summed by type and ranked.
    "learners by type and top activities": f"""
        WITH per_activity AS (
            SELECT s.activity_id, a.activity_type_id,
                   count(*) FILTER (WHERE u.degree IN {PHYSICIANS}) AS physician_visits,
                   count(*) FILTER (WHERE u.degree NOT IN {PHYSICIANS}) AS other_visits,
                   count(DISTINCT t.user_id) FILTER (WHERE u.degree IN {PHYSICIANS}) AS physicians,
                   count(DISTINCT t.user_id) FILTER (WHERE u.degree NOT IN {PHYSICIANS}) AS others
            FROM attendance_attendance t JOIN activities_session s ON s.id = t.session_id
            JOIN activities_activity a ON a.id = s.activity_id JOIN accounts_user u ON u.id = t.user_id
            WHERE {IN_PERIOD} AND a.status IN {REPORTED}
            GROUP BY 1, 2),
        learners AS (
            SELECT activity_id, activity_type_id,
                   CASE WHEN activity_type_id = 'rss' THEN physician_visits ELSE physicians END AS physicians,
                   CASE WHEN activity_type_id = 'rss' THEN other_visits ELSE others END AS others
            FROM per_activity)
        SELECT 'type', activity_type_id, NULL::bigint, sum(physicians), sum(others) FROM learners GROUP BY 2
        UNION ALL
        (SELECT 'top', activity_type_id, activity_id, physicians, others FROM learners
         ORDER BY physicians + others DESC, activity_id LIMIT 15)""",
    "enduring learners by type": f"""
        WITH per_activity AS (
            SELECT c.activity_id, a.activity_type_id,
                   count(DISTINCT c.user_id) FILTER (WHERE u.degree IN {PHYSICIANS}) AS physicians,
                   count(DISTINCT c.user_id) FILTER (WHERE u.degree NOT IN {PHYSICIANS}) AS others
            FROM claims_claim c JOIN activities_activity a ON a.id = c.activity_id
            JOIN activities_activitytype t ON t.code = a.activity_type_id JOIN accounts_user u ON u.id = c.user_id
            WHERE c.kind = 'learner' AND c.credit_date BETWEEN %(from)s AND %(to)s AND NOT t.live
              AND a.status IN {REPORTED}
            GROUP BY 1, 2)
        SELECT activity_type_id, sum(physicians), sum(others) FROM per_activity GROUP BY 1""",
    "distinct learners": f"""
        SELECT count(*) FILTER (WHERE u.degree IN {PHYSICIANS}), count(*) FILTER (WHERE u.degree NOT IN {PHYSICIANS})
        FROM accounts_user u
        WHERE EXISTS (SELECT 1 FROM attendance_attendance t JOIN activities_session s ON s.id = t.session_id
                      JOIN activities_activity a ON a.id = s.activity_id
                      WHERE t.user_id = u.id AND {IN_PERIOD} AND a.status IN {REPORTED})
           OR EXISTS (SELECT 1 FROM claims_claim c JOIN activities_activity a ON a.id = c.activity_id
                      JOIN activities_activitytype y ON y.code = a.activity_type_id
                      WHERE c.user_id = u.id AND c.kind = 'learner' AND NOT y.live AND a.status IN {REPORTED}
                        AND c.credit_date BETWEEN %(from)s AND %(to)s)""",
    "credits by activity and credit type": """
        SELECT a.activity_type_id, c.credit_type_id, sum(c.credits), count(*)
        FROM claims_claim c JOIN certificates_certificate z ON z.claim_id = c.id
        JOIN activities_activity a ON a.id = c.activity_id
        WHERE z.status IN ('pending', 'ready', 'failed') AND c.credit_date BETWEEN %(from)s AND %(to)s
        GROUP BY 1, 2""",
    "credits by objective": """
        SELECT o.objective_id, c.credit_type_id, sum(c.credits)
        FROM claims_claim c JOIN certificates_certificate z ON z.claim_id = c.id
        JOIN activities_activity_objectives o ON o.activity_id = c.activity_id
        WHERE z.status IN ('pending', 'ready', 'failed') AND c.credit_date BETWEEN %(from)s AND %(to)s
        GROUP BY 1, 2""",
    "credits by month": """
        SELECT date_trunc('month', c.credit_date), c.credit_type_id, sum(c.credits)
        FROM claims_claim c JOIN certificates_certificate z ON z.claim_id = c.id
        WHERE z.status IN ('pending', 'ready', 'failed') AND c.credit_date BETWEEN %(from)s AND %(to)s
        GROUP BY 1, 2""",
    "activities by objective": f"""
        SELECT o.objective_id, count(*) FROM activities_activity_objectives o
        JOIN activities_activity a ON a.id = o.activity_id JOIN activities_activitytype t ON t.code = a.activity_type_id
        WHERE a.status IN {REPORTED} AND (
            (t.live AND EXISTS (SELECT 1 FROM activities_session s WHERE s.activity_id = a.id AND {IN_PERIOD}))
            OR (NOT t.live AND a.available_from <= %(to)s AND a.available_until >= %(from)s))
        GROUP BY 1""",
    "commercial support by company": f"""
        SELECT g.company, count(*), count(DISTINCT g.activity_id), sum(g.amount), count(*) FILTER (WHERE g.in_kind <> '')
        FROM activities_commercialsupport g JOIN activities_activity a ON a.id = g.activity_id
        JOIN activities_activitytype t ON t.code = a.activity_type_id
        WHERE a.status IN {REPORTED} AND (
            (t.live AND EXISTS (SELECT 1 FROM activities_session s WHERE s.activity_id = a.id AND {IN_PERIOD}))
            OR (NOT t.live AND a.available_from <= %(to)s AND a.available_until >= %(from)s))
        GROUP BY 1""",
}


TOP_DETAILS_SQL = """
    SELECT a.id, a.provider_activity_id, a.title, a.estimated_hours,
           (SELECT sum(c.credits) FROM claims_claim c JOIN certificates_certificate z ON z.claim_id = c.id
            WHERE c.activity_id = a.id AND z.status IN ('pending', 'ready', 'failed')
              AND c.credit_date BETWEEN %(from)s AND %(to)s)
    FROM activities_activity a WHERE a.id = ANY(%(top)s)"""


def baseline(period: dict) -> tuple[float, dict]:
    """Run the plain SQL once on a fresh psycopg connection: (seconds, rows by query)."""
    import psycopg
    from django.db import connection

    settings = connection.settings_dict
    started = time.perf_counter()
    results = {}
    with psycopg.connect(
        host=settings["HOST"], port=settings["PORT"] or 5432, user=settings["USER"], dbname=settings["NAME"],
        password=settings["PASSWORD"] or None,
    ) as raw, raw.cursor() as cursor:  # fmt: skip
        for name, sql in BASELINE_SQL.items():
            cursor.execute(sql, period)
            results[name] = cursor.fetchall()
        top = [row[2] for row in results["learners by type and top activities"] if row[0] == "top"]
        cursor.execute(TOP_DETAILS_SQL, {**period, "top": top})
        results["top activities"] = cursor.fetchall()
    return time.perf_counter() - started, results


def check_agreement(results: dict, figures: dict) -> list[str]:
    """Where the baseline and the selectors disagree (empty: the same figures by both routes).

    Compared: activities, hours and learners by activity type, credits and claims by activity type and
    credit type, credits by month and credit type, distinct learners, commercial support totals.
    """
    mismatches = []
    hours = {code: (sessions, total) for code, sessions, total in results["hours by type"]}
    counts = {code: (n, enduring) for code, n, enduring in results["activities by type"]}
    live = [row[1:2] + row[3:] for row in results["learners by type and top activities"] if row[0] == "type"]
    learners = {code: (p, o) for code, p, o in live + results["enduring learners by type"]}
    for code, row in figures["by_activity_type"].items():
        live_hours = hours.get(code, (0, 0))[1] or 0
        if (row["activities"], row["hours"]) != (counts[code][0], live_hours + (counts[code][1] or 0)):
            mismatches.append(f"activities or hours of type {code}")
        if (row["physicians"], row["others"]) != learners.get(code, (0, 0)):
            mismatches.append(f"learners of type {code}")
    by_type = {(t, c): (credits, n) for t, c, credits, n in results["credits by activity and credit type"]}
    selected = {(r["activity_type"], r["credit_type"]): (r["credits"], r["claims"]) for r in figures["credits"]["by_activity_type"]}  # fmt: skip
    if by_type != selected:
        mismatches.append("credits by activity type and credit type")
    by_month = {(m.date().replace(day=1), c): credits for m, c, credits in results["credits by month"]}
    selected = {(r["month"].replace(day=1), r["credit_type"]): r["credits"] for r in figures["credits"]["by_month"]}
    if by_month != selected:
        mismatches.append("credits by month")
    ((physicians, others),) = results["distinct learners"]
    if (physicians, others) != (figures["distinct_learners"]["physicians"], figures["distinct_learners"]["others"]):
        mismatches.append("distinct learners")
    support = figures["commercial_support"]
    baseline_support = results["commercial support by company"]
    if (sum(r[1] for r in baseline_support), sum(r[3] or 0 for r in baseline_support)) != (support["grants"], support["amount"]):  # fmt: skip
        mismatches.append("commercial support totals")
    return mismatches


# --- The measured runs ------------------------------------------------------------------------------


def annual_end_to_end(client, period: dict, worker, log: Path) -> tuple[float, int, float]:
    """POST, poll until ready, download: (seconds, PDF bytes, peak worker memory in MB)."""
    started = time.perf_counter()
    response = client.post("/api/v1/reports/", {"kind": "annual", "from": period["from"], "to": period["to"]})
    assert response.status_code == 202, response.content
    url = f"/api/v1/reports/{response.json()['id']}/"
    peak = 0.0

    def ready():
        nonlocal peak
        peak = max(peak, peak_rss_mb(worker.pid))
        body = client.get(url).json()
        if body["status"] == "failed":
            raise SystemExit(f"The report failed: {body['last_error']}")
        return body["status"] == "ready"

    wait_until(ready, timeout=300, interval=0.02, what="the annual report", worker=worker, log=log)
    content = b"".join(client.get(f"{url}pdf/").streaming_content)
    elapsed = time.perf_counter() - started
    return elapsed, len(content), max(peak, peak_rss_mb(worker.pid))


def pars_csv(client, period: dict) -> tuple[float, int]:
    started = time.perf_counter()
    response = client.get("/api/v1/reports/pars-activities.csv", {"from": period["from"], "to": period["to"]})
    assert response.status_code == 200, response.content
    rows = sum(chunk.count(b"\r\n") for chunk in response.streaming_content) - 1
    return time.perf_counter() - started, rows


def bench_client():
    from django.contrib.auth.models import Group
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    from accounts.models import User
    from accounts.roles import Role

    user, _ = User.objects.get_or_create(
        email="bench-reports@bench.cme.test", defaults={"first_name": "Bench", "last_name": "Reports"}
    )
    user.groups.add(Group.objects.get(name=Role.CME_STAFF))
    token, _ = Token.objects.get_or_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def measure_rounds(rounds: int, client, period: dict, sql_period: dict, worker, log: Path) -> dict:
    """Each round the baseline and the end-to-end report, in alternating order (neither always runs warm)."""
    measured = {"end_to_end": [], "sql": [], "pdf_kb": [], "peak_mb": [], "results": None}
    for round_number in range(rounds):
        steps = ["sql", "report"] if round_number % 2 == 0 else ["report", "sql"]
        for step in steps:
            if step == "sql":
                seconds, measured["results"] = baseline(sql_period)
                measured["sql"].append(seconds)
            else:
                seconds, size, peak = annual_end_to_end(client, period, worker, log)
                measured["end_to_end"].append(seconds)
                measured["pdf_kb"].append(size / 1024)
                measured["peak_mb"].append(peak)
    return measured


def measure_in_process(bounds) -> dict:
    """Once, in this process: the figures' query count and time, and the PDF layout time."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports.documents import annual_report_document
    from reports.pdf import render_report
    from reports.selectors import annual_report_figures

    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        figures = annual_report_figures(date_from=bounds.date_from, date_to=bounds.date_to)
        gather = time.perf_counter() - started
    query_count = len(queries)  # now: the next request resets Django's query log
    document = annual_report_document(date_from=bounds.date_from, date_to=bounds.date_to)
    started = time.perf_counter()
    render_report(document)
    return {"figures": figures, "queries": query_count, "gather": gather, "render": time.perf_counter() - started}


def setup(options) -> tuple[dict, str]:
    """Our own database (created, migrated and seeded when missing), Redis database 4 flushed, Django set up."""
    media = tempfile.mkdtemp(prefix="cme-bench-reports-")
    env = environment(media)
    exists = harness.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'") == "1"
    if options.fresh or not exists:
        harness.log(f"creating database {DATABASE}")
        harness.recreate_database(DATABASE)
    harness.log(f"migrating {DATABASE}")
    harness.migrate(env)
    harness.flush_redis(REDIS_URL)
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    from reports.management.commands.seed_scale import seeded_data_exists

    if not seeded_data_exists():
        harness.log("seeding at full size: manage.py seed_scale (about a minute; kept for the next run)")
        started = time.perf_counter()
        call_command("seed_scale")
        harness.log(f"seeded in {time.perf_counter() - started:.0f} s")
    return env, media


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--fresh", action="store_true", help="drop cme_bench_reports first and seed it again")
    options = parser.parse_args()
    env, media = setup(options)
    from django.utils import timezone

    from activities.models import Activity
    from cme.celery import app
    from cme.models import WorkerHeartbeat
    from cme.tasks import heartbeat
    from reports.selectors import period_for

    today = timezone.localdate()
    bounds = period_for(today - timedelta(days=365), today)
    period = {"from": bounds.date_from.isoformat(), "to": bounds.date_to.isoformat()}
    with app.connection_for_write() as broker, contextlib.suppress(Exception):
        broker.default_channel.queue_purge(QUEUE)
    client, log = bench_client(), Path(media) / "worker.log"
    worker = start_worker(env, log)
    try:
        WorkerHeartbeat.objects.filter(name=QUEUE).delete()
        heartbeat.apply_async(args=[QUEUE], queue=QUEUE)
        wait_until(lambda: WorkerHeartbeat.objects.filter(name=QUEUE).exists(), timeout=60, interval=0.1,
                   what="the worker to start", worker=worker, log=log)  # fmt: skip
        idle_mb = peak_rss_mb(worker.pid)
        sql_period = {**period, "start": bounds.start, "end": bounds.end}
        measured = measure_rounds(options.rounds, client, period, sql_period, worker, log)
    finally:
        stop_worker(worker)
        harness.flush_redis(REDIS_URL)
    in_process = measure_in_process(bounds)
    unexported = Activity.objects.filter(pars_exported_at__isnull=True).count()
    csv_runs = [pars_csv(client, period) for _ in range(2)]
    return report(measured, in_process, idle_mb, csv_runs, unexported, options.rounds)


def report(measured: dict, in_process: dict, idle_mb: float, csv_runs: list, unexported: int, rounds: int) -> int:
    from accounts.models import User
    from activities.models import Activity
    from attendance.models import Attendance

    e2e, base = statistics.median(measured["end_to_end"]), statistics.median(measured["sql"])
    ratio = e2e / base
    mismatches = check_agreement(measured["results"], in_process["figures"])
    print(f"machine: {harness.machine()}")
    print(
        f"Data: {User.objects.count():,} users, {Activity.objects.count():,} activities, "
        f"{Attendance.objects.count():,} attendance rows; the last twelve months; median of {rounds} rounds"
    )
    print(
        f"annual report end to end (request -> PDF ready -> downloaded): {e2e:6.2f} s   "
        f"runs {', '.join(f'{s:.2f}' for s in measured['end_to_end'])}; PDF {measured['pdf_kb'][-1]:.0f} KB"
    )
    print(
        f"plain SQL GROUP BY of the same figures:                        {base:6.2f} s   "
        f"runs {', '.join(f'{s:.2f}' for s in measured['sql'])}; same figures: {'yes' if not mismatches else 'NO'}"
    )
    print(f"ratio end to end / SQL: {ratio:.2f}")
    print(
        f"in this process, once: {in_process['queries']} queries gathering the figures in "
        f"{in_process['gather']:.2f} s; PDF laid out in {in_process['render']:.2f} s"
    )
    print(
        f"peak worker memory (VmHWM of the pool process): {max(measured['peak_mb']):.0f} MB "
        f"(idle after start: {idle_mb:.0f} MB)"
    )
    (first, rows), (again, _) = csv_runs
    print(f"PARS CSV: {first:.2f} s for {rows:,} rows ({unexported:,} activities newly marked exported); "
          f"again {again:.2f} s")  # fmt: skip
    targets = harness.Targets()
    targets.check("end to end / SQL <= 3", ratio <= TARGET_RATIO, f"{ratio:.2f}")
    targets.check("the same figures by both routes", not mismatches, ", ".join(mismatches) or "yes")
    peak = max(measured["peak_mb"])
    targets.check(f"peak worker memory < {TARGET_PEAK_MB:.0f} MB", peak < TARGET_PEAK_MB, f"{peak:.0f} MB")
    return targets.report()


if __name__ == "__main__":
    sys.exit(main())
