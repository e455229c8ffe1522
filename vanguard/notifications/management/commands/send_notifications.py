import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from vanguard.notifications import scheduler


class Command(BaseCommand):
    help = "Find what is due in every running campaign, store the notifications, queue deliveries."

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            help=_("Run as on this day (YYYY-MM-DD), e.g. to try the demo campaign of 2024."),
        )

    def handle(self, *args, **options):
        now = None
        if options["date"]:
            try:
                day = datetime.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(_("--date expects a day as YYYY-MM-DD.")) from exc
            now = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
        summary = scheduler.run(now)
        if summary.skipped:
            self.stdout.write(_("Another run of the scheduler is in progress; nothing done."))
            return
        created = sum(summary.created.values())
        self.stdout.write(
            _("%(created)s new notifications, %(queued)s deliveries queued.")
            % {"created": created, "queued": summary.queued}
        )
        for event, count in sorted(summary.created.items()):
            self.stdout.write(f"  {event}: {count}")
        if summary.refused:
            self.stdout.write(
                _("%(refused)s found recipients were outside the object's scope and left out.")
                % {"refused": summary.refused}
            )
