"""PARS activity export: rows and columns, PARS counting, formula cells neutralised, ids frozen, roles."""

import csv
import io
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from activities.models import Activity, Competency
from activities.services import activity_update
from cme.csvsafe import csv_lines, neutralise
from cme.exceptions import Conflict
from reports import pars
from reports.serializers import RANGE_INVERTED
from tests.reports.conftest import ENDURING_TITLE

CSV = "/api/v1/reports/pars-activities.csv"
YEAR = {"from": "2025-01-01", "to": "2025-12-31"}
HEADER = [
    "Provider Activity ID", "Activity Title", "Activity Type", "Start Date", "End Date", "Location",
    "Joint Providership", "Joint Provider Name", "Hours of Instruction", "Number of Physician Learners",
    "Number of Other Learners", "Designed to Change Competence", "Designed to Change Performance",
    "Designed to Change Patient Outcomes", "Changes Evaluated in Competence", "Changes Evaluated in Performance",
    "Changes Evaluated in Patient Outcomes", "Competency: Patient care and procedural skills",
    "Competency: Medical knowledge", "Competency: Practice-based learning and improvement",
    "Competency: Interpersonal and communication skills", "Competency: Professionalism",
    "Competency: Systems-based practice", "Commercial Support Received", "Commercial Support Monetary Amount",
    "Commercial Support In-Kind", "AMA PRA Category 1 Credits Designated",
    "Objective: Improve clinical decision making", "Objective: Enhance patient management strategies",
    "Objective: Interpret new clinically relevant findings", "Objective: Analyze health policy",
]  # fmt: skip


def read_csv(response) -> list[list[str]]:
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(text)))


# --- The neutralising function ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Sepsis = infection", "Sepsis = infection"),
        ("", ""),
        (None, ""),
        (12, "12"),
        (-3, "-3"),  # a number the code wrote is not a formula
    ],
)
def test_formula_cells_are_neutralised(value, cell):
    assert neutralise(value) == cell


def test_csv_lines_quote_and_neutralise_every_cell():
    lines = list(csv_lines(["a", "=b"], [["x,y", '=HYPERLINK("http://evil")'], [1, None]]))

    assert lines == ["a,'=b\r\n", '"x,y","\'=HYPERLINK(""http://evil"")"\r\n', "1,\r\n"]


# --- The export -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_one_row_per_activity_in_the_pars_columns(staff_client, scenario):
    response = staff_client.get(CSV, YEAR)

    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="pars-activities-2025-01-01-to-2025-12-31.csv"'
    header, *rows = read_csv(response)
    assert header == HEADER
    by_id = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert list(by_id) == sorted(a.provider_activity_id for a in (scenario.course, scenario.series, scenario.enduring))
    course = by_id[scenario.course.provider_activity_id]
    assert course == {
        **dict.fromkeys(HEADER, "N"),
        "Provider Activity ID": scenario.course.provider_activity_id,
        "Activity Title": "Sepsis <update> & what's new",
        "Activity Type": "C",
        "Start Date": "2025-03-10",
        "End Date": "2025-03-10",
        "Location": "Boston, MA",
        "Joint Providership": "Y",
        "Joint Provider Name": "Massachusetts Medical Society",
        "Hours of Instruction": "3.50",
        "Number of Physician Learners": "2",
        "Number of Other Learners": "1",
        "Designed to Change Competence": "Y",
        "Designed to Change Performance": "Y",
        "Changes Evaluated in Competence": "Y",
        "Competency: Patient care and procedural skills": "Y",
        "Competency: Medical knowledge": "Y",
        "Commercial Support Received": "Y",
        "Commercial Support Monetary Amount": "7500.00",
        "Commercial Support In-Kind": "Y",
        "AMA PRA Category 1 Credits Designated": "3.50",
        "Objective: Improve clinical decision making": "Y",
        "Objective: Enhance patient management strategies": "Y",
    }
    series = by_id[scenario.series.provider_activity_id]
    # A series counts a learner once per session attended, in the period only (2024-12-20 is outside).
    assert [series[c] for c in HEADER[2:5] + HEADER[8:11]] == ["RSS", "2025-01-03", "2025-01-17", "3.00", "5", "1"]
    assert (series["Commercial Support Received"], series["Commercial Support Monetary Amount"]) == ("N", "0.00")
    enduring = by_id[scenario.enduring.provider_activity_id]
    assert [enduring[c] for c in HEADER[2:11]] == [
        "IEM", "2025-01-01", "2025-06-30", "Internet", "N", "", "1.50", "1", "1",
    ]  # fmt: skip


@pytest.mark.django_db
def test_a_title_that_looks_like_a_formula_is_neutralised(staff_client, scenario):
    _, *rows = read_csv(staff_client.get(CSV, YEAR))

    titles = [row[1] for row in rows]
    assert f"'{ENDURING_TITLE}" in titles
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


