"""Mixed load: 50 concurrent users against gunicorn (2 workers) and 2 Celery workers, PostgreSQL, Redis.

Seeds a catalog with `manage.py seed_scale` (moderate by default, `--full` at the size the service
is designed for; a bulk_create catalog if the command is missing or fails), then pools made through
the services: learners checking in to a session open now, learners ready to claim, and learners
whose certificates the workers render before the load starts.

Each user loops over a weighted mix: catalog browsing with filters (API and page), activity pages
(API and page), check-ins, claims, certificate downloads, transcript views and verification lookups.
Two phases, each printing requests/s, p50/p95/p99 per endpoint and errors:
  1. capacity: 50 users without pause, for the overall requests/s, compared with a bare Django JSON
     view (bench/bare) under the same client and gunicorn setup, measured in the same run;
  2. 50 users who pause 0.5-1.5 s between requests (a person reading), for the latency target.
Also the peak RSS of each gunicorn worker and Celery pool process.

Targets (issue 9): p99 under 300 ms for every endpoint at 50 users (phase 2), 0 errors, peak RSS of a
gunicorn worker under 250 MB.

    .venv/bin/python bench/load.py [--users 50] [--capacity-seconds 30] [--seconds 60] [--full] [--profile]

`--profile` samples the gunicorn workers with py-spy during phase 1 (pip install py-spy).
"""

import argparse
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness
from bench.harness import REDIS, Client, Targets, banner, log, summarize

DATABASE = "cme_bench_load"
BROKER, CACHE = f"{REDIS}/8", f"{REDIS}/9"
P99_TARGET_MS, MEMORY_TARGET_MB = 300.0, 250.0
MODERATE = {"learners": 5_000, "activities": 500, "attendance": 100_000}
FULL = {"learners": 50_000, "activities": 5_000, "attendance": 1_000_000}
WEIGHTS = {
    "catalog": 20, "catalog_page": 5, "activity": 10, "activity_page": 10, "checkin": 10, "claim": 5,
    "download": 10, "transcript": 10, "verify": 20,
}  # fmt: skip
SEARCH_WORDS = ["sepsis", "heart", "opioid", "stroke", "grand rounds", "update", "care", "diabetes"]


def arguments():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--capacity-seconds", type=float, default=30, help="phase 1, no pauses (default 30)")
    parser.add_argument("--seconds", type=float, default=60, help="phase 2, users pausing 0.5-1.5 s (default 60)")
    parser.add_argument("--think", type=float, default=1.0, help="mean pause in phase 2, seconds (default 1.0)")
    parser.add_argument("--bare-seconds", type=float, default=15, help="bare JSON view measurement (default 15)")
    parser.add_argument(
        "--full", action="store_true", help="seed_scale 50,000 learners, 5,000 activities, 1M attendance"
    )
    parser.add_argument("--owners", type=int, default=300, help="learners with certificates rendered before the load")
    parser.add_argument(
        "--weight",
        action="append",
        default=[],
        metavar="ENDPOINT=N",
        help=f"change an endpoint's share of requests (default {WEIGHTS})",
    )
    parser.add_argument("--web-workers", type=int, default=2, help="experiment: gunicorn sync workers (default 2)")
    parser.add_argument("--profile", action="store_true", help="py-spy the gunicorn workers during phase 1")
    parser.add_argument("--keep-logs", action="store_true")
    args = parser.parse_args()
    for item in args.weight:
        name, _, value = item.partition("=")
        if name not in WEIGHTS:
            parser.error(f"unknown endpoint {name!r}; one of {', '.join(WEIGHTS)}")
        WEIGHTS[name] = int(value)
    return args


# --- Seeding -------------------------------------------------------------------------------------------


