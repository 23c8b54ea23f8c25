"""Roster import: a CSV from a sign-in sheet or a webinar platform's attendance export.

Columns are found by name, case-insensitively: the email, and the session as its id (`session`), its
start (`start time`) or the learner's join time (`join time`); see COLUMNS. Commas, semicolons (Excel
in many European locales) and tabs separate the cells. All rows valid or nothing is written; every bad
row is reported with its spreadsheet row number (the header is row 1) and the reason. A dry run
reports the same without writing.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from simple_history.utils import bulk_create_with_history

from accounts.models import User
from activities.models import Activity, ActivityStatus, Session
from activities.timezones import date_in_range, zone
from attendance.models import Attendance, CheckInMethod
from attendance.services import CHECKIN_OPENS_BEFORE, DISCLOSURES_INCOMPLETE, session_can_be_held
from cme.exceptions import Conflict

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000
DELIMITERS = ",;\t"
SNIFF_CHARS = 64 * 1024
# Header names (compared lower-cased, runs of spaces and underscores as one space). For the session, a
# row uses the first of `session`, `join`, `start` that it fills: a webinar export's join time is the
# learner's own, while its "start time" is often the meeting's actual start rather than the scheduled one.
COLUMNS = {
    "email": ("email", "e-mail", "email address", "user email", "attendee email"),
    "session": ("session", "session id"),
    "join": ("join time", "joined at", "first join"),
    "start": ("start time", "session start", "session start time", "starts at", "start"),
}
SESSION_KINDS = ("session", "join", "start")
# Local date-times as spreadsheets and webinar platforms write them (ISO 8601 first, via fromisoformat).
LOCAL_FORMATS = ("%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %I:%M:%S %p")
TOO_LARGE = f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; split it into several imports."
TOO_MANY_ROWS = f"The file has more than {MAX_ROWS:,} rows; split it into several imports."
NOT_UTF8 = "The file is not UTF-8 text. Save it from your spreadsheet as 'CSV UTF-8'."
NO_HEADER = (
    "The first row must be a header with the columns email and session (the session's id or start), "
    "or email and start time, or email and join time."
)
EMPTY = "The file has no attendance rows."
UNREADABLE = "The file is not a CSV this import can read (a cell is far too long, or the file is not text)."
UNKNOWN_EMAIL = "No account has the email {email}; ask the learner to register first."
BAD_EMAIL = "Enter an email address."
UNKNOWN_SESSION = "No session of this activity has id {value}."
UNKNOWN_START = "No session of this activity starts at {value} ({zone})."
NO_SESSION_AT_JOIN = (
    "No session of this activity was open at {value} ({zone}); a session counts from 30 minutes before "
    "it starts until it ends."
)
SEVERAL_SESSIONS_AT_JOIN = "{value} ({zone}) falls in more than one session of this activity; give the session id."
BAD_SESSION = "Give the session id, its start or a join time as YYYY-MM-DD HH:MM."
SESSION_NOT_HELD = "Session {value}: " + DISCLOSURES_INCOMPLETE


@dataclass
class ImportReport:
    created: int = 0
    unchanged: int = 0
    errors: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"created": self.created, "unchanged": self.unchanged, "errors": self.errors}


def _cell(cells: list[str], at: int | None) -> str:
    return cells[at].strip() if at is not None and at < len(cells) else ""


def _column_name(name: str) -> str:
    return " ".join(re.split(r"[\s_]+", name.strip().lower()))


def _columns(header: list[str]) -> dict[str, int | None] | None:
    """Where each known column is (its first occurrence), or None without an email and a session column."""
    names = [_column_name(name) for name in header]
    found = {}
    for kind, aliases in COLUMNS.items():
        found[kind] = next((at for at, name in enumerate(names) if name in aliases), None)
    if found["email"] is None or all(found[kind] is None for kind in SESSION_KINDS):
        return None
    return found


def _reader_and_columns(text: str):
    """The CSV reader past the header and the columns it names.

    csv.Sniffer guesses the delimiter among comma, semicolon and tab; the guess is kept only if the
    header it gives names the columns, otherwise the other delimiters are tried in turn (a comma file
    whose names contain semicolons can fool the sniffer).
    """
    try:
        guesses = [csv.Sniffer().sniff(text[:SNIFF_CHARS], delimiters=DELIMITERS).delimiter]
    except csv.Error:
        guesses = []
    for delimiter in guesses + [d for d in DELIMITERS if d not in guesses]:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        columns = _columns(next(reader, []))
        if columns is not None:
            return reader, columns
    raise ValidationError({"file": NO_HEADER})


def _read_rows(content: bytes) -> list[tuple[int, dict]]:
    if len(content) > MAX_BYTES:
        raise ValidationError({"file": TOO_LARGE})
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError({"file": NOT_UTF8}) from error
    try:
        return _rows_of(*_reader_and_columns(text))
    except csv.Error as error:  # a cell past the csv module's field limit (128 kB), a stray NUL...
        raise ValidationError({"file": UNREADABLE}) from error


def _rows_of(reader, columns: dict) -> list[tuple[int, dict]]:
    rows = []
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise ValidationError({"file": TOO_MANY_ROWS})
        kind, value = next(
            ((kind, _cell(cells, columns[kind])) for kind in SESSION_KINDS if _cell(cells, columns[kind])),
            ("session", ""),
        )
        rows.append((number, {"email": _cell(cells, columns["email"]), "kind": kind, "session": value}))
    if not rows:
        raise ValidationError({"file": EMPTY})
    return rows


def parse_local_datetime(value: str, zone_name: str) -> datetime | None:
    """A date and time in the activity's zone (naive), from ISO 8601 or US `MM/DD/YYYY h:mm[:ss] [AM|PM]`.

    A value with a UTC offset is converted to the activity's zone; a date without a time is refused.
    """
    text = " ".join(value.replace(",", " ").split())
    if ":" not in text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
        for pattern in LOCAL_FORMATS:
            try:
                moment = datetime.strptime(text.upper(), pattern)
                break
            except ValueError:
                continue
    if moment is None or not date_in_range(moment):
        return None  # a session is never at year 1 or 9999; the row says the value matches none
    if moment.tzinfo is not None:
        moment = moment.astimezone(zone(zone_name)).replace(tzinfo=None)
    return moment


def _session_resolver(activity: Activity):
    """resolve(kind, value) -> (session or None, the message if none)."""
    sessions = list(Session.objects.filter(activity=activity).select_related("activity").order_by("starts_at"))
    by_id = {str(s.pk): s for s in sessions}
    local, zone_name = zone(activity.time_zone), activity.time_zone
    by_start = {s.starts_at.astimezone(local).strftime("%Y-%m-%d %H:%M"): s for s in sessions}

    def by_join(moment: datetime) -> tuple[Session | None, str]:
        value = moment.strftime("%Y-%m-%d %H:%M")
        joined = moment.replace(tzinfo=local)
        open_then = [s for s in sessions if s.starts_at - CHECKIN_OPENS_BEFORE <= joined <= s.ends_at]
        if len(open_then) > 1:
            return None, SEVERAL_SESSIONS_AT_JOIN.format(value=value, zone=zone_name)
        return (open_then[0] if open_then else None), NO_SESSION_AT_JOIN.format(value=value, zone=zone_name)

    def resolve(kind: str, value: str) -> tuple[Session | None, str]:
        if kind == "session" and value.isdigit():
            return by_id.get(value), UNKNOWN_SESSION.format(value=value)
        moment = parse_local_datetime(value, zone_name)
        if moment is None:
            return None, BAD_SESSION
        if kind == "join":
            return by_join(moment)
        key = moment.strftime("%Y-%m-%d %H:%M")
        return by_start.get(key), UNKNOWN_START.format(value=key, zone=zone_name)

    return resolve


def _users_by_email(rows) -> dict[str, User]:
    """Every account named in the file, matched case-insensitively (the unique index on lower(email))."""
    emails = sorted({row["email"].lower() for _, row in rows if row["email"]})
    users = {}
    for start in range(0, len(emails), 5_000):
        chunk = emails[start : start + 5_000]
        for user in User.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=chunk):
            users[user.email_lower] = user
    return users


def _validate(activity: Activity, rows) -> tuple[list[tuple[User, Session]], list[dict]]:
    resolve = _session_resolver(activity)
    users = _users_by_email(rows)
    pairs, errors, held = [], [], {}
    for number, row in rows:
        email, session_value = row["email"], row["session"]
        user = users.get(email.lower()) if email else None
        session, session_error = resolve(row["kind"], session_value) if session_value else (None, BAD_SESSION)
        if not email or "@" not in email:
            errors.append({"row": number, "message": BAD_EMAIL})
        elif user is None:
            errors.append({"row": number, "message": UNKNOWN_EMAIL.format(email=email)})
        elif session is None:
            errors.append({"row": number, "message": session_error})
        else:
            if session.pk not in held:
                held[session.pk] = session_can_be_held(session)
            if not held[session.pk]:
                errors.append({"row": number, "message": SESSION_NOT_HELD.format(value=session_value)})
            else:
                pairs.append((user, session))
    return pairs, errors


@transaction.atomic
def attendance_import(*, activity: Activity, content: bytes, recorded_by, dry_run: bool = False) -> ImportReport:
    """Import a roster: every row valid or nothing written; `dry_run` reports without writing."""
    if activity.status == ActivityStatus.DRAFT:
        raise Conflict("Publish the activity before recording attendance.")
    rows = _read_rows(content)
    pairs, errors = _validate(activity, rows)
    report = ImportReport(errors=errors)
    unique_pairs = {(user.pk, session.pk): (user, session) for user, session in pairs}
    existing = set(
        Attendance.objects.filter(session__activity=activity, user_id__in={u for u, _ in unique_pairs}).values_list(
            "user_id", "session_id"
        )
    )
    new = [pair for key, pair in unique_pairs.items() if key not in existing]
    report.created = len(new)
    report.unchanged = len(pairs) - len(new)
    if errors or dry_run:
        return report
    bulk_create_with_history(
        [
            Attendance(user=user, session=session, method=CheckInMethod.IMPORT, recorded_by=recorded_by)
            for user, session in new
        ],
        Attendance,
        batch_size=2_000,
        ignore_conflicts=True,
        default_user=recorded_by,
    )
    return report
