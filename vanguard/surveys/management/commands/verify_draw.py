"""Re-draw a survey's sample from the frame file and say whether it matches the published one.

    manage.py verify_draw 抽样名单.xlsx --seed 3-5-1-6-2-4 --size 30 \
        --strata "学生家长=50, 教师=30, 社区居民=20" --rows 3,17,25,…
    manage.py verify_draw 抽样名单.xlsx --draw 测评抽样-12.json

The algorithm is docs/sampling.md; the published draw file is the JSON the public site offers
for each draw. Needs no database: only the file, the seed, the size and the strata.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from vanguard.orgs.excel import WorkbookError
from vanguard.surveys import sampling
from vanguard.surveys.frames import read_frame
from vanguard.surveys.services import draw_error_message


class Command(BaseCommand):
    help = "Re-draws a survey sample from its frame file and checks it against the published rows."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("frame", help="the frame workbook (.xlsx) the sample was drawn from")
        parser.add_argument("--draw", help="the published draw file (.json)")
        parser.add_argument("--seed", help="the published seed")
        parser.add_argument("--size", type=int, help="the sample size")
        parser.add_argument("--strata", default="", help='shares by group: "家长=50,教师=30"')
        parser.add_argument("--rows", help="the published row numbers: 3,17,…")
        parser.add_argument("--fingerprint", help="the published frame fingerprint (optional)")

    def handle(self, *args, frame, **options):
        published = self.published(options)
        try:
            with Path(frame).open("rb") as file:
                rows = read_frame(file)
        except OSError as error:
            raise CommandError(str(error)) from error
        except WorkbookError as error:
            raise CommandError(str(error)) from error
        try:
            spec = sampling.DrawSpec(
                seed=published["seed"], size=published["size"], strata=published["strata"]
            )
            fingerprint, drawn = sampling.draw_frame(rows, spec)
        except sampling.DrawError as error:
            raise CommandError(draw_error_message(error)) from error
        self.report(fingerprint, len(rows), drawn, published)

    def published(self, options) -> dict:
        if options["draw"]:
            return self.read_draw_file(options["draw"])
        missing = [name for name in ("seed", "size", "rows") if options[name] in (None, "")]
        if missing:
            raise CommandError(
                _("Give --draw FILE.json, or --seed, --size and --rows (missing: %(names)s).")
                % {"names": ", ".join(f"--{name}" for name in missing)}
            )
        try:
            strata = sampling.parse_strata(options["strata"])
            selected = [
                int(part) for part in options["rows"].replace("，", ",").split(",") if part.strip()
            ]
        except sampling.DrawError as error:
            raise CommandError(draw_error_message(error)) from error
        except ValueError as error:
            raise CommandError(_("--rows takes row numbers separated by commas.")) from error
        return {
            "seed": options["seed"],
            "size": options["size"],
            "strata": strata or None,
            "rows": selected,
            "fingerprint": options["fingerprint"],
        }

    def read_draw_file(self, path: str) -> dict:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            if data.get("algorithm") != sampling.ALGORITHM:
                raise CommandError(
                    _("The draw file uses the algorithm %(found)s; this command knows %(known)s.")
                    % {"found": data.get("algorithm"), "known": sampling.ALGORITHM}
                )
            return {
                "seed": data["seed"],
                "size": int(data["size"]),
                "strata": data.get("strata") or None,
                "rows": [int(row) for row in data["selected_rows"]],
                "fingerprint": data["frame"]["fingerprint"],
            }
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise CommandError(
                _("Not a readable draw file: %(error)s") % {"error": error}
            ) from error

    def report(self, fingerprint: str, row_count: int, drawn: list[int], published: dict) -> None:
        out = self.stdout.write
        out(
            _("Frame fingerprint: %(fingerprint)s (%(rows)s rows)")
            % {"fingerprint": fingerprint, "rows": row_count}
        )
        problems = []
        if published["fingerprint"] and published["fingerprint"].strip().lower() != fingerprint:
            problems.append(
                _(
                    "The frame's fingerprint differs from the published %(published)s: the file "
                    "is not the one drawn from."
                )
                % {"published": published["fingerprint"]}
            )
        expected = sorted(published["rows"])
        out(_("Re-drawn rows: %(rows)s") % {"rows": ",".join(map(str, drawn))})
        if drawn != expected:
            missing = sorted(set(drawn) - set(expected))
            extra = sorted(set(expected) - set(drawn))
            problems.append(
                _(
                    "The published rows differ: not published but drawn %(missing)s; published "
                    "but not drawn %(extra)s."
                )
                % {
                    "missing": ",".join(map(str, missing)) or "—",
                    "extra": ",".join(map(str, extra)) or "—",
                }
            )
        for problem in problems:
            out(problem)
        if problems:
            raise CommandError(_("does not match"))
        out(_("matches"))
