"""The Celery app. Configuration lives in settings (CELERY_*), read from the environment."""

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cme.settings")

app = Celery("cme")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def _drop_unusable_connections(task=None, **kwargs):
    """As Django does around a request: a broken connection, or one past CONN_MAX_AGE, is closed.

    Not for a task run eagerly inside the caller's transaction (tests, `apply()`).
    """
    if task is not None and task.request.is_eager:
        return
    from django.db import close_old_connections

    close_old_connections()
