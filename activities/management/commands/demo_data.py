from django.core.management.base import BaseCommand

from activities.demo import DEMO_PASSWORD, demo_checkin_code, demo_data_load


class Command(BaseCommand):
    help = "Load demo accounts and a realistic catalog (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--print-password", action="store_true", help="Print the demo password and exit.")
        parser.add_argument(
            "--print-checkin-code", action="store_true", help="Print the code of the session open for check-in now."
        )

    def handle(self, *args, print_password=False, print_checkin_code=False, **options):
        if print_password:
            self.stdout.write(DEMO_PASSWORD)
            return
        if print_checkin_code:
            self.stdout.write(demo_checkin_code())
            return
        summary = demo_data_load()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {summary}"))
