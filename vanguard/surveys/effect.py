"""Survey results for the campaign's effect figures (R30), in the shape the rectification
module's `effect.register_satisfaction_provider` asks for.

Only published results count: the effect figures show what the unit and the public see.
Registered from `SurveysConfig.ready()` when the rectification module offers the hook.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache

from vanguard.campaigns.revision import namespace
from vanguard.surveys.results import latest_closed_surveys, results_of

SATISFACTION_SECONDS = 7 * 24 * 3600  # a closed survey's result, kept (it cannot change)


def satisfaction_provider(campaign, enrollment_ids) -> dict:
    """Each unit's latest published result (units never surveyed, or whose latest survey is
    invalid or below the k-anonymity threshold, are left out). A closed survey's responses
    are final, so its result is kept in the cache under what could still change it (its
    outcome, closing and publication, the template's rule): the campaign overview put
    together again after a write reads them instead of counting every survey's responses.
    One query, two more for the surveys not yet kept."""
    from vanguard.rectification.effect import Satisfaction

    latest = latest_closed_surveys(enrollment_ids, published_only=True)
    rule = hashlib.blake2b(repr(campaign.rules.satisfaction).encode(), digest_size=8).hexdigest()
    keys = {
        survey.pk: (
            f"{namespace()}:survey-satisfaction:{survey.pk}:{survey.outcome}:"
            f"{survey.closed_on}:{survey.published_on}:{rule}"
        )
        for survey in latest.values()
    }
    kept = cache.get_many(list(keys.values()))
    missing = [survey for survey in latest.values() if keys[survey.pk] not in kept]
    for survey_id, result in results_of(missing).items():
        # k-anonymity and validity: a survey too small to show, or 无效, tells nothing here.
        kept[keys[survey_id]] = (
            Satisfaction(
                satisfied_share=(result.combined.satisfied_share or 0.0) / 100,
                responses=result.responses,
                surveyed_on=result.closed_on,
                redo_required=result.redo_required,
            )
            if result.shown and not result.invalid
            else None
        )
        cache.set(keys[survey_id], kept[keys[survey_id]], timeout=SATISFACTION_SECONDS)
    shown = {enrollment_id: kept[keys[survey.pk]] for enrollment_id, survey in latest.items()}
    return {enrollment_id: one for enrollment_id, one in shown.items() if one is not None}


def register() -> bool:
    """Plug into the rectification module's effect figures, if it offers the hook."""
    try:
        from vanguard.rectification.effect import register_satisfaction_provider
    except ImportError:
        return False
    from django.apps import apps

    tables = [model._meta.db_table for model in apps.get_app_config("surveys").get_models()]
    register_satisfaction_provider(satisfaction_provider, tables)
    return True
