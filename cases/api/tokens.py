"""Creating, checking and revoking API tokens."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from cases.models import ApiToken
from cases.models.api import hash_token

TOKEN_PREFIX = "gc_"  # noqa: S105 (a label, not a secret)


@transaction.atomic
def api_token_create(*, owner: object, name: str) -> tuple[ApiToken, str]:
    """A new token for `owner`; returns the record and the raw token, which is never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(owner=owner, name=name, token_hash=hash_token(raw))
    return token, raw


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_authenticate(raw: str) -> ApiToken | None:
    """The usable token matching `raw`, with its use recorded; None for unknown, revoked or inactive owners."""
    if not raw or len(raw) > 200:
        return None
    token = ApiToken.objects.usable().select_related("owner").filter(token_hash=hash_token(raw)).first()
    if token is None:
        return None
    # A queryset update: recording use is bookkeeping, not a change worth an audit entry per call.
    now = timezone.now()
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
    return token
