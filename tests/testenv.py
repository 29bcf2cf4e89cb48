"""Environment for the test run, loaded as a pytest plugin (`-p tests.testenv`) before Django reads settings.

Tests run with DEBUG off (pytest-django's default), so they need a secret key, and plain-HTTP test clients
must not be redirected to HTTPS; production keeps both protections (see gistcare/settings.py).
"""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SECURE_COOKIES", "false")
os.environ.setdefault("STATIC_MANIFEST", "false")
os.environ.setdefault("GISTCARE_INSTITUTION", "Test Hospital")
