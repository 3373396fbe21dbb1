"""The one binding set against each build of the native library (scripts/test-ffi-builds.sh).

LZ_EXPECT_BUILD names the build the loaded library must be (verifier, wallet or full).
Every build verifies every test vector exactly as the full suite expects; what a build
leaves out raises LzError.NotInThisBuild (code not_in_this_build), never crashes.
"""

import base64
import json
import os
import pathlib

import pytest

import liangzheng_ffi as lz

ROOT = pathlib.Path(__file__).resolve().parents[3]
CASES = sorted((ROOT / "test-vectors" / "cases").glob("*.json"))
BUILD = os.environ["LZ_EXPECT_BUILD"]
HAS = {
    "verifier": {"wallet": False, "issuer": False, "render": False, "frames": True},
    "verifier-lean": {"wallet": False, "issuer": False, "render": False, "frames": False},
    "wallet": {"wallet": True, "issuer": False, "render": True, "frames": True},
    "full": {"wallet": True, "issuer": True, "render": True, "frames": True},
}[BUILD]


def b64(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def test_the_library_is_the_expected_build():
    build = lz.library_build()
    assert build.name == BUILD
    assert (build.wallet, build.issuer, build.render, build.frames) == \
        (HAS["wallet"], HAS["issuer"], HAS["render"], HAS["frames"])


def expect_absent(call, feature):
    with pytest.raises(lz.LzError.NotInThisBuild) as caught:
        call()
    assert caught.value.code == "not_in_this_build"
    assert feature in caught.value.message_en
    assert caught.value.message_zh


def test_parts_left_out_raise_the_typed_error_and_parts_kept_work():
    wallet = lambda: lz.Wallet.from_ed25519_seed(bytes(range(32)))
    issuer = lambda: lz.Issuer.from_seed(bytes(32), "济南市公安局", "11370100004307520K")
    svg = lambda: lz.render_qr_svg("LZ1P:HELLO", None)
    for part, call in [("wallet", wallet), ("issuer", issuer), ("render", svg)]:
        if HAS[part]:
            assert call() is not None
        else:
            expect_absent(call, part)
    # Verifier registrations: SigningKey and read_registration in every build, signing
    # (the root's job) only with the issuer.
    key = lz.SigningKey.from_ed25519_seed(bytes(32))
    reg = lz.VerifierRegistration(
        verifier_id="x", name_zh="核验方", name_en="verifier",
        grants=[lz.RegistrationGrant(type_code="cn.resident-id-card", field_keys=["name"])],
        not_before=0, not_after=10, issued_at=0, public_key=key.public_key_spki())
    if HAS["issuer"]:
        signed = lz.sign_registration(reg, key)
        assert lz.read_registration(signed, key.public_key_spki()).name_zh == "核验方"
    else:
        expect_absent(lambda: lz.sign_registration(reg, key), "issuer")
    if not HAS["render"]:
        expect_absent(lambda: lz.render_qr_png("LZ1P:HELLO", None), "render")
        expect_absent(lambda: lz.qr_version("LZ1P:HELLO", lz.QrEcc.M), "render")


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_every_build_verifies_every_vector(path):
    case = json.loads(path.read_text(encoding="utf-8"))
    inp, expected = case["input"], case["expected"]
    # A non-Ed25519 root (SM2, P-256) is given to the FFI as SPKI DER (test-vectors/README.md).
    root = b64(inp.get("root_public_key_spki") or inp["root_public_key"])
    if expected["trust_list_error"] is not None:
        with pytest.raises(lz.LzError.TrustList) as e:
            lz.Verifier(b64(inp["trust_list"]), root)
        assert e.value.code == expected["trust_list_error"]
        return
    verifier = lz.Verifier(b64(inp["trust_list"]), root)
    for token in inp["status_lists"]:
        try:
            verifier.add_status_list(b64(token))
        except lz.LzError.StatusList:
            pass
    if inp["request"] is not None:
        verifier.expect_request(b64(inp["request"]))
    p = inp["policy"]
    policy = lz.VerifyPolicy(
        now=inp["now"],
        status=lz.StatusMode.LENIENT if p["status"] == "lenient" else lz.StatusMode.STRICT,
        skew_secs=p["skew_secs"],
        max_presentation_age_secs=p["max_presentation_age_secs"],
        require_holder_binding=p["require_holder_binding"],
        accepted_types=p["accepted_types"],
    )
    report = verifier.verify(inp["qr_text"], policy)
    assert report.verdict.name.lower() == expected["verdict"], report.summary
    assert report.failing_check == expected["failing_check"]
    assert (report.problem.code if report.problem else None) == expected["error_code"]
    assert [(f.key, f.value_zh) for f in report.fields] == \
        [(f["key"], f["value"]) for f in expected["fields"]]


def test_vectors_are_present():
    assert len(CASES) >= 40


FACE = (ROOT / "examples" / "data" / "synthetic-face.jpg").read_bytes()


@pytest.fixture(scope="module")
def made():
    """Frames made by the full build (build_tests/make_frames.py, run by test-ffi-builds.sh)."""
    path = os.environ.get("LZ_FRAMES_FILE")
    if not path:
        pytest.fail("LZ_FRAMES_FILE is not set: run this suite through scripts/test-ffi-builds.sh")
    return json.loads(pathlib.Path(path).read_text(encoding="utf-8"))


def assemble(frames):
    """Every other frame, from the end (a counter that started late and misses half)."""
    a = lz.FrameAssembler()
    for text in frames[::-2]:
        p = a.push(text)
        assert p.status in (lz.FrameStatus.ACCEPTED, lz.FrameStatus.COMPLETE), p.problem
        if p.complete:
            return a.result()
    pytest.fail("not assembled")


def test_every_build_assembles_and_verifies_portraits_and_bundles(made):
    verifier = lz.Verifier(base64.b64decode(made["trust_list"]), base64.b64decode(made["root"]))
    policy = lz.default_policy(made["now"] + 5)
    policy.status = lz.StatusMode.LENIENT
    # Codes assembled elsewhere verify in every build, the lean one included.
    bodies = [(lz.CodeKind.PRESENTATION, made["portrait_body"]), (lz.CodeKind.BUNDLE, made["bundle_body"])]
    for kind, body in bodies:
        code = lz.AssembledCode(kind=kind, body=base64.b64decode(body))
        report = verifier.verify_assembled(code, policy).report
        assert report.verdict == lz.Verdict.VALID, report.summary
    if not HAS["frames"]:
        expect_absent(lz.FrameAssembler, "frames")
        return
    portrait = verifier.verify_assembled(assemble(made["portrait_frames"]), policy)
    assert isinstance(portrait, lz.AssembledReport.PRESENTATION)
    assert portrait.report.verdict == lz.Verdict.VALID, portrait.report.summary
    assert portrait.report.images[0].bytes == FACE
    bundle = verifier.verify_assembled(assemble(made["bundle_frames"]), policy)
    assert isinstance(bundle, lz.AssembledReport.BUNDLE)
    assert bundle.report.verdict == lz.Verdict.VALID, bundle.report.summary
    assert [m.verdict for m in bundle.report.members] == [lz.Verdict.VALID] * 13
    mismatch = verifier.verify_assembled(assemble(made["mismatch_frames"]), policy).report
    assert mismatch.verdict == lz.Verdict.INVALID
    assert [p.code for p in mismatch.problems] == ["subject_mismatch"]
    assert lz.FrameAssembler().push("LZ1P:%69 VD92EX0").problem.code == "not_a_frame"


def test_signing_a_trust_list_is_the_issuer_builds_job():
    key = lz.SigningKey.from_ed25519_seed(bytes(32))
    entry = lz.TrustListEntry(public_key=bytes(range(32)), name_zh="某局", name_en="a bureau",
                              code="11370100004307520K", region="370100", types=["cn.resident-id-card"],
                              not_before=0, not_after=None)
    if HAS["issuer"]:
        signed = lz.sign_trust_list([entry], 1, None, key)
        assert lz.Verifier(signed, key.public_key_spki()).trust_list_expires() is None
    else:
        expect_absent(lambda: lz.sign_trust_list([entry], 1, None, key), "issuer")
