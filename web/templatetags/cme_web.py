"""Template helpers for the pages: roles, times in the activity's zone, form fields, paging links."""

from datetime import date

from django import template
from django.utils.http import urlencode

from accounts.permissions import user_has_role
from accounts.roles import Role
from activities.models import ContentRoleKind, RelationshipNature
from activities.services import provider_current
from activities.timezones import zone
from web import display

register = template.Library()


@register.filter
def has_role(user, role: str) -> bool:
    return user_has_role(user, *role.split(","))


@register.filter
def in_zone(moment, zone_name: str) -> str:
    """A moment in the given zone, e.g. 'March 3, 2026, 12:00 PM EST'."""
    return display.local_moment(moment, zone_name)


@register.filter
def time_in_zone(moment, zone_name: str) -> str:
    return display.local_time(moment, zone_name) if moment else ""


@register.filter
def session_when(session) -> str:
    return display.session_when(session)


@register.filter
def activity_when(activity) -> str:
    return display.activity_when(activity)


@register.filter
def day(value) -> str:
    return display.format_day(value) if value else ""


@register.simple_tag
def provider_name() -> str:
    return provider_current().name


@register.inclusion_tag("web/includes/field.html")
def field(bound_field, **options):
    """One form field: label, help and error (ids Django's aria-describedby points at), then the input."""
    widget = bound_field.field.widget
    describedby = []
    if bound_field.help_text:
        describedby.append(f"{bound_field.auto_id}_helptext")
    if bound_field.errors:
        describedby.append(f"{bound_field.auto_id}_error")
    return {
        "field": bound_field,
        "group": bound_field.use_fieldset,
        "checkbox": widget.input_type == "checkbox" if hasattr(widget, "input_type") else False,
        "describedby": " ".join(describedby),
        "inline": options.get("inline", False),
        # Filter forms are optional by nature: saying so on every field is noise.
        "hint": options.get("hint", True),
    }


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (for paging links)."""
    query = context["request"].GET.copy()
    for name, value in changes.items():
        query[name] = value
    return "?" + urlencode(sorted(query.lists()), doseq=True)


@register.filter
def nature_label(slug: str) -> str:
    """A relationship's nature as people read it ("consultant" -> "Consultant")."""
    return dict(RelationshipNature.choices).get(slug, slug)


@register.filter
def role_label(slug: str) -> str:
    return dict(ContentRoleKind.choices).get(slug, slug)


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key, key)


@register.filter
def role_names(user) -> str:
    labels = dict(Role.choices)
    return ", ".join(labels[role] for role in sorted(user.roles)) or "none"


@register.filter
def date_in_zone_csv(moment, zone_name: str) -> str:
    """A session's start as the roster CSV names it: 'YYYY-MM-DD HH:MM' in the activity's zone."""
    return moment.astimezone(zone(zone_name)).strftime("%Y-%m-%d %H:%M") if moment else ""


@register.filter
def iso_day(value: str) -> str:
    """'2026-03-03' (as the verification body gives it) -> 'March 3, 2026'."""
    try:
        return display.format_day(date.fromisoformat(value))
    except (TypeError, ValueError):
        return value
