"""The database model. Import from here, not from the modules."""

from instruments import RESPONDENT_TYPES
from survey.models.base import ARMS, Base, utcnow
from survey.models.distribution import (
    ApiToken,
    LinkBatch,
    LinkDraft,
    OptOutCount,
    PooledLinkResponse,
    ReminderSent,
)
from survey.models.jobs import JOB_KINDS, BackgroundJob
from survey.models.panel import PanelKey, PanelMember
from survey.models.project import Goal, Group, Project, School
from survey.models.responses import Answer, Response
from survey.models.rounds import AccessCode, InstrumentVersion, Round, RoundInstrument
from survey.models.users import (
    ROLES,
    TOKEN_PURPOSES,
    AuditEvent,
    ModelResult,
    PasswordToken,
    User,
    user_project,
    user_school,
)

__all__ = [
    "ARMS",
    "JOB_KINDS",
    "RESPONDENT_TYPES",
    "ROLES",
    "TOKEN_PURPOSES",
    "AccessCode",
    "Answer",
    "ApiToken",
    "AuditEvent",
    "BackgroundJob",
    "Base",
    "Goal",
    "Group",
    "InstrumentVersion",
    "LinkBatch",
    "LinkDraft",
    "ModelResult",
    "OptOutCount",
    "PanelKey",
    "PanelMember",
    "PasswordToken",
    "PooledLinkResponse",
    "Project",
    "ReminderSent",
    "Response",
    "Round",
    "RoundInstrument",
    "School",
    "User",
    "user_project",
    "user_school",
    "utcnow",
]
