"""The catalog's read queries, each ONE SQL statement for a whole catalog (no query per object).

- An object is in group G when it is in the memberships of the most recent ingest that carried G
  (by ``retrieved_utc``, then by ingest id).
- The latest element set of an object is its one with the greatest epoch; between two element sets
  of one epoch, the one stored later wins.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Final

from sqlalchemy import BigInteger, ColumnElement, Select, Subquery, bindparam, func, select

from orbitwatch.io.store.rows import ELEMENT_FLOATS, ELEMENT_INTS, ELEMENT_TEXTS
from orbitwatch.io.store.tables import element_sets, group_memberships, ingests, objects

GROUP_SEPARATOR: Final = "\x1f"  # never in a stored group name (those are printable)


def ids_in(column: ColumnElement[int], norad_ids: Sequence[int]) -> ColumnElement[bool]:
    """``column IN (...)`` with the catalog numbers written into the SQL, so any count fits one statement."""
    values = [int(norad_id) for norad_id in norad_ids]
    return column.in_(bindparam(None, values, type_=BigInteger(), expanding=True, literal_execute=True))


def current_memberships(
    known_at_utc: datetime | None = None, through_ingest_id: int | None = None
) -> Subquery:
    """(group_name, norad_id) of every object in every group, by the newest ingest of each group
    (of those retrieved at or before ``known_at_utc``, naive UTC, when given; of those written up to
    the ingest ``through_ingest_id``, when given)."""
    rank = func.row_number().over(
        partition_by=ingests.c.group_name, order_by=(ingests.c.retrieved_utc.desc(), ingests.c.id.desc())
    )
    grouped = select(ingests.c.id, rank.label("rank")).where(ingests.c.group_name != "")
    if known_at_utc is not None:
        grouped = grouped.where(ingests.c.retrieved_utc <= known_at_utc)
    if through_ingest_id is not None:
        grouped = grouped.where(ingests.c.id <= through_ingest_id)
    ranked = grouped.subquery()
    return (
        select(group_memberships.c.group_name, group_memberships.c.norad_id)
        .join(ranked, ranked.c.id == group_memberships.c.ingest_id)
        .where(ranked.c.rank == 1)
        .subquery("current_groups")
    )


def in_groups(column: ColumnElement[int], groups: Sequence[str]) -> ColumnElement[bool]:
    """True for an object in any of the groups."""
    current = current_memberships()
    return column.in_(select(current.c.norad_id).where(current.c.group_name.in_(list(groups))))


def latest_elements(
    at_utc: datetime | None,
    norad_ids: Sequence[int] | None,
    groups: Sequence[str],
    known_at_utc: datetime | None = None,
    through_ingest_id: int | None = None,
) -> Select[tuple[object, ...]]:
    """The newest element set of each object with epoch <= ``at_utc`` (naive UTC), by catalog number.

    With ``known_at_utc``: only element sets that came with an ingest retrieved at or before it; with
    ``through_ingest_id``: only those that came with that ingest or an earlier one (by id).
    """
    es = element_sets
    rank = func.row_number().over(
        partition_by=es.c.norad_id, order_by=(es.c.epoch_utc.desc(), es.c.id.desc())
    )
    wanted = ("norad_id", "epoch_utc", "extras", *ELEMENT_FLOATS, *ELEMENT_INTS, *ELEMENT_TEXTS)
    inner = select(*(es.c[name] for name in wanted), rank.label("rank"))
    if at_utc is not None:
        inner = inner.where(es.c.epoch_utc <= at_utc)
    if norad_ids is not None:
        inner = inner.where(ids_in(es.c.norad_id, norad_ids))
    if groups:
        inner = inner.where(in_groups(es.c.norad_id, groups))
    if known_at_utc is not None:
        known = select(ingests.c.id).where(ingests.c.retrieved_utc <= known_at_utc)
        inner = inner.where(es.c.ingest_id.in_(known))
    if through_ingest_id is not None:
        inner = inner.where(es.c.ingest_id <= through_ingest_id)
    ranked = inner.subquery("ranked")
    columns = [column for column in ranked.c if column.name != "rank"]
    return select(*columns).where(ranked.c.rank == 1).order_by(ranked.c.norad_id)


def catalog(
    *,
    groups: Sequence[str],
    owner: str | None,
    object_type: str | None,
    name_like: str | None,
    norad_ids: Sequence[int] | None,
    limit: int | None,
) -> Select[tuple[object, ...]]:
    """Objects with the epoch of their latest element set and their groups, by catalog number.

    ``owner`` and ``object_type`` match case-insensitively; ``name_like`` is a case-insensitive LIKE
    pattern (``%`` any run, ``_`` one character), matched anywhere in the name when it has no ``%``.
    """
    latest = select(element_sets.c.norad_id, func.max(element_sets.c.epoch_utc).label("epoch_utc"))
    current = current_memberships()
    listed = select(
        current.c.norad_id, func.aggregate_strings(current.c.group_name, GROUP_SEPARATOR).label("groups")
    )
    if norad_ids is not None:
        latest = latest.where(ids_in(element_sets.c.norad_id, norad_ids))
        listed = listed.where(ids_in(current.c.norad_id, norad_ids))
    latest_sq = latest.group_by(element_sets.c.norad_id).subquery("latest")
    listed_sq = listed.group_by(current.c.norad_id).subquery("listed")
    query = (
        select(objects, latest_sq.c.epoch_utc, listed_sq.c.groups)
        .outerjoin(latest_sq, latest_sq.c.norad_id == objects.c.norad_id)
        .outerjoin(listed_sq, listed_sq.c.norad_id == objects.c.norad_id)
        .order_by(objects.c.norad_id)
        .limit(limit)
    )
    for condition in _catalog_filters(groups, owner, object_type, name_like, norad_ids):
        query = query.where(condition)
    return query


def _catalog_filters(
    groups: Sequence[str],
    owner: str | None,
    object_type: str | None,
    name_like: str | None,
    norad_ids: Sequence[int] | None,
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if groups:
        conditions.append(in_groups(objects.c.norad_id, groups))
    if owner is not None:
        conditions.append(func.upper(objects.c.owner) == owner.upper())
    if object_type is not None:
        conditions.append(func.upper(objects.c.object_type) == object_type.upper())
    if name_like is not None:
        pattern = name_like if "%" in name_like else f"%{name_like}%"
        conditions.append(objects.c.name.ilike(pattern))
    if norad_ids is not None:
        conditions.append(ids_in(objects.c.norad_id, norad_ids))
    return conditions


def memberships_at(
    known_at_utc: datetime | None, through_ingest_id: int | None = None
) -> Select[tuple[object, ...]]:
    """(group_name, norad_id) of the catalog as the store knew it at ``known_at_utc`` (naive UTC), or
    after the ingest ``through_ingest_id`` was written."""
    at = current_memberships(known_at_utc, through_ingest_id)
    return select(at.c.group_name, at.c.norad_id).order_by(at.c.group_name, at.c.norad_id)
