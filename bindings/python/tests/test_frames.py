"""Animated codes through the bindings, as a counter gets them: frames fed to the
FrameAssembler ONE BY ONE — shuffled with 30% lost, interleaved with another
presentation's frames, truncated and forged frames — then verified: the portrait
(the exact signed JPEG) and a 13-member 一照通 bundle (valid member by member, and
invalid when a member belongs to another company)."""

import pytest

import liangzheng_ffi as lz
from frames_demo import FACE, FIXTURE, NOW, Demo, forge, lossy_shuffle, policy

S = lz.FrameStatus


@pytest.fixture(scope="module")
def demo():
    return Demo()


def feed(assembler, frames, other=None):
    """Pushes frames one by one (a frame of `other` between each, if given) until complete.
    Checks progress on the way; returns (progress records of own frames, pushes used)."""
    seen, records = 0, []
    for n, text in enumerate(frames):
        p = assembler.push(text)
        records.append(p)
        if p.complete:
            assert p.status == S.COMPLETE and p.percent == 100 and p.frames_seen == seen + 1
            assert "完成" in p.message_zh and "complete" in p.message_en
            return records, n + 1
        assert p.status == S.ACCEPTED, p
        assert p.frames_seen == seen + 1 and p.percent < 100
        assert p.message_en == f"receiving animated code: {p.frames_seen} of {p.frames_needed} frames ({p.percent}%)"
        seen = p.frames_seen
        if other is not None:
            # The assembler is locked onto the first code it saw: the other one's frames are ignored.
            o = assembler.push(other[n % len(other)])
            assert o.status == S.OTHER_CODE, o.status
            assert o.frames_seen == seen and not o.complete and o.problem is None
    raise AssertionError(f"not complete after {len(frames)} frames")


def test_portrait_frames_one_by_one_lossy_shuffled_interleaved(demo):
    i = demo.add_portrait_id_card()
    code = demo.wallet.present_frames(i, ["name", "portrait"], NOW, None)
    assert code.fps == 10 and code.symbol_size == 179 and code.qr_version == 10
    assert code.source_frames >= 12  # 2 KB of JPEG at 179 bytes a frame
    assert len(code.frames) == 2 * code.source_frames
    assert all(f.startswith("LZ1F:") for f in code.frames)
    other = demo.wallet.present_frames(i, ["id_number", "portrait"], NOW, None).frames
    assert set(other).isdisjoint(code.frames)

    kept = lossy_shuffle(code.frames, seed=14)
    assert len(kept) < len(code.frames)
    assembler = lz.FrameAssembler()
    assert assembler.result() is None
    records, used = feed(assembler, kept, other=other)
    percents = [r.percent for r in records]
    assert percents == sorted(percents) and percents[-1] == 100
    assert {r.frames_needed for r in records} == {code.source_frames}
    assert records[-1].kind == lz.CodeKind.PRESENTATION
    assert used >= code.source_frames
    # The phone keeps looping: later frames change nothing.
    again = assembler.push(kept[0])
    assert again.status == S.ALREADY_COMPLETE and again.complete and again.percent == 100

    result = assembler.result()
    assert result.kind == lz.CodeKind.PRESENTATION
    verified = demo.verifier().verify_assembled(result, policy())
    assert isinstance(verified, lz.AssembledReport.PRESENTATION)
    report = verified.report
    assert report.verdict == lz.Verdict.VALID, report.summary
    assert [f.key for f in report.fields] == ["name", "portrait"]
    assert len(report.images) == 1
    image = report.images[0]
    assert image.bytes == FACE
    assert (image.key, image.media_type, image.width, image.height) == ("portrait", "image/jpeg", 102, 126)
    assert image.label_zh == "照片"

    # A second holder: reset, then the other presentation assembles from scratch.
    assembler.reset()
    assert assembler.result() is None
    _, _ = feed(assembler, lossy_shuffle(other, seed=15))
    report = demo.verifier().verify_assembled(assembler.result(), policy()).report
    assert [f.key for f in report.fields] == ["id_number", "portrait"]
    assert report.images[0].bytes == FACE


def refusal(progress):
    assert progress.status == S.REJECTED and not progress.complete
    assert progress.problem.message_zh and progress.problem.message_en
    assert progress.message_en.startswith("frame refused: ")
    return progress.problem.code


