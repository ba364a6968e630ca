"""The administration API, version 1: what the app factory registers."""

from survey.api.projects import blueprint as projects
from survey.api.rounds import blueprint as rounds

blueprints = [projects, rounds]
