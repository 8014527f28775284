"""A tiny invented corpus (official-file names) for builder tests that must not need ../shared."""

from __future__ import annotations

from pathlib import Path

TINY_DOCS = [
    "ỦY BAN NHÂN DÂN TỈNH\nSố: 12/KH-UBND\nKẾ HOẠCH\nTriển khai thực hiện nhiệm vụ năm 2024 "
    "của Ủy ban nhân dân tỉnh.\nCác sở, ngành triển khai thực hiện nghiêm túc Kế hoạch này.",
    "HỘI ĐỒNG NHÂN DÂN TỈNH\nNghị quyết về hòa giải ở cơ sở.\nGiao UBND tỉnh triển khai "
    "thực hiện Nghị quyết này; HĐND tỉnh giám sát việc thực hiện.",
    "Thành ủy chỉ đạo các cấp ủy triển khai thực hiện; UBND, HĐND, MTTQ phối hợp thực hiện.",
]


def write_tiny_corpus(directory: Path) -> Path:
    """Three official-file names with a few invented documents, repeated (none held out)."""
    from pipeline.corpus import OFFICIAL_FILES, is_heldout

    directory.mkdir(parents=True, exist_ok=True)
    docs = [d for d in TINY_DOCS if not is_heldout(d)]
    for index, name in enumerate(OFFICIAL_FILES):
        variants = [f"{d}\nPhụ lục {index}-{k}." for k in range(40) for d in docs]
        (directory / name).write_text("\n\n".join(variants) + "\n", encoding="utf-8")
    return directory
