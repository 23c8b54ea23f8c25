"""A real Celery worker process consuming this test run's queue on Redis.

Tests that use it are `transaction=True` tests: the worker is another process and sees only
committed rows, in this xdist worker's test database.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from cme.celery import app

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_SECONDS = 60


def worker_environment(*, media_root: Path, **overrides) -> dict:
    db = connection.settings_dict
    env = os.environ.copy()
    env.update(
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        MEDIA_ROOT=str(media_root),
        CELERY_TASK_DEFAULT_QUEUE=settings.CELERY_TASK_DEFAULT_QUEUE,
        PYTHONPATH=str(ROOT),
    )
    env.update(overrides)
    return env


def start_worker(*, env: dict, log_path: Path, name: str, concurrency: int = 2) -> subprocess.Popen:
    log = open(log_path, "ab")  # noqa: SIM115 - handed to the child for its lifetime
    return subprocess.Popen(
        [
            sys.executable, "-m", "celery", "-A", "cme", "worker",
            "-Q", env["CELERY_TASK_DEFAULT_QUEUE"], "-c", str(concurrency), "-n", f"{name}@%h",
            "--without-gossip", "--without-mingle", "--loglevel=INFO",
        ],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip


class WorkerProcess:
    """A Celery worker (master and pool) that a test can kill with SIGKILL and start again."""

    def __init__(self, *, env: dict, log_path: Path, name: str):
        self.env, self.log_path, self.name = env, log_path, name
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = start_worker(env=self.env, log_path=self.log_path, name=self.name)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL the master and every pool process: nothing gets to acknowledge or clean up."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.alive():
            stop_worker(self.process)


def purge_queue(queue: str) -> None:
    # A queue that does not exist yet has nothing to purge.
    with app.connection_for_write() as conn, contextlib.suppress(Exception):
        conn.default_channel.queue_purge(queue)


def wait_for(predicate, *, timeout: float, interval: float = 0.1, message: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"Timed out after {timeout}s waiting for {message}")


def stop_worker(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def live_media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("worker-media")


@pytest.fixture(scope="session")
def _session_worker(django_db_setup, django_db_blocker, live_media_root, tmp_path_factory):
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    purge_queue(queue)
    log_path = tmp_path_factory.mktemp("worker-log") / "worker.log"
    worker = WorkerProcess(env=worker_environment(media_root=live_media_root), log_path=log_path, name=queue)
    worker.start()
    yield worker
    worker.stop()


@pytest.fixture
def celery_worker(_session_worker, settings, live_media_root, transactional_db):
    """A running worker sharing this test's database and media folder (restarted if a test killed it)."""
    if not _session_worker.alive():
        if _session_worker.process is not None and _session_worker.process.returncode not in (None, -9):
            raise AssertionError(f"Celery worker exited; see {_session_worker.log_path}")
        _session_worker.start()
    settings.MEDIA_ROOT = live_media_root
    yield _session_worker
    if not _session_worker.alive():
        _session_worker.start()
