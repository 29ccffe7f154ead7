"""Resource ids are UUIDv7 and sort in creation order."""

from __future__ import annotations

import uuid

from presentai.domain.ids import new_id, new_request_id


def test_ids_are_version_7_uuids_that_sort_in_the_order_they_were_made() -> None:
    ids = [new_id() for _ in range(5000)]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
    parsed = uuid.UUID(ids[0])
    assert parsed.version == 7
    assert parsed.variant == uuid.RFC_4122


def test_request_ids_carry_the_req_prefix() -> None:
    request_id = new_request_id()
    assert request_id.startswith("req_")
    assert uuid.UUID(request_id[4:]).version == 7
