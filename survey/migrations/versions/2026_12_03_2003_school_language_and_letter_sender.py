"""A school's written language (bokmål or nynorsk) for its report, and the project's letter
sender, contact person and data controller (behandlingsansvarlig) for the information letter.

Revision ID: p3_school_lang_letter_sender
Revises: j5_background_jobs
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "p3_school_lang_letter_sender"
down_revision: str | None = "j5_background_jobs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("school", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=5), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_school_language_written_norwegian"),
            "language IS NULL OR language IN ('nb', 'nn')",
        )
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.add_column(sa.Column("letter_sender", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("letter_contact", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("data_controller", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.drop_column("data_controller")
        batch_op.drop_column("letter_contact")
        batch_op.drop_column("letter_sender")
    with op.batch_alter_table("school", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_school_language_written_norwegian"), type_="check")
        batch_op.drop_column("language")
