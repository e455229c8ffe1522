"""Imports organisations and members from an Excel workbook, as the import page does.

Without --user the import has no scope limits (like a superuser's); with it, the import
has exactly that user's rights. Every problem is printed and the exit code is 1; nothing
is written then.
"""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vanguard.accounts.access import Scope
from vanguard.accounts.models import User
from vanguard.orgs.excel import WorkbookError, import_workbook


class Command(BaseCommand):
    help = (
        "Import organisations and members from an Excel workbook (sheets 组织 and 党员). "
        "Writes nothing if any row is wrong."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the .xlsx file")
        parser.add_argument(
            "--user", help="import with this user's rights (default: no scope limits)"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check and count only, write nothing"
        )

    def handle(
        self,
        *args: object,
        path: str,
        user: str | None = None,
        dry_run: bool = False,
        **options: object,
    ) -> None:
        scope, author = self.scope_for(user)
        try:
            with open(path, "rb") as file:
                result = import_workbook(file, scope, user=author, dry_run=dry_run)
        except OSError as error:
            raise CommandError(error) from error
        except WorkbookError as error:
            for problem in error.problems:
                self.stderr.write(str(problem))
            count = len(error.problems)
            message = ngettext(
                "Nothing was imported: %(count)s problem.",
                "Nothing was imported: %(count)s problems.",
                count,
            )
            raise CommandError(message % {"count": count}) from error
        if dry_run:
            self.stdout.write(_("Checked, nothing written (dry run)."))
        self.stdout.write(result.summary())

    def scope_for(self, username: str | None) -> tuple[Scope, User | None]:
        if username is None:
            return Scope(user=None, today=timezone.localdate(), is_superuser=True), None
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("No user named %(username)s.") % {"username": username})
        return Scope.for_user(user), user
