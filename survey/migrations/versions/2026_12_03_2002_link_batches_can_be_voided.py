"""Link batches: listed, downloaded again while the round is open, and voided (issue 17).

A batch keeps its tokens sealed under a key derived from the server's secret key until the
round closes or the batch is voided; each link row knows its batch and whether it was voided.
Links made before this revision belong to no batch and cannot be downloaded again.

Revision ID: r2_link_batches
Revises: p3_school_lang_letter_sender
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "r2_link_batches"
down_revision: str | None = "p3_school_lang_letter_sender"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "link_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("respondent_type", sa.String(length=20), nullable=False),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("link_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sealed_tokens", sa.LargeBinary(), nullable=True),
        sa.CheckConstraint(
            "respondent_type IN ('pupil', 'parent', 'staff')",
            name=op.f("ck_link_batch_respondent_type_known"),
        ),
        sa.CheckConstraint("link_count > 0", name=op.f("ck_link_batch_link_count_positive")),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["app_user.id"],
            name=op.f("fk_link_batch_created_by_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["school_group.id"],
            name=op.f("fk_link_batch_group_id_school_group"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["round.id"],
            name=op.f("fk_link_batch_round_id_round"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["school.id"],
            name=op.f("fk_link_batch_school_id_school"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_batch")),
    )
    with op.batch_alter_table("link_batch", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_link_batch_round_id"), ["round_id"], unique=False)
    with op.batch_alter_table("access_code", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("is_voided", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("batch_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_access_code_batch_id"), ["batch_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_access_code_batch_id_link_batch"),
            "link_batch",
            ["batch_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_check_constraint("only_links_are_voided", "kind = 'link' OR NOT is_voided")


def downgrade() -> None:
    with op.batch_alter_table("access_code", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_access_code_only_links_are_voided"), type_="check")
        batch_op.drop_constraint(
            batch_op.f("fk_access_code_batch_id_link_batch"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_access_code_batch_id"))
        batch_op.drop_column("batch_id")
        batch_op.drop_column("is_voided")
    with op.batch_alter_table("link_batch", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_link_batch_round_id"))
    op.drop_table("link_batch")
