"""Issue 17: the access log, its verification runs and the configuration-change record
moved to the `accesslog` app (accesslog migration 0001). Only Django's state changes here:
the tables stay as they are, with their rows and their PostgreSQL append-only triggers
(migrations 0002 and 0005), under their `audits_*` names (the models' db_table)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('audits', '0008_access_log_search_index'),
        ('accesslog', '0001_move_access_log'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='accessevent',
                    name='agency',
                ),
                migrations.RemoveField(
                    model_name='accessevent',
                    name='user',
                ),
                migrations.DeleteModel(
                    name='AccessLogVerification',
                ),
                migrations.RemoveField(
                    model_name='configurationchange',
                    name='changed_by',
                ),
                migrations.DeleteModel(
                    name='EnvironmentFingerprint',
                ),
                migrations.DeleteModel(
                    name='AccessEvent',
                ),
                migrations.DeleteModel(
                    name='ConfigurationChange',
                ),
            ],
            database_operations=[],
        ),
    ]
