"""One normal form for identifiers (issue 12, item 4): the identifier_collisions table, and
every stored email, phone and username brought to the normal form of
accounts/identifiers.py. Accounts whose identifiers normalise alike are left untouched and
recorded (never merged, never dropped): `monban user collisions` lists them. Display names
holding control characters are cleaned.

Revision ID: 0011
Revises: 0008
Create Date: 2026-12-06 04:40:00
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import monban.db.types
from monban.store.identifier_collisions import renormalise, summary

revision = '0011'
down_revision = '0008'
branch_labels = None
depends_on = None

# The columns this pass reads and writes, as they are at this revision.
_accounts = sa.table(
    'accounts', sa.column('id', sa.String), sa.column('email', sa.String),
    sa.column('phone', sa.String), sa.column('username', sa.String),
    sa.column('display_name', sa.String))
_contacts = sa.table(
    'recovery_contacts', sa.column('id', sa.String), sa.column('channel', sa.String),
    sa.column('target', sa.String), sa.column('created_at', monban.db.types.UTCDateTime()))


def upgrade() -> None:
    collisions = op.create_table('identifier_collisions',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True,
              nullable=False),
    sa.Column('account_id', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('stored', sa.String(length=320), nullable=False),
    sa.Column('normal', sa.String(length=320), nullable=True),
    sa.Column('found_at', monban.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'],
                            name=op.f('fk_identifier_collisions_account_id_accounts'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_identifier_collisions'))
    )
    with op.batch_alter_table('identifier_collisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_identifier_collisions_account_id'), ['account_id'],
                              unique=False)
    assert collisions is not None
    outcome = renormalise(op.get_bind(), _accounts, collisions, _contacts, datetime.now(UTC))
    if outcome.collisions:
        print(f"identifier normal form: {summary(outcome)}; "  # noqa: T201 (operator output)
              "see `monban user collisions`")


def downgrade() -> None:
    with op.batch_alter_table('identifier_collisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_identifier_collisions_account_id'))
    op.drop_table('identifier_collisions')
