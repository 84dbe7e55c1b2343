"""Parts of an output put together: the serial engine's bytes, or a loud error when the parts
could not make them (a column's numeric kind differs, a key appears in two parts)."""

from __future__ import annotations

import pandas as pd
import pytest

from sonla.engine import slices as parts_of_outputs
from sonla.errors import SonlaError


def _slice(rows: int, kinds: dict[str, str], keys: list[list[str]],
           position: int = 0) -> parts_of_outputs.Slice:
    return parts_of_outputs.Slice("claims.csv", position, b"a,b\n", b"x" * rows, rows, kinds, keys)


CASES_OF_SLICES = [
    ("an integer column that is float elsewhere",
     [_slice(2, {"a": "i"}, []), _slice(1, {"a": "f"}, [], 1)], "holds floats or integers"),
    ("a key in two slices",
     [_slice(1, {"a": "O"}, [["r-000001"]]), _slice(1, {"a": "O"}, [["r-000001"]], 1)],
     "key 'r-000001' appears in two parts"),
]


@pytest.mark.parametrize(("slices", "message"), [c[1:] for c in CASES_OF_SLICES],
                         ids=[c[0] for c in CASES_OF_SLICES])
def test_slices_that_would_not_make_the_whole_table_fail(slices, message):
    with pytest.raises(SonlaError, match=message):
        parts_of_outputs.assemble(slices)


def test_an_empty_slice_does_not_count():
    empty = _slice(0, {"a": "O"}, [])
    assert parts_of_outputs.assemble([_slice(1, {"a": "i"}, [["k"]]), empty])["claims.csv"] == b"a,b\nx"


def test_a_table_cut_into_chunks_prints_as_the_whole_table():
    frame = pd.DataFrame({"claim_id": [f"r-{i:06d}" for i in range(7)], "value": [1.5, 2.0, None, 4.25, 5.0,
                                                                                   6.0, 7.0]})
    header, _ = parts_of_outputs.encode_rows(frame.iloc[0:0])
    body = b"".join(parts_of_outputs.encode_rows(chunk)[1] for chunk in parts_of_outputs.chunks(frame, 3))
    assert header + body == frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


def test_keys_are_the_primary_key_of_the_table():
    frame = pd.DataFrame({"claim_id": ["a-000001", "a-000002"]})
    assert parts_of_outputs.keys_of("claims.csv", frame) == [["a-000001", "a-000002"]]
    assert parts_of_outputs.keys_of("not-a-table.csv", frame) == []
