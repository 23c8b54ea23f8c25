"""Every filter and report aggregation reads through an index on what it filters (EXPLAIN on PostgreSQL).

Sequential scans are disabled for the EXPLAIN and the tables hold (next to) nothing, so the planner's
only reason to prefer one index over another is what the query asks. Any index would not do: with
seq scans off the planner walks a whole index (the ordering one, the primary key) when nothing fits
the filter. So each filter names the table and column it filters, and the plan must read that table
through an index on that column (leading), with an index condition. The report aggregations run for
real and every query they make is explained: no table that grows with the year is read whole.
"""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from activities.models import Activity, Session
from activities.selectors import activities_with_objectives
from attendance.models import Attendance
from certificates.models import Certificate
from claims.models import Claim
from reports.pars import pars_activity_rows
from reports.selectors import activity_summary_figures, annual_report_figures
from tests.factories import attend, make_claim

pytestmark = pytest.mark.django_db

NOW = timezone.now()
# name: (queryset, table, column whose index must serve it)
FILTERS = {
    "catalog: published, by start": (
        lambda: Activity.objects.filter(status="published").order_by("starts_at"), "activities_activity", "status"),
    "catalog: status": (lambda: Activity.objects.filter(status="closed"), "activities_activity", "status"),
    "catalog: starts after": (
        lambda: Activity.objects.filter(starts_at__gte=NOW), "activities_activity", "starts_at"),
    "catalog: activity type": (
        lambda: Activity.objects.filter(activity_type_id="rss"), "activities_activity", "activity_type_id"),
    "catalog: objective": (
        lambda: activities_with_objectives(Activity.objects.all(), ["health-policy"]),
        "activities_activity_objectives", "objective_id"),
    "catalog: provider activity id": (
        lambda: Activity.objects.filter(provider_activity_id="CME-000001"),
        "activities_activity", "provider_activity_id"),
    "sessions of an activity": (
        lambda: Session.objects.filter(activity_id=1).order_by("starts_at"), "activities_session", "activity_id"),
    "sessions in a period": (
        lambda: Session.objects.filter(starts_at__gte=NOW, starts_at__lt=NOW + timedelta(365)),
        "activities_session", "starts_at"),
    "check-in code": (lambda: Session.objects.filter(checkin_code="ABC234"), "activities_session", "checkin_code"),
    "roster of a session": (lambda: Attendance.objects.filter(session_id=1), "attendance_attendance", "session_id"),
    "a learner's attendance": (
        lambda: Attendance.objects.filter(user_id=1).order_by("-checked_in_at"), "attendance_attendance", "user_id"),
    "claims of an activity": (lambda: Claim.objects.filter(activity_id=1), "claims_claim", "activity_id"),
    "claims of a learner": (lambda: Claim.objects.filter(user_id=1), "claims_claim", "user_id"),
    "claims by credit type": (
        lambda: Claim.objects.filter(credit_type_id="ama-pra-1"), "claims_claim", "credit_type_id"),
    "claims of an activity by credit type": (
        lambda: Claim.objects.filter(activity_id=1, credit_type_id="ama-pra-1"), "claims_claim", "activity_id"),
    "claims in a period (credit date)": (
        lambda: Claim.objects.filter(credit_date__gte=date(2026, 1, 1), credit_date__lte=date(2026, 12, 31)),
        "claims_claim", "credit_date"),
    "claims claimed after": (lambda: Claim.objects.filter(created_at__gte=NOW), "claims_claim", "created_at"),
    "claims by certificate status": (
        lambda: Claim.objects.filter(certificate__status="revoked"), "certificates_certificate", "status"),
    "certificate by verification code": (
        lambda: Certificate.objects.filter(verification_code="0123456789ABCDEF"),
        "certificates_certificate", "verification_code"),
    "stuck certificates (sweep)": (
        lambda: Certificate.objects.filter(status="pending", queued_at__lt=NOW), "certificates_certificate", "status"),
}  # fmt: skip
# Tables that grow with the year; reference tables (types, objectives) and users may be read whole.
GROWING_TABLES = {
    "activities_activity", "activities_session", "activities_activity_objectives", "activities_commercialsupport",
    "activities_creditdesignation", "activities_contentrole", "attendance_attendance", "attendance_evaluation",
    "attendance_objectiveanswer", "claims_claim", "certificates_certificate",
}  # fmt: skip


