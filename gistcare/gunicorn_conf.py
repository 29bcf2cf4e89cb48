"""gunicorn settings: `gunicorn -c gistcare/gunicorn_conf.py gistcare.wsgi`.

The access log records the path without its query string: a search box query (an MRN, a name) must never
reach a log file; secret tokens in paths (calendar feed, password reset) are replaced (gunicorn_logging.py).
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
# %(U)s is the path alone; the default format's %(r)s would include "?q=<MRN>".
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
# Paths that carry a secret (calendar feed token, password reset token) are logged with the token replaced.
logger_class = "gistcare.gunicorn_logging.RedactingLogger"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
