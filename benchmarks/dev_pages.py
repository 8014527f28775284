"""Held-out directive pages and the degradations the benchmarks render them with.

Only documents for which `pipeline.corpus.is_heldout` is true are used, so no benchmark
measures on text a model was trained on.
"""

from __future__ import annotations

from typing import Any

from pipeline.render import DirectiveLayout, iter_heldout_layouts

DEGRADATIONS: dict[str, dict[str, Any]] = {
    "clean": {},
    "scan": {"noise": 10.0, "blur": 0.9, "jpeg_quality": 60},
    "shaded": {"shading": 0.55, "noise": 8.0, "blur": 0.7, "jpeg_quality": 70},
    "lowres150": {"dpi_scale": 0.5, "noise": 8.0, "blur": 1.0, "jpeg_quality": 75},
    "lowres200": {"dpi_scale": 0.667, "noise": 10.0, "blur": 1.0, "jpeg_quality": 60},
    "fax": {"dpi_scale": 0.667, "noise": 18.0, "blur": 1.3, "bitonal": True},
}
"""Named scan conditions: office scanner, uneven lighting, 150/200 dpi scans, bitonal fax."""


def heldout_layouts(limit: int, min_body_chars: int = 1500) -> list[DirectiveLayout]:
    """Up to `limit` held-out official documents with a recognisable header, as layouts."""
    layouts: list[DirectiveLayout] = []
    for layout in iter_heldout_layouts():
        if sum(len(p) for p in layout.body) >= min_body_chars:
            layouts.append(layout)
            if len(layouts) >= limit:
                break
    return layouts
