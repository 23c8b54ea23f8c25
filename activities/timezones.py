"""Time zones: validation and the activity's local calendar."""

import zoneinfo
from datetime import date, datetime
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils import timezone

TIME_ZONE_INVALID = "Enter a valid IANA time zone, e.g. America/New_York."


@lru_cache(maxsize=1)
def _known_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    if not isinstance(value, str) or value not in _known_zones():
        raise ValidationError(TIME_ZONE_INVALID, code="invalid_time_zone")


@lru_cache(maxsize=256)
def zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def local_date(moment: datetime, zone_name: str) -> date:
    """The calendar date of `moment` in the given zone."""
    return moment.astimezone(zone(zone_name)).date()


def today_in(zone_name: str) -> date:
    return local_date(timezone.now(), zone_name)


def start_of_day(day: date, zone_name: str) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=zone(zone_name))


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the 31st or the 29th of February falls back to the month's end."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise AssertionError("every month has 28 days")
