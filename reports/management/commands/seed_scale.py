"""Bulk-load a realistic year of CME data at the size the service is designed for (benchmarks, EXPLAIN).

    python manage.py seed_scale --learners 50000 --activities 5000 --attendance 1000000 [--seed 1] [--reset]

Rows are written directly, not through the services (the point is a million rows in minutes): on
PostgreSQL with COPY, elsewhere with bulk_create in batches of 5,000. The values agree with the
domain rules all the same: a series' sessions inside its twelve months, nobody in two parallel
sessions, claims within the hours each learner attended (parallel sessions once) and the designated
maximum, AMA credit for physicians only, one learner claim per activity, one certificate per claim,
`ready` certificates with a file name. No history rows are written for seeded data. Seeded rows are
marked (activities `SEED-000001`, learners and people `...@seed.cme.test`) so that `--reset`
removes exactly them.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from reports.seeding import Loader, Seeder, reset_seeded, seeded_data_exists

ALREADY_SEEDED = "Seeded data already exists; pass --reset to replace it."


class Command(BaseCommand):
    help = "Bulk-load realistic learners, activities, sessions, attendance, claims and certificates (benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--learners", type=int, default=50_000)
        parser.add_argument("--activities", type=int, default=5_000)
        parser.add_argument("--attendance", type=int, default=1_000_000)
        parser.add_argument("--seed", type=int, default=1, help="Random seed: the same seed loads the same data.")
        parser.add_argument("--reset", action="store_true", help="Delete previously seeded data first.")

    def handle(self, *args, learners, activities, attendance, seed, reset, **options):
        if min(learners, activities) < 1 or attendance < 0:
            raise CommandError("--learners and --activities must be at least 1, --attendance at least 0.")
        started = time.monotonic()
        if seeded_data_exists():
            if not reset:
                raise CommandError(ALREADY_SEEDED)
            reset_seeded()
            self.stdout.write(f"Removed the previously seeded data in {time.monotonic() - started:.1f} s")
        loader = Loader(self.stdout.write)
        self.stdout.write(f"Seeding {learners:,} learners, {activities:,} activities, {attendance:,} attendance rows"
                          f" ({'COPY' if loader.copy else 'bulk_create'}):")  # fmt: skip
        with transaction.atomic():
            Seeder(learners=learners, activities=activities, attendance=attendance, seed=seed, loader=loader).run()
        rows = sum(loader.counts.values())
        self.stdout.write(self.style.SUCCESS(f"Seeded {rows:,} rows in {time.monotonic() - started:.1f} s"))
