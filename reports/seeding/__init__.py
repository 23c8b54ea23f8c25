"""Bulk-loading a realistic year of CME data (the `seed_scale` command): the rows, their marks, the writer."""

from reports.seeding.loader import BATCH, Loader
from reports.seeding.marks import ACTIVITY_MARK, EMAIL_DOMAIN, reset_seeded, seeded_data_exists
from reports.seeding.seeder import Seeder, parallel_once, weighted

__all__ = [
    "ACTIVITY_MARK",
    "BATCH",
    "EMAIL_DOMAIN",
    "Loader",
    "Seeder",
    "parallel_once",
    "reset_seeded",
    "seeded_data_exists",
    "weighted",
]
