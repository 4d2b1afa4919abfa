from django.db import migrations


def create(apps, schema_editor):
    apps.get_model("hotlists", "MatcherVersion").objects.get_or_create(pk=1, defaults={"version": 1})


class Migration(migrations.Migration):
    dependencies = [("hotlists", "0002_matcherversion_alter_hotlistentry_options_and_more")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
