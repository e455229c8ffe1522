"""Delete the files of exports older than VANGUARD_DOWNLOAD_HOURS; the rows stay, marked
expired, so "my downloads" still says what was there. Run hourly (cron)."""

from django.core.management.base import BaseCommand

from vanguard.reports import jobs


class Command(BaseCommand):
    help = "Delete expired export files (the job rows stay, marked expired)."

    def handle(self, *args, **options):
        count = jobs.expire()
        self.stdout.write(f"{count} expired")