def seed_catalog(env: dict, size: dict) -> str:
    """seed_scale when it exists and works; else a bulk_create catalog. Returns what was used."""
    from django.core.management import get_commands

    if "seed_scale" in get_commands():
        args = [f"--{name}={value}" for name, value in size.items()]
        result = subprocess.run([harness.PYTHON, "manage.py", "seed_scale", *args], cwd=harness.ROOT, env=env,
                                capture_output=True, text=True)  # fmt: skip
        if result.returncode == 0:
            return f"manage.py seed_scale {' '.join(args)}"
        print(f"  seed_scale failed, falling back to bulk_create:\n{result.stderr[-2000:]}", file=sys.stderr)
    from bench import seeding

    seeding.catalog_bulk(**size)
    return f"bench.seeding.catalog_bulk {size}"


def seeded_certificate_holders(limit: int = 2_000) -> list[tuple[int, str]]:
    """Tokens for seed_scale learners holding ready certificates: [(certificate id, token)]."""
    from rest_framework.authtoken.models import Token

    from accounts.models import User
    from certificates.models import Certificate

    users = list(User.objects.filter(email__endswith="@seed.cme.test", claims__certificate__status="ready")
                 .distinct().order_by("pk")[:limit])  # fmt: skip
    tokens = {
        t.user_id: t.key for t in Token.objects.bulk_create([Token(key=Token.generate_key(), user=u) for u in users])
    }
    certificates = Certificate.objects.filter(claim__user_id__in=tokens, status="ready").values_list(
        "pk", "claim__user_id"
    )
    return [(pk, tokens[user_id]) for pk, user_id in certificates]


def write_placeholder(media_root: Path, snapshot: dict) -> None:
    """seed_scale's certificates all point at one placeholder file: give it a real certificate's bytes."""
    from certificates.pdf import CertificateDocument, render_certificate

    path = media_root / "certificates" / "seed" / "placeholder.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(render_certificate(CertificateDocument.from_dict(snapshot)))


def seed_pools(env: dict, args) -> dict:
    """Pools made through the services: check-ins, claims, and owners of rendered certificates."""
    from django.db import transaction

    from bench import seeding
    from certificates.models import Certificate
    from claims.services import claim_submit

    checkin_learners = seeding.learners_create(3_000, prefix="load-checkin")
    checkin_code = seeding.open_activity(title="Medicine Grand Rounds").sessions.get().checkin_code
    claimers, claim_activity, claim_credits = seeding.claimable(2_000, prefix="load-claim", title="Sepsis Course")
    owners, owner_activity, owner_credits = seeding.claimable(args.owners, prefix="load-owner", title="Stroke Update")
    with transaction.atomic():  # committed at once; the workers render them before the load starts
        for user, _ in owners:
            claim_submit(user=user, activity=owner_activity, credit_type=seeding.credit_type_for(user),
                         credits=owner_credits)  # fmt: skip
    tokens = {user.pk: token for user, token in owners}
    certificates = Certificate.objects.filter(claim__activity=owner_activity)
    deadline = time.monotonic() + 600
    while certificates.filter(status="ready").count() < len(owners):
        if time.monotonic() > deadline:
            raise RuntimeError("the workers did not render the owners' certificates in 10 minutes")
        time.sleep(1)
    owned = [(c.pk, tokens[c.claim.user_id], c.verification_code) for c in certificates.select_related("claim")]
    return {
        "checkin": [token for _, token in checkin_learners],
        "checkin_code": checkin_code,
        "claim": [(user, token) for user, token in claimers],
        "claim_activity": claim_activity.pk,
        "claim_credits": f"{claim_credits:.2f}",
        "owned": owned,
        "snapshot": certificates.first().snapshot,
    }


def catalog_params() -> dict:
    from activities.models import Activity, ActivityType, Objective

    return {
        "activities": list(Activity.objects.filter(status="published").values_list("pk", flat=True)[:5_000]),
        "types": list(ActivityType.objects.values_list("code", flat=True)),
        "objectives": list(Objective.objects.values_list("slug", flat=True)),
    }


# --- The users -----------------------------------------------------------------------------------------


