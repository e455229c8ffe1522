from django.core.management.base import BaseCommand, CommandError

from vanguard.ops import backup


class Command(BaseCommand):
    help = (
        "Back up the database and the uploaded files into VANGUARD_BACKUP_DIR (encrypted "
        "when VANGUARD_BACKUP_KEY is set), then keep only the newest VANGUARD_BACKUP_KEEP."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", help="folder for the archive (default VANGUARD_BACKUP_DIR)")
        parser.add_argument("--keep", type=int, help="backups kept (default VANGUARD_BACKUP_KEEP)")
        parser.add_argument(
            "--new-key", action="store_true", help="print a new VANGUARD_BACKUP_KEY and stop"
        )

    def handle(self, *args, dir=None, keep=None, new_key=False, **options):
        if new_key:
            self.stdout.write(backup.new_key())
            return
        try:
            made = backup.create_backup(dir)
        except (backup.BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        except Exception as error:  # pg_dump's failure carries its message in stderr
            stderr = getattr(error, "stderr", b"") or b""
            raise CommandError(f"{error} {stderr.decode(errors='replace')}") from error
        rows = sum(made.manifest["tables"].values())
        self.stdout.write(
            f"{made.path} ({rows} rows in {len(made.manifest['tables'])} tables, "
            f"{len(made.manifest['files'])} files)"
        )
        for old in backup.prune(dir, keep):
            self.stdout.write(f"removed {old}")
