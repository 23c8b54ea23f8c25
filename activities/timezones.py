"""Time zones: validation and the activity's local calendar."""

import zoneinfo
from datetime import date, datetime
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils import timezone

TIME_ZONE_INVALID = "Enter a valid IANA time zone, e.g. America/New_York."
# Dates staff enter (sessions, deadlines, availability windows, disclosures) fall in these years: a
# typo such as 9999 would otherwise reach date arithmetic that overflows.
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100
DATE_OUT_OF_RANGE = f"Enter a date between {EARLIEST_YEAR} and {LATEST_YEAR}."


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


def date_in_range(day: date | datetime) -> bool:
    return EARLIEST_YEAR <= day.year <= LATEST_YEAR


def validate_date_in_range(day: date | datetime) -> None:
    """For every date a user sends, query parameters too: days and their midnights stay computable."""
    if day is not None and not date_in_range(day):
        raise ValidationError(DATE_OUT_OF_RANGE, code="date_out_of_range")


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the 31st or the 29th of February falls back to the month's end.

    Past the calendar's ends it stops at `date.max` / `date.min` rather than raising: the callers
    validate the year range and must never turn a bad date into a server error.
    """
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    if year > date.max.year:
        return date.max
    if year < date.min.year:
        return date.min
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise AssertionError("every month has 28 days")
