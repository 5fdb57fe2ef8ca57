"""reports

Revision ID: 0008
Revises: 0007
Reserved in the linear chain for the reports feature; it fills in upgrade() and downgrade().
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
