"""The client's address for the login lockout (issue 11, finding 9), used as django-axes' AXES_CLIENT_IP_CALLABLE.

X-Forwarded-For is read only when the request comes from a configured trusted proxy (TRUSTED_PROXIES: addresses
or networks), and then from the right: each proxy appends the address it saw, so the right-most entry that is not
itself a trusted proxy is the client; everything to its left was sent by the client and may be forged. (django-
ipware's trusted-proxy mode matches proxies inside the header without checking who actually connected, so a
client talking to the app directly could pick its own address; this is the right-to-left walk of nginx's
`real_ip_recursive`.)
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address, networks) -> bool:
    return address is not None and any(address in network for network in networks)


def client_address(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    networks = [ipaddress.ip_network(n, strict=False) for n in settings.GISTCARE_TRUSTED_PROXIES]
    if not _trusted(_address(remote), networks):
        return remote
    for entry in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _address(entry)
        if address is None:
            break  # a malformed entry: nothing to its left can be trusted either
        if not _trusted(address, networks):
            return str(address)
    return remote


def client_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The user name typed at log-in, as django-axes records it (AXES_USERNAME_CALLABLE).

    Cut to the length of axes' AccessAttempt.username column: a longer name belongs to no account (User.username is
    150 long) and would otherwise fail to be stored on PostgreSQL, turning a failed log-in into a server error.
    """
    from axes.models import AccessAttempt

    if credentials:
        name = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        name = getattr(request, "data", request.POST).get(settings.AXES_USERNAME_FORM_FIELD)
    if name is None:
        return None
    return str(name)[: AccessAttempt._meta.get_field("username").max_length]
