"""gunicorn settings: `gunicorn -c gistcare/gunicorn_conf.py gistcare.wsgi`.

The access log records the path without its query string: a search box query (an MRN, a name) must never
reach a log file; secret tokens in paths (calendar feed, password reset) are replaced (gunicorn_logging.py).
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
# Threaded workers (issue 11, finding 15): a client that trickles its headers ties up one thread, not a whole
# worker, so 4 such clients no longer stall every sync worker. gthread is no cure for hundreds of them: in
# production a buffering reverse proxy (nginx, see docs/deploy.md) reads whole requests before passing them on.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
# A worker that has not answered its arbiter for this long is restarted. A gthread worker answers it from its main
# loop while its threads serve requests: a long request is not cut short (an 8 s request under a 3 s timeout
# answered 200), which is why long work runs on Celery (docs/deploy.md). Idle keep-alive connections are closed
# after a few seconds so they do not hold threads.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Bounded request heads: at most 50 header lines of at most 8 KB each.
limit_request_fields = 50
limit_request_field_size = 8190
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
# %(U)s is the path alone; the default format's %(r)s would include "?q=<MRN>".
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
# Paths that carry a secret (calendar feed token, password reset token) are logged with the token replaced.
logger_class = "gistcare.gunicorn_logging.RedactingLogger"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
