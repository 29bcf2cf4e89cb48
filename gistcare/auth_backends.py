"""Django's ModelBackend, with each user's permission set kept in the shared cache (issue 16).

Every page asks `user.has_perm` (the navigation, the views' checks), and Django's ModelBackend answers the first
question of each request with two joined queries: the user's own permissions, then its groups'. In the profile
these were 13 % of the live panel's time and a quarter of a plain page's. With a shared cache (CACHE_URL, Redis
in production; GISTCARE_PERMISSION_CACHE_SECONDS > 0) the set is read from the cache instead.

Nobody may keep a capability that was taken away, so a cached set is only used while it is known to be current:

- Each set is stored with the cache's *generation*, a token every change to roles or permissions replaces
  (`forget_permissions`, connected to Django's signals before and after each change of the user-group and
  user-permission links and a group's permissions, from either side, of deleting a group or a permission, which
  removes their links without an m2m signal, and of saving a permission). The token is replaced at once and again
  when the change's transaction commits, so a set read from the database just before the commit is not used
  afterwards. A change is rare (an administrator's action): it costs every user one re-read. While the cache
  cannot be reached such a change is refused (PermissionCacheUnreachable): the sets it could not void would be
  used again once the cache is back. Reads fall back to the database meanwhile.
- `migrate` and `flush` replace the token too (data migrations change roles through historical models, whose
  signals are not heard here), and `manage.py restore` empties the cache.
- `is_active`, `is_superuser` and `date_joined` come from the user row the request loaded anyway: an inactive
  user has no permission whatever the cache holds, a set stored for a superuser is not used once the flag is off,
  and a user given the id of a deleted user (after a restore) does not match the deleted user's set.
- A change that sends no signal (raw SQL, `QuerySet.update()` or `bulk_create` on the link tables, or a process
  run without CACHE_URL) is not seen: PERMISSION_CACHE_SECONDS bounds how long a set can then be stale.

Without a shared cache (GISTCARE_PERMISSION_CACHE_SECONDS = 0) this is ModelBackend unchanged.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.db import transaction

from gistcare.cache import past_breaker_of

GENERATION_KEY = "permissions:generation"
logger = logging.getLogger(__name__)


def _user_key(user_pk: Any) -> str:
    return f"permissions:v1:user:{user_pk}"  # v1: the entry's format (_shared_permissions)


class PermissionCacheUnreachable(RuntimeError):
    """A change to roles or permissions while the shared cache cannot be told: refused (see forget_permissions)."""


def _generation(found: dict[str, Any]) -> str | None:
    generation = found.get(GENERATION_KEY)
    if generation is None:  # first use, or evicted: every stored set is void
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)  # add: another process may be first
        generation = cache.get(GENERATION_KEY)  # None only if evicted again at once: nothing is cached then
    return generation


class CachedPermissionBackend(ModelBackend):
    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        seconds = settings.GISTCARE_PERMISSION_CACHE_SECONDS
        if not seconds or obj is not None or not user_obj.is_active or user_obj.is_anonymous:
            return super().get_all_permissions(user_obj, obj)
        if not hasattr(user_obj, "_perm_cache"):  # once per request, as ModelBackend
            user_obj._perm_cache = self._shared_permissions(user_obj, seconds)
        return user_obj._perm_cache

    def _database_permissions(self, user_obj) -> set[str]:
        return {*self.get_user_permissions(user_obj), *self.get_group_permissions(user_obj)}

    def _shared_permissions(self, user_obj, seconds: int) -> set[str]:
        key = _user_key(user_obj.pk)
        try:
            found = cache.get_many([GENERATION_KEY, key])
            generation = _generation(found)  # read BEFORE the database: a change after this replaces it
        except Exception:  # the cache is unreachable: the database answers, as without a cache
            logger.warning("Shared cache unreachable: permissions read from the database", exc_info=True)
            return self._database_permissions(user_obj)
        stored = found.get(key)
        # The user as this request loaded it: a superuser flag turned off, or another user given a deleted user's
        # id (after a restore), does not match the stored set.
        who = {"superuser": user_obj.is_superuser, "joined": user_obj.date_joined.isoformat()}
        if generation is not None and stored and stored["generation"] == generation and stored["who"] == who:
            return set(stored["permissions"])
        permissions = self._database_permissions(user_obj)
        if generation is not None:
            entry = {"generation": generation, "who": who, "permissions": sorted(permissions)}
            try:
                cache.set(key, entry, seconds)
            except Exception:
                logger.warning("Shared cache unreachable: a permission set was not stored", exc_info=True)
        return permissions


def _new_generation() -> None:
    # Past the shared cache's breaker (gistcare/cache.py), here and in permission_cache_reachable: the token must be
    # renewed, or a change refused, by what Redis answers now, not because another request timed out a moment ago.
    with past_breaker_of(cache):
        cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def _new_generation_after_commit() -> None:
    try:
        _new_generation()
    except Exception:  # the change is committed; the generation was already replaced before the commit
        logger.exception("Shared cache unreachable after a permission change was committed")


def _shared() -> bool:
    return bool(settings.CACHE_URL or settings.GISTCARE_PERMISSION_CACHE_SECONDS)


def permission_cache_reachable() -> bool:
    """Whether a change to roles or permissions could be made now (always, without a shared cache): the forms
    that change them ask first, so an administrator is told on the form instead of being refused at the save."""
    if not _shared():
        return True
    try:
        with past_breaker_of(cache):
            cache.get(GENERATION_KEY)
    except Exception:
        logger.warning(
            "Shared cache unreachable: changes to roles and permissions are refused", exc_info=True
        )
        return False
    return True


def forget_permissions(**kwargs: Any) -> None:
    """Every cached permission set is void: now, and again when the change's transaction commits.

    Connected to the signals before and after each change: if the cache cannot be reached the change is refused
    before it is made (PermissionCacheUnreachable), because a set that could not be voided would be used again,
    with the capability taken away, as soon as the cache is reachable again.
    """
    if not _shared():
        return  # no shared cache: nothing holds a set (a process with CACHE_URL voids them, even if it reads none)
    try:
        _new_generation()
    except Exception as exc:
        raise PermissionCacheUnreachable(
            "The shared cache (CACHE_URL) cannot be reached, so the permissions it holds cannot be renewed: this "
            "change to roles or permissions is refused. Make it again once the cache is back."
        ) from exc
    transaction.on_commit(_new_generation_after_commit, using=kwargs.get("using"))


def forget_permissions_after_migrate(**kwargs: Any) -> None:
    """A data migration changes roles through historical models, whose m2m changes send no signal heard here
    (and `flush` empties the tables): every migrate and flush voids the cached sets."""
    if not _shared():
        return
    try:
        _new_generation()
    except Exception:  # the migration is done; the sets expire within PERMISSION_CACHE_SECONDS
        logger.exception("Shared cache unreachable after migrate: cached permission sets were not voided")


def connect_signals() -> None:
    """Called from the cases app's ready(): every change to who holds which permission, before and after it."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.db.models.signals import (
        m2m_changed,
        post_delete,
        post_migrate,
        post_save,
        pre_delete,
        pre_save,
    )

    user_model = get_user_model()
    links = {
        "groups": user_model.groups.through,
        "user_permissions": user_model.user_permissions.through,
        "group_permissions": Group.permissions.through,
    }
    # m2m_changed is sent before and after each add, remove and clear, from either side of the link.
    for name, through in links.items():
        m2m_changed.connect(forget_permissions, sender=through, dispatch_uid=f"gistcare.permissions.{name}")
    # Deleting a group or a permission removes its links without an m2m signal.
    for model in (Group, Permission):
        for signal in (pre_delete, post_delete):
            signal.connect(
                forget_permissions,
                sender=model,
                dispatch_uid=f"gistcare.permissions.{model.__name__}.{'before' if signal is pre_delete else 'after'}",
            )
    post_migrate.connect(forget_permissions_after_migrate, dispatch_uid="gistcare.permissions.migrate")
    # A permission renamed changes the names the sets hold.
    for signal in (pre_save, post_save):
        signal.connect(
            forget_permissions,
            sender=Permission,
            dispatch_uid=f"gistcare.permissions.save.{'before' if signal is pre_save else 'after'}",
        )
