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
from tests.surveys.factories import close
from vanguard.surveys import services
from vanguard.surveys.models import (
    FrameRow,
    Invitation,
    Response,
    SealedResponse,
    Survey,
    ValidCode,
)

TIME_FIELDS = (models.DateTimeField, models.DateField, models.TimeField, models.DurationField)


def relations(model):
    return {f.name: f.related_model for f in model._meta.get_fields() if f.is_relation}


def test_a_response_relates_to_its_survey_only():
    assert relations(Response) == {"survey": Survey}


def test_a_response_has_no_date_or_time():
    assert not [f.name for f in Response._meta.get_fields() if isinstance(f, TIME_FIELDS)]


@pytest.mark.parametrize("model", [Response, SealedResponse, ValidCode])
def test_secret_rows_have_random_keys_not_a_sequence(model):
    pk = model._meta.pk
    assert isinstance(pk, models.UUIDField) and not isinstance(pk, models.AutoField)
    assert pk.default is uuid.uuid4


@pytest.mark.parametrize("model", [Response, SealedResponse, ValidCode])
def test_secret_rows_keep_no_history(model):
    assert model not in registered_models.values()
    assert not hasattr(model, "history")
    history_models = [m for m in apps.get_models() if m.__name__ == f"Historical{model.__name__}"]
    assert history_models == []


def test_a_valid_code_and_a_sealed_response_name_no_person_and_no_time():
    assert relations(ValidCode) == {"survey": Survey}
    assert relations(SealedResponse) == {"survey": Survey}
    for model in (ValidCode, SealedResponse):
        assert not [f.name for f in model._meta.get_fields() if isinstance(f, TIME_FIELDS)]
    assert ValidCode._meta.get_field("digest").unique


def test_nothing_of_a_code_or_person_links_to_a_response():
    assert Response not in {f.related_model for f in Invitation._meta.get_fields() if f.is_relation}
    assert Response not in {f.related_model for f in FrameRow._meta.get_fields() if f.is_relation}
    user_model = apps.get_model("accounts", "User")
    assert Response not in {f.related_model for f in user_model._meta.get_fields() if f.is_relation}


def test_responses_are_listed_in_random_not_arrival_order():
    assert Response._meta.ordering == ["id"]


def test_a_stored_response_holds_no_trace_of_its_code(codes):
    from tests.surveys.conftest import CLOSES

    services.submit_response(codes[0], answers(comment="意见"), today=DURING)
    survey = SealedResponse.objects.get().survey
    (box,) = SealedResponse.objects.values_list("box", flat=True)
    assert "意见".encode() not in bytes(box) and b"satisfied" not in bytes(box)
    close(survey, today=CLOSES)
    row = Response.objects.values().get()
    text = " ".join(str(value) for value in row.values())
    assert row["comment"] == "意见"
    assert set(row) == {"id", "survey_id", "method", "group", "overall", "answers", "comment"}
    names = FrameRow.objects.values_list("name", flat=True)
    for secret in (codes[0], services.hash_code(codes[0]), *names):
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


def test_the_published_responses_are_not_stored_in_arrival_order(open_survey, codes):
    from tests.surveys.conftest import CLOSES

    arrival = [f"意见{n}" for n in range(len(codes))]
    for code, comment in zip(codes, arrival, strict=True):
        services.submit_response(code, answers(comment=comment), today=DURING)
    assert not Response.objects.exists()  # sealed until the close
    close(open_survey, today=CLOSES)
    by_id = dict(Response.objects.values_list("id", "comment"))
    stored = [by_id[uuid.UUID(pk)] for pk in _stored_order(open_survey)]
    assert sorted(stored) == sorted(arrival)
    assert stored != arrival  # 15 rows: 1 in 15! to fail by chance
    assert not SealedResponse.objects.exists()
