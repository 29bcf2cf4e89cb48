"""English keeps the British conventions the app had before it could speak Chinese (day before month)."""

from django.conf.locale.en_GB.formats import *  # noqa: F403
