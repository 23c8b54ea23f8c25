"""Tasks run in real worker processes: one on Redis, one on the embedded filesystem broker."""

import os
import subprocess
import sys

import pytest

from cme.models import WorkerHeartbeat
from cme.tasks import heartbeat
from tests.worker import ROOT, start_worker, stop_worker, wait_for, worker_environment

pytestmark = pytest.mark.worker


def test_task_runs_in_a_worker_consuming_from_redis(celery_worker):
    heartbeat.delay("redis-test")

    beat = wait_for(
        lambda: WorkerHeartbeat.objects.filter(name="redis-test").first(), timeout=60, message="the heartbeat row"
    )
    assert beat.worker


@pytest.mark.django_db(transaction=True)
def test_task_runs_in_a_worker_consuming_from_the_embedded_broker(tmp_path):
    broker_dir = tmp_path / "broker"
    env = worker_environment(
        media_root=tmp_path / "media",
        CELERY_BROKER_URL="filesystem://",
        CELERY_BROKER_DIR=str(broker_dir),
        CELERY_TASK_DEFAULT_QUEUE="embedded-test",
    )
    worker = start_worker(env=env, log_path=tmp_path / "worker.log", name="embedded", concurrency=1)
    try:
        # The producer is a third process, as the web server would be.
        producer = subprocess.run(
            [sys.executable, "-c", "import django; django.setup(); from cme.tasks import heartbeat; "
             "heartbeat.delay('filesystem-test')"],
            cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "cme.settings"}, capture_output=True, text=True,
            timeout=60,
        )  # fmt: skip
        assert producer.returncode == 0, producer.stderr
        assert any(broker_dir.glob("*.msg")) or WorkerHeartbeat.objects.filter(name="filesystem-test").exists()

        wait_for(
            lambda: WorkerHeartbeat.objects.filter(name="filesystem-test").exists(),
            timeout=60,
            message="the worker to consume from the filesystem broker",
        )
    finally:
        stop_worker(worker)
    assert os.path.isdir(broker_dir)
