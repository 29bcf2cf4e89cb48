"""`manage.py revoke_api_token ID`: refuse the token from now on (the record stays for the audit trail)."""

from django.core.management.base import BaseCommand, CommandError

from cases.api.tokens import api_token_revoke
from cases.models import ApiToken


class Command(BaseCommand):
    help = "Revoke an API token by its number (see the admin's API tokens list)."

    def add_arguments(self, parser):
        parser.add_argument("token_id", type=int)

    def handle(self, *args, token_id: int, **options):
        token = ApiToken.objects.filter(pk=token_id).first()
        if token is None:
            raise CommandError(f"no API token #{token_id}")
        api_token_revoke(token=token)
        self.stdout.write(f"API token #{token.pk} '{token.name}' revoked.")
