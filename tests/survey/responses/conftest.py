"""A pupil of an open round, and a response started by one tablet."""

from __future__ import annotations

import datetime as dt

import pytest

from instruments import bundled_instrument
from survey.models import Response
from survey.responses.operations import Respondent, start_response
from survey.rounds.operations import freeze_instrument, set_round_instrument

PUPIL = bundled_instrument("pupil-5-7")
ITEM = PUPIL.items_in("trivsel")[0].id
DAY = dt.date(2026, 10, 5)


@pytest.fixture
def respondent(session, make_round, make_group) -> Respondent:
    group = make_group()
    round_ = make_round(project=group.school.project)
    set_round_instrument(session, round_, freeze_instrument(session, PUPIL))
    round_.status = "open"
    session.flush()
    return Respondent(round_.id, group.school_id, group.id, "pupil")


@pytest.fixture
def response(session, respondent) -> Response:
    return start_response(session, "device-1", respondent, "nb")
