"""Backup codes belong to their factor row (issue 12.8): a code is redeemed only through the
backup-code factor it was made for and is deleted with it. Codes whose factor is already gone
(removed before this release, when removal left them behind) are deleted.

Revision ID: 0010
Revises: 0013
Create Date: 2026-12-06 04:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('backup_codes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('factor_id', sa.String(length=32), nullable=True))
    op.execute(
        "UPDATE backup_codes SET factor_id = (SELECT f.id FROM factors f"
        " WHERE f.account_id = backup_codes.account_id AND f.kind = 'backup_code'"
        " ORDER BY f.created_at LIMIT 1)")
    op.execute("DELETE FROM backup_codes WHERE factor_id IS NULL")
    with op.batch_alter_table('backup_codes', schema=None) as batch_op:
        batch_op.alter_column('factor_id', existing_type=sa.String(length=32), nullable=False)
        batch_op.create_foreign_key(batch_op.f('fk_backup_codes_factor_id_factors'), 'factors',
                                    ['factor_id'], ['id'], ondelete='CASCADE')
        batch_op.drop_index('ix_backup_codes_account_hash')
        batch_op.create_index('ix_backup_codes_factor_hash', ['factor_id', 'code_hash'],
                              unique=False)
        batch_op.create_index('ix_backup_codes_account_id', ['account_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('backup_codes', schema=None) as batch_op:
        batch_op.drop_index('ix_backup_codes_account_id')
        batch_op.drop_index('ix_backup_codes_factor_hash')
        batch_op.create_index('ix_backup_codes_account_hash', ['account_id', 'code_hash'],
                              unique=False)
        batch_op.drop_constraint(batch_op.f('fk_backup_codes_factor_id_factors'),
                                 type_='foreignkey')
        batch_op.drop_column('factor_id')
