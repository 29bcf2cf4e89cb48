from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, object]:
    return {
        "institution": settings.GISTCARE_INSTITUTION,
        "password_reset_enabled": settings.GISTCARE_PASSWORD_RESET,
    }
