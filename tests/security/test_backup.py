"""A dump restored into a fresh database still verifies every certificate."""

import json
import os
import subprocess
import sys

import pytest
from django.db import connection

from certificates import services
from tests.factories import UserFactory, make_claim
from tests.worker import ROOT

pytestmark = pytest.mark.django_db(transaction=True)


def database_url(name: str) -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{name}"


def test_backup_and_restore_keep_certificates_verifiable(tmp_path):
    codes = []
    for learner in [UserFactory(first_name="Zoë", last_name="Wójcik"), UserFactory()]:
        certificate = make_claim(learner).certificate
        services.certificate_render(certificate_id=certificate.pk, version=1)
        codes.append(certificate.verification_code)
    restored = f"{connection.settings_dict['NAME']}_restored"
    admin = database_url("postgres")
    subprocess.run(["psql", admin, "-c", f'DROP DATABASE IF EXISTS "{restored}"'], check=True, capture_output=True)
    subprocess.run(["psql", admin, "-c", f'CREATE DATABASE "{restored}"'], check=True, capture_output=True)
    try:
        env = {**os.environ, "DATABASE_URL": database_url(connection.settings_dict["NAME"]), "MEDIA_ROOT": ""}
        dump = subprocess.run(["scripts/backup.sh", str(tmp_path)], cwd=ROOT, env=env, check=True,
                              capture_output=True, text=True).stdout.strip()  # fmt: skip
        subprocess.run(["scripts/restore.sh", dump, database_url(restored)], cwd=ROOT, check=True, capture_output=True)

        script = (
            "import django, json, sys; django.setup(); from django.test import Client; "
            "c = Client(HTTP_HOST='localhost'); "
            "print(json.dumps([c.get(f'/api/v1/verify/{code}/').json() for code in sys.argv[1:]]))"
        )
        result = subprocess.run(
            [sys.executable, "-c", script, *codes], cwd=ROOT, capture_output=True, text=True, timeout=120,
            env={**os.environ, "DATABASE_URL": database_url(restored), "DJANGO_SETTINGS_MODULE": "cme.settings"},
        )  # fmt: skip
        verified = json.loads(result.stdout.strip().splitlines()[-1])
    finally:
        subprocess.run(["psql", admin, "-c", f'DROP DATABASE IF EXISTS "{restored}"'], capture_output=True)

    assert [row["status"] for row in verified] == ["valid", "valid"]
    assert verified[0]["name"] == "Zoë Wójcik"
