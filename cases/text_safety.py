"""Identifiers and names that look like what they are (issue 11, finding 12).

An MRN `DEMO-<U+202E>1000` (a right-to-left override) displays as `DEMO-0001`: another patient's number.
Hospital numbers are refused when they hold any character that is invisible or changes the direction or shape of
its neighbours; names are normalised to NFC (so "José" typed two ways is one string) and refused only the
characters no name needs.

Unicode general categories refused in an MRN (Unicode Standard, ch. 4.5 "General Category"; UAX #9 for the bidi
controls; Unicode Technical Report #36 "Unicode Security Considerations" for invisible characters):
  Cc  control characters (NUL, tab, escape, ...)
  Cf  format characters: bidi marks, embeddings, overrides and isolates (U+200E-U+200F, U+202A-U+202E,
      U+2066-U+2069, U+061C), zero-width space/joiners (U+200B-U+200D), soft hyphen, byte order mark
  Zl, Zp  line and paragraph separators (U+2028, U+2029)
  Co  private-use characters: each font draws what it likes there
  Cs, Cn  surrogates and unassigned code points: not text
  Mn, Me  combining marks left after NFKC composition (e.g. U+0338 draws a stroke across the previous digit)
The MRN is first NFKC-normalised, which folds compatibility look-alikes (full-width "ＤＥＭＯ１" becomes "DEMO1")
into the characters they imitate, so the duplicate check sees one number.

Names keep format characters that some scripts need inside words (the zero-width non-joiner of Persian and the
Indic scripts, the zero-width joiner) and combining marks, but refuse controls, line/paragraph separators and
the explicit bidi embeddings, overrides and isolates, which no typed name needs.
"""

from __future__ import annotations

import unicodedata

from django import forms

MRN_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn", "Mn", "Me"})
NAME_REFUSED_CATEGORIES = frozenset({"Cc", "Zl", "Zp", "Co", "Cs", "Cn"})
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _describe(char: str) -> str:
    return f"U+{ord(char):04X} {unicodedata.name(char, 'unnamed character')}"


def _refuse(label: str, text: str, bad: list[str], what: str) -> None:
    listed = ", ".join(dict.fromkeys(_describe(c) for c in bad))
    raise forms.ValidationError(f"{label}: contains {what} ({listed}); type it again without it.")


def clean_identifier(value: str, *, label: str) -> str:
    """NFKC, whitespace runs collapsed to one space, and no invisible or direction-changing character."""
    text = unicodedata.normalize("NFKC", value).strip()
    # Checked before the whitespace is collapsed: str.split() would quietly turn U+2028 into a space.
    bad = [c for c in text if unicodedata.category(c) in MRN_REFUSED_CATEGORIES]
    if bad:
        _refuse(label, text, bad, "an invisible or direction-changing character")
    return " ".join(text.split())


def clean_name(value: str, *, label: str) -> str:
    """NFC and trimmed; controls, line breaks and bidi embeddings/overrides/isolates refused."""
    text = unicodedata.normalize("NFC", value).strip()
    bad = [c for c in text if unicodedata.category(c) in NAME_REFUSED_CATEGORIES or c in BIDI_CONTROLS]
    if bad:
        _refuse(label, text, bad, "a control or direction-changing character")
    return text


def isolate(text: object) -> str:
    """`text` between FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE (UAX #9): for user-entered text inside a
    plain string where no `<bdi>` can go, such as the PDF footer (a CSS string-set). Without it a name with a
    right-to-left override stored before these checks existed reversed the rest of the footer, MRN included."""
    return f"\u2068{text}\u2069"
