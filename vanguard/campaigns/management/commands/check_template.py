from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from vanguard.campaigns.template import TemplateError, load_template


class Command(BaseCommand):
    help = "Check a campaign template file and list every problem with its key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the template's TOML file")

    def handle(self, *args: object, path: str, **options: object) -> None:
        try:
            template = load_template(path)
        except TemplateError as error:
            for problem in error.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                _("%(count)s problems found; the template was not loaded.")
                % {"count": len(error.problems)}
            ) from None
        self.stdout.write(
            _("%(file)s: the template %(title)s is valid (%(phases)s phases, %(steps)s steps).")
            % {
                "file": path,
                "title": template.title,
                "phases": len(template.phases),
                "steps": len(template.steps()),
            }
        )
