"""Reads of the catalog that several callers share (API, pages, services)."""

from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from accounts.permissions import sees_everything
from activities.credits import credit_hours_counting_parallel_once
from activities.models import (
    Activity,
    ActivityStatus,
    ContentRole,
    CreditDesignation,
    Disclosure,
    Mitigation,
    Session,
)

# What the catalog shows of a session; a series carries dozens of them, so nothing more is loaded.
SESSION_FIELDS_SHOWN = (
    "id", "activity_id", "title", "starts_at", "ends_at", "break_minutes", "credit_hours", "parallel_group",
    "checkin_code",
)  # fmt: skip


def activities_visible_to(user) -> QuerySet[Activity]:
    """Drafts only for staff and accreditation; published and closed activities for everyone."""
    activities = Activity.objects.all()
    if not sees_everything(user):
        activities = activities.exclude(status=ActivityStatus.DRAFT)
    return activities


def activities_for_catalog(user) -> QuerySet[Activity]:
    """The catalog, joined so that a page of any size costs a constant number of queries."""
    return (
        activities_visible_to(user)
        .select_related("activity_type")
        .prefetch_related(
            "objectives",
            "renewal_topics",
            Prefetch("designations", queryset=CreditDesignation.objects.select_related("credit_type")),
            Prefetch("sessions", queryset=Session.objects.only(*SESSION_FIELDS_SHOWN).order_by("starts_at", "id")),
        )
    )


def activities_with_objectives(activities: QuerySet[Activity], slugs: list[str]) -> QuerySet[Activity]:
    """Activities addressing any of the objectives (an EXISTS, so no duplicate rows)."""
    through = Activity.objectives.through
    return activities.filter(Exists(through.objects.filter(activity_id=OuterRef("pk"), objective_id__in=slugs)))


def activity_max_credit_hours(activity: Activity):
    """Credit hours of the activity's sessions, parallel sessions once (uses prefetched sessions)."""
    return credit_hours_counting_parallel_once(activity.sessions.all())


def disclosure_in_force(disclosures, day: date) -> Disclosure | None:
    """The most recently signed of a person's disclosures that is valid on `day`."""
    valid = [d for d in disclosures if d.is_valid_on(day)]
    return max(valid, key=lambda d: (d.signed_on, d.pk)) if valid else None


def content_roles_with_disclosures(activity: Activity) -> list[ContentRole]:
    """The activity's people in control of content, with every disclosure and relationship loaded."""
    return list(
        ContentRole.objects.filter(activity=activity)
        .select_related("person")
        .prefetch_related("person__disclosures__relationships")
        .order_by("person__name", "role")
    )


def mitigations_by_relationship(activity: Activity) -> dict[int, Mitigation]:
    return {m.relationship_id: m for m in Mitigation.objects.filter(activity=activity)}


def disclosures_expiring(*, within_days: int, today: date) -> QuerySet[Disclosure]:
    """Disclosures whose validity ends within the window, for people who still hold a role.

    A disclosure already replaced by a newer one of the same person is left out (nothing to ask
    for), and so is a person whose roles are all in closed activities (nobody needs a new one).
    """
    newer = Disclosure.objects.filter(person_id=OuterRef("person_id")).filter(
        Q(signed_on__gt=OuterRef("signed_on")) | Q(signed_on=OuterRef("signed_on"), pk__gt=OuterRef("pk"))
    )
    current_roles = ContentRole.objects.exclude(activity__status=ActivityStatus.CLOSED)
    return (
        Disclosure.objects.filter(expires_on__gte=today, expires_on__lte=today + timedelta(days=within_days))
        .filter(~Exists(newer), Exists(current_roles.filter(person_id=OuterRef("person_id"))))
        .select_related("person")
        .prefetch_related("relationships", Prefetch("person__roles", queryset=current_roles))
        .order_by("expires_on", "person__name")
    )


ALL_MITIGATED = "All relevant financial relationships have been mitigated."
NONE_RELEVANT = "Has no relevant financial relationships with ineligible companies."
# Never "no relevant relationships" before staff have judged them (ACCME standard 3): a role added
# before the review, or a new disclosure signed since, shows as pending with every relationship.
UNDER_REVIEW = "Financial relationships with ineligible companies are under review; mitigation is pending."
NO_DISCLOSURE = "Disclosure pending."
MISSING_DISCLOSURE, NEEDS_REVIEW, COMPLETE = "missing-disclosure", "needs-review", "complete"


def _staff_entry(role, disclosure, mitigations) -> dict:
    rows = []
    for relationship in disclosure.relationships.all() if disclosure else []:
        decision = mitigations.get(relationship.pk)
        rows.append(
            {
                "id": relationship.pk,
                "company": relationship.company,
                "nature": relationship.nature,
                "reviewed": decision is not None,
                "relevant": decision.relevant if decision else None,
                "mitigation": decision.mitigation if decision else "",
            }
        )
    if disclosure is None:
        status = MISSING_DISCLOSURE
    elif any(not r["reviewed"] or (r["relevant"] and not r["mitigation"]) for r in rows):
        status = NEEDS_REVIEW
    else:
        status = COMPLETE
    person = role.person
    return {
        "id": role.pk,
        "person": {"id": person.pk, "name": person.name, "email": person.email, "degree": person.degree},
        "role": role.role,
        "status": status,
        "disclosure": (
            {"id": disclosure.pk, "signed_on": disclosure.signed_on, "expires_on": disclosure.expires_on}
            if disclosure
            else None
        ),
        "relationships": rows,
    }


def disclosure_listing(*, activity: Activity, day: date, for_staff: bool) -> list[dict]:
    """Each person in control of content with the disclosure in force on `day`.

    Staff see every relationship and their decision on it; learners see the relevant, mitigated
    relationships (company and nature) and the statement that applies.
    """
    mitigations = mitigations_by_relationship(activity)
    entries = []
    for role in content_roles_with_disclosures(activity):
        disclosure = disclosure_in_force(role.person.disclosures.all(), day)
        entry = _staff_entry(role, disclosure, mitigations)
        if for_staff:
            entries.append(entry)
            continue
        entries.append({"name": role.person.name, "role": role.role, **_learner_summary(entry)})
    return entries


def _learner_summary(entry: dict) -> dict:
    """The relationships learners see and the statement that is true of them."""
    if entry["status"] == MISSING_DISCLOSURE:
        return {"relationships": [], "statement": NO_DISCLOSURE}
    if entry["status"] == NEEDS_REVIEW:  # every relationship not judged irrelevant, unmitigated ones too
        shown = [r for r in entry["relationships"] if r["relevant"] is not False]
        statement = UNDER_REVIEW
    else:
        shown = [r for r in entry["relationships"] if r["relevant"]]
        statement = ALL_MITIGATED if shown else NONE_RELEVANT
    return {"relationships": [{"company": r["company"], "nature": r["nature"]} for r in shown], "statement": statement}
