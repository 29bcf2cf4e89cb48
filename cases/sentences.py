"""Sentences with placeholders, translated once a page in Python as `{% blocktranslate %}` translated them.

The long lists drawn by Jinja2 (the worklist's rows, the printable list, a check's cases, a meeting's agenda; issue 16)
word their sentences in Python. `{% blocktranslate %}` printed the English sentence when a translation could not be
filled (a placeholder renamed or of another type in a catalogue built without `msgfmt --check-format`); `%` would
raise instead, and the page would fail. `fillable` keeps the template's behaviour.
"""

from __future__ import annotations

from django.utils.translation import gettext


def fillable(msgid: str, *names: str) -> str:
    """`gettext(msgid)` when it can be filled with text for each of `names`, else the English `msgid`."""
    translated = gettext(msgid)
    try:
        translated % dict.fromkeys(names, "")
    except (KeyError, ValueError, TypeError):
        return msgid
    return translated
