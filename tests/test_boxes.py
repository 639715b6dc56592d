"""extract.model.Boxes: a block's or line's boxes in flat arrays behave as the list of Box tuples they hold."""

from __future__ import annotations

import pickle

from hypothesis import given
from hypothesis import strategies as st

from extract.model import Boxes

coordinate = st.floats(allow_nan=False, allow_infinity=False, width=64)
box = st.one_of(st.none(), st.tuples(st.integers(1, 5000), coordinate, coordinate, coordinate, coordinate))
boxes = st.lists(box, max_size=30)


@given(boxes, st.integers(-40, 40), st.integers(-40, 40), st.one_of(st.none(), st.integers(-3, 3).filter(bool)))
def test_boxes_index_slice_and_iterate_as_the_list(items, start, stop, step):
    held = Boxes(items)
    assert len(held) == len(items) and list(held) == items and held == items
    for k in range(-len(items), len(items)):
        assert held[k] == items[k]
    assert list(held[start:stop:step]) == items[start:stop:step]
    assert isinstance(held[start:stop], Boxes)
    assert repr(held) == repr(items)  # the read-identity digests hash repr(block.boxes)


@given(boxes, boxes)
def test_boxes_add_extend_and_pickle(a, b):
    joined = Boxes(a) + Boxes(b)
    assert joined == a + b and Boxes(a) + b == a + b
    grown = Boxes(a)
    grown.extend(Boxes(b))
    grown.append(None)
    assert grown == [*a, *b, None]
    assert pickle.loads(pickle.dumps(grown)) == grown


def test_boxes_out_of_range_and_of_one_page():
    held = Boxes.on_page(3, (1.0, 5.0), (2.0, 6.0), (3.0, 7.0), (4.0, 8.0))  # column by column
    assert list(held) == [(3, 1.0, 2.0, 3.0, 4.0), (3, 5.0, 6.0, 7.0, 8.0)]
    for k in (2, -3):
        try:
            held[k]
        except IndexError:
            pass
        else:
            raise AssertionError(f"index {k} of 2 boxes did not raise")
    assert Boxes() == [] and Boxes() != [None]