class Mix:
    """The weighted requests a user makes; pools of single-use learners are shared by all users."""

    def __init__(self, client: Client, pools: dict, catalog: dict, transcript_holders: list):
        self.client, self.pools, self.catalog = client, pools, catalog
        self.lock = threading.Lock()
        self.checkin = list(pools["checkin"])
        self.claim = list(pools["claim"])
        # seed_scale's certificates carry a stub snapshot: downloads use certificates issued by the services.
        self.downloads = [(pk, token) for pk, token, _ in pools["owned"]]
        self.transcripts = [token for _, token in self.downloads + transcript_holders]
        self.codes = [code for _, _, code in pools["owned"]]
        self.names = [name for name, weight in WEIGHTS.items() if weight > 0]
        self.weights = [WEIGHTS[name] for name in self.names]
        self.exhausted = {"checkin": 0, "claim": 0}

    def _take(self, pool: list):
        with self.lock:
            return pool.pop() if pool else None

    def filters(self, rng: random.Random) -> str:
        parts = [f"objective={rng.choice(self.catalog['objectives'])}"]
        if rng.random() < 0.5:
            parts.append(f"activity_type={rng.choice(self.catalog['types'][:3])}")
        if rng.random() < 0.3:
            parts.append(f"search={rng.choice(SEARCH_WORDS).replace(' ', '+')}")
        if rng.random() < 0.3:
            parts.append(f"starts_after={(time.gmtime().tm_year - 1)}-{rng.randint(1, 12):02d}-01")
        if len(parts) == 1 and rng.random() < 0.3:  # a further page of one objective (several pages long)
            parts.append(f"page={rng.randint(2, 3)}")
        return "&".join(parts)

    def request(self, rng: random.Random) -> harness.Sample:
        name = rng.choices(self.names, self.weights)[0]
        request = self.client.request
        if name == "catalog":
            return request(name, "GET", f"/api/v1/activities/?{self.filters(rng)}")[0]
        if name == "catalog_page":
            return request(name, "GET", f"/activities/?{self.filters(rng)}")[0]
        if name == "activity":
            return request(name, "GET", f"/api/v1/activities/{rng.choice(self.catalog['activities'])}/")[0]
        if name == "activity_page":
            return request(name, "GET", f"/activities/{rng.choice(self.catalog['activities'])}/")[0]
        if name == "checkin":
            token = self._take(self.checkin) or rng.choice(self.pools["checkin"])  # a repeat answers 200
            body = {"code": self.pools["checkin_code"]}
            return request(name, "POST", "/api/v1/checkins/", token=token, body=body)[0]
        if name == "claim":
            taken = self._take(self.claim)
            if taken is None:
                self.exhausted["claim"] += 1
                return request("verify", "GET", f"/api/v1/verify/{rng.choice(self.codes)}/")[0]
            from bench.seeding import credit_type_for

            user, token = taken
            body = {"activity": self.pools["claim_activity"], "credit_type": credit_type_for(user),
                    "credits": self.pools["claim_credits"]}  # fmt: skip
            return request(name, "POST", "/api/v1/claims/", token=token, body=body)[0]
        if name == "download":
            pk, token = rng.choice(self.downloads)
            return request(name, "GET", f"/api/v1/certificates/{pk}/pdf/", token=token)[0]
        if name == "transcript":
            return request(name, "GET", "/api/v1/me/transcript/", token=rng.choice(self.transcripts))[0]
        return request(name, "GET", f"/api/v1/verify/{rng.choice(self.codes)}/")[0]


