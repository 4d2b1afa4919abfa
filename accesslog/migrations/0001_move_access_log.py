"""Issue 17: the access log, its verification runs and the configuration-change record,
moved from `audits`. The tables already exist with their rows (audits migrations 0001 to
0008) and keep their names, so only Django's state is created here: no row is copied and
the PostgreSQL append-only triggers stay on their tables. The content types are renamed
(not created anew) so the role groups' permissions and the admin's history keep pointing
at these models."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


MOVED = ("accessevent", "accesslogverification", "configurationchange", "environmentfingerprint")


def rename_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MOVED:
        # A fresh database may already hold an accesslog row (created by post_migrate of a
        # test run): keep the audits row, which the permissions point at, and drop the other.
        old = ContentType.objects.using(db).filter(app_label="audits", model=model).first()
        if old is None:
            continue
        ContentType.objects.using(db).filter(app_label="accesslog", model=model).delete()
        old.app_label = "accesslog"
        old.save(update_fields=["app_label"])


def restore_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.using(schema_editor.connection.alias).filter(
        app_label="accesslog", model__in=MOVED).update(app_label="audits")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0004_oidc_subject'),
        ('audits', '0008_access_log_search_index'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='AccessLogVerification',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('started_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('ok', models.BooleanField(default=False)),
                        ('entries_checked', models.PositiveBigIntegerField(default=0)),
                        ('last_sequence', models.BigIntegerField(blank=True, null=True)),
                        ('last_hash', models.CharField(blank=True, max_length=64)),
                        ('problem', models.TextField(blank=True)),
                        ('bad_entry_id', models.BigIntegerField(blank=True, null=True)),
                        ('bad_sequence', models.BigIntegerField(blank=True, null=True)),
                        ('triggered_by', models.CharField(blank=True, help_text='Command, nightly task or a user.', max_length=64)),
                    ],
                    options={
                        'db_table': 'audits_accesslogverification',
                        'ordering': ['-started_at', '-id'],
                        'get_latest_by': 'started_at',
                    },
                ),
                migrations.CreateModel(
                    name='EnvironmentFingerprint',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('digest', models.CharField(max_length=64)),
                        ('values', models.JSONField(default=dict)),
                        ('recorded_at', models.DateTimeField(default=django.utils.timezone.now)),
                    ],
                    options={
                        'db_table': 'audits_environmentfingerprint',
                    },
                ),
                migrations.CreateModel(
                    name='ConfigurationChange',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('changed_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                        ('username', models.CharField(blank=True, max_length=150)),
                        ('kind', models.CharField(choices=[('retention', 'Retention'), ('sharing', 'Sharing rules and agencies'), ('roles', 'Roles and designations'), ('mfa', 'Two-factor and sign-in'), ('hotlist', 'Hot-list subscriptions and screening'), ('camera', 'Cameras'), ('lexicon', 'Prohibited-use lexicon (Q-6)'), ('matching', 'Hit matching rules'), ('other', 'Other policy settings')], max_length=16)),
                        ('source', models.CharField(choices=[('web', 'Web page'), ('admin', 'Django admin'), ('env', 'Environment (found at start-up)'), ('system', 'System')], max_length=8)),
                        ('object_type', models.CharField(blank=True, max_length=40)),
                        ('object_id', models.CharField(blank=True, max_length=64)),
                        ('object_repr', models.CharField(blank=True, max_length=200)),
                        ('summary', models.CharField(max_length=300)),
                        ('before', models.JSONField(blank=True, default=dict)),
                        ('after', models.JSONField(blank=True, default=dict)),
                        ('weakens', models.BooleanField(default=False, help_text='Weakens oversight or widens access: alerted.')),
                        ('changed_by', models.ForeignKey(blank=True, help_text='Empty: the environment or the system.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'audits_configurationchange',
                        'ordering': ['-changed_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='AccessEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('occurred_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                        ('username', models.CharField(blank=True, max_length=150)),
                        ('agency_name', models.CharField(blank=True, max_length=200, verbose_name='organization')),
                        ('action', models.CharField(max_length=64)),
                        ('object_type', models.CharField(blank=True, max_length=64)),
                        ('object_id', models.CharField(blank=True, max_length=64)),
                        ('data_elements', models.JSONField(blank=True, default=dict, help_text='The plate or other data elements used (Q-2).')),
                        ('purpose', models.CharField(blank=True, max_length=255)),
                        ('case_number', models.CharField(blank=True, max_length=64)),
                        ('client_address', models.GenericIPAddressField(blank=True, null=True)),
                        ('outcome', models.CharField(choices=[('allowed', 'Allowed'), ('denied', 'Denied')], default='allowed', max_length=8)),
                        ('detail', models.TextField(blank=True)),
                        ('sequence', models.BigIntegerField(editable=False, null=True, unique=True)),
                        ('previous_hash', models.CharField(blank=True, editable=False, max_length=64)),
                        ('entry_hash', models.CharField(blank=True, editable=False, max_length=64)),
                        ('agency', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='access_events', to='accounts.agency')),
                        ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='access_events', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'audits_accessevent',
                        'ordering': ['-occurred_at', '-id'],
                        'indexes': [models.Index(fields=['user', 'occurred_at'], name='access_user_time'), models.Index(fields=['action', 'occurred_at'], name='access_action_time'), models.Index(fields=['case_number'], name='access_case'), models.Index(fields=['occurred_at'], name='access_time'), models.Index(fields=['username', 'occurred_at'], name='access_username_time')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(rename_content_types, restore_content_types),
    ]
