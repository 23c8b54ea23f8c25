from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = "Activities catalog"

    def ready(self):
        from django.db.models.signals import post_delete, post_migrate, post_save

        from activities.models import Provider
        from activities.reference_data import reference_data_after_migrate
        from activities.services.provider import provider_forget

        post_save.connect(provider_forget, sender=Provider, dispatch_uid="provider-forget-save")
        post_delete.connect(provider_forget, sender=Provider, dispatch_uid="provider-forget-delete")
        post_migrate.connect(reference_data_after_migrate, sender=self, dispatch_uid="activities-reference-data")
