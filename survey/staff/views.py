"""The staff home: the projects this user may open."""

from __future__ import annotations

from flask import Blueprint, render_template

from survey.auth.access import current_user, login_required, projects_for

blueprint = Blueprint("staff", __name__, url_prefix="/staff")


@blueprint.get("/")
@login_required
def home() -> str:
    user = current_user()
    assert user is not None
    return render_template("staff/home.html", user=user, projects=projects_for(user))
