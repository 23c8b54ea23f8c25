"""seed_scale: realistic rows that keep the domain's rules, loaded by COPY or bulk_create, guarded, resettable."""

import io
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Max, Min

from accounts.models import PHYSICIAN_DEGREES, User
from activities.models import Activity, ActivityType, CreditDesignation, Session
from attendance.models import Attendance, Evaluation
from certificates.models import Certificate
from claims.models import Claim
from reports.management.commands.seed_scale import ALREADY_SEEDED, Loader, Seeder, seeded_data_exists

pytestmark = pytest.mark.django_db
SIZES = {"learners": 400, "activities": 60, "attendance": 5000}


def seed(**options) -> str:
    out = io.StringIO()
    call_command("seed_scale", **{**SIZES, "seed": 3, **options}, stdout=out)
    return out.getvalue()


def assert_rows_keep_the_rules() -> None:
    seeded = User.objects.filter(email__endswith="@seed.cme.test")
    assert seeded.count() == SIZES["learners"]
    physicians = seeded.filter(degree__in=PHYSICIAN_DEGREES).count() / SIZES["learners"]
    assert 0.5 < physicians < 0.7
    assert set(
        Activity.objects.filter(provider_activity_id__startswith="SEED-").values_list("activity_type", flat=True)
    ) == set(ActivityType.objects.values_list("code", flat=True))
    assert Attendance.objects.count() == SIZES["attendance"]
    # A series' sessions lie within twelve months.
    spans = (
        Session.objects.filter(activity__activity_type="rss")
        .values("activity")
        .annotate(first=Min("starts_at"), last=Max("starts_at"))
    )
    assert all((span["last"] - span["first"]).days <= 366 for span in spans)
    # Nobody attends two sessions of one parallel group.
    parallel = (
        Attendance.objects.exclude(session__parallel_group="")
        .values("user", "session__activity", "session__parallel_group")
        .annotate(n=Count("id"))
    )
    assert all(row["n"] == 1 for row in parallel)
    # AMA credit only for physicians, within the designation and the hours attended.
    assert not Claim.objects.filter(credit_type="ama-pra-1").exclude(user__degree__in=PHYSICIAN_DEGREES).exists()
    maximum = {(d.activity_id, d.credit_type_id): d.max_credits for d in CreditDesignation.objects.all()}
    attended = defaultdict(Decimal)
    for user, activity, hours in Attendance.objects.values_list("user", "session__activity", "session__credit_hours"):
        attended[user, activity] += hours
    for claim in Claim.objects.select_related("activity__activity_type"):
        assert claim.credits <= maximum[claim.activity_id, claim.credit_type_id]
        if claim.activity.activity_type.live:
            assert claim.credits <= attended[claim.user_id, claim.activity_id]
    # One certificate per claim, with a file when ready; one evaluation per claim.
    claims = Claim.objects.count()
    assert claims > 500
    assert Certificate.objects.count() == claims == Evaluation.objects.count()
    assert set(Certificate.objects.values_list("status", flat=True)) <= {"ready", "revoked"}
    assert not Certificate.objects.filter(pdf="").exists()


def test_seed_loads_realistic_rows_by_copy():
    output = seed()

    assert "(COPY)" in output
    assert "attendance_attendance" in output
    assert "Seeded" in output and " s" in output
    assert_rows_keep_the_rules()


def test_seed_loads_the_same_rows_with_bulk_create_elsewhere():
    lines = []
    Seeder(**SIZES, seed=3, loader=Loader(lines.append, use_copy=False)).run()

    assert any("attendance_attendance" in line for line in lines)
    assert_rows_keep_the_rules()
    # New rows continue the id sequences after explicit ids.
    assert (
        User.objects.create(email="after@example.org").pk
        > User.objects.filter(email__endswith="@seed.cme.test").aggregate(top=Max("pk"))["top"]
    )


def test_seeding_twice_is_refused_unless_reset():
    seed()
    before = Attendance.objects.count()

    with pytest.raises(CommandError, match=ALREADY_SEEDED):
        seed()
    assert Attendance.objects.count() == before

    output = seed(reset=True, seed=4)
    assert "Removed the previously seeded data" in output
    assert_rows_keep_the_rules()


def test_reset_removes_only_seeded_rows(staff):
    seed()
    call_command("seed_scale", learners=1, activities=1, attendance=0, reset=True, stdout=io.StringIO())

    assert User.objects.filter(email__endswith="@seed.cme.test").count() == 1
    assert User.objects.filter(pk=staff.pk).exists()
    assert seeded_data_exists()


@pytest.mark.django_db
def test_seeded_certificates_verify(client):
    call_command("seed_scale", learners=30, activities=6, attendance=200, seed=3, stdout=io.StringIO())
    certificate = Certificate.objects.filter(status="ready").select_related("claim__user").first()

    response = client.get(f"/api/v1/verify/{certificate.verification_code}/", HTTP_HOST="localhost")

    assert response.status_code == 200
    assert response.json()["name"] == certificate.claim.user.full_name
