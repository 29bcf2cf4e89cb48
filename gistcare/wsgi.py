import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gistcare.settings")
application = get_wsgi_application()

# Gunicorn runs no system checks: refuse to serve a configuration that would leak account takeovers.
from cases.checks import refuse_unsafe_start  # noqa: E402  (needs the apps loaded above)

refuse_unsafe_start()
