"""Faults: killed workers, a Redis that loses its queue, a PostgreSQL restart, while the work goes on.

Scenario A, on PostgreSQL and this script's own Redis (port 6390, no persistence, so a restart loses
every queued message): gunicorn (2 workers), two Celery workers (one pool process each) and beat,
with PENDING_REQUEUE_AFTER_SECONDS=20. Learners POST their claims through the API at a steady rate
(retrying a 5xx or a dropped connection, as an app would); 20 annual reports are requested through
`reports.services.report_request`; a learner polls certificate statuses. Meanwhile a worker is killed
with SIGKILL three times (restarted a second later) and Redis is restarted once. Then the script waits
and counts: certificates and reports ready, duplicates (files and rows), the longest time a claim or
report stayed pending, lost work and errors seen by clients.

Scenario B, on this script's own PostgreSQL cluster (port 5440, initdb in a temporary folder): 1,000
check-ins from 16 clients (retrying a 5xx or a dropped connection); PostgreSQL is restarted (fast
shutdown) a third of the way through. It counts what clients got while the database was away, and
whether every learner ends with exactly one attendance row and its history row (no half-written rows).

Targets (issue 8): all ready, 0 duplicates, none pending past 3 minutes, 0 lost, for certificates
and reports; during the PostgreSQL restart clients get 503 (or succeed on retry) and no half-written
rows. Exits non-zero and prints `RESULT: FAIL` when a target is missed.

    .venv/bin/python bench/faults.py [--claims 500 --kills 3 --redis-restarts 1] [--no-pg-restart]
    .venv/bin/python bench/faults.py --quick     # 50 claims, 1 kill, no Redis restart; PostgreSQL restart under 300 check-ins as root (CI)
"""

import argparse
import contextlib
import json
import logging
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness
from bench.harness import Client, Targets, banner, log

DATABASE, PG_RESTART_DATABASE = "cme_bench_faults", "cme_bench_pgrestart"
REDIS_PORT, PG_PORT = 6390, 5440
PENDING_LIMIT_SECONDS = 180
RETRYABLE = {0, 500, 502, 503, 504}


def arguments():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--claims", type=int, default=500)
    parser.add_argument("--kills", type=int, default=3, help="SIGKILLs of a worker while they render")
    parser.add_argument("--redis-restarts", type=int, default=1)
    parser.add_argument("--reports", type=int, default=20, help="annual reports requested during the faults")
    parser.add_argument("--claim-rate", type=float, default=20.0, help="claims per second sent (default 20)")
    parser.add_argument("--requeue-after", type=int, default=20, help="PENDING_REQUEUE_AFTER_SECONDS (default 20)")
    parser.add_argument("--wait", type=float, default=300, help="seconds to wait for recovery after the faults")
    parser.add_argument("--checkins", type=int, default=1000, help="check-ins in the PostgreSQL restart burst")
    parser.add_argument("--no-pg-restart", dest="pg_restart", action="store_false")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="50 claims at once, 1 kill, 5 reports, no Redis restart, 300 check-ins through the PostgreSQL restart (CI)",
    )
    parser.add_argument("--keep-logs", action="store_true")
    parser.add_argument("--seed-checkin-session", type=int, help=argparse.SUPPRESS)  # child mode, see seed_child
    args = parser.parse_args()
    if args.quick:
        args.claims, args.kills, args.redis_restarts, args.reports = 50, 1, 0, 5
        # Sent in half a second, so that the workers have a backlog to be killed in the middle of.
        args.claim_rate = 100.0
        # The PostgreSQL restart needs root (its own cluster runs as the postgres user).
        args.checkins, args.pg_restart = 300, args.pg_restart and os.geteuid() == 0
    return args


# --- Scenario A: certificates and reports through killed workers and a lost queue ----------------------


