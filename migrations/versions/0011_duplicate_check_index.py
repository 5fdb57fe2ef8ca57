"""workers: index the likely-duplicate check by village and birth date

Revision ID: 0011
Revises: 0010
Every registration looks for participants born the same day with the same phone or in the same
village (perisai.workers.duplicates.likely_duplicates). By village alone that read every
participant of the village: thousands in a town, on each registration. (village_code,
birth_date) answers it from the index and still serves every query by village alone, so it
replaces the single-column index.
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("workers") as batch_op:
        batch_op.create_index(
            "ix_workers_village_code_birth_date", ["village_code", "birth_date"], unique=False
        )
        batch_op.drop_index("ix_workers_village_code")


def downgrade():
    with op.batch_alter_table("workers") as batch_op:
        batch_op.create_index("ix_workers_village_code", ["village_code"], unique=False)
        batch_op.drop_index("ix_workers_village_code_birth_date")
