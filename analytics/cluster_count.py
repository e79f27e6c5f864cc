"""How many K-means clusters a quarter's segmentation may use: a setting checked without
loading numpy or scikit-learn (every command reads the settings; only segmentation clusters)."""

from __future__ import annotations

DEFAULT_CLUSTERS = 9


def check_clusters(max_clusters: int) -> int:
    if not 1 <= max_clusters <= 50:
        raise ValueError(f"the number of clusters must be between 1 and 50, got {max_clusters}")
    return max_clusters
