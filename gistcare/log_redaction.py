"""Secret tokens in URL paths never reach a log (issue 11, finding 8).

The calendar feed authenticates by the token in its address (calendar apps cannot log in) and the password
reset link carries a one-time token: a log reader holding either could read a nurse's worklist or take over an
account. Used by the gunicorn access logger (gunicorn_logging.py) and, as a logging filter, for Django's own
"Not Found: <path>" and "Internal Server Error: <path>" lines.
"""

from __future__ import annotations

import logging
import re

SECRET_PATHS = (
    (re.compile(r"(/followups/calendar/)[^/?\s]+(\.ics)"), r"\1[token]\2"),
    (re.compile(r"(/accounts/reset/)[^/?\s]+/[^/?\s]+/"), r"\1[uid]/[token]/"),
)


def redact(text: str) -> str:
    for pattern, replacement in SECRET_PATHS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecretPaths(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True
