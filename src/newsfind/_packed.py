"""The values of a posting block in one piece (a module of its own, importing only from the
standard library: unpickling a block imports it, in searches too).

Whoosh pickles a block's values (encoded positions) as a tuple of bytes, one object per
posting to make when a block is read, even by a query that only scores. A full block of
128 postings unpickles ~3x faster with its ids and weights as arrays and its values as one
blob with the end of each; Whoosh's readers index them as they index the tuple.
"""
from __future__ import annotations

from array import array
from collections.abc import Iterator
from itertools import accumulate, chain


class PackedValues:
    """A sequence of bytes objects kept as one blob and the end offset of each."""

    __slots__ = ("_blob", "_ends")

    def __init__(self, blob: bytes, ends: array) -> None:
        self._blob = blob
        self._ends = ends

    @classmethod
    def of(cls, values: list[bytes]) -> PackedValues:
        return cls(b"".join(values), array("I", accumulate(map(len, values))))

    def __reduce__(self) -> tuple[type, tuple[bytes, array]]:
        return PackedValues, (self._blob, self._ends)

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, index: int) -> bytes:
        ends = self._ends
        if index < 0:
            index += len(ends)
        if not 0 <= index < len(ends):
            raise IndexError("PackedValues index out of range")
        return self._blob[ends[index - 1] if index else 0:ends[index]]

    def __iter__(self) -> Iterator[bytes]:
        ends = self._ends
        return map(self._blob.__getitem__, map(slice, chain((0,), ends), ends))
