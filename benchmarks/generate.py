"""Seeded generator of realistic synthetic article submissions (about 2.6 KB a record).

    python benchmarks/generate.py out.jsonl --records 200000 --invalid 0.01 --seed 7

A chosen fraction of the lines is invalid, cycling through every kind of invalidity the
validator reports (schema violations of each field, bad formats, parse errors, duplicates).
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

WORDS = """
the government said mobilization thousands men border crossed georgia kazakhstan finland
conscription draft officials reported queues checkpoint regional offices families
protest police detained students workers volunteers war ukraine kremlin statement
ministry defence announced partial reservists exemption medical commission summons
delivered village city moscow petersburg dagestan buryatia journalists interviewed
witnesses described scenes airport tickets prices soared flights sold out within hours
analysts estimate hundreds thousands left country
""".split()  # noqa: SIM905 (a word list reads better as text)
PUBLISHERS = ("Example News", "Worldcrunch", "Meduza", "The Daily Wire", "Novaya Gazeta Europe")
LANGUAGES = ("en", "ru", "uk", "pt-BR", "de")


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 20))]
    return " ".join(words).capitalize() + "."


def valid_record(rng: random.Random, n: int) -> dict[str, object]:
    paragraphs = [
        "Ünïcode “quotes” — " + " ".join(_sentence(rng) for _ in range(5)) for _ in range(3)
    ]
    body = "\n\n".join(paragraphs)
    while len(body) < 2100:
        body += " " + _sentence(rng)
    return {
        "title": f"{_sentence(rng)[:80]} #{n}",
        "body": body,
        "publisher": rng.choice(PUBLISHERS),
        "language": rng.choice(LANGUAGES),
        "url": f"https://news.example.org/{2022 + n % 3}/{n:08d}-story",
        "published": f"2022-{1 + n % 12:02d}-{1 + n % 28:02d}",
        "section": rng.choice(["World", "Russia", None]),
        "dek": _sentence(rng),
        "image_caption": rng.choice([None, _sentence(rng)]),
        "authors": [f"Author {rng.randint(1, 500)}" for _ in range(rng.randint(0, 3))],
        "kind": rng.choice(["article", "teaser"]),
        "retrieved_at": f"2022-10-{1 + n % 28:02d}T{n % 24:02d}:{n % 60:02d}:00Z",
        "license": rng.choice(["CC-BY-4.0", None]),
    }


def _drop(field: str) -> object:
    def mutate(r: dict[str, object]) -> bytes:
        r.pop(field, None)
        return json.dumps(r).encode()

    return mutate


def _set(field: str, value: object) -> object:
    def mutate(r: dict[str, object]) -> bytes:
        r[field] = value
        return json.dumps(r).encode()

    return mutate


#: Every kind of invalid line, applied in turn to a valid record (or replacing it).
MUTATIONS = [
    _drop("title"),
    _drop("body"),
    _drop("language"),
    _drop("kind"),
    _set("title", ""),
    _set("body", 42),
    _set("language", "english"),
    _set("kind", "blog"),
    _set("url", "not a uri"),
    _set("published", "2022-02-30"),
    _set("published", "2022-09-27T08:30:00"),
    _set("retrieved_at", "yesterday"),
    _set("authors", "A. Writer"),
    _set("section", 7),
    _set("tags", ["x"]),
    lambda r: json.dumps(r).encode()[:-20],  # json.syntax
    lambda r: json.dumps(r).encode().replace(b'"kind"', b'"x": NaN, "kind"'),
    lambda r: json.dumps(r).encode().replace(b'"kind"', b'"title": "again", "kind"'),
    lambda r: (
        json.dumps(r).encode().replace(b"Author", b"Auth\xffor", 1)
        if r["authors"]
        else b"\xff" + json.dumps(r).encode()
    ),
    lambda r: b"[1, 2, 3]",
    "duplicate",
]


def generate(path: Path, records: int, invalid: float, seed: int) -> None:
    """Write ``records`` lines to ``path``; about ``invalid`` of them invalid."""
    rng = random.Random(seed)
    every = int(1 / invalid) if invalid > 0 else 0
    previous = b""
    kind = 0
    with path.open("wb") as out:
        for n in range(records):
            record = valid_record(rng, n)
            if every and n % every == every - 1:
                mutation = MUTATIONS[kind % len(MUTATIONS)]
                kind += 1
                line = previous if mutation == "duplicate" else mutation(record)  # type: ignore
            else:
                line = json.dumps(record, ensure_ascii=False).encode()
                previous = line
            out.write(line + b"\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--invalid", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    generate(args.out, args.records, args.invalid, args.seed)


if __name__ == "__main__":
    main()
