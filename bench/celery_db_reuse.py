"""Experiment only (`--db-reuse`): the project's Celery app keeping its database connection across tasks.

Celery's Django fix-up closes every database connection before and after each task unless
`CELERY_DB_REUSE_MAX` is set, so each certificate opens a new PostgreSQL connection (a backend
fork on the server). This module sets it and, like Django does around a web request, drops a
connection that is broken or past CONN_MAX_AGE before and after each task
(`close_old_connections`, which honours CONN_HEALTH_CHECKS). Started with
`celery -A bench.celery_db_reuse worker ...`; the change it measures would live in cme/celery.py and
settings (see bench/README.md).
"""

from celery.signals import task_postrun, task_prerun
from django.db import close_old_connections

from cme.celery import app

app.conf.CELERY_DB_REUSE_MAX = 1_000_000


@task_prerun.connect
@task_postrun.connect
def _drop_unusable_connections(**kwargs):
    close_old_connections()


__all__ = ["app"]
