"""Issue 13: the follow-up page's adjuvant course and its interruptions are gone, their rows and history moved into
therapy lines by 0018. The tables are dropped whole (removing the course's primary key, its case, first would
leave SQLite's interruption table pointing at a key that no longer exists)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0018_adjuvant_course_into_lines"),
    ]

    operations = [
        migrations.DeleteModel(name="HistoricalAdjuvantInterruption"),
        migrations.DeleteModel(name="AdjuvantInterruption"),
        migrations.DeleteModel(name="HistoricalAdjuvantCourse"),
        migrations.DeleteModel(name="AdjuvantCourse"),
    ]
