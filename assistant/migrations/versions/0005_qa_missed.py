"""qa: violations the checker missed, and "reviewed: nothing missed" marks

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'missedviolation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('note_id', sa.Integer(), nullable=False),
        sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column('start', sa.Integer(), nullable=True),
        sa.Column('end', sa.Integer(), nullable=True),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('comment', sa.Text(), nullable=False),
        sa.Column('reviewer_id', sa.Integer(), nullable=False),
        sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('withdrawn_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['note_id'], ['note.id'], ),
        sa.ForeignKeyConstraint(['reviewer_id'], ['user.id'], ),
        sa.ForeignKeyConstraint(['withdrawn_by_id'], ['user.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_missedviolation_at'), 'missedviolation', ['at'], unique=False)
    op.create_index(op.f('ix_missedviolation_category'), 'missedviolation', ['category'],
                    unique=False)
    op.create_index(op.f('ix_missedviolation_note_id'), 'missedviolation', ['note_id'],
                    unique=False)
    op.create_index(op.f('ix_missedviolation_reviewer_id'), 'missedviolation', ['reviewer_id'],
                    unique=False)
    op.create_index(op.f('ix_missedviolation_withdrawn_at'), 'missedviolation',
                    ['withdrawn_at'], unique=False)
    op.create_table(
        'nothingmissedmark',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('note_id', sa.Integer(), nullable=False),
        sa.Column('reviewer_id', sa.Integer(), nullable=False),
        sa.Column('comment', sa.Text(), nullable=False),
        sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['note_id'], ['note.id'], ),
        sa.ForeignKeyConstraint(['reviewer_id'], ['user.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_nothingmissedmark_at'), 'nothingmissedmark', ['at'], unique=False)
    op.create_index(op.f('ix_nothingmissedmark_note_id'), 'nothingmissedmark', ['note_id'],
                    unique=False)
    op.create_index(op.f('ix_nothingmissedmark_reviewer_id'), 'nothingmissedmark',
                    ['reviewer_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_nothingmissedmark_reviewer_id'), table_name='nothingmissedmark')
    op.drop_index(op.f('ix_nothingmissedmark_note_id'), table_name='nothingmissedmark')
    op.drop_index(op.f('ix_nothingmissedmark_at'), table_name='nothingmissedmark')
    op.drop_table('nothingmissedmark')
    op.drop_index(op.f('ix_missedviolation_withdrawn_at'), table_name='missedviolation')
    op.drop_index(op.f('ix_missedviolation_reviewer_id'), table_name='missedviolation')
    op.drop_index(op.f('ix_missedviolation_note_id'), table_name='missedviolation')
    op.drop_index(op.f('ix_missedviolation_category'), table_name='missedviolation')
    op.drop_index(op.f('ix_missedviolation_at'), table_name='missedviolation')
    op.drop_table('missedviolation')
