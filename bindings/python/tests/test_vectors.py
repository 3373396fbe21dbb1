"""Every case in test-vectors/cases and test-vectors/requests, through the Python bindings."""

import json

import pytest

import liangzheng_ffi as lz
from conftest import CASES, Case, b64


def test_vectors_are_present():
    assert len(CASES) >= 40


def test_sm2_vectors_are_present():
    """Issue 10: the SM2 + SM3 vectors are among the cases below (SM2 root given as SPKI)."""
    sm2 = [p.stem for p in CASES if p.stem.startswith("sm2-")]
    assert len(sm2) >= 8 and "sm2-id-card-identity-view-valid" in sm2, sm2
    assert Case(CASES[[p.stem for p in CASES].index("sm2-id-card-identity-view-valid")]).root[:1] == b"\x30"


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_vector(path):
    case = Case(path)
    trust_error = case.expected["trust_list_error"]
    if trust_error is not None:
        with pytest.raises(lz.LzError.TrustList) as e:
            lz.Verifier(case.trust_list, case.root)
        assert e.value.code == trust_error
        return
    report = case.verifier().verify(case.qr_text, case.policy())
    assert report.verdict.name.lower() == case.expected["verdict"], report.summary
    assert report.failing_check == case.expected["failing_check"]
    assert (report.problem.code if report.problem else None) == case.expected["error_code"]
    assert [(f.key, f.value_zh) for f in report.fields] == \
        [(f["key"], f["value"]) for f in case.expected["fields"]]
    assert len(report.checks) == 11


REQUESTS = sorted((CASES[0].parents[1] / "requests").glob("*.json"))


def test_request_vectors_are_present():
    names = {p.stem for p in REQUESTS}
    for want in ["registered-request-verified", "registration-expired", "request-unregistered-key",
                 "request-field-beyond-registration", "request-stale", "request-from-future",
                 "request-bidi-in-name", "request-nonce-replayed"]:
        assert want in names


def _request_root(inp):
    # This runner pins raw Ed25519 roots (FFI: raw 32 bytes or SPKI DER); fail loudly on others.
    assert inp["root_key_alg"] == -19, "request vectors with non-Ed25519 roots need SPKI conversion"
    return b64(inp["root_public_key"])


@pytest.mark.parametrize("path", REQUESTS, ids=[p.stem for p in REQUESTS])
def test_request_vector(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == "liangzheng-request-vector"
    inp, exp = data["input"], data["expected"]
    if data["kind"] == "wallet":
        wallet = lz.Wallet.from_ed25519_seed(b"\x01" * 32)
        wallet.set_request_root(_request_root(inp))
        policy = lz.RequestPolicy(now=inp["now"], max_age_secs=inp["policy"]["max_age_secs"],
                                  skew_secs=inp["policy"]["skew_secs"])
        if exp["request_error"] is not None:
            with pytest.raises(lz.LzError.Request) as e:
                wallet.read_request(inp["request_qr_text"], policy)
            assert e.value.code == exp["request_error"]
            assert e.value.message_zh and e.value.message_en
            return
        prompt = wallet.read_request(inp["request_qr_text"], policy)
        assert prompt.display_name_zh == exp["display_name_zh"]
        if exp["verifier"] == "verified":
            assert isinstance(prompt.verifier, lz.VerifierIdentity.VERIFIED)
            assert exp["unverified_reason"] is None
        else:
            assert isinstance(prompt.verifier, lz.VerifierIdentity.UNVERIFIED)
            assert prompt.verifier.reason_code == exp["unverified_reason"]
    elif data["kind"] == "counter":
        counter = lz.Verifier(b64(inp["trust_list"]), _request_root(inp))
        for token in inp["status_lists"]:
            counter.add_status_list(b64(token))
        counter.expect_request(b64(inp["request"]))
        p = inp["policy"]
        got = []
        for scan in inp["scans"]:
            policy = lz.VerifyPolicy(
                now=scan["now"],
                status=lz.StatusMode.LENIENT if p["status"] == "lenient" else lz.StatusMode.STRICT,
                skew_secs=p["skew_secs"], max_presentation_age_secs=p["max_presentation_age_secs"],
                require_holder_binding=p["require_holder_binding"], accepted_types=p["accepted_types"])
            r = counter.verify_scan(scan["qr_text"], policy)
            got.append({"verdict": r.verdict.name.lower(), "failing_check": r.failing_check,
                        "error_code": r.problem.code if r.problem else None})
        assert got == exp["scans"]
    else:
        pytest.fail(f"unknown kind {data['kind']!r}")
