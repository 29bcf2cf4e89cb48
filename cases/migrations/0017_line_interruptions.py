"""Issue 13: a therapy line can record adjuvant imatinib as the follow-up page did (planned stop, reason for an
unusual dose, interruptions; a dose not recorded stays empty). The rows move in 0018; the old tables go in 0019."""

import django.core.validators
import django.db.models.deletion
import simple_history.models
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0016_course_worklist_items'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='historicaltherapyline',
            name='dose_override_reason',
            field=models.CharField(blank=True, max_length=300, verbose_name='reason for an unusual dose'),
        ),
        migrations.AddField(
            model_name='historicaltherapyline',
            name='planned_stop_date',
            field=models.DateField(blank=True, null=True, verbose_name='planned stop'),
        ),
        migrations.AddField(
            model_name='therapyline',
            name='dose_override_reason',
            field=models.CharField(blank=True, max_length=300, verbose_name='reason for an unusual dose'),
        ),
        migrations.AddField(
            model_name='therapyline',
            name='planned_stop_date',
            field=models.DateField(blank=True, null=True, verbose_name='planned stop'),
        ),
        migrations.AlterField(
            model_name='historicaltherapyline',
            name='dose_mg_per_day',
            field=models.DecimalField(blank=True, decimal_places=1, max_digits=6, null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(2000)], verbose_name='dose (mg/day)'),
        ),
        migrations.AlterField(
            model_name='therapyline',
            name='dose_mg_per_day',
            field=models.DecimalField(blank=True, decimal_places=1, max_digits=6, null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(2000)], verbose_name='dose (mg/day)'),
        ),
        migrations.CreateModel(
            name='HistoricalLineInterruption',
            fields=[
                ('id', models.UUIDField(db_index=True, default=uuid.uuid4, editable=False)),
                ('version', models.PositiveIntegerField(default=1)),
                ('created_at', models.DateTimeField(blank=True, editable=False)),
                ('updated_at', models.DateTimeField(blank=True, editable=False)),
                ('start_date', models.DateField(verbose_name='interrupted from')),
                ('resume_date', models.DateField(blank=True, null=True, verbose_name='resumed on')),
                ('reason', models.CharField(max_length=300)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('line', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cases.therapyline')),
                ('updated_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical line interruption',
                'verbose_name_plural': 'historical line interruptions',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='LineInterruption',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('version', models.PositiveIntegerField(default=1)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('start_date', models.DateField(verbose_name='interrupted from')),
                ('resume_date', models.DateField(blank=True, null=True, verbose_name='resumed on')),
                ('reason', models.CharField(max_length=300)),
                ('line', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='interruptions', to='cases.therapyline')),
                ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['start_date', 'created_at'],
            },
        ),
    ]
