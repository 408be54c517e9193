"""guidance tables: guided sessions, their events, contact attempts

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
    op.create_table('guided_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('collector_id', sa.Integer(), nullable=False),
    sa.Column('flow_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('library_version', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('jurisdiction', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('staff_count', sa.Integer(), nullable=False),
    sa.Column('current_step', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('outcome_detail', sa.JSON(), nullable=False),
    sa.Column('state', sa.JSON(), nullable=False),
    sa.Column('policy', sa.JSON(), nullable=False),
    sa.Column('started_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('ended_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], ),
    sa.ForeignKeyConstraint(['collector_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_guided_session_case_id'), 'guided_session', ['case_id'], unique=False)
    op.create_index(op.f('ix_guided_session_collector_id'), 'guided_session', ['collector_id'], unique=False)
    op.create_index(op.f('ix_guided_session_started_at'), 'guided_session', ['started_at'], unique=False)
    op.create_index(op.f('ix_guided_session_status'), 'guided_session', ['status'], unique=False)
    op.create_table('contact_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('conversation', sa.Boolean(), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], ),
    sa.ForeignKeyConstraint(['session_id'], ['guided_session.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_contact_attempt_at'), 'contact_attempt', ['at'], unique=False)
    op.create_index(op.f('ix_contact_attempt_case_id'), 'contact_attempt', ['case_id'], unique=False)
    op.create_index(op.f('ix_contact_attempt_session_id'), 'contact_attempt', ['session_id'], unique=False)
    op.create_index(op.f('ix_contact_attempt_user_id'), 'contact_attempt', ['user_id'], unique=False)
    op.create_table('session_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('type', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('step_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['session_id'], ['guided_session.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('session_id', 'seq', name='uq_session_event_seq')
    )
    op.create_index(op.f('ix_session_event_actor_id'), 'session_event', ['actor_id'], unique=False)
    op.create_index(op.f('ix_session_event_session_id'), 'session_event', ['session_id'], unique=False)
    op.create_index(op.f('ix_session_event_type'), 'session_event', ['type'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_session_event_type'), table_name='session_event')
    op.drop_index(op.f('ix_session_event_session_id'), table_name='session_event')
    op.drop_index(op.f('ix_session_event_actor_id'), table_name='session_event')
    op.drop_table('session_event')
    op.drop_index(op.f('ix_contact_attempt_user_id'), table_name='contact_attempt')
    op.drop_index(op.f('ix_contact_attempt_session_id'), table_name='contact_attempt')
    op.drop_index(op.f('ix_contact_attempt_case_id'), table_name='contact_attempt')
    op.drop_index(op.f('ix_contact_attempt_at'), table_name='contact_attempt')
    op.drop_table('contact_attempt')
    op.drop_index(op.f('ix_guided_session_status'), table_name='guided_session')
    op.drop_index(op.f('ix_guided_session_started_at'), table_name='guided_session')
    op.drop_index(op.f('ix_guided_session_collector_id'), table_name='guided_session')
    op.drop_index(op.f('ix_guided_session_case_id'), table_name='guided_session')
    op.drop_table('guided_session')
