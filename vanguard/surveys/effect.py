"""Survey results for the campaign's effect figures (R30), in the shape the rectification
module's `effect.register_satisfaction_provider` asks for.

Only published results count: the effect figures show what the unit and the public see.
Registered from `SurveysConfig.ready()` when the rectification module offers the hook.
"""

from __future__ import annotations

from vanguard.surveys.results import latest_results


def satisfaction_provider(campaign, enrollment_ids) -> dict:
    """Each unit's latest published result (units never surveyed, or whose latest survey is
    invalid or below the k-anonymity threshold, are left out); three queries whatever the
    number of units."""
    from vanguard.rectification.effect import Satisfaction

    found = latest_results(enrollment_ids, published_only=True)
    return {
        enrollment_id: Satisfaction(
            satisfied_share=(result.combined.satisfied_share or 0.0) / 100,
            responses=result.responses,
            surveyed_on=result.closed_on,
            redo_required=result.redo_required,
        )
        for enrollment_id, result in found.items()
        # k-anonymity and validity: a survey too small to show, or 无效, tells nothing here.
        if result.shown and not result.invalid
    }


def register() -> bool:
    """Plug into the rectification module's effect figures, if it offers the hook."""
    try:
        from vanguard.rectification.effect import register_satisfaction_provider
    except ImportError:
        return False
    register_satisfaction_provider(satisfaction_provider)
    return True
