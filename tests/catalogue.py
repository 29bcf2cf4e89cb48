"""A translation catalogue with entries that cannot be filled (a translator's slip: a placeholder translated), as a
catalogue built without `msgfmt --check-format` could hold: the pages must print the English sentence, as
{% blocktranslate %} did, not fail."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.utils.translation import trans_real


@contextlib.contextmanager
def broken_translations(language: str, entries: dict[str, str]) -> Iterator[None]:
    catalog = trans_real.translation(language)._catalog
    before = {msgid: catalog[msgid] for msgid in entries}
    try:
        for msgid, broken in entries.items():
            catalog[msgid] = broken
        yield
    finally:
        for msgid, translated in before.items():
            catalog[msgid] = translated
