"""Finds English left on a page meant to be Chinese: the visible text, word by word.

A word in Latin script is allowed only when it is a code (upper case and digits: GIST, MRN, NIH, CD117, R0,
IIIA, T3), a unit, a drug name, a rule-set or scheme name, an ISO date, or a value the test put there itself
(the patient's name, the MRN). Anything else is English that slipped through, reported with its neighbours so
the failure names the sentence.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Codes, units and names that are written in Latin script in Chinese clinical text too.
ALLOWED_WORDS = {
    "gistcare",
    "english",  # the language switcher offers "English" by its own name
    "mg",
    "cm",
    "mm",
    "mm²",
    "kg",
    "hpf",
    "imatinib",
    "sunitinib",
    "regorafenib",
    "ripretinib",
    "avapritinib",
    "esmo",
    "csco",
    "nih",
    "afip",
    "tnm",
    "pdf",
    "sha",
    "ct",
    "mri",
    "eus",
    "vs",
    "oslo",  # the Oslo criteria of tumour rupture, named after the city as in Chinese papers
}
WORD = re.compile(r"[A-Za-z][A-Za-z'’²-]*")
CODE = re.compile(r"^[A-Z0-9][A-Z0-9²-]*[a-z]?$")  # GIST, CD117, R0, IIIA, T3a, SDH-deficient is not a code
SHORT_ID = re.compile(
    r"^[0-9a-f]{8}$"
)  # a case's short id, digits or not ("cebbaadf"): cases.models.case.short_id_of


class _VisibleText(HTMLParser):
    """Text a reader sees: no script or style, no <code> (hashes), no attribute values."""

    # <cite>: a bibliographic source stays in the language it was published in (as in Chinese papers).
    SKIP = {"script", "style", "code", "template", "cite"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self.SKIP:
            self._skipping += 1
        if tag == "option":
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self._skipping:
            self._skipping -= 1
        self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return "".join(parser.parts)


def english_runs(html: str, allow: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """Each run of English words in the page's visible text, e.g. ["Latest assessment", "Edit"]."""
    allowed = {w.lower() for w in ALLOWED_WORDS} | {w.lower() for w in allow}
    text = visible_text(html)
    text = re.sub(r"\d{4}-\d{2}-\d{2}", " ", text)  # ISO dates stay beside the Chinese ones
    runs: list[str] = []
    for line in text.splitlines():
        current: list[str] = []
        for token in re.split(r"(\s+)", line):
            # A token with a digit is a code or a value: esmo-2022, 2022.1+c9fe0cd, 1b2c3d4e, ZH0000001, 5mm².
            # A file name (RULES.md) is a code too.
            words = [] if re.search(r"\d|\w\.\w", token) else WORD.findall(token)
            english = [
                w for w in words if w.lower() not in allowed and not CODE.match(w) and not SHORT_ID.match(w)
            ]
            if english:
                current.extend(english)
            elif token.strip():
                if current:
                    runs.append(" ".join(current))
                current = []
        if current:
            runs.append(" ".join(current))
    return runs
