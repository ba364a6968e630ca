"""A link keeps only that it was used, not the day: the day could be matched with the day on
the response it made (DESIGN.md: "the token row only records that it was used").

Revision ID: i9_link_used_flag
Revises: i5_rounds_links
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "i9_link_used_flag"
down_revision: str | None = "i5_rounds_links"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHECK = "only_links_are_used"


def upgrade() -> None:
    with op.batch_alter_table("access_code", schema=None) as batch_op:
        batch_op.add_column(sa.Column("is_used", sa.Boolean(), nullable=True))
    op.execute("UPDATE access_code SET is_used = (used_on IS NOT NULL)")
    with op.batch_alter_table("access_code", schema=None) as batch_op:
        batch_op.drop_constraint(op.f(f"ck_access_code_{CHECK}"), type_="check")
        batch_op.alter_column("is_used", existing_type=sa.Boolean(), nullable=False)
        batch_op.drop_column("used_on")
        batch_op.create_check_constraint(CHECK, "kind = 'link' OR NOT is_used")


def downgrade() -> None:
    """The days of use are gone; a used link gets the day it was made."""
    with op.batch_alter_table("access_code", schema=None) as batch_op:
        batch_op.add_column(sa.Column("used_on", sa.Date(), nullable=True))
    op.execute("UPDATE access_code SET used_on = DATE(created_at) WHERE is_used")
    with op.batch_alter_table("access_code", schema=None) as batch_op:
        batch_op.drop_constraint(op.f(f"ck_access_code_{CHECK}"), type_="check")
        batch_op.drop_column("is_used")
        batch_op.create_check_constraint(CHECK, "kind = 'link' OR used_on IS NULL")
