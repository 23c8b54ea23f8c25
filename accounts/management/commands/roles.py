from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts import services
from accounts.models import User
from accounts.roles import Role


class Command(BaseCommand):
    help = "Grant or remove a role (clinician, cme_staff, accreditation), or list a user's roles."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["grant", "revoke", "list"])
        parser.add_argument("email")
        parser.add_argument("role", nargs="?", choices=Role.values)

    def handle(self, *args, action, email, role, **options):
        try:
            user = User.objects.get(email__iexact=email)
        except User.DoesNotExist as error:
            raise CommandError(f"No user with email {email}.") from error
        if action != "list":
            if not role:
                raise CommandError("Name the role to grant or revoke.")
            try:
                if action == "grant":
                    services.role_grant(user=user, role=role)
                else:
                    services.role_revoke(user=user, role=role)
            except ValidationError as error:
                raise CommandError("; ".join(error.messages)) from error
            user = User.objects.get(pk=user.pk)
        self.stdout.write(f"{user.email}: {', '.join(sorted(user.roles)) or 'no roles'}")
