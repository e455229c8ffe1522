"""Git merge driver for the translation catalogue: the union of both sides' entries.

Set up once per clone (`make messages` does not need it; only merging branches does):

    git config merge.pounion.driver ".venv/bin/python scripts/po_merge.py %O %A %B"
    git config merge.ours.driver true

`.gitattributes` routes `*.po` here and `*.mo` to "ours"; after a merge, `make messages`
(or `manage.py compilemessages`) rebuilds the `.mo` from the merged catalogue.
"""

import sys

import polib


def merge(base_path: str, ours_path: str, theirs_path: str) -> int:
    ours = polib.pofile(ours_path, wrapwidth=0)
    theirs = polib.pofile(theirs_path, wrapwidth=0)
    known = {(e.msgctxt, e.msgid): e for e in ours}
    for entry in theirs:
        mine = known.get((entry.msgctxt, entry.msgid))
        if mine is None:
            ours.append(entry)
        elif not mine.translated() and entry.translated():
            mine.msgstr, mine.msgstr_plural = entry.msgstr, entry.msgstr_plural
            mine.flags = [f for f in mine.flags if f != "fuzzy"]
    ours.save(ours_path)
    return 0


if __name__ == "__main__":
    sys.exit(merge(*sys.argv[1:4]))