def indexes_leading_with(table: str, column: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT i.relname FROM pg_index x
               JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
               JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = x.indkey[0]
               WHERE t.relname = %s AND a.attname = %s""",
            [table, column],
        )
        return {row[0] for row in cursor.fetchall()}


def explain(sql: str, params=(), *, bitmap_only: bool = False) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        if bitmap_only:  # no full read of some other index either: what serves the condition itself
            cursor.execute("SET LOCAL enable_indexscan = off")
            cursor.execute("SET LOCAL enable_indexonlyscan = off")
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        return cursor.fetchone()[0][0]["Plan"]


def table_reads(node: dict):
    """(table, how, index, index condition) for every read of a table in the plan."""
    table = node.get("Relation Name")
    if node["Node Type"] == "Bitmap Heap Scan":
        for bitmap in _bitmap_index_scans(node):
            yield table, "bitmap", bitmap.get("Index Name"), bitmap.get("Index Cond")
        return
    if table:
        yield table, node["Node Type"], node.get("Index Name"), node.get("Index Cond")
    for child in node.get("Plans", []):
        yield from table_reads(child)


def _bitmap_index_scans(node: dict):
    for child in node.get("Plans", []):
        if child["Node Type"] == "Bitmap Index Scan":
            yield child
        else:
            yield from _bitmap_index_scans(child)


@pytest.mark.parametrize("name", sorted(FILTERS))
def test_filter_reads_through_an_index_on_the_filtered_column(name):
    queryset, table, column = FILTERS[name]
    expected = indexes_leading_with(table, column)
    plan = explain(*queryset().query.sql_with_params())
    reads = [read for read in table_reads(plan) if read[0] == table]

    assert expected, f"no index on {table}.{column}"
    assert reads and all(index in expected and condition for _, _, index, condition in reads), (
        f"{table} must be read through one of {sorted(expected)} with a condition; the plan reads {reads}"
    )


def test_faculty_claims_filter_reads_the_partial_index_of_faculty_claims():
    """`kind=faculty` picks the few faculty claims through the partial index that holds only them.

    (`kind=learner` is nearly every claim: no index would help, the other filters narrow it.)
    """
    plan = explain(*Claim.objects.filter(kind="faculty").query.sql_with_params())

    assert [read[2] for read in table_reads(plan)] == ["faculty_claim_once_per_session"]


def test_catalog_search_reads_through_the_trigram_indexes():
    # Without the default ordering, which an index on starts_at could serve by reading every row.
    queryset = (
        Activity.objects.filter(title__icontains="sepsis") | Activity.objects.filter(description__icontains="sepsis")
    ).order_by()
    reads = list(table_reads(explain(*queryset.query.sql_with_params(), bitmap_only=True)))

    assert all(condition for table, _, _, condition in reads if table == "activities_activity"), reads
    assert {index for table, _, index, _ in reads if table == "activities_activity"} >= {
        "activity_title_trgm",
        "activity_description_trgm",
    }, reads


@pytest.fixture
def a_reported_year(clinician, nurse):
    """A little of everything the reports count: a live activity with attendance, claims, a certificate."""
    claim = make_claim(clinician)
    make_claim(nurse, activity=claim.activity)
    attend(clinician, claim.activity)
    return claim.activity


def test_report_aggregations_read_no_growing_table_whole(a_reported_year):
    today = timezone.localdate()
    with CaptureQueriesContext(connection) as queries:
        annual_report_figures(date_from=today.replace(month=1, day=1), date_to=today.replace(month=12, day=31))
        activity_summary_figures(activity_id=a_reported_year.pk)
        _header, rows = pars_activity_rows(date_from=today - timedelta(days=365), date_to=today + timedelta(days=365))
        list(rows)
    selects = [query["sql"] for query in queries.captured_queries if query["sql"].startswith("SELECT")]
    with connection.cursor() as cursor:
        # A partial unique index (one learner claim per activity) holds nearly every claim: on empty
        # tables the planner may walk it whole in a tie with the credit-date index. Hidden for the
        # EXPLAIN (rolled back with the test) so the plan shows which index serves the filter.
        cursor.execute("DROP INDEX claim_once_per_learner_activity")
    whole_reads = {}
    for sql in selects:
        # Bitmap scans only: on tables this small the planner may walk an index whole for its order
        # (GROUP BY) instead of using the one that serves the join; a bitmap scan needs a condition.
        for table, how, index, condition in table_reads(explain(sql, bitmap_only=True)):
            if table in GROWING_TABLES and not condition:
                whole_reads.setdefault(f"{table} ({how} {index})", sql[:200])

    assert len(selects) >= 25
    assert whole_reads == {}


def test_report_claim_figures_use_the_credit_date_index(a_reported_year):
    from reports.selectors import awarded_claims_in, period_for

    today = timezone.localdate()
    period = period_for(today.replace(month=1, day=1), today.replace(month=12, day=31))
    queryset = awarded_claims_in(period).values("credit_type_id").order_by()
    reads = list(table_reads(explain(*queryset.query.sql_with_params())))

    assert any(
        table == "claims_claim" and index in indexes_leading_with("claims_claim", "credit_date")
        for table, _, index, _ in reads
    ), reads
