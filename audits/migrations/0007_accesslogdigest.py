import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("audits", "0006_configuration_changes")]

    operations = [
        migrations.CreateModel(
            name="AccessLogDigest",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("as_of", models.DateTimeField(help_text="The digest covers the entries written before this moment.",
                                               unique=True)),
                ("last_sequence", models.BigIntegerField(help_text="0 when the log was empty.")),
                ("head_hash", models.CharField(max_length=64)),
                ("signature", models.CharField(help_text="Ed25519 over digest_message(), base64.", max_length=100)),
                ("public_key", models.CharField(help_text="The agency's Ed25519 public key, base64 (raw 32 bytes).",
                                                max_length=64)),
                ("published_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("triggered_by", models.CharField(blank=True, max_length=64)),
            ],
            options={"ordering": ["-as_of"], "get_latest_by": "as_of"},
        ),
    ]
