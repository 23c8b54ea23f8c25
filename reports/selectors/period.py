"""The reporting period and what it counts: its sessions, its activities, the credits awarded in it."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import PHYSICIAN_DEGREES
from activities.models import Activity, ActivityStatus, Session
from activities.services import provider_current
from activities.timezones import start_of_day
from certificates.models import CertificateStatus
from claims.models import Claim

ZERO = Decimal("0.00")
REPORTED_STATUSES = (ActivityStatus.PUBLISHED, ActivityStatus.CLOSED)
# A claim counts as credit awarded while its certificate stands: issued, being rendered or ready.
AWARDED_CERTIFICATE_STATUSES = (CertificateStatus.PENDING, CertificateStatus.READY, CertificateStatus.FAILED)

PHYSICIAN = Q(user__degree__in=PHYSICIAN_DEGREES)
OTHER_LEARNER = ~Q(user__degree__in=PHYSICIAN_DEGREES)


@dataclass(frozen=True)
class Period:
    """Calendar days `date_from` to `date_to`, both included, in the provider's time zone."""

    date_from: date
    date_to: date
    time_zone: str

    @property
    def start(self) -> datetime:
        return start_of_day(self.date_from, self.time_zone)

    @property
    def end(self) -> datetime:
        """The first moment after the period."""
        return start_of_day(self.date_to + timedelta(days=1), self.time_zone)


def period_for(date_from: date, date_to: date) -> Period:
    return Period(date_from=date_from, date_to=date_to, time_zone=provider_current().time_zone)


def sessions_in(period: Period) -> QuerySet[Session]:
    """Sessions starting in the period, of activities that were published."""
    return Session.objects.filter(
        starts_at__gte=period.start, starts_at__lt=period.end, activity__status__in=REPORTED_STATUSES
    )


def activities_in(period: Period) -> QuerySet[Activity]:
    """Published activities that ran in the period: a session in it (live) or available during it (enduring)."""
    session_in_period = Session.objects.filter(
        activity=OuterRef("pk"), starts_at__gte=period.start, starts_at__lt=period.end
    )
    enduring = Q(
        activity_type__live=False,
        available_from__lte=period.date_to,
        available_until__gte=period.date_from,
    )
    return Activity.objects.filter(status__in=REPORTED_STATUSES).filter(
        (Q(activity_type__live=True) & Exists(session_in_period)) | enduring
    )


def awarded_claims() -> QuerySet[Claim]:
    """Claims whose certificate stands (not revoked): the credits awarded."""
    return Claim.objects.filter(certificate__status__in=AWARDED_CERTIFICATE_STATUSES)


def awarded_claims_in(period: Period) -> QuerySet[Claim]:
    return awarded_claims().filter(credit_date__gte=period.date_from, credit_date__lte=period.date_to)
