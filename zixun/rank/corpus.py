"""A corpus's similarity vectors in blocks, kept in a temporary file while related lists are computed.

A whole-store pass reads the articles once, weights them block by block, and writes each block's
sparse rows to the file; scoring then reads a block at a time. Memory holds a few blocks and a small
record per article (id, title key, date), never the corpus: 50,000 articles' vectors take ~100 MB,
a block of BLOCK_ROWS some 4 MB. Reads go through the page cache, so a pass over the file is fast.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from zixun.rank import similarity as sim

BLOCK_ROWS = 2048  # articles per block


@dataclass
class Block:
    """Rows start..start + len(vectors.items) of the corpus."""

    start: int
    vectors: sim.Vectors


class Corpus:
    """Vectors of articles in store order, written block by block and read back block by block."""

    def __init__(self, weighting: sim.Weighting):
        self.weighting = weighting
        self.items: list[sim.Item] = []
        self._days: list[np.ndarray] = []
        self._blocks: list[tuple[int, int, np.ndarray]] = []  # (file offset, entries, indptr) of each block
        # closed by __exit__: the corpus is used as a context manager
        self._file = tempfile.TemporaryFile(prefix="zixun-related-")  # noqa: SIM115

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *exc_info) -> None:
        self._file.close()

    def add(self, features: Iterable[sim.Features]) -> None:
        """Weight and write the articles' features, BLOCK_ROWS at a time; the corpus keeps their order."""
        batch: list[sim.Features] = []
        for item in features:
            batch.append(item)
            if len(batch) == BLOCK_ROWS:
                self._write(sim.vectorize(batch, self.weighting))
                batch = []
        if batch:
            self._write(sim.vectorize(batch, self.weighting))

    def _write(self, vectors: sim.Vectors) -> None:
        matrix = vectors.matrix
        offset = self._file.seek(0, 2)
        self._file.write(matrix.indices.astype(np.int32, copy=False).tobytes())
        self._file.write(matrix.data.astype(np.float32, copy=False).tobytes())
        self._blocks.append((offset, matrix.nnz, matrix.indptr.astype(np.int64)))
        self.items.extend(vectors.items)
        self._days.append(vectors.days)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def width(self) -> int:
        """Columns of the vocabulary as it is now (it grows while articles are added)."""
        return max(len(self.weighting.vocabulary), 1)

    def blocks(self) -> Iterator[Block]:
        """Each block in store order, read from the file."""
        start, width = 0, self.width
        for (offset, entries, indptr), days in zip(self._blocks, self._days, strict=True):
            self._file.seek(offset)
            indices = np.fromfile(self._file, np.int32, entries)
            data = np.fromfile(self._file, np.float32, entries)
            rows = len(indptr) - 1
            matrix = sparse.csr_matrix((data, indices, indptr), shape=(rows, width))
            yield Block(start, sim.Vectors(matrix, self.items[start : start + rows], days))
            start += rows

    def select(self, wanted: np.ndarray, size: int) -> Iterator[tuple[np.ndarray, sim.Vectors]]:
        """The rows where wanted (a bool per row) is set, in blocks of size rows: (their corpus positions, vectors)."""
        positions: list[np.ndarray] = []
        parts: list[sim.Vectors] = []
        held = 0
        for block in self.blocks():
            rows = np.flatnonzero(wanted[block.start : block.start + len(block.vectors.items)])
            while len(rows):
                take = rows[: size - held]
                rows = rows[len(take) :]
                positions.append(block.start + take)
                parts.append(_rows(block.vectors, take))
                held += len(take)
                if held == size:
                    yield _joined(positions, parts)
                    positions, parts, held = [], [], 0
        if held:
            yield _joined(positions, parts)


def _rows(vectors: sim.Vectors, rows: np.ndarray) -> sim.Vectors:
    return sim.Vectors(vectors.matrix[rows], [vectors.items[i] for i in rows.tolist()], vectors.days[rows])


def _joined(positions: list[np.ndarray], parts: list[sim.Vectors]) -> tuple[np.ndarray, sim.Vectors]:
    width = max(part.matrix.shape[1] for part in parts)
    matrix = sparse.vstack([sim.resize(part.matrix, width) for part in parts], format="csr")
    items = [item for part in parts for item in part.items]
    return np.concatenate(positions), sim.Vectors(matrix, items, np.concatenate([p.days for p in parts]))