def run_phase(make_request, *, users: int, seconds: float, think: float, warmup: float = 3.0):
    """`users` threads looping until the end; samples of requests started after the warm-up."""
    samples: list[harness.Sample] = []
    lock = threading.Lock()
    begin = time.perf_counter() + warmup
    end = begin + seconds

    def user(seed: int):
        rng = random.Random(seed)
        while time.perf_counter() < end:
            sample = make_request(rng)
            if sample.started >= begin and sample.started + sample.seconds <= end:
                with lock:
                    samples.append(sample)
            if think:
                time.sleep(rng.uniform(0.5 * think, 1.5 * think))

    threads = [threading.Thread(target=user, args=(index,), daemon=True) for index in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples, seconds


def by_endpoint(samples, seconds) -> dict:
    endpoints = sorted({s.endpoint for s in samples})
    table = {name: summarize([s for s in samples if s.endpoint == name], seconds) for name in endpoints}
    table["all"] = summarize(samples, seconds)
    return table


# --- Run -----------------------------------------------------------------------------------------------


def main() -> int:
    args = arguments()
    size = FULL if args.full else MODERATE
    queue = f"bench-load-{os.getpid()}"
    with harness.Stack("load", keep_logs=args.keep_logs) as stack:
        media = stack.path("media")
        env = harness.service_env(database=harness.database_url(DATABASE), broker=BROKER, cache=CACHE, queue=queue,
                                  media_root=media)  # fmt: skip
        bare_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.bare.settings"}
        log(f"recreating database {DATABASE}, migrating")
        harness.recreate_database(DATABASE)
        for url in (BROKER, CACHE):
            harness.flush_redis(url)
            stack.cleanups.append(lambda url=url: harness.flush_redis(url))
        harness.migrate(env)
        harness.setup_django(env)
        log(f"seeding the catalog: {size}")
        started = time.perf_counter()
        seed = seed_catalog(env, size)
        seed_seconds = time.perf_counter() - started
        workers = [stack.celery_worker(env=env, name=f"worker-{i}", concurrency=1) for i in (1, 2)]
        log("seeding pools through the services; the workers render the owners' certificates")
        pools = seed_pools(env, args)
        write_placeholder(media, pools["snapshot"])
        holders = seeded_certificate_holders()
        catalog = catalog_params()

        bare_port = harness.free_port()
        bare = stack.gunicorn(env=bare_env, port=bare_port, app="bench.bare.wsgi:application", name="gunicorn-bare")
        bare_client = Client(bare_port)
        log(f"bare JSON view, {args.users} users without pause, {args.bare_seconds:.0f} s")
        bare_samples, bare_seconds = run_phase(lambda rng: bare_client.request("bare-json", "GET", "/ping")[0],
                                               users=args.users, seconds=args.bare_seconds, think=0)  # fmt: skip
        stack.stop(bare, sig=signal.SIGINT)

        port = harness.free_port()
        web = stack.gunicorn(env=env, port=port, name="gunicorn", workers=args.web_workers)
        mix = Mix(Client(port), pools, catalog, holders)
        with harness.PeakMemory(lambda: [web.pid]) as web_memory, \
                harness.PeakMemory(lambda: [w.pid for w in workers]) as worker_memory:  # fmt: skip
            log(f"phase 1: {args.users} users without pause, {args.capacity_seconds:.0f} s")
            pids = harness.pool_pids(web.pid) if args.profile else []
            with harness.Profiler(stack, pids, "load-profile") as profiler:
                capacity = run_phase(mix.request, users=args.users, seconds=args.capacity_seconds, think=0)
            log(f"phase 2: {args.users} users pausing 0.5-1.5 x {args.think} s, {args.seconds:.0f} s")
            steady = run_phase(mix.request, users=args.users, seconds=args.seconds, think=args.think)
        seeded_verify = verify_seeded_certificate(Client(port))
        if args.profile:
            stack.keep_logs = True
            print(profiler.summary(top=40))
        return report(
            args, seed=seed, seed_seconds=seed_seconds, bare=summarize(bare_samples, bare_seconds),
            capacity=by_endpoint(*capacity), steady=by_endpoint(*steady), web_peaks=web_memory.peaks,
            worker_peaks=worker_memory.peaks, mix=mix, seeded_verify=seeded_verify,
            server_errors=harness.server_errors(stack.path("gunicorn.log").read_text(errors="replace")),
        )  # fmt: skip


def verify_seeded_certificate(client: Client) -> str:
    """What the public verification of a seed_scale certificate answers (its snapshot is a stub)."""
    from certificates.models import Certificate

    certificate = Certificate.objects.filter(snapshot__seeded=True, status="ready").first()
    if certificate is None:
        return ""
    sample, _ = client.request("verify", "GET", f"/api/v1/verify/{certificate.verification_code}/")
    return f"GET /api/v1/verify/<a seed_scale certificate's code>/ -> {sample.status}"


def table(title: str, figures: dict) -> None:
    print(f"  {title}")
    print(f"    {'endpoint':<15}{'requests':>9}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}"
          f"{'errors':>8}  statuses")  # fmt: skip
    for name, f in figures.items():
        print(f"    {name:<15}{f['requests']:>9}{f['rate']:>9.1f}{f['p50']:>9.1f}{f['p95']:>9.1f}{f['p99']:>9.1f}"
              f"{f['max']:>9.1f}{f['errors']:>8}  {f['statuses']}")  # fmt: skip


def report(
    args, *, seed, seed_seconds, bare, capacity, steady, web_peaks, worker_peaks, mix, seeded_verify, server_errors
) -> int:
    banner(
        f"Mixed load: {args.users} users, gunicorn {args.web_workers} sync workers, 2 Celery workers, PostgreSQL, Redis"
    )
    print(f"  machine: {harness.machine()}")
    print(f"  seed: {seed} ({seed_seconds:.0f} s) + pools through the services")
    print(f"  mix (weights): {WEIGHTS}")
    table(f"phase 1, capacity: {args.users} users without pause, {args.capacity_seconds:.0f} s", capacity)
    print(f"  bare Django JSON view (bench/bare), {args.users} users without pause: {bare['rate']:.1f} req/s, "
          f"p50 {bare['p50']:.1f} ms, p99 {bare['p99']:.1f} ms, errors {bare['errors']}")  # fmt: skip
    ratio = capacity["all"]["rate"] / bare["rate"] if bare["rate"] else float("nan")
    print(f"  ratio mixed requests/s / bare JSON requests/s: {ratio:.3f}")
    table(f"phase 2: {args.users} users pausing {0.5 * args.think:.1f}-{1.5 * args.think:.1f} s, "
          f"{args.seconds:.0f} s", steady)  # fmt: skip
    print(f"  peak RSS per gunicorn worker: {', '.join(f'{kb / 1024:.0f} MB' for kb in web_peaks.values())}; "
          f"per Celery pool process: {', '.join(f'{kb / 1024:.0f} MB' for kb in worker_peaks.values())}")  # fmt: skip
    print(f"  pools left: check-ins {len(mix.checkin)}, claims {len(mix.claim)} (claims replaced by a verify when "
          f"empty: {mix.exhausted['claim']})")  # fmt: skip
    if seeded_verify:
        print(f"  note: {seeded_verify}")
    print(f"  server errors by cause (gunicorn log, including that probe): {server_errors or 'none'}")

    targets = Targets()
    slow = {name: f["p99"] for name, f in steady.items() if name != "all" and f["p99"] >= P99_TARGET_MS}
    targets.check(f"phase 2 p99 < 300 ms for every endpoint at {args.users} users", not slow,
                  ", ".join(f"{n} {v:.0f} ms" for n, v in slow.items()) or "all under")  # fmt: skip
    errors = capacity["all"]["errors"] + steady["all"]["errors"]
    targets.check(
        "0 errors", errors == 0, f"{errors} (phase 1 {capacity['all']['errors']}, phase 2 {steady['all']['errors']})"
    )
    web_peak = max(web_peaks.values(), default=0) / 1024
    targets.check("peak RSS per gunicorn worker under the mixed load < 250 MB", 0 < web_peak < MEMORY_TARGET_MB,
                  f"{web_peak:.0f} MB")  # fmt: skip
    # Phase 1 has no latency target: 50 users who never pause keep ~50 requests queued at 2 sync
    # workers, so each waits ~50 / (requests/s) whatever the code does (Little's law).
    queued_ms = 1000 * args.users / capacity["all"]["rate"] if capacity["all"]["rate"] else float("nan")
    print(f"  note: phase 1 p99 {capacity['all']['p99']:.0f} ms is mostly queueing: {args.users} users without pause "
          f"at {capacity['all']['rate']:.0f} req/s wait ~{queued_ms:.0f} ms each (Little's law)")  # fmt: skip
    return targets.report()


if __name__ == "__main__":
    sys.exit(main())
