"""pipeline indexes: pages by the page that found them, and by body hash

The crawl asks, per page, for the pages it claimed (``found_on_id``) and for an earlier page of the
scan with the same body (``content_hash``); without these indexes each question read every page of
the site (quadratic on a 10,000-page site).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02
"""
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('pages', schema=None) as batch_op:
        batch_op.create_index('ix_pages_found_on', ['found_on_id'], unique=False)
        batch_op.create_index('ix_pages_site_hash', ['site_id', 'content_hash'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('pages', schema=None) as batch_op:
        batch_op.drop_index('ix_pages_site_hash')
        batch_op.drop_index('ix_pages_found_on')
