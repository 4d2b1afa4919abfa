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
        ('audits', '0009_move_access_log'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='auditevent',
            name='designation',
            field=models.ForeignKey(blank=True, help_text='The designation a designee acted under.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.designation'),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='details',
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='by',
            field=models.ForeignKey(blank=True, help_text='Empty when the system itself made the change.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='from_status',
            field=models.CharField(blank=True, max_length=24),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='to_status',
            field=models.CharField(max_length=24),
        ),
    ]
