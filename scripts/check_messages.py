"""Check the Chinese catalogue: every message translated, none fuzzy, and the compiled
.mo file in step with the .po file (run by `make test`; `make messages` regenerates)."""

import sys
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "vanguard" / "locale"


def _entries(catalogue) -> dict:
    return {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in catalogue}


def problems_in(language: str) -> list[str]:
    po_path = LOCALE / language / "LC_MESSAGES" / "django.po"
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


def main() -> int:
    problems = problems_in("zh_Hans")
    for problem in problems:
        print(f"zh_Hans catalogue: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
