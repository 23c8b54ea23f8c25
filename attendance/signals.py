"""Drop cached check-in sessions when what a check-in depends on changes."""

from attendance.services import checkin_cache_forget


def forget_session(sender, instance, **kwargs):
    checkin_cache_forget([instance.checkin_code])


def forget_activity_sessions(sender, instance, **kwargs):
    """An activity (status, time zone) or its people in control of content changed."""
    from activities.models import Activity, Session

    activity_id = instance.pk if isinstance(instance, Activity) else instance.activity_id
    checkin_cache_forget(Session.objects.filter(activity_id=activity_id).values_list("checkin_code", flat=True))
