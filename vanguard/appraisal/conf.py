"""This module's settings, each with a documented default (override in Django settings).

- `VANGUARD_OPINION_ANSWER_DAYS` (default 15): days a unit has to answer an opinion,
  counted from the day it was received. The notice asks for feedback "及时" (五.2(2)) and
  gives no number; 15 days is the time within which a petition office must tell a
  petitioner whether it accepts the matter (《信访条例》, 2005, art. 22). A campaign
  template that declares a threshold `opinion_answer_days` takes precedence (see
  `rules.answer_days`).
- `VANGUARD_OPINION_MAX_CHARS` (default 2000): the longest opinion the public page takes.
- `VANGUARD_PUBLIC_OPINION_RATE` (default "10/h"): opinions one address may send.
- `VANGUARD_PUBLIC_LOOKUP_RATE` (default "30/h"): receipt look-ups and one-time code
  attempts one address may make.
"""

from django.conf import settings


def opinion_answer_days() -> int:
    return int(getattr(settings, "VANGUARD_OPINION_ANSWER_DAYS", 15))


def opinion_max_chars() -> int:
    return int(getattr(settings, "VANGUARD_OPINION_MAX_CHARS", 2000))


def public_opinion_rate() -> str:
    return getattr(settings, "VANGUARD_PUBLIC_OPINION_RATE", "10/h")


def public_lookup_rate() -> str:
    return getattr(settings, "VANGUARD_PUBLIC_LOOKUP_RATE", "30/h")


# The campaign modules this app owns (issue 16; declared in apps.py's PhaseApp): a page
# of the app as a whole (the units at a glance) exists while the campaign has any of them.
APPRAISAL_MODULES = ("opinions", "self_analysis", "talks", "meetings", "appraisal")
