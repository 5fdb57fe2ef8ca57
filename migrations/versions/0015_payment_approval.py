"""payments: late-recorded payments that would buy cover after the fact wait for approval

Revision ID: 0015
Revises: 0014
(placeholder: filled in by the change that adds the tables)
"""

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
