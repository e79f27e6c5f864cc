"""Segments from K-means clusters of one value (orders, or monetary value) across the accounts
of one quarter.

K-means (scikit-learn, fixed seed) clusters the values into up to 9 clusters, fewer when there
are fewer distinct values. Many clusters damp outliers: a few huge customers take a cluster
of their own instead of dragging the centroid of everyone else. The clusters are ranked by
centroid (0 is the lowest) and each value goes to the nearest centroid, so a larger value
never lands in a lower cluster.

The ranks map to segments by their place on an even scale: cluster `rank` of `k` sits at
(rank + 1/2) / k, and the quarter of that scale it falls in names the segment: LOW_VALUE,
BELOW_AVERAGE, AVERAGE, HIGH_VALUE from the bottom up. With 9 clusters, ranks 0-1 are
LOW_VALUE, 2-3 BELOW_AVERAGE, 4-6 AVERAGE and 7-8 HIGH_VALUE; with a single cluster (every
account alike) all are AVERAGE.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

from analytics.cluster_count import DEFAULT_CLUSTERS, check_clusters

if TYPE_CHECKING:
    from threadpoolctl import ThreadpoolController

# Changing the seed may move accounts between segments: keep it fixed.
SEED = 20240401
# Restarts from different seeds: K-means keeps the best, which a single start may miss.
_RESTARTS = 4


@cache
def _threadpools() -> ThreadpoolController:
    # Imported on first use, as scikit-learn below: importing it costs every command about
    # 3 s at start, while only segmentation clusters.
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


class Segment(StrEnum):
    HIGH_VALUE = "HIGH_VALUE"
    AVERAGE = "AVERAGE"
    BELOW_AVERAGE = "BELOW_AVERAGE"
    LOW_VALUE = "LOW_VALUE"
    # Never a clustering's: what a key that does not own the app gets for a quarter in which
    # fewer accounts than the cohort minimum were segmented (analytics.cohort), since with so
    # few a segment orders the account against single other customers.
    NOT_COMPARED = "NOT_COMPARED"


SEGMENTS_LOW_TO_HIGH = (
    Segment.LOW_VALUE,
    Segment.BELOW_AVERAGE,
    Segment.AVERAGE,
    Segment.HIGH_VALUE,
)


@dataclass(frozen=True, slots=True)
class Clustering:
    """Each value's cluster rank (0 = lowest centroid), and the centroids, lowest first."""

    ranks: list[int]
    centroids: list[float]

    @property
    def clusters(self) -> int:
        return len(self.centroids)

    def segments(self) -> list[Segment]:
        return [segment_of_rank(rank, self.clusters) for rank in self.ranks]


def segment_of_rank(rank: int, clusters: int) -> Segment:
    """The segment of the cluster of rank `rank` (0 = lowest) among `clusters`."""
    if not 0 <= rank < clusters:
        raise ValueError(f"rank {rank} is not one of {clusters} clusters")
    # floor(4 * (rank + 1/2) / clusters), in integers.
    return SEGMENTS_LOW_TO_HIGH[(4 * rank + 2) // clusters]


def cluster_values(
    values: Sequence[Decimal | int | float],
    *,
    max_clusters: int = DEFAULT_CLUSTERS,
    seed: int = SEED,
) -> Clustering:
    """K-means clusters of one-dimensional values, ranked by centroid.

    The result does not depend on the order of the values: K-means runs on the distinct values
    (sorted), each weighted by how often it occurs, which is the same problem as on all values.
    """
    check_clusters(max_clusters)
    if not values:
        return Clustering(ranks=[], centroids=[])
    data = np.asarray([float(value) for value in values], dtype=np.float64)
    distinct, inverse, counts = np.unique(data, return_inverse=True, return_counts=True)
    clusters = min(max_clusters, len(distinct))
    if clusters == len(distinct):
        # A cluster per distinct value is what K-means would find, without running it.
        centroids = distinct
    else:
        from sklearn.cluster import KMeans

        model = KMeans(n_clusters=clusters, n_init=_RESTARTS, random_state=seed)
        # One thread: on a few thousand values, waking OpenMP threads costs twenty times the
        # work (0.2 s a fit instead of 0.01 s on two cores).
        with warnings.catch_warnings(), _threadpools().limit(limits=1, user_api="openmp"):
            # Threadpool and convergence notices are not errors of the data.
            warnings.simplefilter("ignore")
            model.fit(distinct.reshape(-1, 1), sample_weight=counts.astype(np.float64))
        centroids = np.unique(model.cluster_centers_.ravel())
    # Each value goes to the nearest centroid: below the first midpoint rank 0, and so on.
    midpoints = (centroids[:-1] + centroids[1:]) / 2
    distinct_ranks = np.searchsorted(midpoints, distinct, side="right")
    ranks = distinct_ranks[inverse.ravel()]
    return Clustering(ranks=[int(rank) for rank in ranks], centroids=[float(c) for c in centroids])