class Workers:
    """Two Celery workers (one pool process each) that can be SIGKILLed and started again."""

    def __init__(self, stack: harness.Stack, env: dict):
        self.stack, self.env = stack, env
        self.processes: dict[str, subprocess.Popen] = {}

    def start(self, name: str) -> None:
        self.processes[name] = self.stack.celery_worker(env=self.env, name=name, concurrency=1, loglevel="INFO")

    def busy(self, name: str, timeout: float = 8) -> bool:
        """Wait until the worker's pool process runs a task (it uses CPU while a delivered message is
        unacknowledged: acks_late), so that the kill loses that message."""
        import redis

        broker = redis.Redis.from_url(self.env["CELERY_BROKER_URL"])
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pids = harness.pool_pids(self.processes[name].pid)
            before = {pid: harness.cpu_seconds(pid) for pid in pids}
            time.sleep(0.05)
            working = any(harness.cpu_seconds(pid) > used for pid, used in before.items())
            with contextlib.suppress(redis.RedisError):
                if working and broker.hlen("unacked") > 0:
                    return True
        return False

    def kill(self, name: str) -> int:
        process = self.processes[name]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # master and pool: nothing acknowledges or cleans up
        process.wait()
        return process.pid


class ClaimClients:
    """Learners claiming through the API at a steady rate; a 5xx or dropped connection is retried."""

    def __init__(self, client: Client, learners: list, activity_id: int, credits: str, rate: float, threads: int = 4):
        self.client, self.activity_id, self.credits, self.rate = client, activity_id, credits, rate
        self.pending = list(enumerate(learners))
        self.lock = threading.Lock()
        self.outcomes: dict[int, str] = {}  # learner index -> created | created-earlier | lost
        self.attempts: list[tuple[float, int]] = []  # (time, status) of every attempt
        self.certificates: list[tuple[int, str]] = []  # (certificate id, token) for the status readers
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]

    def start(self) -> None:
        self.started = time.perf_counter()
        for thread in self.threads:
            thread.start()

    def join(self) -> None:
        for thread in self.threads:
            thread.join()

    def _run(self) -> None:
        while True:
            with self.lock:
                if not self.pending:
                    return
                index, (user, token) = self.pending.pop(0)
            delay = self.started + index / self.rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            self.outcomes[index] = self._claim(user, token)

    def _claim(self, user, token) -> str:
        from bench.seeding import credit_type_for

        body = {"activity": self.activity_id, "credit_type": credit_type_for(user), "credits": self.credits}
        for attempt in range(8):
            sample, content = self.client.request("claim", "POST", "/api/v1/claims/", token=token, body=body)
            with self.lock:
                self.attempts.append((sample.started, sample.status))
            if sample.status == 201:
                with self.lock:
                    self.certificates.append((json.loads(content)["certificate"]["id"], token))
                return "created"
            if sample.status == 409 and attempt > 0:
                return "created-earlier"  # an attempt that failed for the client had committed
            if sample.status not in RETRYABLE:
                return f"refused-{sample.status}"
            time.sleep(min(0.5 * 2**attempt, 4))
        return "lost"


class StatusReader(threading.Thread):
    """A learner refreshing the status of a certificate, as the credits page does."""

    def __init__(self, client: Client, claims: ClaimClients):
        super().__init__(daemon=True)
        self.client, self.claims = client, claims
        self.statuses: Counter = Counter()
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.1):
            with self.claims.lock:
                known = list(self.claims.certificates)
            if not known:
                continue
            certificate_id, token = random.choice(known)
            sample, _ = self.client.request("status", "GET", f"/api/v1/certificates/{certificate_id}/", token=token)
            self.statuses[sample.status] += 1


class FailedEnqueues(logging.Handler):
    """Counts the on-commit sends Django logs as failed (robust callbacks) instead of printing tracebacks."""

    def __init__(self):
        super().__init__()
        self.messages: list[str] = []
        logger = logging.getLogger("django.db.backends.base")
        logger.addHandler(self)
        logger.propagate = False

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage()[:160])


