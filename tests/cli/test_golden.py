"""Issue 15's guard: the `--json` outputs of a fixed set of commands on the seeds stay as recorded
(tests/golden/seeds.json, from tests/golden/record.py). A change that alters a successful output on
purpose re-records the file and says why in its commit."""

import json

from tests.golden.record import GOLDEN, run_all


def test_json_outputs_equal_the_golden_file():
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    now = run_all()
    assert [x["args"] for x in now] == [x["args"] for x in golden]
    for got, want in zip(now, golden):
        assert got == want, got["args"]
