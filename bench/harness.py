"""What every benchmark needs: its own databases, child processes it always cleans up, an HTTP load client.

The benchmarks run on a machine shared with other engineers' test runs, so each one uses its own
PostgreSQL databases, Redis database numbers (4-9 on the shared server, or its own server), Celery
queue and gunicorn port (8100-8199), and terminates only the processes it started.
"""

import contextlib
import http.client
import json
import math
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PYTHON = str(BIN / "python")
PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"
REDIS = "redis://127.0.0.1:6379"
HIGH_RATE = "1000000/min"


def database_url(name: str, *, port: int = PG_PORT) -> str:
    return f"postgres://{PG_USER}@{PG_HOST}:{port}/{name}"


def psql(sql: str, *, port: int = PG_PORT, database: str = "postgres") -> str:
    result = subprocess.run(
        ["psql", "-h", PG_HOST, "-p", str(port), "-U", PG_USER, "-d", database, "-v", "ON_ERROR_STOP=1",
         "-qAtc", sql],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return result.stdout.strip()


def recreate_database(name: str, *, port: int = PG_PORT) -> None:
    """Drop (closing its connections) and create one of this benchmark's own databases."""
    assert name.startswith("cme_bench_"), name  # never touch anyone else's database
    psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', port=port)
    psql(f'CREATE DATABASE "{name}"', port=port)


def drop_database(name: str, *, port: int = PG_PORT) -> None:
    assert name.startswith("cme_bench_"), name
    with contextlib.suppress(subprocess.CalledProcessError):
        psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', port=port)


def flush_redis(url: str) -> None:
    """Empty one of the benchmark's own Redis databases (4-9 on the shared server, or its own server)."""
    import redis

    if url.startswith(REDIS + "/"):
        assert 4 <= int(url.rsplit("/", 1)[1]) <= 9, url
    redis.Redis.from_url(url).flushdb()


def free_port(start: int = 8100, end: int = 8199) -> int:
    for port in range(start, end + 1):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {start}-{end}")


def service_env(*, database: str, broker: str, cache: str, queue: str, media_root: Path, **extra) -> dict:
    """The environment of every child (web, workers, beat) and of the benchmark's own Django setup."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CELERY_", "THROTTLE_", "DATABASE_", "CACHE_"))
    }
    env.update(
        SECRET_KEY=secrets.token_urlsafe(40),
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        PUBLIC_BASE_URL="https://cme.example.org",
        DATABASE_URL=database,
        CELERY_BROKER_URL=broker,
        CACHE_URL=cache,
        CACHE_KEY_PREFIX=f"{queue}-cache",
        CELERY_TASK_DEFAULT_QUEUE=queue,
        MEDIA_ROOT=str(media_root),
        EMAIL_URL="consolemail://",
        LOG_LEVEL="WARNING",
        LOG_FORMAT="text",  # server_errors() reads the plain tracebacks
        AXES_ENABLED="false",
        THROTTLE_LOGIN=HIGH_RATE,
        THROTTLE_REGISTER=HIGH_RATE,
        THROTTLE_CHECKIN=HIGH_RATE,
        THROTTLE_VERIFY=HIGH_RATE,
        THROTTLE_PASSWORD_RESET=HIGH_RATE,
        PYTHONPATH=str(ROOT),
        PYTHONUNBUFFERED="1",
        DJANGO_SETTINGS_MODULE="cme.settings",
    )
    env.update({key: str(value) for key, value in extra.items()})
    return env


def setup_django(env: dict) -> None:
    """Configure this process with the children's settings (seeding and checks go through the ORM)."""
    os.environ.update(env)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def purge_queue(queue: str) -> None:
    """Drop the messages waiting in one of this benchmark's queues (Django set up first)."""
    from cme.celery import app

    with app.connection_for_write() as connection, contextlib.suppress(Exception):
        connection.default_channel.queue_purge(queue)


def migrate(env: dict, *, settings: str = "cme.settings", syncdb: bool = False) -> None:
    args = [PYTHON, "-m", "django", "migrate", "--noinput", "-v", "0", f"--settings={settings}"]
    if syncdb:
        args.append("--run-syncdb")
    subprocess.run(args, cwd=ROOT, env=env, check=True)


# --- Child processes ---------------------------------------------------------------------------------


class Stack:
    """Starts children in their own process groups and terminates every one of them on exit, even on errors."""

    def __init__(self, name: str, *, keep_logs: bool = False):
        self.name = name
        self.keep_logs = keep_logs
        self.folder = Path(tempfile.mkdtemp(prefix=f"cme-bench-{name}-"))
        self.children: list[tuple[str, subprocess.Popen]] = []
        self.cleanups: list[Callable[[], None]] = []
        self.failed = False

    def __enter__(self) -> "Stack":
        signal.signal(signal.SIGTERM, _raise_interrupt)
        signal.signal(signal.SIGHUP, _raise_interrupt)
        return self

    def __exit__(self, kind, error, traceback) -> None:
        self.failed = self.failed or kind is not None
        self.close()

    def path(self, name: str) -> Path:
        return self.folder / name

    def spawn(self, name: str, args: list[str], *, env: dict, cwd: Path = ROOT, user: str | None = None):
        """Start a child in its own session (a Ctrl-C reaches only us; we stop it) logging to a file."""
        log = open(self.folder / f"{name}.log", "ab")  # noqa: SIM115 - the child keeps it open
        if user:
            args = ["runuser", "-u", user, "--", *args]
        process = subprocess.Popen(args, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        self.children.append((name, process))
        return process

    def log_tail(self, name: str, lines: int = 30) -> str:
        path = self.folder / f"{name}.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self, process: subprocess.Popen, *, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
        """Signal the child's whole process group, wait, then SIGKILL what is left."""
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, sig)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=timeout)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)  # pool processes outliving their master
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=5)

    def close(self) -> None:
        for name, process in reversed(self.children):
            sig = signal.SIGINT if name.startswith("gunicorn") else signal.SIGTERM
            try:
                self.stop(process, sig=sig, timeout=10)
            except Exception as error:  # keep cleaning up the others
                print(f"  (could not stop {name}: {error})", file=sys.stderr)
        self.children.clear()
        for cleanup in reversed(self.cleanups):
            try:
                cleanup()
            except Exception as error:
                print(f"  (cleanup failed: {error})", file=sys.stderr)
        self.cleanups.clear()
        if self.failed or self.keep_logs:
            print(f"  logs kept in {self.folder}", file=sys.stderr)
        else:
            shutil.rmtree(self.folder, ignore_errors=True)

    # -- the services ----------------------------------------------------------------------------------

    def gunicorn(self, *, env: dict, port: int, app: str = "cme.wsgi:application", workers: int = 2, name=None):
        name = name or f"gunicorn-{port}"
        process = self.spawn(
            name,
            [str(BIN / "gunicorn"), app, "-w", str(workers), "-b", f"127.0.0.1:{port}", "--timeout", "60",
             "--graceful-timeout", "5"],
            env=env,
        )  # fmt: skip
        wait_for_http(
            port, "/ping" if app.startswith("bench.bare") else "/healthz", process=process, stack=self, name=name
        )
        return process

    def celery_worker(self, *, env: dict, name: str, concurrency: int = 2, loglevel: str = "WARNING", app="cme"):
        return self.spawn(
            name,
            [str(BIN / "celery"), "-A", app, "worker", "-Q", env["CELERY_TASK_DEFAULT_QUEUE"],
             "-c", str(concurrency), "-n", f"{name}@%h", "--without-gossip", "--without-mingle",
             "--without-heartbeat", f"--loglevel={loglevel}"],
            env=env,
        )  # fmt: skip

    def celery_beat(self, *, env: dict, name: str = "beat"):
        schedule = self.folder / "beat-schedule"
        return self.spawn(
            name,
            [str(BIN / "celery"), "-A", "cme", "beat", "-s", str(schedule), "--loglevel=WARNING"],
            env=env,
        )

    def redis_server(self, *, port: int, name: str = "redis"):
        process = self.spawn(
            name,
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--daemonize", "no"],
            env=dict(os.environ),
        )  # fmt: skip
        wait_for_port(port, process=process, stack=self, name=name)
        return process


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def wait_for_port(port: int, *, process=None, stack=None, name="", timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{name} exited at start:\n{stack.log_tail(name) if stack else ''}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"{name} did not listen on {port} within {timeout}s")


