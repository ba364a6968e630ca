"""The administration blueprint, `/admin`: one child blueprint per sub-feature."""

from __future__ import annotations

from flask import Blueprint

from dashboards import formatting
from survey.admin.distribution.batches import blueprint as batches
from survey.admin.distribution.letter_job_views import blueprint as letter_jobs
from survey.admin.distribution.views import blueprint as distribution
from survey.admin.goals.views import blueprint as goals
from survey.admin.labels import all_labels, language_option
from survey.admin.monitor.views import blueprint as monitor
from survey.admin.panel.views import blueprint as panel
from survey.admin.projects.views import blueprint as projects
from survey.admin.rounds.views import blueprint as rounds
from survey.admin.schools.views import blueprint as schools
from survey.admin.tokens.views import blueprint as tokens
from survey.admin.users.views import blueprint as users
from survey.rounds.dates import norway_date, norway_time


def _admin_blueprint() -> Blueprint:
    admin = Blueprint("admin", __name__, url_prefix="/admin")
    admin.add_app_template_filter(norway_time, "norway_time")
    admin.add_app_template_filter(norway_date, "norway_date")
    admin.add_app_template_filter(language_option, "language_option")
    admin.add_app_template_filter(formatting.number, "decimal_number")
    admin.add_app_template_filter(formatting.signed, "signed_number")
    admin.context_processor(all_labels)
    for child in (
        projects,
        schools,
        goals,
        rounds,
        distribution,
        batches,
        letter_jobs,
        monitor,
        tokens,
        panel,
        users,
    ):
        admin.register_blueprint(child)
    return admin


blueprint = _admin_blueprint()
