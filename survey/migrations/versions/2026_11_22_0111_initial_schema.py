"""Initial schema: projects, schools, groups, rounds, instruments, codes, responses, users.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("can_export_free_text", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "role IN ('admin', 'project_lead', 'school_contact', 'evaluator')",
            name=op.f("ck_app_user_role_known"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_user")),
        sa.UniqueConstraint("email", name=op.f("uq_app_user_email")),
    )
    op.create_table(
        "instrument_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instrument_key", sa.String(length=60), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("respondent_type", sa.String(length=20), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "respondent_type IN ('pupil', 'parent', 'staff')",
            name=op.f("ck_instrument_version_respondent_type_known"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instrument_version")),
        sa.UniqueConstraint(
            "instrument_key", "version", name=op.f("uq_instrument_version_instrument_key_version")
        ),
    )
    with op.batch_alter_table("instrument_version", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_instrument_version_content_hash"), ["content_hash"], unique=False
        )

    op.create_table(
        "project",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("min_group_size", sa.Integer(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("delete_after_on", sa.Date(), nullable=False),
        sa.Column("is_panel", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "min_group_size >= 5", name=op.f("ck_project_min_group_size_at_least_5")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project")),
        sa.UniqueConstraint("name", name=op.f("uq_project_name")),
    )
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.Column("action", sa.String(length=80), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_audit_event_project_id_project"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
            name=op.f("fk_audit_event_user_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_audit_event_occurred_at"), ["occurred_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_audit_event_project_id"), ["project_id"], unique=False)

    op.create_table(
        "model_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("construct", sa.String(length=60), nullable=False),
        sa.Column("respondent_type", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.CheckConstraint(
            "respondent_type IN ('pupil', 'parent', 'staff')",
            name=op.f("ck_model_result_respondent_type_known"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_model_result_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_result")),
        sa.UniqueConstraint(
            "project_id",
            "construct",
            "respondent_type",
            "kind",
            name=op.f("uq_model_result_project_id_construct_respondent_type_kind"),
        ),
    )
    op.create_table(
        "round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("opens_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.CheckConstraint(
            "status IN ('planned', 'open', 'closed')", name=op.f("ck_round_status_known")
        ),
        sa.CheckConstraint("closes_at > opens_at", name=op.f("ck_round_closes_after_opening")),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_round_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_round")),
        sa.UniqueConstraint("project_id", "label", name=op.f("uq_round_project_id_label")),
    )
    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_round_project_id"), ["project_id"], unique=False)

    op.create_table(
        "school",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("arm", sa.String(length=20), nullable=False),
        sa.CheckConstraint(
            "arm IN ('intervention', 'comparison')", name=op.f("ck_school_arm_known")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_school_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school")),
        sa.UniqueConstraint("project_id", "code", name=op.f("uq_school_project_id_code")),
        sa.UniqueConstraint("project_id", "name", name=op.f("uq_school_project_id_name")),
    )
    with op.batch_alter_table("school", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_school_project_id"), ["project_id"], unique=False)

    op.create_table(
        "user_project",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_user_project_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
            name=op.f("fk_user_project_user_id_app_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "project_id", name=op.f("pk_user_project")),
    )
    op.create_table(
        "goal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("construct", sa.String(length=60), nullable=False),
        sa.Column("respondent_type", sa.String(length=20), nullable=False),
        sa.Column("target_kind", sa.String(length=20), nullable=False),
        sa.Column("target_value", sa.Float(), nullable=False),
        sa.Column("due_round_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "respondent_type IN ('pupil', 'parent', 'staff')",
            name=op.f("ck_goal_respondent_type_known"),
        ),
        sa.CheckConstraint(
            "target_kind IN ('level', 'change')", name=op.f("ck_goal_target_kind_known")
        ),
        sa.ForeignKeyConstraint(
            ["due_round_id"],
            ["round.id"],
            name=op.f("fk_goal_due_round_id_round"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_goal_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goal")),
    )
    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goal_project_id"), ["project_id"], unique=False)

    op.create_table(
        "round_instrument",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("respondent_type", sa.String(length=20), nullable=False),
        sa.Column("instrument_version_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "respondent_type IN ('pupil', 'parent', 'staff')",
            name=op.f("ck_round_instrument_respondent_type_known"),
        ),
        sa.ForeignKeyConstraint(
            ["instrument_version_id"],
            ["instrument_version.id"],
            name=op.f("fk_round_instrument_instrument_version_id_instrument_version"),
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["round.id"],
            name=op.f("fk_round_instrument_round_id_round"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("round_id", "respondent_type", name=op.f("pk_round_instrument")),
    )
    op.create_table(
        "school_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("grade", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=40), nullable=False),
        sa.Column("enrolled", sa.Integer(), nullable=False),
        sa.CheckConstraint("enrolled >= 0", name=op.f("ck_school_group_enrolled_not_negative")),
        sa.CheckConstraint("grade BETWEEN 1 AND 13", name=op.f("ck_school_group_grade_in_range")),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["school.id"],
            name=op.f("fk_school_group_school_id_school"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_school_group")),
        sa.UniqueConstraint("school_id", "label", name=op.f("uq_school_group_school_id_label")),
    )
    with op.batch_alter_table("school_group", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_school_group_school_id"), ["school_id"], unique=False)

    op.create_table(
        "user_school",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["school.id"],
            name=op.f("fk_user_school_school_id_school"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
            name=op.f("fk_user_school_user_id_app_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "school_id", name=op.f("pk_user_school")),
    )
    op.create_table(
        "access_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("respondent_type", sa.String(length=20), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("code_seed", sa.String(length=64), nullable=True),
        sa.Column("used_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind <> 'class_code' OR (group_id IS NOT NULL AND respondent_type = 'pupil')",
            name=op.f("ck_access_code_class_code_has_pupil_group"),
        ),
        sa.CheckConstraint(
            "kind = 'link' OR used_on IS NULL", name=op.f("ck_access_code_only_links_are_used")
        ),
        sa.CheckConstraint(
            "kind IN ('class_code', 'link')", name=op.f("ck_access_code_kind_known")
        ),
        sa.CheckConstraint(
            "respondent_type IN ('pupil', 'parent', 'staff')",
            name=op.f("ck_access_code_respondent_type_known"),
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["school_group.id"],
            name=op.f("fk_access_code_group_id_school_group"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["round.id"],
            name=op.f("fk_access_code_round_id_round"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["school.id"],
            name=op.f("fk_access_code_school_id_school"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_code")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_access_code_code_hash")),
    )
    with op.batch_alter_table("access_code", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_access_code_round_id"), ["round_id"], unique=False)

    op.create_table(
        "response",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("respondent_type", sa.String(length=20), nullable=False),
        sa.Column("instrument_version_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "respondent_type <> 'pupil' OR group_id IS NOT NULL",
            name=op.f("ck_response_pupil_has_group"),
        ),
        sa.CheckConstraint(
            "respondent_type IN ('pupil', 'parent', 'staff')",
            name=op.f("ck_response_respondent_type_known"),
        ),
        sa.CheckConstraint(
            "status <> 'complete' OR completed_on IS NOT NULL",
            name=op.f("ck_response_complete_has_date"),
        ),
        sa.CheckConstraint(
            "status IN ('partial', 'complete')", name=op.f("ck_response_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["group_id"], ["school_group.id"], name=op.f("fk_response_group_id_school_group")
        ),
        sa.ForeignKeyConstraint(
            ["instrument_version_id"],
            ["instrument_version.id"],
            name=op.f("fk_response_instrument_version_id_instrument_version"),
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["round.id"], name=op.f("fk_response_round_id_round"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["school.id"],
            name=op.f("fk_response_school_id_school"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_response")),
        sa.UniqueConstraint("client_id", name=op.f("uq_response_client_id")),
    )
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_response_group_id"), ["group_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_response_round_id"), ["round_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_response_school_id"), ["school_id"], unique=False)

    op.create_table(
        "answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(length=80), nullable=False),
        sa.Column("value", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("is_declined", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "(value IS NOT NULL AND text IS NULL AND NOT is_declined) OR (value IS NULL AND text IS NOT NULL AND NOT is_declined) OR (value IS NULL AND text IS NULL AND is_declined)",
            name=op.f("ck_answer_one_kind_of_answer"),
        ),
        sa.CheckConstraint("value BETWEEN 0 AND 10", name=op.f("ck_answer_value_in_range")),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["response.id"],
            name=op.f("fk_answer_response_id_response"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer")),
        sa.UniqueConstraint("response_id", "item_id", name=op.f("uq_answer_response_id_item_id")),
    )


def downgrade() -> None:
    op.drop_table("answer")
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_response_school_id"))
        batch_op.drop_index(batch_op.f("ix_response_round_id"))
        batch_op.drop_index(batch_op.f("ix_response_group_id"))

    op.drop_table("response")
    with op.batch_alter_table("access_code", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_access_code_round_id"))

    op.drop_table("access_code")
    op.drop_table("user_school")
    with op.batch_alter_table("school_group", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_school_group_school_id"))

    op.drop_table("school_group")
    op.drop_table("round_instrument")
    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_goal_project_id"))

    op.drop_table("goal")
    op.drop_table("user_project")
    with op.batch_alter_table("school", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_school_project_id"))

    op.drop_table("school")
    with op.batch_alter_table("round", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_round_project_id"))

    op.drop_table("round")
    op.drop_table("model_result")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_project_id"))
        batch_op.drop_index(batch_op.f("ix_audit_event_occurred_at"))

    op.drop_table("audit_event")
    op.drop_table("project")
    with op.batch_alter_table("instrument_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_instrument_version_content_hash"))

    op.drop_table("instrument_version")
    op.drop_table("app_user")
