import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from vanguard.campaigns.models import Campaign
from vanguard.datagen.generate import generate_campaign
from vanguard.datagen.scales import SCALES


class Command(BaseCommand):
    help = "Generate a campaign at a named scale (demo, city, province) for the benchmark."

    def add_arguments(self, parser):
        parser.add_argument("scale", choices=sorted(SCALES))
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--code", help="the campaign's code (default bench-<scale>)")

    def handle(self, *args, scale, seed, code, **options):
        code = code or f"bench-{scale}"
        if Campaign.objects.filter(code=code).exists():
            raise CommandError(
                _("A campaign with the code %(code)s exists already") % {"code": code}
            )
        started = time.perf_counter()
        generate_campaign(scale, seed=seed, code=code, log=self.stdout.write)
        self.stdout.write(
            _("Generated %(scale)s in %(seconds).1f s.")
            % {"scale": scale, "seconds": time.perf_counter() - started}
        )
