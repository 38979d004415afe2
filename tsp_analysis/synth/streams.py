"""Named, independent random streams.

Every dataset (and every municipality within a survey) draws from its own generator, derived
from the user's seed and a *name* rather than from the order in which generators are spawned.
Adding a dataset, a municipality or a question therefore never shifts the random numbers of the
others, and the same seed always gives the same files.
"""

from __future__ import annotations

import zlib

import numpy as np


def check_seed(seed: int) -> int:
    """Return ``seed`` as an ``int`` or raise ``ValueError`` if it is not a non-negative integer."""
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    return int(seed)


def stream(seed: int, *names: str) -> np.random.Generator:
    """A generator for the stream ``names`` under ``seed``.

    The names become the ``spawn_key`` of a :class:`numpy.random.SeedSequence` (as CRC-32
    numbers, stable across Python runs, unlike ``hash``), which is how NumPy derives independent
    child streams.

    >>> a = stream(1, "tsp_survey", "vilnius").random()
    >>> b = stream(1, "tsp_survey", "vilnius").random()
    >>> a == b, a == stream(1, "tsp_survey", "kaunas").random()
    (True, False)
    """
    key = tuple(zlib.crc32(name.encode("utf-8")) for name in names)
    return np.random.default_rng(np.random.SeedSequence(check_seed(seed), spawn_key=key))
