"""Every test-vectors/multiframe case through the bindings, as test-vectors/README.md says
("Multi-frame vectors"): each frame pushed into ONE FrameAssembler in order, its answer
compared with `statuses`, the assembled code verified with Verifier.verify_assembled, and the
presentation or bundle report compared with what the case expects. The vectors were made by the
Rust generator and are also run by the independent Python verifier (tests/python)."""

import hashlib
import json

import pytest

import liangzheng_ffi as lz
from conftest import ROOT, b64

CASES = sorted((ROOT / "test-vectors" / "multiframe").glob("*.json"))
STATUS = {lz.FrameStatus.ACCEPTED: "accepted", lz.FrameStatus.DUPLICATE: "duplicate",
          lz.FrameStatus.OTHER_CODE: "other_code", lz.FrameStatus.ALREADY_COMPLETE: "already_complete",
          lz.FrameStatus.COMPLETE: "complete"}


def test_multiframe_vectors_are_present():
    assert len(CASES) >= 20
    kinds = {json.loads(p.read_text(encoding="utf-8"))["expected"]["kind"] for p in CASES}
    assert kinds >= {"presentation", "bundle"}


def check_report(report, expected, where):
    assert report.verdict.name.lower() == expected["verdict"], (where, report.summary)
    assert report.failing_check == expected["failing_check"], where
    assert (report.problem.code if report.problem else None) == expected["error_code"], where
    assert [(f.key, f.value_zh) for f in report.fields] == \
        [(f["key"], f["value"]) for f in expected["fields"]], where
    assert [(i.key, i.media_type, i.width, i.height, hashlib.sha256(i.bytes).hexdigest())
            for i in report.images] == \
        [(i["key"], i["media_type"], i["width"], i["height"], i["sha256"]) for i in expected["images"]], where


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_every_multiframe_vector_through_the_assembler(path):
    case = json.loads(path.read_text(encoding="utf-8"))
    assert case["format"] == "liangzheng-frames-vector" and case["version"] == 1
    inp, expected = case["input"], case["expected"]
    verifier = lz.Verifier(b64(inp["trust_list"]), b64(inp.get("root_public_key_spki") or inp["root_public_key"]))
    for token in inp["status_lists"]:
        verifier.add_status_list(b64(token))
    assert inp["request"] is None
    p = inp["policy"]
    policy = lz.VerifyPolicy(
        now=inp["now"], status=lz.StatusMode.LENIENT if p["status"] == "lenient" else lz.StatusMode.STRICT,
        skew_secs=p["skew_secs"], max_presentation_age_secs=p["max_presentation_age_secs"],
        require_holder_binding=p["require_holder_binding"], accepted_types=p["accepted_types"])

    assembler = lz.FrameAssembler()
    statuses = []
    for text in inp["frames"]:
        progress = assembler.push(text)
        if progress.status == lz.FrameStatus.REJECTED:
            statuses.append(progress.problem.code)
        else:
            assert progress.problem is None
            statuses.append(STATUS[progress.status])
        if progress.status == lz.FrameStatus.COMPLETE:
            break
    assert statuses == expected["statuses"]

    result = assembler.result()
    if expected["assembly"] == "incomplete":
        assert result is None
        return
    assert result.kind.name.lower() == expected["kind"]
    assembled = verifier.verify_assembled(result, policy)
    if expected["kind"] == "presentation":
        assert isinstance(assembled, lz.AssembledReport.PRESENTATION)
        check_report(assembled.report, expected["presentation"], "presentation")
        return
    assert isinstance(assembled, lz.AssembledReport.BUNDLE)
    b, want = assembled.report, expected["bundle"]
    assert b.verdict.name.lower() == want["verdict"], b.summary
    assert (b.holder_signed, b.subject_code, b.subject_name) == \
        (want["holder_signed"], want["subject_code"], want["subject_name"])
    assert [(q.code, q.member_index) for q in b.problems] == [(q["code"], q["index"]) for q in want["problems"]]
    assert len(b.members) == len(want["members"])
    for m, w in zip(b.members, want["members"]):
        assert (m.index, m.verdict.name.lower(), m.same_subject) == (w["index"], w["verdict"], w["same_subject"])
        check_report(m.report, w["report"], f"member {m.index}")