@pytest.mark.django_db
def test_an_activity_across_years_is_reported_per_year(staff_client, scenario):
    _, *rows = read_csv(staff_client.get(CSV, {"from": "2024-01-01", "to": "2024-12-31"}))

    by_id = {row[0]: row for row in rows}
    series = by_id[scenario.series.provider_activity_id]
    assert series[3:5] + series[8:11] == ["2024-12-20", "2024-12-20", "1.00", "1", "0"]
    enduring = by_id[scenario.enduring.provider_activity_id]
    assert enduring[3:5] + enduring[8:11] == ["2024-11-01", "2024-12-31", "1.50", "1", "0"]
    assert scenario.course.provider_activity_id not in by_id


@pytest.mark.django_db
def test_exporting_freezes_the_provider_activity_id(accreditation_client, accreditor, scenario):
    accreditation_client.get(CSV, YEAR)

    exported = dict(Activity.objects.values_list("pk", "pars_exported_at"))
    assert all(exported[a.pk] for a in (scenario.course, scenario.series, scenario.enduring))
    assert exported[scenario.draft.pk] is None and exported[scenario.later.pk] is None
    record = scenario.course.history.latest()
    assert (record.history_user, record.history_change_reason, record.pars_exported_at) == (
        accreditor, pars.EXPORT_REASON, exported[scenario.course.pk],
    )  # fmt: skip
    with pytest.raises(Conflict):
        activity_update(activity=scenario.course, changed_by=None, provider_activity_id="NEW-1")

    accreditation_client.get(CSV, YEAR)  # a second export keeps the first date
    assert dict(Activity.objects.values_list("pk", "pars_exported_at")) == exported


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "errors"),
    [
        ({}, {"from": ["This field is required."], "to": ["This field is required."]}),
        ({"from": "2025-01-01"}, {"to": ["This field is required."]}),
        ({"from": "2025-02-30", "to": "2025-12-31"}, {"from": ["Date has wrong format. Use one of these formats "
                                                               "instead: YYYY-MM-DD."]}),
        ({"from": "2025-12-31", "to": "2025-01-01"}, {"to": [RANGE_INVERTED]}),
    ],
)  # fmt: skip
def test_bad_dates_are_a_400_naming_the_field(staff_client, scenario, params, errors):
    response = staff_client.get(CSV, params)

    assert (response.status_code, response.json()) == (HTTPStatus.BAD_REQUEST, errors)
    assert not Activity.objects.filter(pars_exported_at__isnull=False).exists()


@pytest.mark.django_db
def test_only_staff_and_accreditation_export(clinician_client, anon_client, scenario):
    assert clinician_client.get(CSV, YEAR).status_code == HTTPStatus.FORBIDDEN
    assert anon_client.get(CSV, YEAR).status_code == HTTPStatus.UNAUTHORIZED
    assert not Activity.objects.filter(pars_exported_at__isnull=False).exists()


@pytest.mark.django_db
def test_competency_columns_follow_the_six_abms_acgme_competencies():
    assert [column for column, _ in pars.competency_columns()] == [f"Competency: {label}" for _, label in
                                                                   Competency.choices]  # fmt: skip


def export_queries(date_from, date_to) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        _, rows = pars.pars_activity_rows(date_from=date_from, date_to=date_to)
        count = sum(1 for _ in rows)
    return len(queries), count


@pytest.mark.django_db
def test_export_query_count_does_not_grow_with_activities():
    today = timezone.localdate()
    period = (today - timedelta(days=366), today)
    call_command("seed_scale", learners=200, activities=20, attendance=1000, stdout=io.StringIO())
    small, small_rows = export_queries(*period)
    call_command("seed_scale", learners=300, activities=600, attendance=8000, reset=True, stdout=io.StringIO())
    large, large_rows = export_queries(*period)

    assert (small_rows, large_rows) == (20, 600)
    assert small == large


@pytest.mark.django_db
def test_a_browser_session_cannot_export_by_a_link(client, staff, scenario):
    """The API export marks activities exported on a GET: a session cookie (sent along on a link from
    another site) is not enough, only an API token."""
    client.force_login(staff, backend="django.contrib.auth.backends.ModelBackend")
    today = timezone.localdate()

    response = client.get(
        "/api/v1/reports/pars-activities.csv",
        {"from": (today - timedelta(days=400)).isoformat(), "to": (today + timedelta(days=400)).isoformat()},
    )

    assert response.status_code in (HTTPStatus.UNAUTHORIZED, HTTPStatus.FORBIDDEN)
    assert not Activity.objects.filter(pars_exported_at__isnull=False).exists()
