"""Issue 17 part 2: the history rows of every workflow take one shape
(accesslog.history.WorkflowHistory): status columns widened to 24, `by` nullable, and
`details` and `designation` where they were missing. Columns are added with defaults or
widened; every existing row is kept (tests/test_migrations_keep_data.py)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_oidc_subject'),
        ('alpr', '0012_read_edge_event_and_attribute_confidences'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='hitstatuschange',
            name='designation',
            field=models.ForeignKey(blank=True, help_text='The designation a designee acted under.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.designation'),
        ),
        migrations.AddField(
            model_name='legalholdevent',
            name='designation',
            field=models.ForeignKey(blank=True, help_text='The designation a designee acted under.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.designation'),
        ),
        migrations.AddField(
            model_name='legalholdevent',
            name='details',
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AlterField(
            model_name='hitstatuschange',
            name='by',
            field=models.ForeignKey(blank=True, help_text='Empty when the system itself made the change.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='hitstatuschange',
            name='from_status',
            field=models.CharField(blank=True, max_length=24),
        ),
        migrations.AlterField(
            model_name='hitstatuschange',
            name='to_status',
            field=models.CharField(max_length=24),
        ),
        migrations.AlterField(
            model_name='legalholdevent',
            name='by',
            field=models.ForeignKey(blank=True, help_text='Empty when the system itself made the change.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='legalholdevent',
            name='from_status',
            field=models.CharField(blank=True, max_length=24),
        ),
        migrations.AlterField(
            model_name='legalholdevent',
            name='to_status',
            field=models.CharField(max_length=24),
        ),
    ]
