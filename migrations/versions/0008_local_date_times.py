"""Stored date-times in the office's zone: one spelling per moment

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 12:00:00

Date-time values were stored with whatever offset was typed, and SQL compares, sorts and
cuts (month reports) the stored text: `2026-03-31T23:00:00Z` (07:00 on 1 April in Beijing)
sorted before `2026-04-01T00:00+08:00` and counted in March. The engine now stores every
date-time in the zone of the TIMEZONE setting (core.settings.local_iso); this rewrites the
values already stored, at every date-time field of each ledger's current definition, inside
groups and child tables too, in every entry (deleted ones too). Text that is no RFC 3339
date-time (an entry kept under an older version) stays as it is.

Revisions keep the values they recorded, as they were typed: they are history, and every
page shows them in local time anyway. No revision is written: the moments are the same.
Downgrade leaves the values as they are: the older release reads them alike.
"""
import datetime as dt
import json
import re

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from core.settings import local_zone  # the running configuration's zone, not code

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

# Written out rather than imported from core: a migration is frozen at its revision.
JsonData = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')
ledgers = sa.table('ledgers', sa.column('id'), sa.column('current_version'))
versions = sa.table('ledger_versions', sa.column('ledger_id'), sa.column('version'),
                    sa.column('definition', sa.JSON()))
entries = sa.table('entries', sa.column('id'), sa.column('ledger_id'), sa.column('data', JsonData))
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$")
BATCH = 1000
MAX_DEPTH = 32


def upgrade():
    conn = op.get_bind()
    zone = local_zone()
    for ledger_id, document in conn.execute(
            sa.select(ledgers.c.id, versions.c.definition).select_from(ledgers.join(
                versions, sa.and_(versions.c.ledger_id == ledgers.c.id,
                                  versions.c.version == ledgers.c.current_version)))).all():
        document = json.loads(document) if isinstance(document, str) else document
        paths = time_paths(document, document, (), 0)
        if paths:
            rewrite_ledger(conn, ledger_id, paths, zone)


def downgrade():
    pass


def time_paths(root, schema, prefix, depth):
    """The paths of an object schema's date-time fields: ('at',), ('calls', 'when') (a child
    table's column), ('trip', 'left') (a group's), local $refs followed."""
    properties = schema.get('properties') if isinstance(schema, dict) else None
    if not isinstance(properties, dict) or depth > MAX_DEPTH:
        return []
    found = []
    for key, sub in properties.items():
        sub = followed(root, sub)
        if not isinstance(sub, dict):
            continue
        if sub.get('type') == 'string' and sub.get('format') == 'date-time' and 'enum' not in sub:
            found.append(prefix + (key,))
        elif sub.get('type') == 'object':
            found += time_paths(root, sub, prefix + (key,), depth + 1)
        elif sub.get('type') == 'array':
            found += time_paths(root, followed(root, sub.get('items')), prefix + (key,), depth + 1)
    return found


def followed(root, schema):
    """A property schema with its local `$ref` followed (its own keywords on top)."""
    for _ in range(MAX_DEPTH):
        ref = schema.get('$ref') if isinstance(schema, dict) else None
        if not (isinstance(ref, str) and ref.startswith('#')):
            return schema
        target = root
        for part in ref[2:].split('/') if ref != '#' else ():
            part = part.replace('~1', '/').replace('~0', '~')
            target = target.get(part) if isinstance(target, dict) else None
        if not isinstance(target, dict):
            return None
        schema = {**target, **{k: v for k, v in schema.items() if k != '$ref'}}
    return None


def rewrite_ledger(conn, ledger_id, paths, zone):
    after = 0
    while True:
        rows = conn.execute(sa.select(entries.c.id, entries.c.data)
                            .where(entries.c.ledger_id == ledger_id, entries.c.id > after)
                            .order_by(entries.c.id).limit(BATCH)).all()
        if not rows:
            return
        changed = []
        for entry_id, data in rows:
            data = json.loads(data) if isinstance(data, str) else data
            new = respelt(data, paths, zone)
            if new != data:
                changed.append({'entry_id': entry_id, 'new': new})
        if changed:
            conn.execute(entries.update().where(entries.c.id == sa.bindparam('entry_id'))
                         .values(data=sa.bindparam('new', type_=JsonData)), changed)
        after = rows[-1][0]


def respelt(data, paths, zone):
    """A copy of `data` with the date-times at `paths` in `zone`."""
    data = json.loads(json.dumps(data))
    for path in paths:
        _respell(data, path, zone)
    return data


def _respell(node, path, zone):
    if isinstance(node, list):
        for row in node:
            _respell(row, path, zone)
    elif isinstance(node, dict) and path[0] in node:
        if len(path) > 1:
            _respell(node[path[0]], path[1:], zone)
        elif isinstance(node[path[0]], str):
            node[path[0]] = local(node[path[0]], zone)


def local(value, zone):
    """'2026-03-31T23:00:00Z' -> '2026-04-01T07:00:00+08:00' (as core.settings.stored_time)."""
    if not RFC3339.match(value):
        return value
    try:
        moment = dt.datetime.fromisoformat(value.upper().replace('Z', '+00:00'))
    except ValueError:
        return value
    return moment.astimezone(zone).isoformat()
