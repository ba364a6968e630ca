from tests.round_fixtures import (  # noqa: F401
    as_lead,
    group,
    lead,
    log_in,
    make_token,
    open_round,
    planned_round,
    project,
    school,
)