def test_truncated_not_a_frame_duplicate_and_conflicting_frames_are_typed(demo):
    i = demo.add_portrait_id_card()
    code = demo.wallet.present_frames(i, ["name", "portrait"], NOW, None)
    a = lz.FrameAssembler()
    assert refusal(a.push("")) == "empty"
    assert refusal(a.push("LZ1P:%69 VD92EX0")) == "not_a_frame"
    assert refusal(a.push("HELLO")) == "not_a_frame"
    frame = code.frames[3]
    assert refusal(a.push(frame[:-3])) == "truncated"  # one Base45 group (2 bytes) cut off
    assert refusal(a.push(frame[:20])) == "truncated"  # shorter than the header
    assert refusal(a.push(frame[:-2])) == "bad_base45"  # a lone Base45 character: not Base45
    assert refusal(a.push("LZ1F:" + "A" * 4297)) == "too_long"
    first = a.push(frame)
    assert first.status == S.ACCEPTED and first.frames_seen == 1
    dup = a.push(frame)
    assert dup.status == S.DUPLICATE and dup.frames_seen == 1
    assert a.push(frame + "\r\n").status == S.DUPLICATE  # a scanner gun's line ending
    # Same index, other bytes: forged or corrupted, ignored; the assembly goes on.
    assert refusal(a.push(forge(frame))) == "conflicting_frame"
    after = a.push(code.frames[4])
    assert after.status == S.ACCEPTED and after.frames_seen == 2


def test_forged_frame_is_refused_after_decoding_and_the_code_still_assembles(demo):
    i = demo.add_portrait_id_card()
    code = demo.wallet.present_frames(i, ["name", "portrait"], NOW, None)
    k = code.source_frames
    a = lz.FrameAssembler()
    # The forged frame 0 (one symbol byte changed) first, then the other source frames:
    # K frames decode, but to a message that does not match the hash every frame carries.
    assert a.push(forge(code.frames[0])).status == S.ACCEPTED
    for text in code.frames[1:k - 1]:
        assert a.push(text).status == S.ACCEPTED
    last = a.push(code.frames[k - 1])
    assert refusal(last) == "hash_mismatch"
    assert (last.frames_seen, last.frames_needed, last.percent) == (0, 0, 0)  # started over
    assert a.result() is None
    # The honest loop, shuffled and lossy, still assembles; the portrait is the issued one.
    feed(a, lossy_shuffle(code.frames, seed=16))
    report = demo.verifier().verify_assembled(a.result(), policy()).report
    assert report.verdict == lz.Verdict.VALID, report.summary
    assert report.images[0].bytes == FACE


def hotel_bundle(demo, permits):
    business = demo.add(FIXTURE["business"])
    members = [lz.BundleMemberChoice(index=business, field_keys=["uscc", "name"])]
    members += [lz.BundleMemberChoice(index=demo.add(p), field_keys=["uscc", "name"]) for p in permits]
    return demo.wallet.present_bundle(members, NOW, None)


def assemble(frames, seed):
    a = lz.FrameAssembler()
    _, used = feed(a, lossy_shuffle(frames, seed=seed))
    result = a.result()
    assert result.kind == lz.CodeKind.BUNDLE
    return result


def test_a_13_member_bundle_over_lossy_frames_gives_13_valid_verdicts(demo):
    code = hotel_bundle(demo, FIXTURE["permits"])
    assert len(FIXTURE["permits"]) == 12
    assert code.source_frames >= 10  # far beyond one QR symbol
    report = demo.verifier().verify_assembled(assemble(code.frames, seed=17), policy())
    assert isinstance(report, lz.AssembledReport.BUNDLE)
    b = report.report
    assert b.verdict == lz.Verdict.VALID, b.summary
    assert (b.verdict_zh, b.verdict_en) == ("有效", "valid")
    assert b.subject_code == FIXTURE["subject_uscc"] and b.subject_name == "杭州示例酒店管理有限公司"
    assert b.holder_signed and b.problems == []
    assert "13/13" in b.summary
    assert [m.index for m in b.members] == list(range(13))
    assert [m.verdict for m in b.members] == [lz.Verdict.VALID] * 13
    assert all(m.same_subject is True for m in b.members)
    types = [m.report.license.type_code[-4:] for m in b.members]
    assert types == ["W902"] + ["W911"] * 5 + ["W912"] * 5 + ["W913"] * 2
    issuers = {m.report.license.issuer_zh for m in b.members}
    assert issuers == {"杭州市市场监督管理局", "杭州市卫生健康委员会", "杭州市公安局"}
    for m in b.members:
        assert m.report.verdict == lz.Verdict.VALID, m.report.summary
        assert [(f.key, f.value_zh) for f in m.report.fields][0] == ("uscc", FIXTURE["subject_uscc"])
        # Lenient status (no status lists in this demo): said, in both languages.
        finding = {f.code: f for f in m.report.findings}["status_not_checked"]
        assert finding.message_zh and finding.message_en


