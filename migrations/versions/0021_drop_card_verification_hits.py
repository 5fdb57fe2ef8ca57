"""cards: drop card_verification_hits, the rate limit's counter (issue 19)

Revision ID: 0021
Revises: 0020
The public card verification wrote one row here on every request (and deleted the expired ones)
to count requests per hashed client address. The per-address limits now live in Flask-Limiter's
storage (Redis with PERISAI_REDIS_URL, else the process's memory: perisai/ratelimits.py), so no
public request writes to the database. The rows were counters of the last minute only: nothing
is lost by dropping them, and a downgrade makes the empty table again.
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("card_verification_hits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_card_verification_hits_hit_at"))
        batch_op.drop_index(batch_op.f("ix_card_verification_hits_client"))
    op.drop_table("card_verification_hits")


def downgrade():
    op.create_table(
        "card_verification_hits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client", sa.String(length=32), nullable=False),
        sa.Column("hit_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_card_verification_hits")),
    )
    with op.batch_alter_table("card_verification_hits", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_card_verification_hits_client"), ["client"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_card_verification_hits_hit_at"), ["hit_at"], unique=False
        )
