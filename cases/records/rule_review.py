"""Every case checked against the current rule set, and the cases the MDT ticks re-assessed, in the background
(issue 16: re-assessment of many cases runs as a Celery task; issue 17.1: after a rule-data change).

A request only records the job (`check_request`, `reassess_request`); a Celery task does the work
(`check_run`, `reassess_run`; cases/records/tasks.py), saving its progress as it goes, and the page polls it.
Without a broker the task runs inside the request, as the meeting printout's and the CSV export's do.

A check changes nothing: it keeps the cases the current rules answer differently (`rule_changes`: modified NIH
risk, pathway, adjuvant advice or surveillance schedule), with both answers, and the cases made with a superseded
version that the current rules answer the same. What to do about a changed answer is the MDT's: nothing is
re-assessed unless someone who may edit cases ticks it. A re-assessment then does to each ticked case what its
page's "Re-assess with the current rules" does (`case_reassess`), in its own transaction with the case locked, and
leaves alone a case that is no longer the one the check listed (`_reassess_one`).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from cases.audit.labels import REASSESSED
from cases.models import Case, RuleReviewJob, RuleReviewKind, RuleReviewStatus
from cases.records.assessment import assessed_case_count, current_answer, rule_changes, superseded_by
from cases.records.facts import build_facts
from cases.records.services import case_reassess
from guidelines import RULESETS, get_ruleset

logger = logging.getLogger(__name__)

# Stored in English (the job is the installation's), printed in the reader's language (rule_review.html).
WORKERS_UNREACHABLE = gettext_noop(
    "The work could not be started: the background workers cannot be reached. Try again."
)
RUN_FAILED = gettext_noop("The work stopped with an error (it is in the server's log). Try again.")
#: Why a ticked case was left alone (stored as these codes, worded on the page).
SKIPPED_CURRENT = "current"  # re-assessed with the current rules since the check
SKIPPED_ARCHIVED = "archived"  # archived or deleted since the check
SKIPPED_NO_SITE = "no_site"  # no site recorded any more: nothing to assess
SKIPPED_RULES_CHANGED = "rules_changed"  # the rules changed again since the check answered
SKIPPED_RECORDS_CHANGED = "records_changed"  # its records answer otherwise than the facts the check answered
SKIPPED_FAILED = "failed"  # an error (in the server's log); the other cases go on
#: The job's progress is written every this many cases (one UPDATE; the page polls it every second).
PROGRESS_EVERY = 100


def check_request(*, user) -> RuleReviewJob:
    """Record a check of every case against the current rules, asked for by `user`."""
    return RuleReviewJob.objects.create(kind=RuleReviewKind.CHECK, requested_by=user)


def checks_under_way():
    """The checks asked for, not finished, and not stalled (their page says so: they are not waited for)."""
    since = timezone.now() - timedelta(seconds=getattr(settings, RuleReviewJob.STALE_SETTING))
    return RuleReviewJob.objects.filter(kind=RuleReviewKind.CHECK, updated_at__gte=since).exclude(
        status__in=[RuleReviewStatus.READY, RuleReviewStatus.FAILED]
    )


def _progress(job_id, done: int) -> None:
    RuleReviewJob.objects.filter(pk=job_id).update(done=done, updated_at=timezone.now())


def _start(job_id, *, total: int, worker: str) -> None:
    RuleReviewJob.objects.filter(pk=job_id).update(
        status=RuleReviewStatus.RUNNING, total=total, worker=worker, updated_at=timezone.now()
    )


def _finish(job_id, *, done: int, result: dict) -> None:
    RuleReviewJob.objects.filter(pk=job_id).exclude(status=RuleReviewStatus.FAILED).update(
        status=RuleReviewStatus.READY,
        done=done,
        result=result,
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )


def _unfinished(job_id, kind: str) -> RuleReviewJob | None:
    job = (
        RuleReviewJob.objects.select_related("requested_by", "check_job").filter(pk=job_id, kind=kind).first()
    )
    return None if job is None or job.finished else job


def check_run(*, job_id: str, worker: str) -> bool:
    """Check every case (False when there is no such check, or it is finished already)."""
    job = _unfinished(job_id, RuleReviewKind.CHECK)
    if job is None:
        return False
    _start(job.pk, total=assessed_case_count(), worker=worker)
    changed, unchanged, failed, done = [], [], [], 0
    for done, change in enumerate(rule_changes(), start=1):
        if change.failed:
            failed.append(str(change.case.pk))
        elif change.changes:
            changed.append(
                {
                    "case": str(change.case.pk),
                    "ruleset": change.ruleset,
                    "stored_version": change.stored_version,
                    "current_version": change.current_version,
                    "changes": [list(difference) for difference in change.changes],
                }
            )
        elif change.superseded:
            unchanged.append(str(change.case.pk))
        if done % PROGRESS_EVERY == 0:
            _progress(job.pk, done)
    versions = {name: ruleset.version for name, ruleset in RULESETS.items()}
    result = {"changed": changed, "unchanged": unchanged, "failed": failed, "versions": versions}
    _finish(job.pk, done=done, result=result)
    return True


def reassess_request(*, user, check: RuleReviewJob, case_ids: list[str]) -> RuleReviewJob:
    """Record a re-assessment of `case_ids` (cases `check` found; the form has checked that), asked by `user`."""
    return RuleReviewJob.objects.create(
        kind=RuleReviewKind.REASSESS,
        check_job=check,
        case_ids=case_ids,
        total=len(case_ids),
        requested_by=user,
    )


def _reassess_one(case_id: str, user, versions: dict[str, str]) -> str | None:
    """Re-assess one case, locked, if it is still the case the check listed; None when it was, else why not.

    Left alone: a case archived or re-assessed since the check; one whose rule set has a newer version than the
    check answered with (`versions`: the current version of each rule set then); one whose records now answer
    otherwise than the stored facts the check answered (a recurrence entered on the treatment course, say): the MDT
    ticked the answer it saw, not another.
    """
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id, archived_at__isnull=True).first()
        if case is None:
            return SKIPPED_ARCHIVED
        latest = case.assessments.order_by("-created_at").first()
        if latest is None or superseded_by(latest) is None:
            return SKIPPED_CURRENT
        ruleset = get_ruleset(latest.ruleset)
        if versions.get(latest.ruleset) != ruleset.version:
            return SKIPPED_RULES_CHANGED
        # What the rules answer on the facts its records give now, built as on the snapshot's day (a schedule without
        # a diagnosis or surgery date starts on the day its facts are built), against their answer on the stored facts
        # (an older engine stored fewer facts: only a different answer is a change).
        now = build_facts(case, today=timezone.localdate(latest.created_at))
        if now is None:
            return SKIPPED_NO_SITE
        if case.ruleset != latest.ruleset or current_answer(latest, ruleset, now) != current_answer(
            latest, ruleset
        ):
            return SKIPPED_RECORDS_CHANGED
        case_reassess(case=case, user=user, reason=REASSESSED)
    return None


def reassess_run(*, job_id: str, worker: str) -> bool:
    """Re-assess the job's cases (False when there is no such job, or it is finished already)."""
    job = _unfinished(job_id, RuleReviewKind.REASSESS)
    if job is None:
        return False
    _start(job.pk, total=len(job.case_ids), worker=worker)
    versions = (job.check_job.result or {}).get("versions", {}) if job.check_job else {}
    reassessed, skipped = [], []
    for done, case_id in enumerate(job.case_ids, start=1):
        try:
            why = _reassess_one(case_id, job.requested_by, versions)
        except Exception:
            logger.exception("rule review %s: re-assessing case %s failed", job.pk, case_id)
            why = SKIPPED_FAILED
        if why is None:
            reassessed.append(case_id)
        else:
            skipped.append([case_id, why])
        _progress(job.pk, done)
    _finish(job.pk, done=len(job.case_ids), result={"reassessed": reassessed, "skipped": skipped})
    return True


