"""The zh_Hans catalogue is complete: no fuzzy entry (a guess by msgmerge) and no empty translation."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _entries() -> list[str]:
    blocks = PO.read_text(encoding="utf-8").split("\n\n")
    return [b for b in blocks[1:] if "msgid" in b and not b.lstrip().startswith("#~")]


def _msgstrs(block: str) -> list[str]:
    found = re.findall(r'^msgstr(?:\[\d\])? "(.*)"\n?((?:".*"\n?)*)', block + "\n", re.M)
    return [first + "".join(re.findall(r'^"(.*)"$', rest, re.M)) for first, rest in found]


def test_the_catalogue_has_entries():
    assert len(_entries()) > 300


def test_no_entry_is_fuzzy():
    fuzzy = [b.split("msgid", 1)[1][:80] for b in _entries() if re.search(r"^#,.*\bfuzzy\b", b, re.M)]
    assert fuzzy == []


def test_no_entry_is_empty():
    empty = [b.split("msgid", 1)[1][:80] for b in _entries() if not all(_msgstrs(b))]
    assert empty == []


def test_the_header_says_chinese_with_one_plural_form():
    header = PO.read_text(encoding="utf-8").split("\n\n")[0]
    assert '"Language: zh_Hans\\n"' in header
    assert '"Plural-Forms: nplurals=1; plural=0;\\n"' in header


def test_makemessages_leaves_no_fuzzy_or_empty_entry(tmp_path):
    """Issue 15: every string marked for translation in the code and templates has its Chinese, and no entry of
    the catalogue is a guess. `makemessages` runs on a copy of the sources (the committed catalogue is not
    rewritten) and its result is read as the tests above read the catalogue."""
    import shutil
    import subprocess
    import sys

    root = Path(settings.BASE_DIR)
    for name in ("cases", "gistcare", "guidelines", "templates", "locale"):
        shutil.copytree(root / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    shutil.copy(root / "manage.py", tmp_path / "manage.py")
    proc = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete"],
        cwd=tmp_path,
        env={**__import__("os").environ, "DEBUG": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    blocks = (tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    entries = [b for b in blocks.split("\n\n")[1:] if "msgid" in b and not b.lstrip().startswith("#~")]
    fuzzy = [b.split("msgid", 1)[1][:100] for b in entries if re.search(r"^#,.*\bfuzzy\b", b, re.M)]
    empty = [b.split("msgid", 1)[1][:100] for b in entries if not all(_msgstrs(b))]
    assert (fuzzy, empty) == ([], [])
    # Words the code translates through a variable (gettext(msgid)) are kept only if they are marked where they
    # are written (gettext_noop); else the next makemessages drops them and the page prints English.
    # So are the sentences worded through `fillable` (cases/sentences.py) on the pages drawn by Jinja2.
    from cases.followups.rows import _SENTENCES

    fillable = re.compile(r'fillable\(\s*(?:gettext_noop\(\s*)?"((?:[^"\\]|\\.)+)"')
    worded = [
        match.group(1).replace('\\"', '"')
        for path in sorted((root / "cases").rglob("*.py"))
        for match in fillable.finditer(path.read_text(encoding="utf-8"))
    ]
    assert len(worded) >= 9  # the meeting page's eight sentences and the check page's one
    kept = "\n\n".join(entries)
    msgids = [msgid for msgid, _names in _SENTENCES.values()] + worded
    lost = [msgid for msgid in msgids if f'msgid "{msgid}"' not in kept]
    assert lost == []


def test_every_translation_keeps_its_placeholders():
    """A msgstr with another {placeholder} or %(name)s than its msgid would print English (engine texts) or fail
    (a page's format): each translation names exactly its msgid's placeholders (read from the compiled catalogue)."""
    import gettext

    with PO.with_suffix(".mo").open("rb") as mo:
        catalogue = gettext.GNUTranslations(mo)._catalog
    braces, percents = re.compile(r"\{(\w*)\}"), re.compile(r"%\((\w+)\)s")
    wrong = []
    for msgid, msgstr in catalogue.items():
        if isinstance(msgid, tuple) or not msgid:  # a plural form, or the header
            continue
        text = msgid.split("\x04")[-1]  # without its context
        for pattern in (braces, percents):
            if sorted(pattern.findall(text)) != sorted(pattern.findall(msgstr)):
                wrong.append(text[:80])
    assert wrong == []
