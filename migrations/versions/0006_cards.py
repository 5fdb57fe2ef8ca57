"""cards

Revision ID: 0006
Revises: 0005
Membership cards, their prints, and the public verification rate-limit counter.
"""

from alembic import op
import sqlalchemy as sa

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    # Reviewed by hand against perisai/cards/models.py.
    op.create_table(
        "cards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.String(length=36), nullable=False),
        sa.Column("membership_number", sa.String(length=11), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("data_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("replaced_by_id", sa.Integer(), nullable=True),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.Column("revoke_reason", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["worker_id"], ["workers.id"], name=op.f("fk_cards_worker_id_workers")),
        sa.ForeignKeyConstraint(["issued_by_id"], ["users.id"], name=op.f("fk_cards_issued_by_id_users")),
        sa.ForeignKeyConstraint(["replaced_by_id"], ["cards.id"], name=op.f("fk_cards_replaced_by_id_cards")),
        sa.ForeignKeyConstraint(["revoked_by_id"], ["users.id"], name=op.f("fk_cards_revoked_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cards")),
    )
    with op.batch_alter_table("cards", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cards_worker_id"), ["worker_id"], unique=False)
        # At most one active card per participant (a partial unique index on both backends).
        batch_op.create_index(
            "uq_cards_worker_id_active",
            ["worker_id"],
            unique=True,
            sqlite_where=sa.text("status = 'active'"),
            postgresql_where=sa.text("status = 'active'"),
        )

    op.create_table(
        "card_prints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("card_id", sa.Integer(), nullable=False),
        sa.Column("printed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("printed_by_id", sa.Integer(), nullable=True),
        sa.Column("batch_id", sa.String(length=36), nullable=True),
        sa.Column("is_issue", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["card_id"], ["cards.id"], name=op.f("fk_card_prints_card_id_cards")),
        sa.ForeignKeyConstraint(["printed_by_id"], ["users.id"], name=op.f("fk_card_prints_printed_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_card_prints")),
    )
    with op.batch_alter_table("card_prints", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_card_prints_card_id"), ["card_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_card_prints_printed_by_id"), ["printed_by_id"], unique=False)

    op.create_table(
        "card_verification_hits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client", sa.String(length=32), nullable=False),
        sa.Column("hit_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_card_verification_hits")),
    )
    with op.batch_alter_table("card_verification_hits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_card_verification_hits_client"), ["client"], unique=False)
        batch_op.create_index(batch_op.f("ix_card_verification_hits_hit_at"), ["hit_at"], unique=False)


def downgrade():
    with op.batch_alter_table("card_verification_hits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_card_verification_hits_hit_at"))
        batch_op.drop_index(batch_op.f("ix_card_verification_hits_client"))
    op.drop_table("card_verification_hits")

    with op.batch_alter_table("card_prints", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_card_prints_printed_by_id"))
        batch_op.drop_index(batch_op.f("ix_card_prints_card_id"))
    op.drop_table("card_prints")

    with op.batch_alter_table("cards", schema=None) as batch_op:
        batch_op.drop_index("uq_cards_worker_id_active")
        batch_op.drop_index(batch_op.f("ix_cards_worker_id"))
    op.drop_table("cards")
