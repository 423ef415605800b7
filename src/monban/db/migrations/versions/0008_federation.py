"""Federated sign-in: upstream identity providers and account links (FEATURES.md §5)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26 01:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import monban.db.types

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('identity_providers',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('slug', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('protocol', sa.String(length=8), nullable=False),
    sa.Column('preset', sa.String(length=32), nullable=True),
    sa.Column('org_id', sa.String(length=32), nullable=True),
    sa.Column('issuer', sa.String(length=500), nullable=False),
    sa.Column('client_id', sa.String(length=500), nullable=False),
    sa.Column('client_secret_sealed', sa.Text(), nullable=False),
    sa.Column('config', sa.JSON(), nullable=False),
    sa.Column('auto_create', sa.Boolean(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('created_at', monban.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['orgs.id'], name=op.f('fk_identity_providers_org_id_orgs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_identity_providers')),
    sa.UniqueConstraint('slug', name=op.f('uq_identity_providers_slug'))
    )
    with op.batch_alter_table('identity_providers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_identity_providers_org_id'), ['org_id'], unique=False)

    op.create_table('federated_links',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('account_id', sa.String(length=32), nullable=False),
    sa.Column('provider_id', sa.String(length=32), nullable=False),
    sa.Column('issuer', sa.String(length=500), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('linked_at', monban.db.types.UTCDateTime(), nullable=False),
    sa.Column('last_used_at', monban.db.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_federated_links_account_id_accounts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['provider_id'], ['identity_providers.id'], name=op.f('fk_federated_links_provider_id_identity_providers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_federated_links'))
    )
    with op.batch_alter_table('federated_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_federated_links_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_federated_links_provider_id'), ['provider_id'], unique=False)
        batch_op.create_index('ix_federated_links_issuer_subject', ['issuer', 'subject'], unique=True)


def downgrade() -> None:
    with op.batch_alter_table('federated_links', schema=None) as batch_op:
        batch_op.drop_index('ix_federated_links_issuer_subject')
        batch_op.drop_index(batch_op.f('ix_federated_links_provider_id'))
        batch_op.drop_index(batch_op.f('ix_federated_links_account_id'))

    op.drop_table('federated_links')
    with op.batch_alter_table('identity_providers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_identity_providers_org_id'))

    op.drop_table('identity_providers')
