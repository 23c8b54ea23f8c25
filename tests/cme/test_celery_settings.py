"""The settings that make tasks safe, pinned: a change here must be a decision, not an accident."""

from cme.celery import app


def test_tasks_are_acknowledged_late_and_rejected_when_the_worker_dies():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1


def test_only_json_is_sent_or_accepted():
    assert app.conf.task_serializer == "json"
    assert app.conf.result_serializer == "json"
    assert list(app.conf.accept_content) == ["json"]
    assert app.conf.event_serializer == "json"


def test_tasks_are_time_limited_with_a_soft_limit_first():
    assert 0 < app.conf.task_soft_time_limit < app.conf.task_time_limit <= 600


def test_publishing_retries_briefly_and_the_broker_redelivers_unacknowledged_work():
    from django.conf import settings

    policy = app.conf.task_publish_retry_policy
    assert policy["max_retries"] <= 3 and policy["interval_max"] <= 1
    if not settings.CELERY_BROKER_URL.startswith("filesystem://"):
        assert app.conf.broker_transport_options["visibility_timeout"] >= app.conf.task_time_limit


def test_beat_runs_the_sweep_that_requeues_stuck_work():
    from cme.tasks import requeue_stuck_work

    (entry,) = [entry for entry in app.conf.beat_schedule.values() if entry["task"] == requeue_stuck_work.name]
    assert entry["schedule"] <= 60
    assert requeue_stuck_work.name in app.tasks
