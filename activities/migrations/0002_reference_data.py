"""The reference data of DOMAIN.md (rows listed in activities/reference_data.py)."""

from django.db import migrations

from activities.reference_data import reference_data_load


class Migration(migrations.Migration):
    dependencies = [("activities", "0001_initial")]

    operations = [migrations.RunPython(reference_data_load, migrations.RunPython.noop)]
