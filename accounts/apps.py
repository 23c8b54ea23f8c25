from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self):
        from accounts.signals import role_permissions_grant

        post_migrate.connect(role_permissions_grant, dispatch_uid="accounts.role_permissions_grant")
