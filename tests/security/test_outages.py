"""Outages of Redis (cache, broker) and PostgreSQL give clear answers, never a 500, and lose nothing."""

import json
import os
import subprocess
import sys

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from certificates.models import Certificate
from claims.models import Claim
from tests.factories import UserFactory, attend, make_published_activity
from tests.worker import ROOT

CLOSED_REDIS = "redis://127.0.0.1:1/0"


def run_client(script: str, **environment) -> list:
    """Run Django's test client in another process whose settings point elsewhere; print JSON results."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cme.settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        **environment,
    }
    prelude = "import django, json; django.setup(); from django.test import Client; c = Client(HTTP_HOST='localhost'); "
    result = subprocess.run([sys.executable, "-c", prelude + script], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.django_db(transaction=True)
def test_cache_down_is_a_miss_not_a_server_error():
    UserFactory(email="ada@example.org")

    statuses = run_client(
        "r = [c.get('/api/v1/objectives/').status_code, "
        "c.post('/api/v1/auth/token/', {'email': 'ada@example.org', 'password': 'wrong'}, "
        "content_type='application/json').status_code]; print(json.dumps(r))",
        CACHE_URL="redis://127.0.0.1:1/1",
    )

    assert statuses == [200, 400]


@pytest.mark.django_db(transaction=True)
def test_broker_down_still_accepts_the_claim_and_leaves_it_for_the_sweep(clinician):
    activity = make_published_activity(evaluation_required=False)
    attend(clinician, activity)
    token = Token.objects.create(user=clinician).key

    outcome = run_client(
        f"r = c.post('/api/v1/claims/', {{'activity': {activity.pk}, 'credit_type': 'ama-pra-1', 'credits': '1.00'}}, "
        f"content_type='application/json', HTTP_AUTHORIZATION='Token {token}'); "
        "print(json.dumps([r.status_code, r.json()['certificate']['status']]))",
        CELERY_BROKER_URL=CLOSED_REDIS,
    )

    assert outcome == [201, "pending"]
    claim = Claim.objects.get()
    assert Certificate.objects.get(claim=claim).queued_at is not None


@pytest.mark.django_db
def test_database_down_is_a_503_with_retry_after():
    answer = run_client(
        "r = c.get('/api/v1/objectives/'); print(json.dumps([r.status_code, r['Retry-After'], r.json()]))",
        DATABASE_URL="postgres://postgres@127.0.0.1:1/nowhere",
    )

    assert answer[:2] == [503, "2"]
    assert "briefly unavailable" in answer[2]["detail"]