def review_fail(*, job_id: str, message: str = RUN_FAILED) -> None:
    RuleReviewJob.objects.filter(pk=job_id).exclude(status=RuleReviewStatus.READY).update(
        status=RuleReviewStatus.FAILED, error=message, finished_at=timezone.now(), updated_at=timezone.now()
    )


def checks_purge() -> int:
    """Delete the checks against the current rules, with the re-assessments asked from their pages, on which no work
    was done for GISTCARE_RULE_CHECK_KEEP_DAYS days (a re-assessment asked for, working or finished since keeps its
    check: its page lists the cases it left alone, and why); their number. Kept whatever their age: the latest
    check (the rules page shows it) and the latest that finished (its list of changed cases). A check is a working
    list, answered again by a new check; what a re-assessment did stays in each case's history ("Re-assessed with the
    current rules"). Nightly under beat (`records.checks_purge`)."""
    before = timezone.now() - timedelta(days=settings.GISTCARE_RULE_CHECK_KEEP_DAYS)
    checks = RuleReviewJob.objects.filter(kind=RuleReviewKind.CHECK)
    latest = {
        checks.values_list("pk", flat=True).first(),
        checks.filter(status=RuleReviewStatus.READY).values_list("pk", flat=True).first(),
    } - {None}
    worked_on = RuleReviewJob.objects.filter(
        kind=RuleReviewKind.REASSESS, check_job__isnull=False, updated_at__gte=before
    ).values("check_job")
    old = list(
        checks.filter(updated_at__lt=before)
        .exclude(pk__in=latest)
        .exclude(pk__in=worked_on)
        .values_list("pk", flat=True)
    )
    RuleReviewJob.objects.filter(pk__in=old).delete()  # their re-assessments with them (check_job: CASCADE)
    return len(old)