def wait_for_http(port: int, path: str, *, process=None, stack=None, name="", timeout: float = 90) -> None:
    wait_for_port(port, process=process, stack=stack, name=name, timeout=timeout)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError, http.client.HTTPException):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{name}: GET {path} did not answer 200 within {timeout}s:\n{stack.log_tail(name)}")


def pool_pids(master_pid: int) -> list[int]:
    """The pool processes of a Celery (or gunicorn) master: its direct children."""
    try:
        return [int(pid) for pid in Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()]
    except (FileNotFoundError, ProcessLookupError, ValueError):
        return []


def memory_kb(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak resident set) of a live process, in kB."""
    values = {}
    with contextlib.suppress(FileNotFoundError, ProcessLookupError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0])
    return values


def pss_kb(pid: int) -> int:
    """Proportional set size of a live process in kB: its resident pages, shared ones divided among sharers.

    Summed over a prefork worker's master and pool processes it is the whole worker's memory without
    counting the pages the pool shares with the master (copy-on-write after the fork) more than once.
    """
    with contextlib.suppress(FileNotFoundError, ProcessLookupError, PermissionError):
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a live process has used."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class PeakMemory:
    """Samples some masters and their children in a background thread: each one's peak RSS and CPU time."""

    def __init__(self, masters: Callable[[], Iterable[int]], interval: float = 0.2):
        self.masters, self.interval = masters, interval
        self.peaks: dict[int, int] = {}  # pool processes only
        self.whole: dict[int, int] = {}  # per master: peak PSS of master + pool, kB
        self.cpu: dict[int, float] = {}  # masters and pool processes
        self.cpu_start: dict[int, float] = {}
        self._started = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "PeakMemory":
        self.sample()
        self._started = True
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.sample()
        self._stop.set()
        self._thread.join()

    def sample(self) -> None:
        for master in list(self.masters()):
            children = pool_pids(master)
            for pid in children:
                peak = memory_kb(pid).get("VmHWM")
                if peak:
                    self.peaks[pid] = max(self.peaks.get(pid, 0), peak)
            whole = sum(pss_kb(pid) for pid in (master, *children))
            self.whole[master] = max(self.whole.get(master, 0), whole)
            for pid in (master, *children):
                used = cpu_seconds(pid)
                if used:
                    self.cpu_start.setdefault(pid, used if not self._started else 0.0)
                    self.cpu[pid] = max(self.cpu.get(pid, 0.0), used)

    def cpu_used(self) -> float:
        """CPU seconds the sampled processes used while sampled (a pool process born later counts whole)."""
        return sum(self.cpu[pid] - self.cpu_start.get(pid, 0.0) for pid in self.cpu)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def max_mb(self) -> float:
        return max(self.peaks.values(), default=0) / 1024

    def whole_max_mb(self) -> float:
        """The largest peak, over the masters sampled, of master + pool processes (PSS), in MB."""
        return max(self.whole.values(), default=0) / 1024