class ReportRequests(threading.Thread):
    """An accreditation officer requesting annual reports through the service, spread over the window."""

    def __init__(self, count: int, window: float, requested_by):
        super().__init__(daemon=True)
        self.count, self.window, self.requested_by = count, window, requested_by
        self.errors: list[str] = []

    def run(self) -> None:
        from django.db import connection
        from django.utils import timezone

        from reports.services import report_request

        today = timezone.localdate()
        started = time.perf_counter()
        try:
            for index in range(self.count):
                time.sleep(max(0.0, started + index * self.window / max(self.count, 1) - time.perf_counter()))
                try:
                    report_request(kind="annual", requested_by=self.requested_by,
                                   date_from=today.replace(month=1, day=1), date_to=today)  # fmt: skip
                except Exception as error:  # the row committed; the enqueue after the commit failed
                    self.errors.append(f"{type(error).__name__}: {error}"[:160])
        finally:
            connection.close()


def fault_plan(args, window: float) -> list[tuple[float, str]]:
    kills = [((i + 1) / (args.kills + 1) * window, "kill") for i in range(args.kills)]
    restarts = [
        (min(0.95, (j + 1) / (args.redis_restarts + 1) + 0.1) * window, "redis") for j in range(args.redis_restarts)
    ]
    return sorted(kills + restarts)


def wait_until_done(activity_id: int, reports_expected: int, timeout: float) -> float | None:
    """Until every claim of the activity has a ready certificate and every report is ready."""
    from certificates.models import Certificate
    from claims.models import Claim
    from reports.models import Report

    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        claims = Claim.objects.filter(activity_id=activity_id).count()
        ready = Certificate.objects.filter(claim__activity_id=activity_id, status="ready").count()
        reports = Report.objects.all()
        if claims and ready == claims and reports.count() >= reports_expected and not reports.exclude(status="ready"):
            return time.perf_counter()
        time.sleep(1)
    return None


def folder_files(folder: Path) -> dict[str, list[str]]:
    if not folder.exists():
        return {}
    return {child.name: sorted(f.name for f in child.iterdir()) for child in folder.iterdir() if child.is_dir()}


def worker_results(stack: harness.Stack) -> Counter:
    """What the render tasks returned, from the workers' INFO logs: `ready`, `skipped` (a redelivery), ..."""
    results = Counter()
    pattern = re.compile(
        r"Task (certificates\.render_certificate|reports\.render_report)\[[^\]]+\] succeeded in [^:]+: '(\w+)'"
    )
    for name in ("worker-1", "worker-2"):
        for line in stack.path(f"{name}.log").read_text(errors="replace").splitlines():
            match = pattern.search(line)
            if match:
                results[f"{match.group(1).split('.')[0]} {match.group(2)}"] += 1
            elif "WorkerLostError" in line or "Worker exited prematurely" in line:
                results["worker lost"] += 1
    return results


