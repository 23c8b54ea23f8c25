"""Roster import: a CSV of `email,session` from a sign-in sheet or a webinar platform.

All rows valid or nothing is written; every bad row is reported with its spreadsheet row number
(the header is row 1) and the reason. A dry run reports the same without writing.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from simple_history.utils import bulk_create_with_history

from accounts.models import User
from activities.models import Activity, ActivityStatus, Session
from activities.timezones import zone
from attendance.models import Attendance, CheckInMethod
from attendance.services import DISCLOSURES_INCOMPLETE, session_can_be_held
from cme.exceptions import Conflict

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000
TOO_LARGE = f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; split it into several imports."
TOO_MANY_ROWS = f"The file has more than {MAX_ROWS:,} rows; split it into several imports."
NOT_UTF8 = "The file is not UTF-8 text. Save it from your spreadsheet as 'CSV UTF-8'."
NO_HEADER = "The first row must be a header with the columns email and session."
EMPTY = "The file has no attendance rows."
UNKNOWN_EMAIL = "No account has the email {email}; ask the learner to register first."
BAD_EMAIL = "Enter an email address."
UNKNOWN_SESSION = "No session of this activity has id {value}."
UNKNOWN_START = "No session of this activity starts at {value} ({zone})."
BAD_SESSION = "Give the session id or its start as YYYY-MM-DD HH:MM."
SESSION_NOT_HELD = "Session {value}: " + DISCLOSURES_INCOMPLETE


@dataclass
class ImportReport:
    created: int = 0
    unchanged: int = 0
    errors: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"created": self.created, "unchanged": self.unchanged, "errors": self.errors}


def _cell(cells: list[str], at: int) -> str:
    return cells[at].strip() if at < len(cells) else ""


def _read_rows(content: bytes) -> list[tuple[int, dict]]:
    if len(content) > MAX_BYTES:
        raise ValidationError({"file": TOO_LARGE})
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError({"file": NOT_UTF8}) from error
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [name.strip().lower() for name in next(reader, [])]
    if "email" not in header or "session" not in header:
        raise ValidationError({"file": NO_HEADER})
    email_at, session_at = header.index("email"), header.index("session")
    rows = []
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(rows) >= MAX_ROWS:
            raise ValidationError({"file": TOO_MANY_ROWS})
        rows.append((number, {"email": _cell(cells, email_at), "session": _cell(cells, session_at)}))
    if not rows:
        raise ValidationError({"file": EMPTY})
    return rows


def _session_resolver(activity: Activity):
    sessions = list(Session.objects.filter(activity=activity).select_related("activity"))
    by_id = {str(s.pk): s for s in sessions}
    local = zone(activity.time_zone)
    by_start = {s.starts_at.astimezone(local).strftime("%Y-%m-%d %H:%M"): s for s in sessions}

    def resolve(value: str) -> tuple[Session | None, str]:
        if value.isdigit():
            return by_id.get(value), UNKNOWN_SESSION.format(value=value)
        try:
            moment = datetime.strptime(value, "%Y-%m-%d %H:%M")
        except ValueError:
            return None, BAD_SESSION
        key = moment.strftime("%Y-%m-%d %H:%M")
        return by_start.get(key), UNKNOWN_START.format(value=key, zone=activity.time_zone)

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
        session, session_error = resolve(session_value) if session_value else (None, BAD_SESSION)
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
