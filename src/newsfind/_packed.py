"""The values of a posting block in one piece (a module of its own, importing only from the
standard library: unpickling a block imports it, in searches too).

Whoosh pickles a block's values (encoded positions) as a tuple of bytes, one object per
posting to make when a block is read, even by a query that only scores. A full block of
128 postings unpickles ~3x faster with its ids and weights as arrays and its values as one
blob with the end of each; Whoosh's readers index them as they index the tuple.
PackedValues is that blob (index format 3); PackedPositions, which formats 4 and 5 write,
keeps the positions themselves in arrays and encodes a value when one is asked for. Format 5
pickles a block's weights as CountWeights (made from the counts when unpickled) and leaves
such blocks uncompressed.
"""
from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from itertools import accumulate, chain, islice
from operator import sub
from pickle import dumps
from struct import Struct


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


_UINT = Struct("!I").pack  # whoosh.system.pack_uint


def encode_positions(positions: Sequence[int]) -> bytes:
    """One posting's positions as Whoosh's Positions format encodes them: their number, then
    the pickled list of gaps."""
    return _UINT(len(positions)) + dumps(list(map(sub, positions, chain((0,), positions))), 2)


class PackedPositions:
    """A block's position lists (its postings' values in the Positions format) as two
    arrays: each posting's count, and all positions one posting after another. Indexing
    gives the bytes Whoosh's readers expect; ``lists`` the positions themselves.

    The indexer keeps positions in arrays while it collects a segment, so a full block is
    written without making an object per posting, and as less than half the bytes that its
    encoded values would be."""

    __slots__ = ("_counts", "_ends", "_positions")

    def __init__(self, counts: array, positions: array) -> None:
        self._counts = counts
        self._positions = positions
        self._ends: list[int] | None = None

    def __reduce__(self) -> tuple[type, tuple[array, array]]:
        return PackedPositions, (self._counts, self._positions)

    @property
    def counts(self) -> array:
        return self._counts

    def __len__(self) -> int:
        return len(self._counts)

    def _bounds(self) -> list[int]:
        ends = self._ends
        if ends is None:
            ends = self._ends = [0, *accumulate(self._counts)]
        return ends

    def positions(self, index: int) -> array:
        """The positions of one posting."""
        if index < 0:
            index += len(self._counts)
        if not 0 <= index < len(self._counts):
            raise IndexError("PackedPositions index out of range")
        ends = self._bounds()
        return self._positions[ends[index]:ends[index + 1]]

    def lists(self) -> list[array]:
        """The positions of every posting, in order."""
        ends = self._bounds()
        return list(map(self._positions.__getitem__, map(slice, ends, islice(ends, 1, None))))

    def __getitem__(self, index: int) -> bytes:
        return encode_positions(self.positions(index))

    def __iter__(self) -> Iterator[bytes]:
        return map(encode_positions, self.lists())


def weights_of(counts: array, boost: float) -> array:
    """The weights of postings with these counts of positions, in a field of this boost."""
    if boost == 1.0:
        return array("f", iter(counts))
    return array("f", [count * boost for count in counts])


class CountWeights:
    """A block's weights pickled as the counts they are made of (the same array object as
    its PackedPositions' counts, which pickle then writes once)."""

    __slots__ = ("boost", "counts")

    def __init__(self, counts: array, boost: float) -> None:
        self.counts, self.boost = counts, boost

    def __reduce__(self) -> tuple[object, tuple[array, float]]:
        return weights_of, (self.counts, self.boost)
