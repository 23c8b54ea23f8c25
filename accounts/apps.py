from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self):
        from accounts.signals import role_permissions_grant

        post_migrate.connect(role_permissions_grant, dispatch_uid="accounts.role_permissions_grant")
        self._forget_cached_sign_ins()

    def _forget_cached_sign_ins(self):
        from django.db.models.signals import m2m_changed, post_delete, post_save
        from rest_framework.authtoken.models import Token

        from accounts.authentication import forget_group_members, forget_token_owner, forget_user_on_save
        from accounts.models import User

        post_save.connect(forget_user_on_save, sender=User, dispatch_uid="auth-forget-user")
        post_delete.connect(forget_token_owner, sender=Token, dispatch_uid="auth-forget-token")
        m2m_changed.connect(forget_group_members, sender=User.groups.through, dispatch_uid="auth-forget-groups")
