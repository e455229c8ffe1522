import secrets

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _

from vanguard.accounts.models import User
from vanguard.campaigns.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the notice's campaign as demo data (once) and print the demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=2024)
        parser.add_argument(
            "--force",
            action="store_true",
            help="load the demo although DEBUG is off; each new login gets its own password",
        )

    def handle(self, *args: object, seed: int, force: bool = False, **options: object) -> None:
        if not settings.PRODUCTION:
            self._development(seed)
            return
        if not force:
            raise CommandError(
                _(
                    "DEBUG is off (a production server): the demo is not loaded. "
                    "Use --force to load it with generated passwords."
                )
            )
        with transaction.atomic():
            known = set(User.objects.values_list("pk", flat=True))
            logins = load_demo(seed=seed)
            created = list(User.objects.exclude(pk__in=known).order_by("username"))
            passwords = {}
            for user in created:  # never the README's password outside development
                passwords[user.username] = secrets.token_urlsafe(12)
                user.set_password(passwords[user.username])
                user.save(update_fields=["password"])
        self.stdout.write(_("Demo logins with their generated passwords (shown only now):"))
        for login in logins:
            password = passwords.get(login.username, _("(unchanged)"))
            self.stdout.write(f"  {login.username:<12} {password:<18} {login.role}")
        for username in sorted(set(passwords) - {login.username for login in logins}):
            self.stdout.write(f"  {username:<12} {passwords[username]}")

    def _development(self, seed: int) -> None:
        logins = load_demo(seed=seed)
        self.stdout.write(
            _("Demo logins (password for all: %(password)s):") % {"password": DEMO_PASSWORD}
        )
        for login in logins:
            self.stdout.write(f"  {login.username:<12} {login.role}")
        self.stdout.write(_("Open http://127.0.0.1:8000/ and log in."))
