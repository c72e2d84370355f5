<%
    code = (upgrades or "") + (downgrades or "")
    quoted = lambda value: repr(value).replace("'", '"')
%>"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}
"""

from collections.abc import Sequence
% if "sa." in code or "op." in code:

% endif
% if "sa." in code:
import sqlalchemy as sa
% endif
% if "op." in code:
from alembic import op
% endif
${imports if imports else ""}
revision: str = ${quoted(up_revision)}
down_revision: str | Sequence[str] | None = ${quoted(down_revision)}
branch_labels: str | Sequence[str] | None = ${quoted(branch_labels)}
depends_on: str | Sequence[str] | None = ${quoted(depends_on)}


def upgrade() -> None:
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    ${downgrades if downgrades else "pass"}
