"""Flows bound to the client that started them: the hash of the starter's binder

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 04:30:00

Flows started before this revision have no binder and are refused by every step (the person
starts signing in again); they expire within the flow lifetime anyway.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('flows', schema=None) as batch_op:
        batch_op.add_column(sa.Column('binder_hash', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('flows', schema=None) as batch_op:
        batch_op.drop_column('binder_hash')
