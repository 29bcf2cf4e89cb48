"""`manage.py create_api_token USER --name NAME`: prints a new API token once (only its hash is stored)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cases.api.tokens import api_token_create
from cases.permissions import VIEW_CLINICAL


class Command(BaseCommand):
    help = "Create an API token for USER (a hospital system's service account) and print it once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="which system will use the token")

    def handle(self, *args, username: str, name: str, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user named {username!r}")
        if not user.is_active:
            raise CommandError(f"user {username!r} is inactive")
        if not user.has_perm(VIEW_CLINICAL):
            self.stderr.write(f"warning: {username!r} has no role, so the API will refuse this token (403)")
        token, raw = api_token_create(owner=user, name=name)
        self.stderr.write(
            f"API token #{token.pk} '{name}' for {username}. Store it now: it is not shown again."
        )
        self.stdout.write(raw)
