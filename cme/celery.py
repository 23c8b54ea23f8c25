"""The Celery app. Configuration lives in settings (CELERY_*), read from the environment."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cme.settings")

app = Celery("cme")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
