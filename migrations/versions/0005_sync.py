"""sync

Revision ID: 0005
Revises: 0004
Reserved in the linear chain for the sync feature; it fills in upgrade() and downgrade().
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
