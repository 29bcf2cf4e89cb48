"""Secrets in URLs never reach the gunicorn access log (issue 11, finding 8).

The calendar feed authenticates by a token in its address and the password reset link carries a one-time token:
the shipped gunicorn configuration logs those paths with the token replaced, and (as before) no query string.
"""

from __future__ import annotations

import datetime as dt
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from gistcare.gunicorn_logging import RedactingLogger

CONF = Path(__file__).resolve().parent.parent / "gistcare" / "gunicorn_conf.py"
TOKEN = "Zk3p9-QxLr2sTuVw0yAbCdEfGhIjKlMn"


def _log_line(tmp_path, path: str, query: str = "") -> str:
    conf = runpy.run_path(str(CONF))
    cfg = Config()
    log = tmp_path / "access.log"
    cfg.set("accesslog", str(log))
    cfg.set("access_log_format", conf["access_log_format"])
    cfg.set("logger_class", conf["logger_class"])
    logger = cfg.logger_class(cfg)
    raw = path + (f"?{query}" if query else "")
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "RAW_URI": raw, "QUERY_STRING": query,
               "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1"}  # fmt: skip
    response = SimpleNamespace(status="200 OK", headers=[], sent=123)
    logger.access(response, SimpleNamespace(headers=[]), environ, dt.timedelta(milliseconds=7))
    for handler in logger.access_log.handlers:
        handler.flush()
    return log.read_text()


def test_the_shipped_configuration_uses_the_redacting_logger():
    assert runpy.run_path(str(CONF))["logger_class"] == "gistcare.gunicorn_logging.RedactingLogger"
    assert issubclass(RedactingLogger, __import__("gunicorn.glogging").glogging.Logger)


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        (f"/followups/calendar/{TOKEN}.ics", "/followups/calendar/[token].ics"),
        (f"/accounts/reset/MQ/{TOKEN}/", "/accounts/reset/[uid]/[token]/"),
    ],
)
def test_it_logs_secret_paths_without_their_token(tmp_path, path, shown):
    line = _log_line(tmp_path, path)
    assert TOKEN not in line
    assert f'"GET {shown}" 200 123 7ms' in line


def test_it_logs_other_paths_as_they_are_and_never_the_query(tmp_path):
    line = _log_line(tmp_path, "/cases/", query="q=MRN4242")
    assert '"GET /cases/" 200 123 7ms' in line
    assert "MRN4242" not in line


@pytest.mark.django_db
def test_djangos_not_found_line_leaves_the_token_out(client):
    import io
    import logging

    from gistcare.log_redaction import RedactSecretPaths

    # The console handler configured by settings.LOGGING, writing into a buffer for the length of one request.
    (handler,) = [
        h for h in logging.getLogger().handlers if any(isinstance(f, RedactSecretPaths) for f in h.filters)
    ]
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    try:
        assert client.get(f"/followups/calendar/{TOKEN}.ics").status_code == 404
    finally:
        handler.setStream(previous)
    written = buffer.getvalue()
    assert "Not Found: /followups/calendar/[token].ics" in written
    assert TOKEN not in written
