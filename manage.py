#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gistcare.settings")
    # manage.py is the developer's tool: without DEBUG in the environment it runs in development mode (with
    # the dev-only secret key). The served app (gistcare/wsgi.py, asgi.py, gunicorn) has no such default and
    # refuses to start without SECRET_KEY; production operators set DEBUG=0 for their manage.py commands.
    os.environ.setdefault("DEBUG", "1")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as error:  # a malformed environment variable (gistcare/settings.py): one line
        sys.exit(f"Configuration error: {error}")


if __name__ == "__main__":
    main()
