"""guidance tables

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # the guidance work adds its tables here (regenerate with: assistant db revision)


def downgrade() -> None:
    pass
