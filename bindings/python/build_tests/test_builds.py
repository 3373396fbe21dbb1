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
    "verifier": {"wallet": False, "issuer": False, "render": False},
    "wallet": {"wallet": True, "issuer": False, "render": True},
    "full": {"wallet": True, "issuer": True, "render": True},
}[BUILD]


def b64(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def test_the_library_is_the_expected_build():
    build = lz.library_build()
    assert build.name == BUILD
    assert (build.wallet, build.issuer, build.render) == (HAS["wallet"], HAS["issuer"], HAS["render"])


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