def server_errors(log_text: str) -> dict[str, int]:
    """Django's `Internal Server Error` tracebacks in a gunicorn log, by exception and innermost project frame."""
    causes: dict[str, int] = defaultdict(int)
    frame_pattern = re.compile(r'File "' + re.escape(str(ROOT)) + r'/(?!\.venv)([^"]+)", line (\d+), in (\w+)')
    for block in log_text.split("Internal Server Error: ")[1:]:
        lines = block.splitlines()
        end = next((i for i, line in enumerate(lines[1:], 1) if re.match(r"^\[?\d{4}-\d\d-\d\d", line)), len(lines))
        lines = lines[:end]
        frames = [m.groups() for m in map(frame_pattern.search, lines) if m]
        error = next((line for line in reversed(lines) if re.match(r"^[\w.]+(Error|Exception|Shutdown)\b", line)),
                     "unknown")  # fmt: skip
        where = f" at {frames[-1][0]}:{frames[-1][1]} {frames[-1][2]}" if frames else ""
        causes[f"{error.split(':')[0]}{where}"] += 1
    return dict(sorted(causes.items(), key=lambda item: -item[1]))


class Profiler:
    """py-spy (installed in the venv, not a requirement) sampling some processes while the block runs."""

    def __init__(self, stack: Stack, pids: list[int], name: str, *, idle: bool = False):
        self.stack, self.pids, self.name, self.idle = stack, pids, name, idle
        self.outputs: list[Path] = []
        self.processes: list[subprocess.Popen] = []

    def __enter__(self) -> "Profiler":
        spy = BIN / "py-spy"
        if not spy.exists():
            print("  (--profile needs py-spy: .venv/bin/pip install py-spy)", file=sys.stderr)
            return self
        for pid in self.pids:
            output = self.stack.path(f"{self.name}-{pid}.txt")
            args = [str(spy), "record", "--pid", str(pid), "--format", "raw", "--rate", "200", "--nonblocking",
                    "--output", str(output)] + (["--idle"] if self.idle else [])  # fmt: skip
            self.processes.append(subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            self.outputs.append(output)
        time.sleep(0.5)  # py-spy attaches
        return self

    def __exit__(self, *exc) -> None:
        for process in self.processes:
            process.send_signal(signal.SIGINT)
        for process in self.processes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=30)

    def summary(self, top: int = 30) -> str:
        """Inclusive share of the samples for the frames below the request wrappers (2 % to 85 % of samples)."""
        inclusive: dict[str, int] = defaultdict(int)
        total = 0
        for output in self.outputs:
            if not output.exists():
                continue
            for line in output.read_text(errors="replace").splitlines():
                stack_text, _, count = line.rpartition(" ")
                if not count.isdigit():
                    continue
                total += int(count)
                seen = set()
                for frame in stack_text.split(";"):
                    function, _, where = frame.partition(" (")
                    label = f"{function} ({where.split(':')[0]})"
                    if label not in seen:
                        seen.add(label)
                        inclusive[label] += int(count)
        if not total:
            return "  (no samples)"
        # Frames on (nearly) every stack are the server's own wrappers: what matters is below them.
        rows = [(n / total, label) for label, n in inclusive.items() if 0.02 <= n / total <= 0.85]
        rows.sort(reverse=True)
        lines = [f"  py-spy, {total} samples of {len(self.outputs)} processes, inclusive share:"]
        lines += [f"    {share:6.1%}  {label}" for share, label in rows[:top]]
        lines.append(f"  raw stacks: {', '.join(str(o) for o in self.outputs)}")
        return "\n".join(lines)


