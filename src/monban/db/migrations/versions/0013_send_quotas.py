"""Send limits: messages sent per destination, account, source address and org in the current
window (issue 12 item 3)

Revision ID: 0013
Revises: 0008
Create Date: 2026-12-06 04:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import monban.db.types

revision = '0013'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('send_quotas',
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('window_start', monban.db.types.UTCDateTime(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_send_quotas'))
    )


def downgrade() -> None:
    op.drop_table('send_quotas')
