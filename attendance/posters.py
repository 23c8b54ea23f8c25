"""Gather what a session's check-in poster prints, then render it."""

from activities.models import Session
from activities.services import provider_current
from activities.timezones import zone
from attendance.pdf import PosterDocument, render_poster


def session_when(session: Session) -> str:
    """'Tuesday, March 3, 2026, 12:00 – 1:00 PM EST' in the activity's time zone."""
    local = zone(session.activity.time_zone)
    starts, ends = session.starts_at.astimezone(local), session.ends_at.astimezone(local)
    day = f"{starts:%A, %B} {starts.day}, {starts.year}"
    start_time = f"{starts.hour % 12 or 12}:{starts:%M}"
    end_time = f"{ends.hour % 12 or 12}:{ends:%M} {ends:%p} {ends:%Z}"
    if starts.date() != ends.date():
        return f"{day}, {start_time} {starts:%p} \u2013 {ends:%A} {end_time}"
    if f"{starts:%p}" != f"{ends:%p}":
        start_time = f"{start_time} {starts:%p}"
    return f"{day}, {start_time} \u2013 {end_time}"


def poster_document(session: Session) -> PosterDocument:
    provider = provider_current()
    base = provider.public_base_url.rstrip("/")
    return PosterDocument(
        provider_name=provider.name,
        activity_title=session.activity.title,
        session_title=session.title,
        session_when=session_when(session),
        location=session.activity.location,
        checkin_code=session.checkin_code,
        checkin_url=f"{base}/checkin/{session.checkin_code}/",
    )


def poster_for_session(session: Session) -> bytes:
    return render_poster(poster_document(session))
