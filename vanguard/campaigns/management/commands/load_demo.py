from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from vanguard.campaigns.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the notice's campaign as demo data (once) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2024)

    def handle(self, *args, seed, **options):
        logins = load_demo(seed=seed)
        self.stdout.write(
            _("Demo logins (password for all: %(password)s):") % {"password": DEMO_PASSWORD}
        )
        for login in logins:
            self.stdout.write(f"  {login.username:<12} {login.role}")
        self.stdout.write(_("Open http://127.0.0.1:8000/ and log in."))
