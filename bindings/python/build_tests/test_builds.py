"""The one binding set against each build of the native library (scripts/test-ffi-builds.sh).

LZ_EXPECT_BUILD names the build the loaded library must be (verifier, verifier-lean, wallet-lean,
wallet or full). LZ_PRESENTED_FILE, when set, receives what the wallet test presented and answered,
for make_frames.py --verify to check with the full library (the wallet-lean build cannot verify).
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
PARTS = ("verifier", "wallet", "issuer", "render", "png", "frames")
HAS = dict(zip(PARTS, {
    "verifier": (True, False, False, False, False, True),
    "verifier-lean": (True, False, False, False, False, False),
    "wallet-lean": (False, True, False, True, True, False),
    "wallet": (True, True, False, True, True, True),
    "full": (True, True, True, True, True, True),
}[BUILD]))
# The cargo feature each part's NotInThisBuild message names.
FEATURE = {"verifier": "counter", "wallet": "holder", "issuer": "issuer", "render": "holder",
           "png": "render", "frames": "frames"}


def b64(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def test_the_library_is_the_expected_build():
    build = lz.library_build()
    assert build.name == BUILD
    assert {part: getattr(build, part) for part in PARTS} == HAS


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
    matrix = lambda: lz.qr_matrix("LZ1P:HELLO", lz.QrEcc.M)
    version = lambda: lz.qr_version("LZ1P:HELLO", lz.QrEcc.M)
    png = lambda: lz.render_qr_png("LZ1P:HELLO", None)
    for part, call in [("wallet", wallet), ("issuer", issuer), ("render", svg), ("render", matrix),
                       ("render", version), ("png", png)]:
        if HAS[part]:
            assert call() is not None
        else:
            expect_absent(call, FEATURE[part])
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


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_every_build_verifies_every_vector(path):
    case = json.loads(path.read_text(encoding="utf-8"))
    inp, expected = case["input"], case["expected"]
    # A non-Ed25519 root (SM2, P-256) is given to the FFI as SPKI DER (test-vectors/README.md).
    root = b64(inp.get("root_public_key_spki") or inp["root_public_key"])
    if not HAS["verifier"]:
        expect_absent(lambda: lz.Verifier(b64(inp["trust_list"]), root), "counter")
        return
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
    if not HAS["verifier"]:
        expect_absent(lambda: lz.Verifier(base64.b64decode(made["trust_list"]),
                                          base64.b64decode(made["root"])), "counter")
        if not HAS["frames"]:
            expect_absent(lz.FrameAssembler, "frames")
        return
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


def test_every_wallet_build_presents_draws_and_answers_requests(made):
    """A license issued by the full build, presented and used to answer a counter's request; the
    code drawn from qr_matrix reads back with zxing-cpp (an independent decoder). What the
    wallet-lean build writes here the full build verifies (make_frames.py --verify)."""
    seed = bytes.fromhex(made["holder_seed"])
    if not HAS["wallet"]:
        expect_absent(lambda: lz.Wallet.from_ed25519_seed(seed), "holder")
        return
    import zxingcpp
    from PIL import Image

    wallet = lz.Wallet.from_ed25519_seed(seed)
    index = wallet.add(base64.b64decode(made["license"]))
    text = wallet.present(index, ["name", "uscc"], made["now"])
    m = lz.qr_matrix(text, lz.QrEcc.M)
    assert m.width == 17 + 4 * lz.qr_version(text, lz.QrEcc.M)
    assert len(m.modules) == m.width * m.width and set(m.modules) == {0, 1}
    assert m.quiet_zone == 4
    scale, side = 4, (m.width + 2 * m.quiet_zone) * 4
    img = Image.new("L", (side, side), 255)
    for y in range(m.width):
        for x in range(m.width):
            if m.modules[y * m.width + x]:
                img.paste(0, ((x + 4) * scale, (y + 4) * scale, (x + 5) * scale, (y + 5) * scale))
    read = zxingcpp.read_barcodes(img)
    assert [r.text for r in read] == [text]
    if HAS["png"]:
        drawn = Image.open(__import__("io").BytesIO(lz.render_qr_png(text, None)))
        assert [r.text for r in zxingcpp.read_barcodes(drawn)] == [text]
    prompt = wallet.read_request(made["request_qr"], lz.default_request_policy(made["now"]))
    assert [f.key for f in prompt.fields] == ["name", "legal_rep"]
    assert prompt.license_index == index
    answer = wallet.respond(index, prompt, ["name", "legal_rep"], made["now"] + 3)
    if not HAS["frames"]:
        # Refused before the holder key signs anything.
        expect_absent(lambda: wallet.present_frames(index, ["name"], made["now"], None), "frames")
        expect_absent(lambda: wallet.present_bundle(
            [lz.BundleMemberChoice(index=index, field_keys=["name"])], made["now"], None), "frames")
    out = os.environ.get("LZ_PRESENTED_FILE")
    if out:
        pathlib.Path(out).write_text(json.dumps({"presentation": text, "answer": answer}), encoding="utf-8")