def scenario_a(stack: harness.Stack, args) -> dict:
    env = harness.service_env(
        database=harness.database_url(DATABASE), broker=f"redis://127.0.0.1:{REDIS_PORT}/0",
        cache=f"redis://127.0.0.1:{REDIS_PORT}/1", queue=f"bench-faults-{os.getpid()}", media_root=stack.path("media"),
        PENDING_REQUEUE_AFTER_SECONDS=args.requeue_after,
    )  # fmt: skip
    log(f"scenario A: database {DATABASE}, own Redis on {REDIS_PORT}")
    harness.recreate_database(DATABASE)
    redis = stack.redis_server(port=REDIS_PORT)
    harness.migrate(env)
    harness.setup_django(env)
    from django.contrib.auth.models import Group

    from accounts.roles import Role
    from bench import seeding

    learners, activity, credits = seeding.claimable(args.claims, prefix="faults", title="Resuscitation Course")
    (officer, _), *_ = seeding.learners_create(1, prefix="accreditation")
    officer.groups.add(Group.objects.get(name=Role.ACCREDITATION))

    port = harness.free_port()
    stack.gunicorn(env=env, port=port, name="gunicorn")
    workers = Workers(stack, env)
    for name in ("worker-1", "worker-2"):
        workers.start(name)
    stack.celery_beat(env=env)
    wait_for_heartbeat()
    client = Client(port)

    window = args.claims / args.claim_rate
    plan = fault_plan(args, window)
    log(f"{args.claims} claims over {window:.0f} s through the API; faults at "
        f"{', '.join(f'{at:.0f} s {what}' for at, what in plan)}")  # fmt: skip
    claims = ClaimClients(client, learners, activity.pk, f"{credits:.2f}", args.claim_rate)
    reader = StatusReader(client, claims)
    reports = ReportRequests(args.reports, window, officer)
    failed_enqueues = FailedEnqueues()
    events = []
    started = time.perf_counter()
    claims.start()
    reader.start()
    reports.start()
    victims = ["worker-1", "worker-2"]
    for at, what in plan:
        time.sleep(max(0.0, started + at - time.perf_counter()))
        if what == "kill":
            name = victims[len([e for e in events if "SIGKILL" in e[1]]) % 2]
            busy = workers.busy(name)
            pid = workers.kill(name)
            state = "while rendering" if busy else "idle: no task running within 8 s"
            events.append((time.perf_counter() - started, f"SIGKILL {name} (pid {pid}, {state})"))
            time.sleep(1)
            workers.start(name)
        else:
            stack.stop(redis, sig=signal.SIGTERM)
            events.append((time.perf_counter() - started, "Redis stopped (queue, unacked messages and cache lost)"))
            time.sleep(1)
            redis = stack.redis_server(port=REDIS_PORT)
            events.append((time.perf_counter() - started, "Redis started, empty"))
        log(events[-1][1])
    claims.join()
    reports.join()
    submitted_at = time.perf_counter()
    log(
        f"claims sent in {submitted_at - started:.0f} s; waiting up to {args.wait:.0f} s for every certificate and report"
    )
    done_at = wait_until_done(activity.pk, args.reports, args.wait)
    reader.stop.set()
    reader.join()
    figures = scenario_a_figures(stack, env, activity, claims, reports, args)
    figures.update(
        events=events, window=window, reader=dict(reader.statuses), worker_results=worker_results(stack),
        server_errors=harness.server_errors(stack.path("gunicorn.log").read_text(errors="replace")),
        failed_enqueues=failed_enqueues.messages,
        recovered_after=(done_at - submitted_at) if done_at else None, total=(done_at or time.perf_counter()) - started,
    )  # fmt: skip
    return figures


def wait_for_heartbeat(timeout: float = 90) -> None:
    from cme.models import WorkerHeartbeat
    from cme.tasks import heartbeat

    for name in ("bench-faults-1", "bench-faults-2"):
        heartbeat.delay(name)
    deadline = time.monotonic() + timeout
    while WorkerHeartbeat.objects.filter(name__startswith="bench-faults").count() < 2:
        if time.monotonic() > deadline:
            raise RuntimeError("the workers did not consume heartbeat tasks")
        time.sleep(0.2)


