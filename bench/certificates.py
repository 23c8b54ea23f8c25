"""Certificates: one render against bare ReportLab, then 2,500 claims committed at once.

(a) In this process, alternating blocks: the project's renderer fed a real snapshot
    (`render_certificate(CertificateDocument.from_dict(certificate_snapshot(...)))`) against
    `bench.bare_certificate.render_bare` (the same page, fonts and QR code with ReportLab alone).
    CPU time per render (robust on a shared machine) and wall time. Target: ratio at most 1.5.
(b) 2,500 learners attended and evaluated one session; their claims go through
    `claims.services.claim_submit` inside one outer transaction, so the 2,500 claims commit at once
    and their render tasks are enqueued on that commit (`--per-claim`: each claim commits and
    enqueues on its own, the clock starting at the first commit). One Celery worker with 2 pool
    processes renders on Redis and PostgreSQL. The clock stops when every certificate is `ready`.
    Targets: certificates/s at least 0.6 of twice the bare single-core render rate (wall clock,
    measured in this process just before the commit and just after the last render: the machine is
    shared, so the reference is taken under the same load); peak RSS (VmHWM) of each pool process
    under 200 MB. Also printed: the workers' CPU per certificate against the bare render's.

    .venv/bin/python bench/certificates.py [--claims 2500] [--renders 200] [--per-claim]
    .venv/bin/python bench/certificates.py --profile    # py-spy the pool processes during (b)
"""

import argparse
import contextlib
import os
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness
from bench.harness import REDIS, Targets, banner, log

DATABASE = "cme_bench_certs"
BROKER, CACHE = f"{REDIS}/6", f"{REDIS}/7"
RENDER_RATIO_TARGET, THROUGHPUT_RATIO_TARGET, MEMORY_TARGET_MB = 1.5, 0.6, 200.0
WORKER_TARGET_MB = 250.0  # issue 9: a Celery worker rendering 1,000 certificates


def arguments():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--claims", type=int, default=2500, help="claims committed at once (default 2500)")
    parser.add_argument("--renders", type=int, default=200, help="renders of each kind in (a) (default 200)")
    parser.add_argument("--concurrency", type=int, default=2, help="worker pool processes (default 2)")
    parser.add_argument(
        "--per-claim",
        action="store_true",
        help="commit each claim on its own (clock from the first commit) instead of all at once",
    )
    parser.add_argument("--profile", action="store_true", help="py-spy the pool processes during (b)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds to wait for every certificate")
    parser.add_argument("--keep-logs", action="store_true")
    return parser.parse_args()


# --- (a) one render ---------------------------------------------------------------------------------


def sample_snapshot() -> dict:
    """The snapshot of a real AMA claim, built by the service that freezes it."""
    from django.utils import timezone

    from bench import seeding
    from certificates.services import _claim_for_snapshot, certificate_number_for, verification_code_generate
    from certificates.snapshots import certificate_snapshot
    from claims.services import claim_submit

    (learner, _), *_ = seeding.learners_create(1, prefix="render", degrees=["MD"])
    activity = seeding.open_activity(title="Medicine Grand Rounds: Advances in Heart Failure Management")
    seeding.attendance_create([learner], activity.sessions.get())
    seeding.evaluations_create([learner], activity)
    claim = claim_submit(
        user=learner, activity=activity, credit_type="ama-pra-1", credits=activity.sessions.get().credit_hours
    )
    return certificate_snapshot(
        claim=_claim_for_snapshot(claim), issued_at=timezone.now(), number=certificate_number_for(claim),
        code=verification_code_generate(), version=1,
    )  # fmt: skip


