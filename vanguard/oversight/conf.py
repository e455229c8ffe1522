"""This app's settings, each with a documented default.

`VANGUARD_SUGGESTION_ANSWER_DAYS` (default 14): a unit must answer a liaison officer's
suggestion within this many days of the visit; an answer still missing after that is a
compliance failure (`oversight.suggestions`). The notice names no number — this is the
campaign office's setting. A campaign template may set it per campaign as the threshold
`suggestion_answer_days` once the template format accepts that key (proposed); the
template's value then wins over the setting.
"""

from django.conf import settings

DEFAULT_SUGGESTION_ANSWER_DAYS = 14


def suggestion_answer_days(campaign=None) -> int:
    """Days a unit has to answer a suggestion, for `campaign` (its template may set it)."""
    if campaign is not None:
        value = campaign.rules.thresholds.get("suggestion_answer_days")
        if value:
            return int(value)
    return int(getattr(settings, "VANGUARD_SUGGESTION_ANSWER_DAYS", DEFAULT_SUGGESTION_ANSWER_DAYS))
