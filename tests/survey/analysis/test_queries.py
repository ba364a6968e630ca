"""The tidy answer frame the analysis reads from the database."""

from sqlalchemy import func, select

from survey.analysis.queries import instrument_constructs, project_answers, round_labels
from survey.models import Answer, Response, Round, School


def test_one_row_per_sent_response_of_a_closed_round_and_answered_or_declined_item(
    session, project
) -> None:
    frame = project_answers(session, project.id)
    given = (
        select(func.count())
        .select_from(Answer)
        .join(Response, Answer.response_id == Response.id)
        .join(Round, Response.round_id == Round.id)
        .where(Answer.value.is_not(None) | Answer.is_declined)
    )
    released = given.where(Round.status == "closed", Response.status == "complete")
    assert session.scalar(given) > session.scalar(released)  # the demo's last round is open
    assert len(frame) == session.scalar(released)
    assert frame["declined"].any() and frame.loc[frame["declined"], "value"].isna().all()


def test_rounds_are_an_ordered_category_in_time_order(session, project) -> None:
    frame = project_answers(session, project.id)
    assert frame["round"].cat.ordered
    assert list(frame["round"].cat.categories) == round_labels(session, project.id)


def test_schools_appear_by_their_neutral_code_not_their_name(session, project) -> None:
    frame = project_answers(session, project.id)
    names = set(session.scalars(select(School.name)))
    assert set(frame["school"]).isdisjoint(names)
    assert set(frame["arm"]) == {"intervention", "comparison"}
    assert frame.loc[frame["respondent_type"] == "pupil", "group"].notna().all()
    assert frame.loc[frame["respondent_type"] != "pupil", "group"].isna().all()


def test_constructs_come_with_their_direction(session, project) -> None:
    frame = project_answers(session, project.id)
    infos = instrument_constructs(session, [int(v) for v in frame["instrument_version"].unique()])
    directions = {i.spec.id: i.higher_is_better for infos_ in infos.values() for i in infos_}
    assert directions["konflikt"] is False and directions["trivsel"] is True
