"""Find the POST forms on the app's pages (for the generic fuzz test): action, field names, offered values."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class FoundForm:
    page: str
    action: str
    fields: dict[str, list[str]] = field(
        default_factory=dict
    )  # name -> offered values (select/radio/checkbox)
    hidden: dict[str, str] = field(default_factory=dict)


class _Parser(HTMLParser):
    def __init__(self, page: str):
        super().__init__()
        self.page = page
        self.forms: list[FoundForm] = []
        self.current: FoundForm | None = None
        self.select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "get").lower() == "post":
            self.current = FoundForm(page=self.page, action=a.get("action") or self.page)
            self.forms.append(self.current)
        elif self.current is None:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind == "hidden":
                self.current.hidden[a["name"]] = a.get("value") or ""
            elif kind in ("checkbox", "radio"):
                self.current.fields.setdefault(a["name"], []).append(a.get("value") or "on")
            elif kind not in ("submit", "button", "image", "reset", "file"):
                self.current.fields.setdefault(a["name"], [])
        elif tag == "textarea" and a.get("name"):
            self.current.fields.setdefault(a["name"], [])
        elif tag == "select" and a.get("name"):
            self.select = a["name"]
            self.current.fields.setdefault(a["name"], [])
        elif tag == "option" and self.select:
            self.current.fields[self.select].append(a.get("value") or "")
        elif tag == "button" and a.get("name"):
            self.current.fields.setdefault(a["name"], []).append(a.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "form":
            self.current = None


def find_forms(page: str, html: str) -> list[FoundForm]:
    parser = _Parser(page)
    parser.feed(html)
    return parser.forms