def scenario_a_figures(stack, env, activity, claims: ClaimClients, reports: ReportRequests, args) -> dict:
    from django.db.models import Count, F, Max

    from certificates.models import Certificate
    from claims.models import Claim
    from reports.models import Report

    media = Path(env["MEDIA_ROOT"])
    certificates = Certificate.objects.filter(claim__activity=activity)
    codes = set(certificates.values_list("verification_code", flat=True))
    folders = folder_files(media / "certificates")
    duplicate_files = sum(max(0, len(files) - 1) for files in folders.values())
    duplicate_files += sum(1 for files in folders.values() for name in files if name != "v1.pdf" and len(files) == 1)
    orphan_folders = len(set(folders) - codes)
    ready_without_file = sum(
        1 for code in certificates.filter(status="ready").values_list("verification_code", flat=True)
        if folders.get(code) != ["v1.pdf"]
    )  # fmt: skip
    per_claim = Claim.objects.filter(activity=activity).annotate(n=Count("certificate")).values_list("n", flat=True)
    per_learner = Claim.objects.filter(activity=activity).values("user").annotate(n=Count("id")).filter(n__gt=1)
    longest = certificates.exclude(rendered_at=None).aggregate(longest=Max(F("rendered_at") - F("created_at")))[
        "longest"
    ]
    report_rows = Report.objects.all()
    report_files = Counter()
    for path in (media / "reports").glob("*.pdf") if (media / "reports").exists() else []:
        match = re.search(r"-(\d+)(_\w+)?\.pdf$", path.name)
        report_files[int(match.group(1)) if match else -1] += 1
    report_longest = report_rows.exclude(finished_at=None).aggregate(longest=Max(F("finished_at") - F("created_at")))
    swept = timedelta(seconds=args.requeue_after)  # pending longer than this: re-sent by the sweep
    outcomes = Counter(claims.outcomes.values())
    attempt_statuses = Counter(status for _, status in claims.attempts)
    return {
        "claims_sent": args.claims,
        "outcomes": dict(outcomes),
        "claim_rows": len(per_claim),
        "attempt_statuses": dict(sorted(attempt_statuses.items())),
        "client_errors": sum(n for status, n in attempt_statuses.items() if status in RETRYABLE),
        "certificates": dict(Counter(certificates.values_list("status", flat=True))),
        "duplicate_files": duplicate_files,
        "orphan_folders": orphan_folders,
        "ready_without_file": ready_without_file,
        "certificate_rows_per_claim_over_1": sum(1 for n in per_claim if n > 1),
        "claims_without_certificate": sum(1 for n in per_claim if n == 0),
        "claims_per_learner_over_1": per_learner.count(),
        "longest_pending": longest.total_seconds() if longest else None,
        "lost": outcomes.get("lost", 0)
        + certificates.exclude(status="ready").count()
        + sum(1 for n in per_claim if n == 0),
        "reports_requested": args.reports,
        "report_statuses": dict(Counter(report_rows.values_list("status", flat=True))),
        "report_request_errors": reports.errors,
        "report_duplicate_files": sum(max(0, n - 1) for n in report_files.values()),
        "reports_without_file": sum(
            1 for pk in report_rows.filter(status="ready").values_list("pk", flat=True) if report_files.get(pk, 0) == 0
        ),
        "report_longest": report_longest["longest"].total_seconds() if report_longest["longest"] else None,
        "swept": {
            "certificates": certificates.filter(rendered_at__gt=F("created_at") + swept).count(),
            "reports": report_rows.filter(finished_at__gt=F("created_at") + swept).count(),
        },
    }


# --- Scenario B: PostgreSQL restarted during a check-in burst ----------------------------------------------


def postgres_bin() -> Path:
    """The server programs' folder: `pg_config --bindir`, else Debian's newest /usr/lib/postgresql/N/bin."""
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        folder = Path(
            subprocess.run(["pg_config", "--bindir"], check=True, capture_output=True, text=True).stdout.strip()
        )
        if (folder / "initdb").exists():
            return folder
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda path: int(path.parts[-3]))
    if not found:
        raise SystemExit("PostgreSQL's server programs (initdb, postgres) were not found: install postgresql")
    return found[-1].parent


class OwnPostgres:
    """A PostgreSQL cluster of this script's own (initdb as the postgres user), run as a child."""

    def __init__(self, stack: harness.Stack, port: int):
        self.stack, self.port = stack, port
        self.folder = Path(tempfile.mkdtemp(prefix="cme-bench-pg-"))
        shutil.chown(self.folder, "postgres", "postgres")
        stack.cleanups.append(lambda: shutil.rmtree(self.folder, ignore_errors=True))
        self.bin = postgres_bin()
        subprocess.run(
            ["runuser", "-u", "postgres", "--", str(self.bin / "initdb"), "-D", str(self.folder / "data"),
             "-U", "postgres", "--auth=trust", "--no-sync"],
            check=True, capture_output=True,
        )  # fmt: skip
        self.process = None

    def start(self) -> None:
        self.process = self.stack.spawn(
            "postgres",
            [str(self.bin / "postgres"), "-D", str(self.folder / "data"), "-p", str(self.port), "-k", "/tmp",
             "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=60"],
            env=dict(os.environ), user="postgres",
        )  # fmt: skip
        harness.wait_for_port(self.port, process=self.process, stack=self.stack, name="postgres")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            ready = subprocess.run([str(self.bin / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)],
                                   capture_output=True)  # fmt: skip
            if ready.returncode == 0:
                return
            time.sleep(0.1)
        raise RuntimeError("own PostgreSQL did not become ready")

    def stop(self) -> None:
        # SIGINT: "fast" shutdown, as `pg_ctl restart -m fast` or a service restart does.
        self.stack.stop(self.process, sig=signal.SIGINT, timeout=30)


