"""Secrecy, read from the schema (as for ballots): a response has no relation to an
invitation, a person or a user, no date or time, a random primary key and no history; the
roll records only that a code was spent, likewise without time, order or history."""

from __future__ import annotations

import uuid

import pytest
from django.apps import apps
from django.db import models
from simple_history.models import registered_models

from tests.surveys.conftest import DURING, answers
from vanguard.surveys import services
from vanguard.surveys.models import FrameRow, Invitation, Response, RollEntry, Survey

TIME_FIELDS = (models.DateTimeField, models.DateField, models.TimeField, models.DurationField)


def relations(model):
    return {f.name: f.related_model for f in model._meta.get_fields() if f.is_relation}


def test_a_response_relates_to_its_survey_only():
    assert relations(Response) == {"survey": Survey}


def test_a_response_has_no_date_or_time():
    assert not [f.name for f in Response._meta.get_fields() if isinstance(f, TIME_FIELDS)]


@pytest.mark.parametrize("model", [Response, RollEntry])
def test_secret_rows_have_random_keys_not_a_sequence(model):
    pk = model._meta.pk
    assert isinstance(pk, models.UUIDField) and not isinstance(pk, models.AutoField)
    assert pk.default is uuid.uuid4


@pytest.mark.parametrize("model", [Response, RollEntry])
def test_secret_rows_keep_no_history(model):
    assert model not in registered_models.values()
    assert not hasattr(model, "history")
    history_models = [m for m in apps.get_models() if m.__name__ == f"Historical{model.__name__}"]
    assert history_models == []


def test_the_roll_knows_the_invitation_but_nothing_of_the_answers_or_time():
    assert relations(RollEntry) == {"invitation": Invitation}
    assert not [f.name for f in RollEntry._meta.get_fields() if isinstance(f, TIME_FIELDS)]
    invitation_field = RollEntry._meta.get_field("invitation")
    assert invitation_field.unique  # one response per code, enforced by the database


def test_nothing_of_a_code_or_person_links_to_a_response():
    assert Response not in {f.related_model for f in Invitation._meta.get_fields() if f.is_relation}
    assert Response not in {f.related_model for f in FrameRow._meta.get_fields() if f.is_relation}
    user_model = apps.get_model("accounts", "User")
    assert Response not in {f.related_model for f in user_model._meta.get_fields() if f.is_relation}


def test_responses_are_listed_in_random_not_arrival_order():
    assert Response._meta.ordering == ["id"]


def test_a_stored_response_holds_no_trace_of_its_code(codes):
    services.submit_response(codes[0], answers(comment="意见"), today=DURING)
    row = Response.objects.values().get()
    text = " ".join(str(value) for value in row.values())
    invitation = Invitation.objects.get(code_hash=services.hash_code(codes[0]))
    assert set(row) == {"id", "survey_id", "method", "group", "overall", "answers", "comment"}
    for secret in (codes[0], invitation.code_hash, invitation.frame_row.name):
        assert secret not in text


def _stored_order(survey) -> list[str]:
    """The responses in the order the database stores them (its physical order)."""
    from django.db import connection

    position = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM surveys_response WHERE survey_id = %s ORDER BY {position}",
            [survey.pk],
        )
        return [str(uuid.UUID(str(row[0]))) for row in cursor.fetchall()]


def test_closing_rewrites_responses_so_their_storage_order_is_not_the_arrival_order(
    open_survey, codes
):
    from tests.surveys.conftest import CLOSES

    arrival = []
    for code in codes:
        before = set(Response.objects.values_list("id", flat=True))
        services.submit_response(code, answers(), today=DURING)
        (new,) = set(Response.objects.values_list("id", flat=True)) - before
        arrival.append(str(new))
    assert _stored_order(open_survey) == arrival  # while open, rows sit in arrival order
    kept = sorted(Response.objects.values_list("id", "overall", "comment"))
    services.close_survey(open_survey, today=CLOSES)
    assert _stored_order(open_survey) != arrival  # 15 rows: 1 in 15! to fail by chance
    assert sorted(Response.objects.values_list("id", "overall", "comment")) == kept
