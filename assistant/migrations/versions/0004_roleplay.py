"""roleplay tables

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'roleplay_session',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('persona_id', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column('flow_id', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column('rubric_id', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column('difficulty', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column('mode', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column('seed', sa.Integer(), nullable=False),
        sa.Column('team_id', sa.Integer(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id']),
        sa.ForeignKeyConstraint(['team_id'], ['team.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_roleplay_session_created_by_id'), 'roleplay_session', ['created_by_id'])
    op.create_index(op.f('ix_roleplay_session_team_id'), 'roleplay_session', ['team_id'])

    op.create_table(
        'roleplay_assignment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('trainee_id', sa.Integer(), nullable=False),
        sa.Column('assigned_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['session_id'], ['roleplay_session.id']),
        sa.ForeignKeyConstraint(['trainee_id'], ['user.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('session_id', 'trainee_id'),
    )
    op.create_index(op.f('ix_roleplay_assignment_session_id'), 'roleplay_assignment', ['session_id'])
    op.create_index(op.f('ix_roleplay_assignment_trainee_id'), 'roleplay_assignment', ['trainee_id'])

    op.create_table(
        'roleplay_run',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=True),
        sa.Column('trainee_id', sa.Integer(), nullable=False),
        sa.Column('persona_id', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column('rubric_id', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column('difficulty', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column('mode', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column('seed', sa.Integer(), nullable=False),
        sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column('end_state', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column('state', sa.JSON(), nullable=False),
        sa.Column('score', sa.Integer(), nullable=True),
        sa.Column('result', sa.JSON(), nullable=False),
        sa.Column('started_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('finished_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['session_id'], ['roleplay_session.id']),
        sa.ForeignKeyConstraint(['trainee_id'], ['user.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_roleplay_run_session_id'), 'roleplay_run', ['session_id'])
    op.create_index(op.f('ix_roleplay_run_trainee_id'), 'roleplay_run', ['trainee_id'])
    op.create_index(op.f('ix_roleplay_run_status'), 'roleplay_run', ['status'])
    op.create_index(op.f('ix_roleplay_run_started_at'), 'roleplay_run', ['started_at'])

    op.create_table(
        'roleplay_turn',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('run_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('speaker', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column('text', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column('snippet_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column('acts', sa.JSON(), nullable=False),
        sa.Column('findings', sa.JSON(), nullable=False),
        sa.Column('mood', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['run_id'], ['roleplay_run.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('run_id', 'position'),
    )
    op.create_index(op.f('ix_roleplay_turn_run_id'), 'roleplay_turn', ['run_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_roleplay_turn_run_id'), table_name='roleplay_turn')
    op.drop_table('roleplay_turn')
    for column in ('started_at', 'status', 'trainee_id', 'session_id'):
        op.drop_index(op.f(f'ix_roleplay_run_{column}'), table_name='roleplay_run')
    op.drop_table('roleplay_run')
    op.drop_index(op.f('ix_roleplay_assignment_trainee_id'), table_name='roleplay_assignment')
    op.drop_index(op.f('ix_roleplay_assignment_session_id'), table_name='roleplay_assignment')
    op.drop_table('roleplay_assignment')
    op.drop_index(op.f('ix_roleplay_session_team_id'), table_name='roleplay_session')
    op.drop_index(op.f('ix_roleplay_session_created_by_id'), table_name='roleplay_session')
    op.drop_table('roleplay_session')