def seed_child(count: int) -> None:
    """Child mode: seed the database of this process's DATABASE_URL; print the session code and tokens."""
    harness.setup_django(dict(os.environ))
    from bench import seeding

    session = seeding.open_activity(title="Grand Rounds").sessions.get()
    tokens = [token for _, token in seeding.learners_create(count, prefix="pgrestart")]
    print(json.dumps({"session": session.pk, "code": session.checkin_code, "tokens": tokens}))


def scenario_b(stack: harness.Stack, args) -> dict:
    log(f"scenario B: own PostgreSQL cluster on {PG_PORT}, {args.checkins} check-ins, restart a third of the way")
    postgres = OwnPostgres(stack, PG_PORT)
    postgres.start()
    harness.psql(f'CREATE DATABASE "{PG_RESTART_DATABASE}"', port=PG_PORT)
    env = harness.service_env(
        database=harness.database_url(PG_RESTART_DATABASE, port=PG_PORT), broker=f"redis://127.0.0.1:{REDIS_PORT}/2",
        cache=f"redis://127.0.0.1:{REDIS_PORT}/3", queue=f"bench-pgrestart-{os.getpid()}", media_root=stack.path("media-b"),
    )  # fmt: skip
    harness.migrate(env)
    seeded = json.loads(subprocess.run(
        [harness.PYTHON, __file__, "--seed-checkin-session", str(args.checkins)], env=env, cwd=harness.ROOT,
        check=True, capture_output=True, text=True,
    ).stdout.strip().splitlines()[-1])  # fmt: skip
    port = harness.free_port()
    stack.gunicorn(env=env, port=port, name="gunicorn-b")
    client = Client(port)
    attempts: list[tuple[float, float, int]] = []  # (sent, answered, status)
    outcomes: Counter = Counter()
    lock = threading.Lock()

    def check_in(token: str):
        def job():
            for attempt in range(30):
                sample, _ = client.request("checkin", "POST", "/api/v1/checkins/", token=token,
                                           body={"code": seeded["code"]})  # fmt: skip
                with lock:
                    attempts.append((sample.started, sample.started + sample.seconds, sample.status))
                if sample.status not in RETRYABLE:
                    with lock:
                        outcomes[sample.status] += 1
                    return sample
                time.sleep(min(0.25 * 2**attempt, 2))
            with lock:
                outcomes["gave up"] += 1
            return sample

        return job

    outage: dict[str, float] = {}

    def restart_when_a_third_done():
        while len(attempts) < args.checkins // 3:
            time.sleep(0.01)
        outage["stopping"] = time.perf_counter()
        postgres.stop()
        outage["down"] = time.perf_counter()
        time.sleep(1)
        postgres.start()
        outage["up"] = time.perf_counter()

    restarter = threading.Thread(target=restart_when_a_third_done, daemon=True)
    restarter.start()
    _, seconds = harness.run_jobs([check_in(t) for t in seeded["tokens"]], clients=16)
    restarter.join(timeout=60)
    figures = scenario_b_figures(env, seeded, attempts, outcomes, outage, seconds)
    figures["server_errors"] = harness.server_errors(stack.path("gunicorn-b.log").read_text(errors="replace"))
    return figures


