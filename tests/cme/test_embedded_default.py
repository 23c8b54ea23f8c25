"""The embedded default end to end: a fresh copy of the project, no server URLs in the environment.

SQLite and the filesystem broker are what settings choose when DATABASE_URL, CELERY_BROKER_URL and
CACHE_URL are unset; this runs the README's first command's steps (migrate, demo data) in a copy of
the checkout, so the developer's own var/ is never touched, then asks for the API docs and the catalog.
"""

import json
import os
import shutil
import subprocess
import sys

import pytest

from tests.worker import ROOT

# Its own xdist group: it runs four Django processes one after another (about 20 s alone, each step
# bounded by a 60 s timeout) and should not share a worker with the other subprocess-heavy tests.
pytestmark = pytest.mark.xdist_group("embedded-default")

SERVER_URLS = ("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL")
FETCH = """
import django, json
django.setup()
from django.test import Client
client = Client(HTTP_HOST="127.0.0.1")
answers = {}
for path in ("/api/docs/", "/api/v1/activities/", "/healthz"):
    response = client.get(path)
    answers[path] = [response.status_code, response["Content-Type"], response.content.decode()[:20000]]
print(json.dumps(answers))
"""


def copy_of_the_checkout(target):
    """The tracked files (with their working-tree edits) and new ones git would add: a fresh clone, roughly."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode().split("\0")  # fmt: skip
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file() and not name.startswith("var/"):
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


def embedded_environment(home) -> dict:
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(home),
        "SECRET_KEY": "embedded-default-test-key-" + "x" * 30,
        "ENV_FILE": "/dev/null",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "cme.settings",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    assert not set(SERVER_URLS) & set(env)
    return env


def manage(project, env, *args, timeout=60) -> str:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=project, env=env, capture_output=True,
                            text=True, timeout=timeout)  # fmt: skip
    assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result.stdout + result.stderr


def test_a_fresh_copy_migrates_loads_demo_data_and_serves_the_docs_and_catalog(tmp_path):
    project = tmp_path / "cme"
    copy_of_the_checkout(project)
    env = embedded_environment(tmp_path)

    manage(project, env, "migrate", "--noinput")
    manage(project, env, "demo_data")
    checked = manage(project, env, "check")
    fetched = subprocess.run([sys.executable, "-c", FETCH], cwd=project, env=env, capture_output=True, text=True,
                             timeout=60)  # fmt: skip
    assert fetched.returncode == 0, fetched.stderr
    answers = json.loads(fetched.stdout.strip().splitlines()[-1])

    assert (project / "var" / "db.sqlite3").is_file(), "SQLite is the default database"
    assert (project / "var" / "broker").is_dir(), "the filesystem broker is the default"
    assert "no issues" in checked
    docs_status, docs_type, docs = answers["/api/docs/"]
    assert (docs_status, docs_type.split(";")[0]) == (200, "text/html")
    assert "swagger" in docs.lower()
    catalog_status, _, catalog = answers["/api/v1/activities/"]
    assert catalog_status == 200
    assert json.loads(catalog)["count"] >= 1, "the demo data's activities are in the catalog"
    assert answers["/healthz"][:2] == [200, "application/json"]
    assert json.loads(answers["/healthz"][2]) == {"database": "ok", "broker": "ok"}
