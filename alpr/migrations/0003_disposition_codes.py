"""HT-3: a starting list of stop dispositions; the department edits it in the admin."""

from django.db import migrations

CODES = [
    ("ARR", "Arrest"),
    ("CIT", "Citation issued"),
    ("REC", "Stolen vehicle recovered"),
    ("FI", "Field interview, released"),
    ("RPT", "Report taken"),
    ("WRN", "Warning"),
    ("GOA", "Gone on arrival / unable to locate"),
    ("NLS", "Entry cleared: no longer stolen or wanted"),
]


def create(apps, schema_editor):
    DispositionCode = apps.get_model("alpr", "DispositionCode")
    for code, description in CODES:
        DispositionCode.objects.get_or_create(code=code, defaults={"description": description})


class Migration(migrations.Migration):
    dependencies = [("alpr", "0002_plate_trigram_index")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
