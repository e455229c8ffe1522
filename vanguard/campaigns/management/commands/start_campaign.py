from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from vanguard.campaigns import services
from vanguard.campaigns.models import Campaign
from vanguard.campaigns.template import TemplateError, load_template
from vanguard.orgs.models import Organization


def batch_argument(value: str) -> tuple[str, date, date]:
    """`title,YYYY-MM-DD,YYYY-MM-DD` → (title, start, end)."""
    try:
        title, start, end = (part.strip() for part in value.split(","))
        starts_on, ends_on = date.fromisoformat(start), date.fromisoformat(end)
    except ValueError:
        raise CommandError(
            _("Bad batch %(value)s: write title,YYYY-MM-DD,YYYY-MM-DD") % {"value": value}
        ) from None
    if ends_on < starts_on:
        raise CommandError(_("Batch %(title)s ends before it starts") % {"title": title})
    return title, starts_on, ends_on


class Command(BaseCommand):
    help = "Start a campaign from a template file for an organisation, with its batches."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("template", help="the template's TOML file")
        parser.add_argument("--org", required=True, help="code of the organisation running it")
        parser.add_argument("--code", help="the campaign's code (default: the template's)")
        parser.add_argument(
            "--batch",
            action="append",
            required=True,
            type=batch_argument,
            help="title,YYYY-MM-DD,YYYY-MM-DD (repeat for each batch, in order)",
        )

    def handle(
        self,
        *args: object,
        template: str,
        org: str,
        code: str | None,
        batch: list[tuple[str, date, date]],
        **options: object,
    ) -> None:
        try:
            rules = load_template(template)
        except TemplateError as error:
            raise CommandError(str(error)) from None
        organization = Organization.objects.filter(code=org).first()
        if organization is None:
            raise CommandError(_("No organisation has the code %(code)s") % {"code": org})
        if Campaign.objects.filter(code=code or rules.code).exists():
            raise CommandError(
                _("A campaign with the code %(code)s exists already") % {"code": code or rules.code}
            )
        campaign = services.start_campaign(
            rules, organization=organization, batches=batch, code=code
        )
        self.stdout.write(
            _("Started %(title)s with %(count)s batches.")
            % {"title": campaign.title, "count": len(batch)}
        )
