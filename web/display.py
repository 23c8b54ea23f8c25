"""How pages print times and dates: always in the activity's time zone, with its abbreviation."""

from datetime import date, datetime

from activities.models import Activity
from activities.timezones import zone
from attendance.posters import session_when
from certificates.snapshots import format_day, format_range

__all__ = ["activity_when", "format_day", "local_moment", "local_time", "session_when"]


def local_moment(moment: datetime | None, zone_name: str) -> str:
    """'March 3, 2026, 12:00 PM EST' in the given zone."""
    if moment is None:
        return ""
    local = moment.astimezone(zone(zone_name))
    return f"{format_day(local.date())}, {local_time(moment, zone_name)}"


def local_time(moment: datetime, zone_name: str) -> str:
    """'12:00 PM EST' in the given zone."""
    local = moment.astimezone(zone(zone_name))
    return f"{local.hour % 12 or 12}:{local:%M} {local:%p} {local:%Z}"


def _days(first: date | None, last: date | None) -> str:
    if first and last:
        return format_range(first, last)
    return format_day(first or last) if (first or last) else ""


def activity_when(activity: Activity) -> str:
    """When it happens: the live dates with the first start time, or the enduring availability."""
    if not activity.activity_type.live:
        dates = _days(activity.available_from, activity.available_until)
        return f"Available {dates}" if dates else "Dates to be announced"
    if activity.starts_at is None:
        return "Dates to be announced"
    local_zone = zone(activity.time_zone)
    first = activity.starts_at.astimezone(local_zone).date()
    last = (activity.ends_at or activity.starts_at).astimezone(local_zone).date()
    return f"{_days(first, last)}, starts {local_time(activity.starts_at, activity.time_zone)}"
