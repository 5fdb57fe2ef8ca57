"""commissions

Revision ID: 0007
Revises: 0006
Reserved in the linear chain for the commissions feature; it fills in upgrade() and downgrade().
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
