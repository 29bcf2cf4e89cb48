"""Template hygiene that Django does not check for us."""

from pathlib import Path

import pytest

TEMPLATES = sorted((Path(__file__).resolve().parent.parent / "templates").rglob("*.html"))


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(p.parents[1])))
def test_single_line_comments_close_on_their_line(path):
    # `{# ... #}` spanning lines is printed to the page as text; use {% comment %} for several lines.
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if "{#" in line:
            assert "#}" in line[line.index("{#") :], f"{path.name}:{number}: multi-line {{# comment"
