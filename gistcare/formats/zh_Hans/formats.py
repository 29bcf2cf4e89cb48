"""Chinese dates as clinicians write them: 2026年3月5日 (Django's zh_Hans formats, with ISO input accepted)."""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403
