"""Generate a synthetic news corpus as JSON Lines, for measuring corpus mode.

Each record is one article: a few paragraphs of its own, plus boilerplate that real scraped
news repeats across documents ("Baca juga: ...", bylines, cookie notices), some of it with small
edits so that near-repeat matching has work to do. Deterministic for a given seed.

    python benchmarks/corpus_gen.py --documents 20000 > benchmarks/data/corpus.jsonl
    python benchmarks/corpus_gen.py --documents 20000 | gzip > benchmarks/data/corpus.jsonl.gz
"""

from __future__ import annotations

import argparse
import json
import random
import sys

WORDS = [
    "pemerintah",
    "kota",
    "warga",
    "jalan",
    "banjir",
    "harga",
    "pasar",
    "sekolah",
    "rumah",
    "sakit",
    "presiden",
    "menteri",
    "polisi",
    "kereta",
    "bandara",
    "pelabuhan",
    "petani",
    "nelayan",
    "desa",
    "provinsi",
    "anggaran",
    "proyek",
    "jembatan",
    "listrik",
    "air",
    "hujan",
    "musim",
    "panen",
    "ekspor",
    "impor",
    "rupiah",
    "bank",
    "saham",
    "investor",
    "pabrik",
    "buruh",
    "mahasiswa",
    "guru",
    "dokter",
    "pasien",
    "vaksin",
    "gempa",
    "gunung",
    "pantai",
    "wisata",
    "hotel",
    "festival",
    "musik",
    "sepak",
    "bola",
    "pertandingan",
    "gol",
    "pelatih",
    "pemain",
    "liga",
    "juara",
    "stadion",
    "penonton",
    "tiket",
]

BOILERPLATE = [
    "Baca juga: {topic} jadi sorotan warga sepanjang pekan ini",
    "Ikuti berita terkini dan terpercaya dari kami di media sosial dan aplikasi.",
    "Situs ini menggunakan cookie agar layanan berjalan dengan baik. "
    "Lanjutkan membaca berarti setuju.",
    "Pewarta: {name} | Editor: {editor}",
    "Copyright © 2017 Kantor Berita. Dilarang mengutip tanpa izin tertulis dari redaksi.",
]
NAMES = ["Andi Firmansyah", "Siti Rahma", "Budi Santoso", "Dewi Lestari", "Rudi Hartono"]
TOPICS = [f"{a} {b}" for a in WORDS[:12] for b in WORDS[12:24]]


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def article(rng: random.Random, number: int, *, min_paragraphs: int) -> str:
    paragraphs = [
        f"Laporan {number}: " + " ".join(sentence(rng, rng.randint(8, 16)) for _ in range(3))
        for _ in range(rng.randint(min_paragraphs, min_paragraphs + 3))
    ]
    for template in rng.sample(BOILERPLATE, rng.randint(1, 3)):
        line = template.format(
            topic=rng.choice(TOPICS), name=rng.choice(NAMES), editor=rng.choice(NAMES)
        )
        if rng.random() < 0.1:  # a near repeat: punctuation or case drift between sites
            line = line.replace(".", "!").upper() if rng.random() < 0.5 else line + " "
        paragraphs.insert(rng.randint(0, len(paragraphs)), line)
    return "\n".join(paragraphs) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=20_000)
    parser.add_argument("--min-paragraphs", type=int, default=4)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    out = sys.stdout
    for number in range(args.documents):
        record = {
            "id": f"doc-{number:06d}",
            "url": f"https://example.id/berita/{number}",
            "text": article(rng, number, min_paragraphs=args.min_paragraphs),
        }
        out.write(json.dumps(record, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
