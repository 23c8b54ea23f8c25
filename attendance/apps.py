from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "attendance"
    verbose_name = "Attendance and evaluations"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from activities.models import Activity, ContentRole, Mitigation, Session
        from attendance.signals import forget_activity_sessions, forget_session

        for signal in (post_save, post_delete):
            signal.connect(forget_session, sender=Session, dispatch_uid=f"checkin-session-{signal}")
            for model in (Activity, ContentRole, Mitigation):
                signal.connect(
                    forget_activity_sessions, sender=model, dispatch_uid=f"checkin-{model.__name__}-{signal}"
                )
