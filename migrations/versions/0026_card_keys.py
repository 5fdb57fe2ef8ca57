"""cards: card_keys, the public halves of the Ed25519 keys that sign card tokens (issue 22)

Revision ID: 0026
Revises: 0025
A card's QR token is now signed with Ed25519, so that an app holding only the public keys
(GET /api/v1/cards/keys) can verify a card offline. A row holds a key id (the token's first
byte, 1–255), its 32-byte public key, when it was made and when it stopped signing new cards.
The private key is never stored: it is derived again from the deployment's secret and the key
id wherever a card is signed (perisai/cards/keys.py). The table starts empty; the first card
printed makes key 1. Old HMAC tokens need no row (their key comes from the configuration), so
every card printed before this revision still verifies. Downgrade drops the table: the cards
printed since then no longer verify until they are printed again.
"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "card_keys",
        sa.Column("kid", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("public_key", sa.LargeBinary(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("kid BETWEEN 1 AND 255", name=op.f("ck_card_keys_kid_range")),
        sa.PrimaryKeyConstraint("kid", name=op.f("pk_card_keys")),
    )


def downgrade():
    op.drop_table("card_keys")
