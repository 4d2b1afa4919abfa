"""ID-2: the roles exist as groups from the start. Their permissions are synchronised
from accounts/roles.py after every migrate (permissions appear only after their app
has migrated)."""

from django.db import migrations

ROLES = (
    "Officer",
    "Police Service Technician",
    "Crime Analyst",
    "Investigator",
    "ALPR Administrator",
    "ALPR Coordinator",
    "Auditor",
)


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.using(schema_editor.connection.alias).get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
