"""Issue 23: the reads table partitioned by upload day on PostgreSQL (alpr/partitions.py).

The foreign keys into the reads table (hits, the legal holds' link table) lose their
database constraint first (a key into a partitioned table would need the partition key);
then the table is rebuilt partitioned, its rows copied day by day into their partitions
with their ids, indexes and keys. On SQLite the rebuild is a no-op. Existing data: the
copy takes about as long as loading the rows again (minutes per few million rows)."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

from alpr.partitions import convert, unconvert


class Migration(migrations.Migration):

    dependencies = [
        ('alpr', '0015_shift_checks_and_site_attestations'),
    ]

    operations = [
        migrations.AddField(
            model_name='purgerun',
            name='days_dropped',
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AlterField(
            model_name='hit',
            name='read',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='hits', to='alpr.read'),
        ),
        migrations.AlterField(
            model_name='legalhold',
            name='reads',
            field=models.ManyToManyField(blank=True, db_constraint=False, related_name='legal_holds', to='alpr.read'),
        ),
        migrations.CreateModel(
            name='ImageSweep',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField(help_text='The upload day (UTC) whose partition was dropped.')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('files_total', models.PositiveBigIntegerField(default=0)),
                ('files_deleted', models.PositiveBigIntegerField(default=0)),
                ('files_kept', models.PositiveBigIntegerField(default=0)),
                ('files_missing', models.PositiveBigIntegerField(default=0)),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('errors', models.JSONField(blank=True, default=list)),
                ('purge_run', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='sweeps', to='alpr.purgerun')),
            ],
            options={
                'ordering': ['-created_at'],
            },
        ),
        migrations.CreateModel(
            name='PendingImage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=255)),
                ('sweep', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='pending', to='alpr.imagesweep')),
            ],
            options={
                'ordering': ['id'],
            },
        ),
        migrations.RunPython(convert, unconvert),
    ]
