from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from vanguard.campaigns.models import Campaign
from vanguard.study.hours import live_hours, refresh_member_hours
from vanguard.study.models import MemberHours


class Command(BaseCommand):
    help = "Rebuild every member's stored study hours from the attendance marks."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="only report sums that differ from the marks"
        )

    def handle(self, *args, check, **options):
        differing = 0
        for campaign in Campaign.objects.order_by("pk"):
            stored = dict(
                MemberHours.objects.filter(campaign=campaign).values_list("member", "hours")
            )
            live = live_hours(campaign.pk)
            wrong = {pk for pk in stored.keys() | live.keys() if stored.get(pk) != live.get(pk)}
            differing += len(wrong)
            if wrong and not check:
                with transaction.atomic():
                    refresh_member_hours(campaign.pk)
            self.stdout.write(
                _("%(campaign)s: %(count)s members' hours differed from their marks")
                % {"campaign": campaign.code, "count": len(wrong)}
            )
        if check and differing:
            raise SystemExit(1)
