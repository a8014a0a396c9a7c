"""One canonical-JSON and hashing module: the hashes sealed ledgers store never change.

The pinned values were computed by the code before the two hashers were merged
(appraisal/ledger/store.py and appraisal/policy/source.py at ef362e0)."""

from __future__ import annotations

import hashlib
import json

from hypothesis import given
from hypothesis import strategies as st

from appraisal.domain.canonical import (
    canonical_json,
    policy_sha256,
    sha256_of,
    sha256_of_encoded,
    sha256_text,
)

TWO_FILES = {
    "customer_service.yaml": "extends: ../base/common.yaml\nid: 客服\n",
    "../base/common.yaml": 'version: "1"\n',
}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=10,
)


def test_a_policy_of_one_file_is_fingerprinted_by_its_bytes() -> None:
    text = "id: 客服\r\n"
    assert policy_sha256({"a.yaml": text}) == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert policy_sha256({"a.yaml": text}) == (
        "9af7b3f04d1cb1e3ac95ead216e5e56b932810f96736edeb461ba3602f067fb3"
    )


def test_a_policy_of_several_files_is_fingerprinted_with_jsons_default_separators() -> None:
    bundle = json.dumps(TWO_FILES, sort_keys=True, ensure_ascii=False)
    assert ", " in bundle and bundle != canonical_json(TWO_FILES)
    assert policy_sha256(TWO_FILES) == sha256_text(bundle)
    assert policy_sha256(TWO_FILES) == (
        "41f7945cb60c65025edefa949b02c7ef7d56dcc399543affb49d2114ee456dfe"
    )


def test_canonical_json_is_sorted_compact_and_keeps_chinese() -> None:
    data = {"月份": "2026-10", "amounts": ["1.50", None, True]}
    assert canonical_json(data) == '{"amounts":["1.50",null,true],"月份":"2026-10"}'
    assert sha256_of(data) == "dbea468b61471671aad5f4c06f76001d78bf04957dde6f326cae778f1e7d2d0c"


@given(st.dictionaries(st.text(), json_values, max_size=5))
def test_hashing_parts_already_encoded_is_hashing_the_whole(record: dict[str, object]) -> None:
    encoded = {key: canonical_json(value) for key, value in record.items()}
    assert sha256_of_encoded(encoded) == sha256_of(record)
