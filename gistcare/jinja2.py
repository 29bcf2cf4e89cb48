"""The Jinja2 environment of the fragments rendered by Django's Jinja2 backend (settings.TEMPLATES, issue 16).

Autoescaping is on (as the backend's default, and whatever the options say), and a name the template uses but the context lacks is an error
(StrictUndefined), not an empty string printed on a clinical page.
"""

from __future__ import annotations

from typing import Any

import jinja2


def environment(**options: Any) -> jinja2.Environment:
    options = {**options, "undefined": jinja2.StrictUndefined}
    options.pop("autoescape", None)
    return jinja2.Environment(autoescape=True, **options)