def scenario_b_figures(env, seeded, attempts, outcomes, outage, seconds) -> dict:
    import psycopg

    url = env["DATABASE_URL"].replace("postgres://", "postgresql://")
    with psycopg.connect(url) as connection:

        def one(sql):
            return connection.execute(sql, {"session": seeded["session"]}).fetchone()[0]

        rows = one("SELECT count(*) FROM attendance_attendance WHERE session_id = %(session)s")
        learners = one("SELECT count(DISTINCT user_id) FROM attendance_attendance WHERE session_id = %(session)s")
        history = one("SELECT count(*) FROM attendance_historicalattendance WHERE session_id = %(session)s "
                      "AND history_type = '+'")  # fmt: skip
        without_history = one(
            "SELECT count(*) FROM attendance_attendance a WHERE session_id = %(session)s AND NOT EXISTS "
            "(SELECT 1 FROM attendance_historicalattendance h WHERE h.id = a.id AND h.history_type = '+')"
        )
        history_without_row = one(
            "SELECT count(*) FROM attendance_historicalattendance h WHERE session_id = %(session)s AND NOT EXISTS "
            "(SELECT 1 FROM attendance_attendance a WHERE a.id = h.id)"
        )
    start, end = outage.get("stopping", 0), outage.get("up", 0) + 2  # answers during the outage and just after
    during = Counter(status for sent, answered, status in attempts if answered >= start and sent <= end)
    return {
        "checkins": len(seeded["tokens"]),
        "seconds": seconds,
        "attempt_statuses": dict(sorted(Counter(s for _, _, s in attempts).items(), key=str)),
        "during_outage": dict(sorted(during.items(), key=str)),
        "outage_seconds": (outage.get("up", 0) - outage.get("stopping", 0)) if outage else None,
        "final": dict(sorted(outcomes.items(), key=str)),
        "rows": rows,
        "learners": learners,
        "history": history,
        "half_written": without_history + history_without_row,
    }


# --- Report ------------------------------------------------------------------------------------------------


def seconds_text(value) -> str:
    return "n/a" if value is None else f"{value:.1f} s"


