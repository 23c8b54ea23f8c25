"""Every filter and report aggregation can use an index (EXPLAIN on PostgreSQL with seq scans off).

With sequential scans disabled the planner still picks one when no index fits, so a plan without
"Index" names a filter that would scan the whole table at scale.
"""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from activities.models import Activity, Session
from activities.selectors import activities_with_objectives
from attendance.models import Attendance
from certificates.models import Certificate
from claims.models import Claim

pytestmark = pytest.mark.django_db

NOW = timezone.now()
QUERIES = {
    "catalog: published, by start": lambda: Activity.objects.filter(status="published").order_by("starts_at"),
    "catalog: starts after": lambda: Activity.objects.filter(starts_at__gte=NOW),
    "catalog: activity type": lambda: Activity.objects.filter(activity_type_id="rss"),
    "catalog: objective": lambda: activities_with_objectives(Activity.objects.all(), ["health-policy"]),
    "catalog: provider activity id": lambda: Activity.objects.filter(provider_activity_id="CME-000001"),
    "sessions of an activity": lambda: Session.objects.filter(activity_id=1).order_by("starts_at"),
    "sessions in a period": lambda: Session.objects.filter(starts_at__gte=NOW, starts_at__lt=NOW + timedelta(365)),
    "check-in code": lambda: Session.objects.filter(checkin_code="ABC234"),
    "roster of a session": lambda: Attendance.objects.filter(session_id=1),
    "a learner's attendance": lambda: Attendance.objects.filter(user_id=1, session_id=1),
    "claims of an activity": lambda: Claim.objects.filter(activity_id=1),
    "claims of a learner": lambda: Claim.objects.filter(user_id=1),
    "claims by credit type": lambda: Claim.objects.filter(activity_id=1, credit_type_id="ama-pra-1"),
    "claims in a period (credit date)": lambda: Claim.objects.filter(
        credit_date__gte=date(2026, 1, 1), credit_date__lte=date(2026, 12, 31)
    ),
    "claims claimed after": lambda: Claim.objects.filter(created_at__gte=NOW),
    "certificate by verification code": lambda: Certificate.objects.filter(verification_code="0123456789ABCDEF"),
    "stuck certificates (sweep)": lambda: Certificate.objects.filter(status="pending", queued_at__lt=NOW),
}


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_query_uses_an_index(name):
    queryset = QUERIES[name]()
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "Index" in plan, plan
