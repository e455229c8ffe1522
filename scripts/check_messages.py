"""Check the Chinese catalogue (run by `make test`; `make messages` regenerates it):

- every message of the catalogue is translated and none is fuzzy;
- the compiled .mo file is in step with the .po file;
- where GNU gettext is installed, every message in the code and templates is in the
  catalogue (extracted with `makemessages`; the .po file is restored afterwards).
"""

import shutil
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "vanguard" / "locale"
LANGUAGE = "zh_Hans"


def _entries(catalogue) -> dict:
    return {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in catalogue}


def catalogue_problems(po_path: Path) -> list[str]:
    mo_path = po_path.with_suffix(".mo")
    if not po_path.exists():
        return [f"{po_path} is missing"]
    po = polib.pofile(str(po_path))
    problems = [f"untranslated: {entry.msgid!r}" for entry in po.untranslated_entries()]
    problems += [f"fuzzy: {entry.msgid!r}" for entry in po.fuzzy_entries()]
    if not mo_path.exists():
        return [*problems, f"{mo_path} is missing: run `make messages`"]
    if _entries(polib.mofile(str(mo_path))) != _entries(po.translated_entries()):
        problems.append(f"{mo_path} is out of date: run `make messages`")
    return problems


def missing_from_catalogue(po_path: Path) -> list[str]:
    """Messages of the code not yet in the catalogue (needs xgettext)."""
    if shutil.which("xgettext") is None:
        return []
    original = po_path.read_bytes()
    known = {(e.msgctxt, e.msgid) for e in polib.pofile(str(po_path))}
    try:
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "manage.py"),
                "makemessages",
                "-l",
                LANGUAGE,
                "--no-obsolete",
                "--no-location",
                "-v",
                "0",
            ],
            cwd=ROOT / "vanguard",
            check=True,
        )
        extracted = polib.pofile(str(po_path))
    finally:
        po_path.write_bytes(original)
    return [
        f"not in the catalogue: {e.msgid!r}" for e in extracted if (e.msgctxt, e.msgid) not in known
    ]


def main() -> int:
    po_path = LOCALE / LANGUAGE / "LC_MESSAGES" / "django.po"
    problems = catalogue_problems(po_path) + missing_from_catalogue(po_path)
    for problem in problems:
        print(f"{LANGUAGE} catalogue: {problem}")
    if problems:
        print("Run `make messages`, translate the new entries, and commit the .po and .mo.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
