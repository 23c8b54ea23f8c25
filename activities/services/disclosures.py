"""Disclosures of the people in control of content, and their mitigation (ACCME standard 3)."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from activities.models import (
    DISCLOSURE_VALID_MONTHS,
    Activity,
    ActivityStatus,
    CommercialSupport,
    ContentPerson,
    ContentRole,
    Disclosure,
    FinancialRelationship,
    Mitigation,
)
from activities.selectors import content_roles_with_disclosures, disclosure_in_force, mitigations_by_relationship
from activities.timezones import add_months
from cme.exceptions import Conflict

NO_PEOPLE = "List the people in control of content (planners, faculty, reviewers) with their disclosures."
NO_VALID_DISCLOSURE = "{name} has no disclosure valid on {day:%Y-%m-%d}."
NOT_REVIEWED = "{name}: decide whether the relationship with {company} is relevant to this activity."
NOT_MITIGATED = "{name}: the relevant relationship with {company} has not been mitigated."
RELATIONSHIP_NOT_IN_FORCE = "Relationship {id} is not part of a disclosure in force for someone in this activity."
CLOSED_ACTIVITY = "This activity is closed."
LAST_ROLE = "A published activity keeps at least one person in control of content: add the replacement first."
ROLE_LOCKED = (
    "The activity has begun: its people in control of content are part of its record; remove a role "
    "only as a correction with a reason."
)
SUPPORT_EMPTY = "Give a monetary amount or describe the in-kind support."
MITIGATION_REQUIRED = "Describe how this relevant relationship was mitigated."


def _person_disclosure_problems(
    *, person: ContentPerson, day: date, mitigations: dict[int, Mitigation]
) -> tuple[list[str], list[str]]:
    """(missing disclosure, relationships not judged or not mitigated) of one person on `day`."""
    disclosure = disclosure_in_force(person.disclosures.all(), day)
    if disclosure is None:
        return [NO_VALID_DISCLOSURE.format(name=person.name, day=day)], []
    unmitigated = []
    for relationship in disclosure.relationships.all():
        decision = mitigations.get(relationship.pk)
        if decision is None:
            unmitigated.append(NOT_REVIEWED.format(name=person.name, company=relationship.company))
        elif decision.relevant and not decision.mitigation.strip():
            unmitigated.append(NOT_MITIGATED.format(name=person.name, company=relationship.company))
    return [], unmitigated


def _problems_by_field(missing: list[str], unmitigated: list[str]) -> dict[str, list[str]]:
    problems = {}
    if missing:
        problems["disclosures"] = missing
    if unmitigated:
        problems["mitigations"] = unmitigated
    return problems


def activity_disclosure_problems(*, activity: Activity, day: date) -> dict[str, list[str]]:
    """What keeps the activity from being published or held on `day`, by field; empty when complete."""
    roles = content_roles_with_disclosures(activity)
    if not roles:
        return {"disclosures": [NO_PEOPLE]}
    mitigations = mitigations_by_relationship(activity)
    missing, unmitigated = [], []
    seen_people = set()
    for role in roles:
        if role.person.pk in seen_people:
            continue
        seen_people.add(role.person.pk)
        person_missing, person_unmitigated = _person_disclosure_problems(
            person=role.person, day=day, mitigations=mitigations
        )
        missing += person_missing
        unmitigated += person_unmitigated
    return _problems_by_field(missing, unmitigated)


def person_disclosure_problems(*, activity: Activity, person: ContentPerson, day: date) -> dict[str, list[str]]:
    """What keeps this person from taking a role in the activity on `day`, by field; empty when ready."""
    person = ContentPerson.objects.prefetch_related("disclosures__relationships").get(pk=person.pk)
    return _problems_by_field(
        *_person_disclosure_problems(person=person, day=day, mitigations=mitigations_by_relationship(activity))
    )


def content_person_create(*, name: str, email: str = "", degree: str = "", user=None) -> ContentPerson:
    person = ContentPerson(name=name.strip(), email=email.strip(), degree=degree.strip(), user=user)
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def disclosure_record(
    *, person: ContentPerson, signed_on: date, relationships: list[dict], recorded_by=None
) -> Disclosure:
    """A signed disclosure: each relationship `{company, nature}` of the past 24 months, or none.

    `signed_on` lies between 2000 and today (the model's validator), so its expiry is a real date.
    """
    disclosure = Disclosure(
        person=person, signed_on=signed_on, expires_on=add_months(signed_on, DISCLOSURE_VALID_MONTHS)
    )
    disclosure.full_clean()
    disclosure._history_user = recorded_by
    disclosure.save()
    rows = [FinancialRelationship(disclosure=disclosure, **relationship) for relationship in relationships]
    for row in rows:
        row.full_clean(exclude=["disclosure"])
    FinancialRelationship.objects.bulk_create(rows)
    return disclosure


def _activity_locked(activity: Activity) -> Activity:
    return Activity.objects.select_for_update().get(pk=activity.pk)


@transaction.atomic
def content_role_assign(
    *, activity: Activity, person: ContentPerson, role: str, assigned_by=None, day: date | None = None
) -> ContentRole:
    """Give a person a role in control of the activity's content (idempotent).

    DOMAIN.md: relevance is decided and mitigation recorded *before* the person takes the role. A
    draft takes anyone (publishing checks everyone); a published activity only a person whose
    disclosure in force on `day` is complete for it; a closed activity nobody.
    """
    activity = _activity_locked(activity)
    if activity.status == ActivityStatus.CLOSED:
        raise Conflict(CLOSED_ACTIVITY)
    content_role, created = _role_get_or_create(activity=activity, person=person, role=role, assigned_by=assigned_by)
    if created and activity.status == ActivityStatus.PUBLISHED and day is not None:
        role_readiness_check(role=content_role, day=day)
    return content_role


def _role_get_or_create(
    *, activity: Activity, person: ContentPerson, role: str, assigned_by
) -> tuple[ContentRole, bool]:
    existing = ContentRole.objects.filter(activity=activity, person=person, role=role).first()
    if existing:
        return existing, False
    content_role = ContentRole(activity=activity, person=person, role=role)
    content_role._history_user = assigned_by
    content_role.save()
    return content_role, True


def role_readiness_check(*, role: ContentRole, day: date) -> None:
    """Refuse (400, by field) a role whose person has no complete disclosure for the activity on `day`."""
    problems = person_disclosure_problems(activity=role.activity, person=role.person, day=day)
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def content_role_remove(*, role: ContentRole, removed_by, reason: str = "") -> None:
    """Take a person's role away. Their disclosure is part of the record of an activity that has begun.

    A draft, or a published activity that has not begun, loses the role freely (a speaker cancels);
    once the activity has begun only a correction with a reason does, kept in the history; a
    published activity keeps at least one person in control of content; a closed one is kept as is.
    """
    activity = _activity_locked(role.activity)
    if activity.status == ActivityStatus.CLOSED:
        raise Conflict(CLOSED_ACTIVITY)
    if activity.status == ActivityStatus.PUBLISHED:
        if not ContentRole.objects.filter(activity=activity).exclude(pk=role.pk).exists():
            raise Conflict(LAST_ROLE, code="last_role")
        begun = activity.starts_at is not None and activity.starts_at <= timezone.now()
        if begun and not reason.strip():
            raise Conflict(ROLE_LOCKED, code="role_locked")
    role._history_user = removed_by
    role._change_reason = reason.strip() or None
    role.delete()


@transaction.atomic
def mitigation_record(
    *, activity: Activity, relationship: FinancialRelationship, relevant: bool, mitigation: str, reviewed_by
) -> Mitigation:
    """Staff decide whether a relationship is relevant to the activity and, if so, how it was mitigated."""
    people = ContentRole.objects.filter(activity=activity).values_list("person_id", flat=True)
    if relationship.disclosure.person_id not in set(people):
        raise ValidationError({"relationship": RELATIONSHIP_NOT_IN_FORCE.format(id=relationship.pk)})
    if relevant and not mitigation.strip():
        raise ValidationError({"mitigation": MITIGATION_REQUIRED})
    decision, _ = Mitigation.objects.update_or_create(
        activity=activity,
        relationship=relationship,
        defaults={"relevant": relevant, "mitigation": mitigation.strip(), "reviewed_by": reviewed_by},
    )
    return decision


def commercial_support_add(
    *, activity: Activity, company: str, amount: Decimal, in_kind: str = ""
) -> CommercialSupport:
    """Record a grant from an ineligible company (money and/or in-kind support)."""
    if not amount and not in_kind.strip():
        raise ValidationError({"amount": SUPPORT_EMPTY})
    support = CommercialSupport(activity=activity, company=company.strip(), amount=amount, in_kind=in_kind.strip())
    support.full_clean()
    support.save()
    return support


UNKNOWN_RELATIONSHIP = "No relationship {key!r} in {name}'s disclosure in force."


def _relationship_for(*, person: ContentPerson, key: dict, day: date) -> FinancialRelationship:
    from activities.selectors import disclosure_in_force

    disclosure = disclosure_in_force(person.disclosures.prefetch_related("relationships"), day)
    candidates = list(disclosure.relationships.all()) if disclosure else []
    for relationship in candidates:
        if key.get("relationship") == relationship.pk or (
            "relationship" not in key and key.get("company", "").strip().lower() == relationship.company.lower()
        ):
            return relationship
    label = key.get("relationship", key.get("company"))
    raise ValidationError({"mitigations": UNKNOWN_RELATIONSHIP.format(key=label, name=person.name)})


@transaction.atomic
def role_mitigations_record(*, role: ContentRole, mitigations: list[dict], reviewed_by, day: date) -> None:
    """Record staff's decisions on the relationships of one person's disclosure in force."""
    for item in mitigations:
        relationship = _relationship_for(person=role.person, key=item, day=day)
        mitigation_record(
            activity=role.activity,
            relationship=relationship,
            relevant=item["relevant"],
            mitigation=item.get("mitigation", ""),
            reviewed_by=reviewed_by,
        )


@transaction.atomic
def activity_disclosure_add(
    *,
    activity: Activity,
    added_by,
    role: str,
    day: date,
    person: ContentPerson | None = None,
    name: str = "",
    email: str = "",
    degree: str = "",
    disclosure: dict | None = None,
    mitigations: list[dict] | None = None,
) -> ContentRole:
    """Put a person in control of content, with a new disclosure and mitigations if given, in one step."""
    if person is None:
        person = content_person_create(name=name, email=email, degree=degree)
    if disclosure is not None:
        disclosure_record(person=person, recorded_by=added_by, **disclosure)
    # Mitigations need the role to exist; the readiness check then runs on the whole step, and a
    # refusal rolls back the person, the disclosure and the role alike.
    content_role = content_role_assign(activity=activity, person=person, role=role, assigned_by=added_by)
    if mitigations:
        role_mitigations_record(role=content_role, mitigations=mitigations, reviewed_by=added_by, day=day)
    if content_role.activity.status == ActivityStatus.PUBLISHED:
        role_readiness_check(role=content_role, day=day)
    return content_role
