"""workers: index the branch's card print queue and name searches (issue 17)

Revision ID: 0020
Revises: 0019
The card print queue of one branch is ordered by village, name and id: without an index that
starts with the branch PostgreSQL walked the country's village index and filtered out 186,000
rows of other branches (500-660 ms on the national dataset). A name search is a "contains"
(ILIKE '%budi%'), which no b-tree serves: a trigram GIN index on PostgreSQL finds the matches of
a rare name instead of scanning a million rows (250-440 ms). SQLite has no pg_trgm: there the
trigram index is not made (the model marks it PostgreSQL-only). The extension is left in place
on downgrade: it may have been there before, and other objects may use it.
"""

from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_workers_branch_id_village_code_full_name",
        "workers",
        ["branch_id", "village_code", "full_name", "id"],
        unique=False,
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.create_index(
            "ix_workers_full_name_trgm",
            "workers",
            ["full_name"],
            unique=False,
            postgresql_using="gin",
            postgresql_ops={"full_name": "gin_trgm_ops"},
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_workers_full_name_trgm", table_name="workers")
    op.drop_index("ix_workers_branch_id_village_code_full_name", table_name="workers")

