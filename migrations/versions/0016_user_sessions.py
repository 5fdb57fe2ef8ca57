"""sessions: a server-side record of each login, so logout ends it on every server

Revision ID: 0016
Revises: 0015
(placeholder: filled in by the change that adds the tables)
"""

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
