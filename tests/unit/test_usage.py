"""The plan's storage: what an organization may still store."""

from __future__ import annotations

import pytest

from presentai.domain.errors import FileTooLarge, StorageLimitExceeded
from presentai.domain.usage import check_storage


def test_a_file_that_fits_the_plans_storage_passes_and_one_byte_more_does_not() -> None:
    check_storage(600, 400, 1000)
    with pytest.raises(StorageLimitExceeded) as refused:
        check_storage(600, 401, 1000, "b.md")
    assert (refused.value.limit, refused.value.stored, refused.value.size, refused.value.source) == (
        1000,
        600,
        401,
        "b.md",
    )
    assert isinstance(refused.value, FileTooLarge)  # the spec's 413 file_too_large


def test_no_limit_means_no_limit() -> None:
    check_storage(10**15, 10**12, 0)