def test_a_permit_of_another_company_makes_the_bundle_invalid(demo):
    code = hotel_bundle(demo, FIXTURE["permits"][:3] + [FIXTURE["other_company_permit"]])
    b = demo.verifier().verify_assembled(assemble(code.frames, seed=18), policy()).report
    assert b.verdict == lz.Verdict.INVALID, b.summary
    assert [m.verdict for m in b.members] == [lz.Verdict.VALID] * 4 + [lz.Verdict.INVALID]
    # The stray permit itself is genuine: its own report is valid, it just is not the hotel's.
    stray = b.members[4]
    assert stray.report.verdict == lz.Verdict.VALID and stray.same_subject is False
    assert [(p.code, p.member_index) for p in b.problems] == [("subject_mismatch", 4)]
    assert "另一市场主体" in b.problems[0].message_zh and "another entity" in b.problems[0].message_en


def test_a_bundle_checked_an_hour_later_is_no_longer_valid(demo):
    code = hotel_bundle(demo, FIXTURE["permits"][:2])
    b = demo.verifier().verify_assembled(assemble(code.frames, seed=19), policy(NOW + 3600)).report
    assert b.verdict == lz.Verdict.INVALID
    assert all(m.report.failing_check == "freshness" for m in b.members)


def test_wallet_frame_options_and_errors(demo):
    i = demo.add_portrait_id_card()
    small = demo.wallet.present_frames(i, ["name", "portrait"], NOW,
                                       lz.FrameOptions(symbol_size=100, repair_frames=3))
    assert small.symbol_size == 100 and len(small.frames) == small.source_frames + 3
    assert small.qr_version < 10
    with pytest.raises(lz.LzError.Qr) as e:
        demo.wallet.present_frames(i, ["name"], NOW, lz.FrameOptions(symbol_size=8, repair_frames=None))
    assert e.value.code == "invalid_options"
    with pytest.raises(lz.LzError.Wallet) as e:
        demo.wallet.present_bundle([], NOW, None)
    assert e.value.code == "nothing_chosen"


def test_an_assembled_request_is_not_a_presentation(demo):
    verifier = demo.verifier()
    code = verifier.create_request("v1", "柜台", "核验", "cn.resident-id-card", ["name"], NOW)
    report = verifier.verify_assembled(lz.AssembledCode(kind=lz.CodeKind.REQUEST, body=code.body), policy())
    assert report.report.verdict == lz.Verdict.INVALID
    assert report.report.problem.code == "not_a_presentation"


def test_a_counter_scan_of_an_assembled_presentation_is_remembered(demo):
    i = demo.add_portrait_id_card()
    code = demo.wallet.present_frames(i, ["name", "portrait"], NOW, None)
    a = lz.FrameAssembler()
    feed(a, lossy_shuffle(code.frames, seed=20))
    verifier = demo.verifier()
    first = verifier.verify_assembled_scan(a.result(), policy()).report
    assert first.verdict == lz.Verdict.VALID, first.summary
    # The same animated code assembled again (the holder re-shows it): 已核验过.
    a.reset()
    feed(a, lossy_shuffle(code.frames, seed=21))
    again = verifier.verify_assembled_scan(a.result(), policy(NOW + 10)).report
    assert again.verdict == lz.Verdict.INDETERMINATE
    assert again.problem.code == "already_verified" and "已核验过" in again.problem.message_zh
    # Integrity still holds (the fields and portrait are genuine); the verdict says it was seen.
    assert again.images[0].bytes == FACE
    # verify_assembled is stateless: still valid.
    assert verifier.verify_assembled(a.result(), policy(NOW + 10)).report.verdict == lz.Verdict.VALID
