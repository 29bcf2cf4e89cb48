import hashlib

from django.db import migrations, models


def hash_existing(apps, schema_editor):
    # Tokens created before this migration were stored in plain text: keep them working, store only the hash.
    CalendarFeedToken = apps.get_model("cases", "CalendarFeedToken")
    for record in CalendarFeedToken.objects.all():
        record.token_hash = hashlib.sha256(record.token_hash.encode("utf-8")).hexdigest()
        record.save(update_fields=["token_hash"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_apitoken")]

    operations = [
        migrations.RenameField("calendarfeedtoken", "token", "token_hash"),
        migrations.AlterField(
            "calendarfeedtoken",
            "token_hash",
            models.CharField(editable=False, max_length=64, unique=True),
        ),
        migrations.RunPython(hash_existing, migrations.RunPython.noop),
    ]
