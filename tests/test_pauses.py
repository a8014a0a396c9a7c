"""The cycle collector is off while a month's records are built, and as it was after."""

from __future__ import annotations

import gc

import pytest

from appraisal.domain.pauses import without_cycle_collection


def test_off_inside_and_on_again_after_even_on_an_error() -> None:
    assert gc.isenabled()
    with without_cycle_collection():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), without_cycle_collection():
        raise ValueError("a stage that fails")
    assert gc.isenabled()


def test_left_off_when_it_was_off() -> None:
    gc.disable()
    try:
        with without_cycle_collection():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
