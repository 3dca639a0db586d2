"""`resolve_prefix`: a unique prefix of at least two characters names one id."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from solo.core.model.refs import PrefixError, resolve_prefix

IDS = ["3fa9c01b22", "3fb10000aa", "77aa0d9e11", "77ab3c4d55"]


def test_unique_prefix_resolves() -> None:
    assert resolve_prefix("3fa", IDS) == "3fa9c01b22"
    assert resolve_prefix("77AB", IDS) == "77ab3c4d55"
    assert resolve_prefix("3fb10000aa", IDS) == "3fb10000aa"


def test_ambiguous_prefix_lists_candidates() -> None:
    with pytest.raises(PrefixError, match="'3f' is ambiguous: 3fa9c01b22, 3fb10000aa") as err:
        resolve_prefix("3f", IDS)
    assert err.value.candidates == ("3fa9c01b22", "3fb10000aa")


def test_too_short_and_unknown() -> None:
    with pytest.raises(PrefixError, match="too short"):
        resolve_prefix("3", IDS)
    with pytest.raises(PrefixError, match="no item id starts with 'zz'"):
        resolve_prefix("zz", IDS)


def test_an_exact_id_wins_over_longer_ones() -> None:
    assert resolve_prefix("ab12", ["ab12", "ab123"]) == "ab12"


def test_many_candidates_are_capped() -> None:
    ids = [f"aa{n:04d}" for n in range(30)]
    with pytest.raises(PrefixError, match="and 20 more") as err:
        resolve_prefix("aa", ids)
    assert len(err.value.candidates) == 10


@given(st.sets(st.text("0123456789abcdef", min_size=8, max_size=8), min_size=1, max_size=40))
def test_every_id_resolves_by_its_shortest_unique_prefix(ids: set[str]) -> None:
    for target in ids:
        for n in range(2, 9):
            prefix = target[:n]
            if sum(i.startswith(prefix) for i in ids) == 1:
                assert resolve_prefix(prefix, ids) == target
                break


def test_case_matters_first_as_in_base58_ids() -> None:
    ids = ["3W2Zvk4Q", "3w2zAAAA"]
    assert resolve_prefix("3W2", ids) == "3W2Zvk4Q"
    assert resolve_prefix("3w2", ids) == "3w2zAAAA"
    assert resolve_prefix("3W2ZVK", ids) == "3W2Zvk4Q"  # no exact-case match: folded
    with pytest.raises(PrefixError, match="ambiguous"):
        resolve_prefix("3Wx", ["3wxa", "3WXb"])  # neither matches as typed; both folded
