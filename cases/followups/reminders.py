"""The daily digest of due and overdue follow-up items, one email per nurse per day.

Items without a responsible nurse: they go to every nurse's digest (marked "unassigned"), so nobody's patient
falls through the net; when `GISTCARE_FOLLOWUP_UNASSIGNED_EMAIL` is set (e.g. a team mailbox), they go there
instead and the nurses receive only their own items. Emails carry the case short id, never a patient's name or
MRN (mail leaves the application); the link opens the worklist.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from cases.choices import FollowUpSource, FollowUpStatus
from cases.followups.forms import nurse_queryset
from cases.followups.worklist import base_items
from cases.language import stored_language
from cases.models import FollowUpItem, ReminderLog

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Digest:
    recipient: str
    user_id: int | None
    items: tuple[FollowUpItem, ...]


def _due_or_overdue(today: date):
    return (
        base_items()
        .filter(status=FollowUpStatus.PENDING, window_start__lte=today)
        .select_related("case", "responsible_nurse")
        .order_by("due_date", "id")
    )


def digests(*, today: date) -> list[Digest]:
    items = list(_due_or_overdue(today))
    team_address = getattr(settings, "GISTCARE_FOLLOWUP_UNASSIGNED_EMAIL", "")
    unassigned = tuple(i for i in items if i.responsible_nurse_id is None)
    out = []
    for user in nurse_queryset().exclude(email=""):
        mine = [i for i in items if i.responsible_nurse_id == user.pk]
        if not team_address:
            mine += unassigned
        if mine:
            out.append(
                Digest(user.email, user.pk, tuple(sorted(mine, key=lambda i: (i.due_date, str(i.pk)))))
            )
    if team_address and unassigned:
        out.append(Digest(team_address, None, unassigned))
    return out


def _day(day: date) -> str:
    return formats.date_format(day, pgettext("digest date", "d M Y"))


def _body(digest: Digest, today: date, base_url: str) -> str:
    lines = [
        _("Follow-up items due or overdue on %(day)s: %(count)s")
        % {"day": _day(today), "count": len(digest.items)},
        "",
    ]
    for item in digest.items:
        values = {
            "day": _day(item.due_date),
            "what": item.get_modality_display(),
            "case": item.case.short_id,
        }
        overdue = item.window_end < today
        if item.source == FollowUpSource.REVIEW:  # a result entered in the treatment course: no visit to book
            line = (
                _("- %(day)s result to review: %(what)s, case %(case)s")
                if item.responsible_nurse_id
                else _("- %(day)s result to review: %(what)s, case %(case)s (unassigned)")
            )
        elif item.responsible_nurse_id:
            line = (
                _("- %(day)s OVERDUE: %(what)s, case %(case)s")
                if overdue
                else _("- %(day)s due now: %(what)s, case %(case)s")
            )
        else:
            line = (
                _("- %(day)s OVERDUE: %(what)s, case %(case)s (unassigned)")
                if overdue
                else _("- %(day)s due now: %(what)s, case %(case)s (unassigned)")
            )
        lines.append(line % values)
    lines += ["", _("Open the worklist: %(url)s") % {"url": f"{base_url}/followups/?tab=overdue"}]
    return "\n".join(lines)


@dataclass
class RemindersSent:
    sent: int = 0
    #: The addresses the mail server did not take (refused, or not reachable): tried again on the next run.
    not_sent: list[str] = field(default_factory=list)


def reminders_send(*, today: date, base_url: str = "") -> RemindersSent:
    """Send today's digests that were not sent yet. Idempotent per day."""
    result = RemindersSent()
    for digest in digests(today=today):
        try:
            with transaction.atomic():
                # The log row is written first and the unique (recipient, day) constraint makes a second run
                # (or a concurrent one) skip; if sending fails the row is rolled back and the next run retries.
                ReminderLog.objects.create(
                    recipient=digest.recipient,
                    user_id=digest.user_id,
                    day=today,
                    item_count=len(digest.items),
                )
                with translation.override(stored_language(digest.user_id)):
                    subject = _("GISTCare follow-up: %(count)s item(s) due or overdue") % {
                        "count": len(digest.items)
                    }
                    body = _body(digest, today, base_url)
                send_mail(subject=subject, message=body, from_email=None, recipient_list=[digest.recipient])
        except IntegrityError:
            continue
        except (smtplib.SMTPException, OSError) as exc:
            # This digest only (a closed mailbox, a mistyped address, the server gone): the other nurses still get
            # theirs; the run goes on and reports it (one line: the command prints its log, never a traceback).
            logger.warning(
                "Follow-up digest to %s not sent: %s", digest.recipient, exc or exc.__class__.__name__
            )
            result.not_sent.append(digest.recipient)
            continue
        result.sent += 1
    return result


__all__ = ["Digest", "RemindersSent", "digests", "reminders_send"]
