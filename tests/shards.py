"""A tiny planted corpus in shards, and a way to run the CLI on it, for the executor tests."""

from __future__ import annotations

import json
import random
from pathlib import Path

from click.testing import CliRunner

from dedup.launch import run_command as _main

WORDS = [
    "harga",
    "pasar",
    "kota",
    "warga",
    "banjir",
    "jalan",
    "sekolah",
    "rumah",
    "presiden",
    "menteri",
    "polisi",
    "kereta",
    "bandara",
    "petani",
    "nelayan",
    "desa",
    "provinsi",
    "anggaran",
    "proyek",
    "jembatan",
    "listrik",
    "hujan",
    "panen",
]
BOILERPLATE = [
    "Baca juga: Harga cabai naik menjelang lebaran tahun ini di banyak kota",
    "Situs ini memakai cookie agar layanan berjalan baik; lanjutkan berarti setuju.",
    "Ikuti berita terkini dari kami di media sosial dan aplikasi berita kami.",
]


PASSAGES = [  # a copied section: a heading or a rule, short, goes with its paragraphs
    [
        "Ringkasan berita hari ini dari meja redaksi kami.",
        "***",
        "Cuaca cerah di sebagian besar wilayah Jawa.",
    ],
    [
        "Jadwal kereta api berubah mulai pekan depan.",
        "Info:",
        "Penumpang diminta memeriksa tiket daring.",
    ],
]


def _sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 18))).capitalize() + "."


def _near(text: str, rng: random.Random) -> str:
    position = rng.randrange(1, len(text) - 1)
    return text[:position] + text[position + 1 :]  # one letter dropped: a typo


def planted_documents(count: int, *, seed: int) -> list[str]:
    """Documents with their own text, boilerplate (some of it misspelt) and inner repeats."""
    rng = random.Random(seed)
    seen: list[str] = []
    documents = []
    for _ in range(count):
        paragraphs = [_sentence(rng) for _ in range(rng.randint(2, 6))]
        if rng.random() < 0.6:
            paragraphs.insert(rng.randrange(len(paragraphs) + 1), rng.choice(BOILERPLATE))
        if rng.random() < 0.3:
            paragraphs.append(_near(rng.choice(BOILERPLATE), rng))
        if seen and rng.random() < 0.3:
            paragraphs.append(rng.choice(seen))  # a paragraph of an earlier document
        if rng.random() < 0.3:
            paragraphs.append(paragraphs[0])  # a repeat inside the document
        if rng.random() < 0.25:
            paragraphs += rng.choice(PASSAGES)
        seen.extend(paragraphs[:2])
        separator = "\n\n" if rng.random() < 0.7 else "\n"
        documents.append(separator.join(paragraphs) + "\n")
    return documents


def write_jsonl_shards(directory: Path, documents: list[str], shards: int) -> list[Path]:
    """Write the documents as ``shards`` JSON Lines files (ids, an extra field, a blank line)."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    size = -(-len(documents) // shards)
    for number in range(shards):
        part = documents[number * size : (number + 1) * size]
        lines = [
            json.dumps({"id": f"s{number}-{i}", "text": text, "n": i}, ensure_ascii=i % 2 == 0)
            for i, text in enumerate(part)
        ]
        path = directory / f"part-{number:02d}.jsonl"
        path.write_text("\n".join(lines[:2]) + "\n\n" + "".join(f"{line}\n" for line in lines[2:]))
        paths.append(path)
    return paths


def run(args, stdin=b""):
    """Run ``dedup clean`` as ``main`` would; return (exit code, stdout bytes, stderr bytes)."""
    with CliRunner().isolation(input=stdin) as (out, err, _):
        code = _main(["clean", *map(str, args)])
    return code, out.getvalue(), err.getvalue()
