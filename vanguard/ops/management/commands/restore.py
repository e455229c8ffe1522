from django.core.management.base import BaseCommand, CommandError

from vanguard.ops import backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup`: the whole database is replaced, the "
        "current media folder is moved aside, and every table's row count is checked."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument(
            "--yes", action="store_true", help="do not ask before replacing the database"
        )

    def handle(self, *args, archive, yes=False, **options):
        if not yes and options.get("interactive", True):
            answer = input("This replaces the whole database and the media folder. Type 'yes': ")
            if answer.strip() != "yes":
                raise CommandError("Restore cancelled.")
        try:
            manifest = backup.restore_backup(archive)
        except (backup.BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']}: {rows} rows in "
            f"{len(manifest['tables'])} tables (counts checked), {len(manifest['files'])} files."
        )