# --- HTTP load -----------------------------------------------------------------------------------------


@dataclass
class Sample:
    endpoint: str
    status: int  # 0: no response (connection refused, reset, timeout)
    seconds: float
    started: float
    error: str = ""


@dataclass
class Client:
    """One HTTP/1.1 connection per thread; gunicorn's sync workers close it after each response."""

    port: int
    timeout: float = 30
    _local: threading.local = field(default_factory=threading.local)

    def _connection(self) -> http.client.HTTPConnection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._local.connection = http.client.HTTPConnection("127.0.0.1", self.port, self.timeout)
        return connection

    def request(self, endpoint: str, method: str, path: str, *, token: str = "", body=None) -> tuple[Sample, bytes]:
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Token {token}"
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        try:
            connection = self._connection()
            connection.request(method, path, body=payload, headers=headers)
            response = connection.getresponse()
            content = response.read()
            status = response.status
            if response.will_close:
                connection.close()
            error = ""
        except (OSError, http.client.HTTPException) as problem:
            self._local.connection = None
            with contextlib.suppress(Exception):
                connection.close()
            content, status, error = b"", 0, f"{type(problem).__name__}: {problem}"
        return Sample(endpoint, status, time.perf_counter() - started, started, error), content


def run_jobs(jobs: list[Callable[[], Sample]], *, clients: int) -> tuple[list[Sample], float]:
    """Run every job once from `clients` threads, as fast as they answer; return samples and wall time."""
    queue = list(reversed(jobs))
    lock = threading.Lock()
    samples: list[Sample] = []

    def worker():
        while True:
            with lock:
                if not queue:
                    return
                job = queue.pop()
            sample = job()
            with lock:
                samples.append(sample)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples, time.perf_counter() - started


# --- Figures -------------------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (p99 of 1,000 samples is the 990th smallest)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered) - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def ok_status(status: int) -> bool:
    return 200 <= status < 400


def summarize(samples: list[Sample], seconds: float) -> dict:
    latencies = [s.seconds * 1000 for s in samples]
    errors = [s for s in samples if not ok_status(s.status)]
    return {
        "requests": len(samples),
        "rate": len(samples) / seconds if seconds else 0.0,
        "p50": percentile(latencies, 0.50),
        "p95": percentile(latencies, 0.95),
        "p99": percentile(latencies, 0.99),
        "max": max(latencies, default=float("nan")),
        "errors": len(errors),
        "statuses": status_counts(samples),
    }


def status_counts(samples: list[Sample]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for sample in samples:
        counts[str(sample.status) if sample.status else (sample.error.split(":")[0] or "no-response")] += 1
    return dict(sorted(counts.items()))


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def banner(title: str) -> None:
    print(f"\n=== {title} " + "=" * max(0, 96 - len(title)), flush=True)


def machine() -> str:
    load = os.getloadavg()
    cpus = os.cpu_count()
    return f"{cpus} CPUs, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}, {time.strftime('%Y-%m-%d %H:%M %Z')}"


class Targets:
    """Collects target checks and prints the verdict; the exit status says whether all held."""

    def __init__(self):
        self.rows: list[tuple[str, bool, str]] = []

    def check(self, name: str, held: bool, detail: str) -> bool:
        self.rows.append((name, bool(held), detail))
        return held

    def skip(self, name: str, detail: str) -> None:
        self.rows.append((name, None, detail))

    def report(self) -> int:
        banner("Targets")
        for name, held, detail in self.rows:
            verdict = "SKIP" if held is None else ("ok" if held else "MISSED")
            print(f"  [{verdict:>6}] {name}: {detail}")
        passed = all(held is not False for _, held, _ in self.rows)
        print(f"RESULT: {'PASS' if passed else 'FAIL'}", flush=True)
        return 0 if passed else 1


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())}Z] {message}", flush=True)