def render_comparison(renders: int, blocks: int = 10) -> dict:
    """Alternating blocks of project and bare renders; CPU time (robust to a busy machine) and wall time."""
    from bench.bare_certificate import register_fonts, render_bare
    from certificates.pdf import CertificateDocument, render_certificate

    snapshot = sample_snapshot()

    def project():
        return render_certificate(CertificateDocument.from_dict(snapshot))

    register_fonts()
    sizes = {"project": len(project()), "bare": len(render_bare())}  # warm-up: fonts parsed, modules imported
    cpu, wall = {"project": 0.0, "bare": 0.0}, {"project": 0.0, "bare": 0.0}
    per_block = max(1, renders // blocks)
    for block in range(blocks):
        for name in ("project", "bare") if block % 2 == 0 else ("bare", "project"):
            render = project if name == "project" else render_bare
            started, started_cpu = time.perf_counter(), time.process_time()
            for _ in range(per_block):
                render()
            cpu[name] += time.process_time() - started_cpu
            wall[name] += time.perf_counter() - started
    count = per_block * blocks
    return {
        "count": count,
        "project_ms": 1000 * cpu["project"] / count,
        "bare_ms": 1000 * cpu["bare"] / count,
        "project_wall_ms": 1000 * wall["project"] / count,
        "bare_wall_ms": 1000 * wall["bare"] / count,
        "sizes": sizes,
    }


def bare_wall_rate(seconds: float = 3.0) -> float:
    """Bare renders per second of wall time on one core, now (the machine is shared: load changes)."""
    from bench.bare_certificate import render_bare

    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds:
        render_bare()
        count += 1
    return count / (time.perf_counter() - started)


# --- (b) 2,500 at once ------------------------------------------------------------------------------


def wait_for_worker(timeout: float = 90) -> None:
    """A heartbeat task proves the worker consumes this queue."""
    from cme.models import WorkerHeartbeat
    from cme.tasks import heartbeat

    heartbeat.delay("bench-certificates")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if WorkerHeartbeat.objects.filter(name="bench-certificates").exists():
            return
        time.sleep(0.2)
    raise RuntimeError("the worker did not consume a heartbeat task")


class ReadyWatcher(threading.Thread):
    """Polls the database (its own connection) until every certificate of the activity is ready."""

    def __init__(self, activity_id: int, expected: int, timeout: float):
        super().__init__(daemon=True)
        self.activity_id, self.expected, self.timeout = activity_id, expected, timeout
        self.all_ready_at: float | None = None
        self.ready = 0

    def run(self) -> None:
        from django.db import connection

        from certificates.models import Certificate

        deadline = time.perf_counter() + self.timeout
        try:
            while time.perf_counter() < deadline:
                self.ready = Certificate.objects.filter(claim__activity_id=self.activity_id, status="ready").count()
                if self.ready >= self.expected:
                    self.all_ready_at = time.perf_counter()
                    return
                time.sleep(0.25)
        finally:
            connection.close()


def submit_claims(learners, activity, credits, *, at_once: bool, before_commit) -> dict:
    """claim_submit for each learner; the time spent, the clock start and the last commit (and enqueue).

    At once (the default): every claim_submit runs inside one outer transaction, so the claims commit
    together and their on-commit enqueues follow the commit; the clock starts at that commit, and
    `before_commit()` runs just before it. Otherwise each claim commits (and enqueues) on its own,
    `before_commit()` runs before the first, and the clock starts at the first commit.
    """
    from django.db import transaction

    from bench.seeding import credit_type_for
    from claims.services import claim_submit

    times = {"before_commit": None if at_once else before_commit()}
    started = time.perf_counter()
    with transaction.atomic() if at_once else contextlib.nullcontext():
        for user, _ in learners:
            claim_submit(user=user, activity=activity, credit_type=credit_type_for(user), credits=credits)
            times.setdefault("clock", time.perf_counter())
        times["submitted"] = time.perf_counter() - started
        if at_once:
            times["before_commit"] = before_commit()
            times["clock"] = time.perf_counter()  # leaving the block commits, then runs the enqueues
    times["last_commit"] = time.perf_counter()
    return times


def burst(stack, env, args) -> dict:
    from bench import seeding
    from certificates.models import Certificate

    log(f"seeding {args.claims} learners who attended and evaluated one session")
    learners, activity, credits = seeding.claimable(args.claims, prefix="certs", title="Heart Failure Course")
    harness.purge_queue(env["CELERY_TASK_DEFAULT_QUEUE"])  # the render task of (a)'s sample claim
    worker = stack.celery_worker(env=env, name="worker", concurrency=args.concurrency, app="cme")
    wait_for_worker()
    log(f"worker up (pool {harness.pool_pids(worker.pid)}); submitting {args.claims} claims")
    watcher = ReadyWatcher(activity.pk, args.claims, args.timeout)
    pids = harness.pool_pids(worker.pid) if args.profile else []
    with harness.PeakMemory(lambda: [worker.pid]) as memory, harness.Profiler(stack, pids, "pool") as profiler:
        watcher.start()
        times = submit_claims(learners, activity, credits, at_once=not args.per_claim, before_commit=bare_wall_rate)
        log(f"claims submitted in {times['submitted']:.1f} s, committed and enqueued in "
            f"{times['last_commit'] - times['clock']:.1f} s; waiting for the renders")  # fmt: skip
        watcher.join()
        master_peak = harness.memory_kb(worker.pid).get("VmHWM", 0) / 1024
    bare_after = bare_wall_rate()
    if args.profile:
        stack.keep_logs = True
        print(profiler.summary(top=45))
    certificates = Certificate.objects.filter(claim__activity=activity)
    rendered = sorted(certificates.exclude(rendered_at=None).values_list("rendered_at", flat=True))
    media = Path(env["MEDIA_ROOT"]) / "certificates"
    files = sum(1 for _ in media.glob("*/*.pdf")) if media.exists() else 0
    return {
        "claims": args.claims,
        "ready": watcher.ready,
        "failed": certificates.filter(status="failed").count(),
        "retried": certificates.filter(attempts__gt=1).count(),
        "files": files,
        "submit_seconds": times["submitted"],
        "commit_seconds": times["last_commit"] - times["clock"],
        "total_seconds": (watcher.all_ready_at or time.perf_counter()) - times["clock"],
        "all_ready": watcher.all_ready_at is not None,
        "render_span": (rendered[-1] - rendered[0]).total_seconds() if len(rendered) > 1 else float("nan"),
        "peaks_mb": {pid: kb / 1024 for pid, kb in memory.peaks.items()},
        "master_mb": master_peak,
        "whole_mb": memory.whole_max_mb(),
        "worker_cpu": memory.cpu_used(),
        "bare_wall_rates": [times["before_commit"], bare_after],
    }


def main() -> int:
    args = arguments()
    queue = f"bench-certs-{os.getpid()}"
    with harness.Stack("certificates", keep_logs=args.keep_logs) as stack:
        env = harness.service_env(
            database=harness.database_url(DATABASE), broker=BROKER, cache=CACHE, queue=queue,
            media_root=stack.path("media"),
        )  # fmt: skip
        log(f"recreating database {DATABASE}, migrating")
        harness.recreate_database(DATABASE)
        for url in (BROKER, CACHE):
            harness.flush_redis(url)
            stack.cleanups.append(lambda url=url: harness.flush_redis(url))
        harness.migrate(env)
        harness.setup_django(env)

        log(f"(a) rendering {args.renders} certificates each way, alternating blocks")
        single = render_comparison(args.renders)
        log(f"(a) project {single['project_ms']:.2f} ms, bare {single['bare_ms']:.2f} ms")
        figures = burst(stack, env, args)
        return report(args, single, figures)


def report(args, single: dict, burst_figures: dict) -> int:
    f, n = burst_figures, args.concurrency
    ratio = single["project_ms"] / single["bare_ms"]
    wall_ratio = single["project_wall_ms"] / single["bare_wall_ms"]
    rate = f["ready"] / f["total_seconds"]
    bare_wall = sum(f["bare_wall_rates"]) / len(f["bare_wall_rates"])
    reference = n * bare_wall
    bare_cpu_rate = 1000 / single["bare_ms"]
    per_cpu_second = f["ready"] / f["worker_cpu"] if f["worker_cpu"] else float("nan")
    peak = max(f["peaks_mb"].values(), default=0.0)
    banner("Certificates")
    print(f"  machine: {harness.machine()}")
    print(f"  (a) one certificate, {single['count']} renders each way in alternating blocks, this process:")
    print(f"      project (snapshot -> CertificateDocument -> render_certificate): {single['project_ms']:.2f} ms CPU, "
          f"{single['project_wall_ms']:.2f} ms wall, {single['sizes']['project']:,} bytes")  # fmt: skip
    print(f"      bare ReportLab (bench/bare_certificate.render_bare):            {single['bare_ms']:.2f} ms CPU, "
          f"{single['bare_wall_ms']:.2f} ms wall, {single['sizes']['bare']:,} bytes")  # fmt: skip
    print(f"      ratio project / bare: {ratio:.2f} (CPU time), {wall_ratio:.2f} (wall time)")
    mode = "each committed on its own" if args.per_claim else "in one transaction, committed at once"
    print(
        f"  (b) {f['claims']} claims through claim_submit ({mode}); 1 Celery worker x {n} pool processes, Redis, PostgreSQL"
    )
    print(f"      claim_submit: {f['submit_seconds']:.1f} s ({f['claims'] / f['submit_seconds']:.0f} claims/s); "
          f"commit + {f['claims']} enqueues: {f['commit_seconds']:.1f} s")  # fmt: skip
    print(f"      all ready: {f['all_ready']} ({f['ready']} ready, {f['failed']} failed, {f['retried']} retried, "
          f"{f['files']} PDF files) {f['total_seconds']:.1f} s after the {'first ' if args.per_claim else ''}commit")  # fmt: skip
    print(f"      certificates/s: {rate:.1f} (workers' own span, first to last rendered: "
          f"{f['ready'] / f['render_span']:.1f}/s)")  # fmt: skip
    print(f"      bare single-core render rate, wall clock, measured just before and after: "
          f"{', '.join(f'{r:.1f}/s' for r in f['bare_wall_rates'])}; x {n} = {reference:.1f}/s")  # fmt: skip
    print(f"      ratio certificates/s / ({n} x bare): {rate / reference:.2f}")
    print(f"      CPU-normalised: the worker (master + pool) used {f['worker_cpu']:.1f} CPU s = {per_cpu_second:.1f} "
          f"certificates per CPU second; bare renders {bare_cpu_rate:.1f} per CPU second; ratio "
          f"{per_cpu_second / bare_cpu_rate:.2f}")  # fmt: skip
    print(f"      peak RSS per pool process (VmHWM): "
          f"{', '.join(f'{mb:.0f} MB' for mb in f['peaks_mb'].values())}; worker master {f['master_mb']:.0f} MB")  # fmt: skip
    print(f"      peak of the whole worker, master + pool (proportional set size, shared pages once): "
          f"{f['whole_mb']:.0f} MB")  # fmt: skip

    targets = Targets()
    targets.check(
        "(a) render ratio <= 1.5", ratio <= RENDER_RATIO_TARGET, f"{ratio:.2f} (CPU), {wall_ratio:.2f} (wall)"
    )
    targets.check("(b) all certificates ready, one file each", f["all_ready"] and f["ready"] == f["claims"] == f["files"],
                  f"{f['ready']}/{f['claims']} ready, {f['files']} files")  # fmt: skip
    targets.check(f"(b) certificates/s >= 0.6 x ({n} x bare rate)", rate / reference >= THROUGHPUT_RATIO_TARGET,
                  f"{rate / reference:.2f}")  # fmt: skip
    targets.check("(b) peak memory per worker process < 200 MB", 0 < peak < MEMORY_TARGET_MB, f"{peak:.0f} MB")
    targets.check(f"(b) whole Celery worker (master + {n} pool, PSS) < 250 MB", 0 < f["whole_mb"] < WORKER_TARGET_MB,
                  f"{f['whole_mb']:.0f} MB")  # fmt: skip
    return targets.report()


if __name__ == "__main__":
    sys.exit(main())
