"""A user keeps a session version: logging out or a new password raises it, and every session
cookie made before then stops working (signed cookies cannot be taken back otherwise).

Revision ID: t4_session_version
Revises: i9_link_used_flag
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "t4_session_version"
down_revision: str | None = "i9_link_used_flag"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_version", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_column("session_version")
