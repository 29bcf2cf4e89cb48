"""Sentences with placeholders, translated once a page in Python as `{% blocktranslate %}` translated them.

The long lists drawn by Jinja2 (the worklist's rows, a check's cases, a meeting's agenda; issue 16) word their
sentences in Python. `{% blocktranslate %}` printed the English sentence when a translation could not be filled (a
placeholder renamed or of another type in a catalogue built without `msgfmt --check-format`); `%` would raise instead,
and the page would fail. `fillable` prints the English sentence instead; its values are those the page prepared, in
the reader's language (the template filled the English sentence with values worded anew in English).

Mark the message id where it is written, `fillable(gettext_noop("case %(id)s"), "id")`: makemessages keeps only the
strings of the calls it knows (tests/i18n/test_catalogue.py checks every `fillable`).
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
