"""Open sessions keep their user across the move to gistcare.auth_backends.CachedPermissionBackend (issue 16).

A session records the dotted path of the backend that logged its user in, and Django ends any session whose
backend is no longer in AUTHENTICATION_BACKENDS: without this, the upgrade would log every user out at once.
Only sessions still open are rewritten; going back rewrites them the other way.
"""

from django.db import migrations
from django.utils import timezone

OLD = "django.contrib.auth.backends.ModelBackend"
NEW = "gistcare.auth_backends.CachedPermissionBackend"


def _move(apps, schema_editor, source: str, target: str) -> None:
    from django.contrib.sessions.backends.db import SessionStore

    session_model = apps.get_model("sessions", "Session")
    store = SessionStore()
    for session in session_model.objects.filter(expire_date__gt=timezone.now()).iterator():
        data = store.decode(session.session_data)
        if data.get("_auth_user_backend") == source:
            data["_auth_user_backend"] = target
            session.session_data = store.encode(data)
            session.save(update_fields=["session_data"])


def forward(apps, schema_editor) -> None:
    _move(apps, schema_editor, OLD, NEW)


def backward(apps, schema_editor) -> None:
    _move(apps, schema_editor, NEW, OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0024_case_owner_drafts_index"),
        ("sessions", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, backward)]
