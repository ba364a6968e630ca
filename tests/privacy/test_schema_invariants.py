"""Privacy invariants the schema itself must hold (DESIGN.md, "Privacy model")."""

from __future__ import annotations

import re

from sqlalchemy import Date, DateTime

from survey.models import Answer, Base, Response

RESPONDENT_TABLES = (Response.__table__, Answer.__table__)
IDENTIFYING = re.compile(
    r"(^|_)(ip|ip_address|remote_addr|user_agent|useragent|name|email|phone)($|_)"
)


def test_responses_and_answers_keep_dates_never_times() -> None:
    for table in RESPONDENT_TABLES:
        for column in table.columns:
            assert not isinstance(column.type, DateTime), f"{table.name}.{column.name} keeps a time"
    assert isinstance(Response.__table__.c.completed_on.type, Date)


def test_a_response_does_not_point_at_the_code_or_token_that_opened_it() -> None:
    referenced = {fk.column.table.name for fk in Response.__table__.foreign_keys}
    assert "access_code" not in referenced
    for table in Base.metadata.tables.values():
        for fk in table.foreign_keys:
            if table.name == "access_code":
                assert fk.column.table.name != "response", "a code must not point at a response"


def test_no_table_of_respondent_data_has_a_column_for_who_they_are() -> None:
    for table in RESPONDENT_TABLES:
        for column in table.columns:
            assert not IDENTIFYING.search(column.name), f"{table.name}.{column.name}"


def test_no_table_anywhere_stores_addresses_or_user_agents() -> None:
    for table in Base.metadata.tables.values():
        for column in table.columns:
            name = column.name.lower()
            assert (
                "user_agent" not in name and "ip_address" not in name and "remote_addr" not in name
            ), f"{table.name}.{column.name}"
