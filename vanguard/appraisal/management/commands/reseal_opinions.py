"""Rewrite past opinions in random order so that the database keeps only their day."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from vanguard.appraisal.services import reseal_opinions


class Command(BaseCommand):
    help = (
        "Rewrite the opinions received before today in random order, so that nothing in "
        "the database (such as PostgreSQL's row order) tells when in the day they arrived. "
        "Run it daily, e.g. from cron."
    )

    def handle(self, *args, **options):
        count = reseal_opinions()
        self.stdout.write(_("%(count)s opinions rewritten.") % {"count": count})
