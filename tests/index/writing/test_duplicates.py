"""Duplicate detection: a sketch finds candidates, the exact resemblance of the two texts decides."""

from index.writing import duplicates
from index.writing.workers import prepare
from tests.conftest import SEEDS


def _text(report) -> str:
    return "\n".join(prepare(report, 0, ()).normalized)


def test_the_stored_text_is_the_text_the_sketch_was_made_from(seeded_home, seed_reports):
    for report in seed_reports.values():
        assert duplicates.stored_text(seeded_home.con, report.id) == _text(report), report.id


def _fold(texts: dict[str, str]) -> dict[str, tuple[str, float]]:
    originals = duplicates.Originals(texts.__getitem__)
    found = {}
    for name, text in texts.items():
        sk = duplicates.sketch(text)
        match = originals.original_of(name, sk)
        if match:
            found[name] = match
        else:
            originals.add(name, sk)
    return found


def test_a_transcription_is_folded_and_a_different_text_around_the_same_boilerplate_is_not():
    seed = (SEEDS / "000_65f493a2ef3dc65c.txt").read_text(encoding="utf-8")
    shared = len(seed) * 7 // 10
    texts = {
        "original": seed,
        "transcription": seed.replace("。", "，", 3)[:-200],  # another hand's commas, its end cut
        # 70% shared, the rest another report's: resemblance 0.54, a candidate the sketch folded.
        "other": seed[:shared] + (SEEDS / "001_753262a5c116b1c6.txt").read_text(encoding="utf-8")[:len(seed) - shared],
    }
    shingles = {name: duplicates.shingles(text) for name, text in texts.items()}
    other = duplicates.resemblance(shingles["original"], shingles["other"])
    assert other < duplicates.SAME_TEXT
    assert duplicates.similarity(duplicates.sketch(texts["original"]), duplicates.sketch(texts["other"])) >= duplicates.CANDIDATE
    found = _fold(texts)
    assert found.keys() == {"transcription"}
    assert found["transcription"][0] == "original" and found["transcription"][1] >= 0.95
