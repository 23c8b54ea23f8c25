"""The check-in burst before grand rounds: 1,000 learners check in to one session from 16 clients.

Seeds a session (through the services) and 1,000 clinicians with API tokens, starts gunicorn
(2 sync workers) on PostgreSQL and fires their check-ins (POST /api/v1/checkins/) from 16 concurrent
clients. In the same run, the same burst goes to a bare Django view doing the same work the library
way (token lookup + unique insert: 3 queries; bench/bare/) under the same gunicorn setup. Rounds
alternate between the two servers, each round with a fresh session, and the ratio is the median of
the rounds' ratios.

Targets (issue): ratio at least 0.5, p99 under 250 ms, exactly 1,000 rows per session, 0 errors.

    .venv/bin/python bench/checkin.py [--learners 1000] [--clients 16] [--rounds 3] [--profile]

`--profile` samples the project's gunicorn workers with py-spy during round 1 (pip install py-spy).
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness
from bench.harness import REDIS, Client, Targets, banner, log, median, summarize

PROJECT_DB, BARE_DB = "cme_bench_checkin", "cme_bench_checkin_bare"
RATIO_TARGET, P99_TARGET_MS = 0.5, 250.0


def arguments():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", type=int, default=1000, help="check-ins per round (default 1000)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (default 16)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds per server, alternating (default 3)")
    parser.add_argument("--warmup", type=int, default=64, help="check-ins to warm each server up (default 64)")
    parser.add_argument("--app", default="cme.wsgi:application", help="experiment: the project's WSGI app")
    parser.add_argument("--profile", action="store_true", help="py-spy the project's gunicorn workers in round 1")
    parser.add_argument("--keep-logs", action="store_true", help="keep the children's logs")
    return parser.parse_args()


def project_jobs(client: Client, tokens: list[str], code: str):
    def job(token):
        return lambda: client.request("checkin", "POST", "/api/v1/checkins/", token=token, body={"code": code})[0]

    return [job(token) for token in tokens]


def bare_jobs(client: Client, tokens: list[str], session_id: int):
    def job(token):
        return lambda: client.request("checkin", "POST", "/checkin/", token=token, body={"session": session_id})[0]

    return [job(token) for token in tokens]


def fire(jobs, clients: int) -> dict:
    samples, seconds = harness.run_jobs(jobs, clients=clients)
    figures = summarize(samples, seconds)
    figures["created"] = sum(1 for s in samples if s.status == 201)
    figures["seconds"] = seconds
    return figures


def bare_rows(database_url: str, session_id: int) -> int:
    import psycopg

    with psycopg.connect(database_url.replace("postgres://", "postgresql://")) as connection:
        query = "SELECT count(*) FROM bare_checkin WHERE session_id = %s"
        return connection.execute(query, (session_id,)).fetchone()[0]


def main() -> int:
    args = arguments()
    queue = f"bench-checkin-{os.getpid()}"
    with harness.Stack("checkin", keep_logs=args.keep_logs) as stack:
        env = harness.service_env(
            database=harness.database_url(PROJECT_DB), broker=f"{REDIS}/5", cache=f"{REDIS}/5", queue=queue,
            media_root=stack.path("media"),
        )  # fmt: skip
        bare_env = {
            **env,
            "DATABASE_URL": harness.database_url(BARE_DB),
            "DJANGO_SETTINGS_MODULE": "bench.bare.settings",
        }
        log("recreating databases cme_bench_checkin and cme_bench_checkin_bare, migrating")
        for name in (PROJECT_DB, BARE_DB):
            harness.recreate_database(name)
        harness.flush_redis(f"{REDIS}/5")
        stack.cleanups.append(lambda: harness.flush_redis(f"{REDIS}/5"))
        harness.migrate(env)
        harness.migrate(bare_env, settings="bench.bare.settings", syncdb=True)

        harness.setup_django(env)
        from attendance.models import Attendance, HistoricalAttendance
        from bench import seeding

        log(f"seeding {args.rounds} open sessions and {args.learners} + {args.warmup} learners with tokens")
        learners = seeding.learners_create(args.learners + args.warmup, prefix="checkin")
        tokens = [token for _, token in learners]
        warm_tokens, tokens = tokens[: args.warmup], tokens[args.warmup :]
        warm_session = seeding.open_activity(title="Warm-up rounds").sessions.get()
        sessions = [seeding.open_activity(title=f"Grand Rounds {i + 1}").sessions.get() for i in range(args.rounds)]
        bare_tokens = seeding.bare_seed(bare_env["DATABASE_URL"], args.learners + args.warmup)
        bare_warm, bare_tokens = bare_tokens[: args.warmup], bare_tokens[args.warmup :]

        bare_port = harness.free_port()
        stack.gunicorn(env=bare_env, port=bare_port, app="bench.bare.wsgi:application", name="gunicorn-bare")
        project_port = harness.free_port(bare_port + 1)
        project_web = stack.gunicorn(env=env, port=project_port, name="gunicorn-project", app=args.app)
        bare, project = Client(bare_port), Client(project_port)
        log(f"gunicorn: bare on {bare_port}, project on {project_port}; warming up")
        fire(bare_jobs(bare, bare_warm, 0), args.clients)
        fire(project_jobs(project, warm_tokens, warm_session.checkin_code), args.clients)

        results, profile_text = [], ""
        for index, session in enumerate(sessions):
            order = ["bare", "project"] if index % 2 == 0 else ["project", "bare"]
            figures = {}
            for server in order:
                if server == "bare":
                    figures[server] = fire(bare_jobs(bare, bare_tokens, index + 1), args.clients)
                    figures[server]["rows"] = bare_rows(bare_env["DATABASE_URL"], index + 1)
                else:
                    profiling = args.profile and index == 0
                    pids = harness.pool_pids(project_web.pid) if profiling else []
                    with harness.Profiler(stack, pids, "checkin-profile") as profiler:
                        figures[server] = fire(project_jobs(project, tokens, session.checkin_code), args.clients)
                    if profiling:
                        profile_text = profiler.summary()
                    figures[server]["rows"] = Attendance.objects.filter(session=session).count()
                    figures[server]["history"] = HistoricalAttendance.objects.filter(session_id=session.pk).count()
                log(f"round {index + 1} {server}: {figures[server]['rate']:.0f}/s")
            results.append(figures)
        if profile_text:
            stack.keep_logs = True
        return report(args, results, profile_text)


def report(args, results: list[dict], profile_text: str = "") -> int:
    banner(f"Check-in burst: {args.learners} learners, {args.clients} clients, gunicorn 2 sync workers, PostgreSQL")
    print(f"  machine: {harness.machine()}")
    print(f"  {'round':<6}{'server':<9}{'check-ins/s':>12}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}"
          f"{'rows':>7}{'201s':>7}{'errors':>8}  statuses")  # fmt: skip
    for index, figures in enumerate(results):
        for server in ("bare", "project"):
            f = figures[server]
            print(f"  {index + 1:<6}{server:<9}{f['rate']:>12.1f}{f['p50']:>9.1f}{f['p95']:>9.1f}{f['p99']:>9.1f}"
                  f"{f['max']:>9.1f}{f['rows']:>7}{f['created']:>7}{f['errors']:>8}  {f['statuses']}")  # fmt: skip
    ratios = [figures["project"]["rate"] / figures["bare"]["rate"] for figures in results]
    project_rate = median([f["project"]["rate"] for f in results])
    bare_rate = median([f["bare"]["rate"] for f in results])
    worst_p99 = max(f["project"]["p99"] for f in results)
    p50 = median([f["project"]["p50"] for f in results])
    errors = sum(f["project"]["errors"] for f in results)
    rows_ok = all(f["project"]["rows"] == args.learners == f["project"]["created"] for f in results)
    history_ok = all(f["project"]["history"] == args.learners for f in results)
    print(f"  project (median of rounds): {project_rate:.1f} check-ins/s, p50 {p50:.1f} ms, "
          f"worst round p99 {worst_p99:.1f} ms")  # fmt: skip
    print(f"  bare view (median of rounds): {bare_rate:.1f} check-ins/s")
    print(f"  ratio project / bare per round: {', '.join(f'{r:.2f}' for r in ratios)}; median {median(ratios):.2f}")
    print(f"  rows per session: {[f['project']['rows'] for f in results]} (history rows "
          f"{[f['project']['history'] for f in results]})")  # fmt: skip

    if profile_text:
        print(profile_text)
    targets = Targets()
    targets.check("ratio to the bare view >= 0.5", median(ratios) >= RATIO_TARGET, f"median {median(ratios):.2f}")
    targets.check("p99 < 250 ms", worst_p99 < P99_TARGET_MS, f"worst round {worst_p99:.1f} ms")
    targets.check(f"exactly {args.learners} rows per session", rows_ok and history_ok,
                  f"{[f['project']['rows'] for f in results]}")  # fmt: skip
    targets.check("0 errors", errors == 0, f"{errors}")
    return targets.report()


if __name__ == "__main__":
    sys.exit(main())
