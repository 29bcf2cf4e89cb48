"""Every URL pattern of the project, with its path converters filled in (for the generic access tests)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

DUMMY_UUID = uuid.UUID("00000000-0000-4000-8000-000000000000")


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", or the raw pattern when unnamed
    route: str  # the joined pattern text, e.g. "cases/<uuid:case_id>/history/"
    converters: dict  # parameter -> converter class name

    @property
    def is_admin(self) -> bool:
        return self.name.startswith("admin:") or self.route.startswith("admin/")


def iter_routes(resolver: URLResolver | None = None, prefix: str = "", ns: str = "") -> Iterator[Route]:
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        pattern = entry.pattern
        text = str(pattern)
        if isinstance(entry, URLResolver):
            sub_ns = ns
            if entry.namespace:
                sub_ns = f"{ns}{entry.namespace}:"
            yield from iter_routes(entry, prefix + text, sub_ns)
        elif isinstance(entry, URLPattern):
            converters = {}
            if isinstance(pattern, RoutePattern):
                converters = {k: type(v).__name__ for k, v in pattern.converters.items()}
            name = f"{ns}{entry.name}" if entry.name else prefix + text
            yield Route(name=name, route=prefix + text, converters=converters)


_PARAM = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


def fill(route: Route, values: dict[str, object]) -> str | None:
    """The concrete path for `route`, taking each parameter from `values` (by name, then by converter kind).

    Returns None for regex routes that cannot be filled generically (they are only the admin's here).
    """

    def value_for(name: str, conv: str | None) -> str:
        if f"{route.name}.{name}" in values:
            return str(values[f"{route.name}.{name}"])
        if name in values:
            return str(values[name])
        kind = conv or "str"
        defaults = {
            "uuid": DUMMY_UUID,
            "int": 999999,
            "slug": "no-such-thing",
            "str": "no-such-thing",
            "path": "x",
        }
        return str(values.get(f"<{kind}>", defaults.get(kind, "x")))

    text = route.route
    if "(?P<" in text or text.startswith("^"):
        text = text.lstrip("^").rstrip("$")
        text = _REGEX_GROUP.sub(lambda m: value_for(m.group("name"), None), text)
        text = text.replace("\\", "")
        if any(ch in text for ch in "()[]*+?|$^"):
            return None
        return "/" + text
    return "/" + _PARAM.sub(lambda m: value_for(m.group("name"), m.group("conv")), text)


def real_values(world) -> dict:
    """Path parameter values taken from the test world's records, by parameter name and converter kind."""
    return {"<uuid>": world.case.id, **world.values}


def expand(route: Route, values: dict) -> list[dict]:
    """One value set per combination when a parameter of this route has several values (a list)."""
    sets = [dict(values)]
    for param in route.converters:
        key = f"{route.name}.{param}" if f"{route.name}.{param}" in values else param
        options = values.get(key)
        if isinstance(options, list | tuple):
            sets = [{**v, key: option} for v in sets for option in options]
    return sets


def walk_pages(client, world, *, query: str = ""):
    """GET every non-admin route filled with real records; yields (route, path, response)."""
    for route in iter_routes():
        if route.is_admin:
            continue
        for values in expand(route, real_values(world)):
            path = fill(route, values)
            if path is None:
                continue
            yield route, path, client.get(path + query)