def report(args, a: dict, b: dict | None) -> int:
    banner(f"Faults: {args.claims} claims, {args.kills} worker SIGKILLs, {args.redis_restarts} Redis restart(s)")
    print(f"  machine: {harness.machine()}")
    print(f"  stack: gunicorn 2 workers, 2 Celery workers x 1 process, beat (sweep every 30 s, re-queue after "
          f"{args.requeue_after} s), PostgreSQL, own Redis without persistence")  # fmt: skip
    for at, what in a["events"]:
        print(f"    t={at:6.1f} s  {what}")
    print(
        f"  claims sent over {a['window']:.0f} s; every claim's outcome: {a['outcomes']}; claim rows {a['claim_rows']}"
    )
    print(f"  client attempts by status: {a['attempt_statuses']}; errors seen by claim clients (5xx, dropped): "
          f"{a['client_errors']}")  # fmt: skip
    print(f"  server errors by cause (gunicorn log): {a['server_errors'] or 'none'}")
    print(f"  certificate status polls by status: {a['reader']}")
    print(f"  certificates: {a['certificates']}; recovered {seconds_text(a['recovered_after'])} after the last claim")
    print(f"  duplicates: files {a['duplicate_files']}, orphan folders {a['orphan_folders']}, certificate rows per "
          f"claim > 1: {a['certificate_rows_per_claim_over_1']}, claims per learner > 1: {a['claims_per_learner_over_1']}")  # fmt: skip
    print(f"  ready without exactly one v1.pdf: {a['ready_without_file']}; claims without a certificate: "
          f"{a['claims_without_certificate']}")  # fmt: skip
    print(f"  longest pending (rendered_at - created_at): {seconds_text(a['longest_pending'])}; lost: {a['lost']}")
    print(f"  render task results (worker logs): {dict(a['worker_results'])}")
    print(f"  recovered by the sweep (pending longer than {args.requeue_after} s): {a['swept']}")
    print(f"  reports: {a['reports_requested']} requested, statuses {a['report_statuses']}, duplicate files "
          f"{a['report_duplicate_files']}, ready without a file {a['reports_without_file']}, longest pending "
          f"{seconds_text(a['report_longest'])}")  # fmt: skip
    print(f"  report requests that raised after their commit: {len(a['report_request_errors'])} "
          f"{a['report_request_errors'][:2]}; enqueues logged as failed after their commit: "
          f"{len(a['failed_enqueues'])} {a['failed_enqueues'][:1]}")  # fmt: skip
    if b:
        print(f"  PostgreSQL restart during {b['checkins']} check-ins ({b['seconds']:.1f} s, database away "
              f"{seconds_text(b['outage_seconds'])}):")  # fmt: skip
        print(f"    every attempt by status: {b['attempt_statuses']}")
        print(f"    answers while it was away (and 2 s after): {b['during_outage']}")
        print(f"    final answer per learner: {b['final']}")
        print(f"    server errors by cause (gunicorn log): {b['server_errors'] or 'none'}")
        print(
            f"    rows {b['rows']} for {b['learners']} learners, history rows {b['history']}, half-written {b['half_written']}"
        )

    targets = Targets()
    ready = a["certificates"].get("ready", 0)
    targets.check(f"{args.claims} certificates ready", ready == args.claims == a["claim_rows"], f"{ready}")
    duplicates = (a["duplicate_files"] + a["orphan_folders"] + a["certificate_rows_per_claim_over_1"]
                  + a["claims_per_learner_over_1"])  # fmt: skip
    targets.check("0 duplicate certificates (files and rows)", duplicates == 0, f"{duplicates}")
    longest = a["longest_pending"]
    targets.check("no claim pending past 3 minutes", longest is not None and longest <= PENDING_LIMIT_SECONDS,
                  seconds_text(longest))  # fmt: skip
    targets.check("0 lost certificates", a["lost"] == 0 and a["ready_without_file"] == 0, f"{a['lost']}")
    fives = a["attempt_statuses"].get(500, 0)
    targets.check("claim clients never get a 500 (a 503 with Retry-After is a retry), none in the server log",
                  fives == 0 and not a["server_errors"], f"{fives} x 500; log: {a['server_errors'] or 'none'}")  # fmt: skip
    reports_ready = a["report_statuses"].get("ready", 0)
    targets.check(f"{args.reports} reports ready, one file each",
                  reports_ready == args.reports and a["reports_without_file"] == 0 and a["report_duplicate_files"] == 0,
                  f"{reports_ready} ready, {a['report_duplicate_files']} duplicate files")  # fmt: skip
    report_longest = a["report_longest"]
    targets.check("no report pending past 3 minutes",
                  report_longest is not None and report_longest <= PENDING_LIMIT_SECONDS, seconds_text(report_longest))  # fmt: skip
    if b is None:
        targets.skip("PostgreSQL restart", "not run (--quick or --no-pg-restart)")
    else:
        fives = {status: n for status, n in b["attempt_statuses"].items() if status not in (0, 503) and status >= 500}
        targets.check(
            "during the PostgreSQL restart clients get 503 or a retry (no 500)", not fives, f"{fives or 'none'}"
        )
        once = b["rows"] == b["learners"] == b["checkins"] and b["final"].get("gave up", 0) == 0
        targets.check("every learner checked in exactly once after retries", once, f"{b['rows']} rows")
        targets.check(
            "no half-written rows", b["half_written"] == 0 and b["history"] == b["rows"], f"{b['half_written']}"
        )
    return targets.report()


def main() -> int:
    args = arguments()
    if args.seed_checkin_session:
        seed_child(args.seed_checkin_session)
        return 0
    with harness.Stack("faults", keep_logs=args.keep_logs) as stack:
        a = scenario_a(stack, args)
        b = scenario_b(stack, args) if args.pg_restart else None
        return report(args, a, b)


if __name__ == "__main__":
    sys.exit(main())
