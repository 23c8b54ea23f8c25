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
        self._connect_catalog_cache()

    def _connect_catalog_cache(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from activities.catalog_cache import catalog_changed
        from activities.models import Activity, CreditDesignation, Session

        for model in (Activity, Session, CreditDesignation):
            post_save.connect(catalog_changed, sender=model, dispatch_uid=f"catalog-save-{model.__name__}")
            post_delete.connect(catalog_changed, sender=model, dispatch_uid=f"catalog-delete-{model.__name__}")
        for relation in (Activity.objectives.through, Activity.renewal_topics.through):
            m2m_changed.connect(catalog_changed, sender=relation, dispatch_uid=f"catalog-m2m-{relation.__name__}")
