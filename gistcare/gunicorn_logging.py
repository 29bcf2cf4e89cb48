"""A gunicorn access logger that keeps secret URL tokens out of the log (issue 11, finding 8; see
log_redaction.py). Every atom that can carry the path (`%(U)s`, `%(r)s`, the raw environ entries) is rewritten.
"""

from __future__ import annotations

from gunicorn.glogging import Logger

from gistcare.log_redaction import redact


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        safe = dict(environ)
        for key in ("PATH_INFO", "RAW_URI", "REQUEST_URI", "SCRIPT_NAME"):
            if isinstance(safe.get(key), str):
                safe[key] = redact(safe[key])
        return super().atoms(resp, req, safe, request_time)
