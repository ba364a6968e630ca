"""Link drafts are bound to the device and sealed; submitted link responses wait in a mixing
pool before they become responses (issue 13, findings 2-4).

Drafts written before this revision were readable by anyone with the link, and cannot be bound
to a device afterwards: they are dropped. A parent in the middle of answering starts afresh.

Revision ID: l1_links_bound_and_pooled
Revises: t4_session_version
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "l1_links_bound_and_pooled"
down_revision: str | None = "t4_session_version"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_table("link_draft")
    op.create_table(
        "link_draft",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("access_code_id", sa.Integer(), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["access_code_id"],
            ["access_code.id"],
            name=op.f("fk_link_draft_access_code_id_access_code"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_draft")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("link_draft", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_link_draft_access_code_id"), ["access_code_id"], unique=False
        )
    op.create_table(
        "link_pool",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("respondent_type", sa.String(length=20), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.CheckConstraint(
            "respondent_type IN ('pupil', 'parent', 'staff')",
            name=op.f("ck_link_pool_respondent_type_known"),
        ),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["school_group.id"],
            name=op.f("fk_link_pool_group_id_school_group"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["round.id"], name=op.f("fk_link_pool_round_id_round"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["school.id"],
            name=op.f("fk_link_pool_school_id_school"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_pool")),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("link_pool", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_link_pool_round_id"), ["round_id"], unique=False)


def downgrade() -> None:
    """Pooled responses cannot be opened without the secret key here: release them first
    (`trivsel` closes rounds or the pool job releases them); drafts are dropped again."""
    op.drop_table("link_pool")
    op.drop_table("link_draft")
    op.create_table(
        "link_draft",
        sa.Column("access_code_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["access_code_id"],
            ["access_code.id"],
            name=op.f("fk_link_draft_access_code_id_access_code"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("access_code_id", name=op.f("pk_link_draft")),
    )
