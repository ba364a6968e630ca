"""Panel mode: a per-project key, the keyed hashes of issued card codes, and the response's
panel member (issue 15).

Revision ID: n4_panel_card_codes
Revises: l1_links_bound_and_pooled
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "n4_panel_card_codes"
down_revision: str | None = "l1_links_bound_and_pooled"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "panel_key",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.LargeBinary(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_panel_key_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", name=op.f("pk_panel_key")),
    )
    op.create_table(
        "panel_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_panel_member_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_member")),
        sa.UniqueConstraint(
            "project_id", "code_hash", name=op.f("uq_panel_member_project_id_code_hash")
        ),
    )
    with op.batch_alter_table("panel_member", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_panel_member_project_id"), ["project_id"], unique=False
        )
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.add_column(sa.Column("panel_member_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_response_panel_member_id"), ["panel_member_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_response_panel_member_id_panel_member"),
            "panel_member",
            ["panel_member_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("response", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_response_panel_member_id_panel_member"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_response_panel_member_id"))
        batch_op.drop_column("panel_member_id")
    with op.batch_alter_table("panel_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_panel_member_project_id"))
    op.drop_table("panel_member")
    op.drop_table("panel_key")
