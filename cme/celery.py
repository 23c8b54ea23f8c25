"""The Celery app. Configuration lives in settings (CELERY_*), read from the environment."""

import gc
import logging
import os
from logging.config import dictConfig

from celery import Celery
from celery.signals import before_task_publish, setup_logging, task_postrun, task_prerun, worker_init

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


# --- The request id travels with the task it enqueued --------------------------------------------
REQUEST_ID_HEADER = "request_id"
_bound_request_ids = {}  # task id -> the token that restores the id the task found


@before_task_publish.connect
def _send_request_id(headers=None, **kwargs):
    """A task sent while serving a request (or running a task) carries that request's id."""
    from cme.middleware import NO_REQUEST_ID, current_request_id

    request_id = current_request_id()
    if headers is not None and request_id != NO_REQUEST_ID:
        headers.setdefault(REQUEST_ID_HEADER, request_id)


def _request_id_of(task) -> str | None:
    # A worker turns message headers into attributes of task.request; apply(headers=...) keeps them apart.
    request_id = task.request.get(REQUEST_ID_HEADER)
    if not request_id and isinstance(task.request.headers, dict):
        request_id = task.request.headers.get(REQUEST_ID_HEADER)
    return request_id if isinstance(request_id, str) else None


@task_prerun.connect
def _bind_request_id(task_id=None, task=None, **kwargs):
    from cme.middleware import bind_request_id

    request_id = _request_id_of(task) if task is not None else None
    if request_id:
        _bound_request_ids[task_id] = bind_request_id(request_id)


@task_postrun.connect
def _unbind_request_id(task_id=None, **kwargs):
    from cme.middleware import unbind_request_id

    token = _bound_request_ids.pop(task_id, None)
    if token is not None:
        unbind_request_id(token)


@setup_logging.connect
def _log_as_settings_say(loglevel=None, **kwargs):
    """Workers and beat log through settings.LOGGING (JSON lines with the request id), not Celery's format.

    `--loglevel` still sets the level, as operators expect.
    """
    from django.conf import settings

    dictConfig(settings.LOGGING)
    if loglevel:
        logging.getLogger().setLevel(loglevel)


@worker_init.connect
def _load_fonts_before_the_pool_forks(**kwargs):
    """Every render needs the PDF fonts (about 60 MB parsed, the CJK ones most): loaded once here, in
    the worker's main process before it forks its pool, their pages are shared by every pool process
    instead of parsed again in each. `gc.freeze` keeps the collector from touching (and so copying)
    them in the children. Fonts missing are only logged here: the render says so where it is seen.
    """
    from cme.pdf import FontsMissingError, register_fonts

    try:
        register_fonts()
    except FontsMissingError as error:
        logging.getLogger(__name__).warning("%s", error)
    gc.freeze()
