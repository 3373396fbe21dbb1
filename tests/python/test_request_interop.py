"""An independent wallet-side check of verifier requests (授权用证), written from
docs/FORMAT.md §8, §8.1 and §8.2 alone with cbor2 and cryptography, run against
every wallet vector in test-vectors/requests."""

import glob
import json
import os
import unicodedata

import cbor2
import pytest

from test_interop import ROOT, Reject, b64u, deterministic, kid_of, qr_body, sign1, signature_ok

REQUESTS = sorted(glob.glob(os.path.join(ROOT, "test-vectors", "requests", "*.json")))
WALLET_CASES = [p for p in REQUESTS if json.load(open(p, encoding="utf-8"))["kind"] == "wallet"]


class Unverified(Exception):
    pass


def safe_text(s, lo, hi):
    """§8: no Cc, Cf, Zl, Zp characters; lengths in characters."""
    if not isinstance(s, str) or not lo <= len(s) <= hi:
        raise Reject("malformed")
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in s):
        raise Reject("unsafe_text")


def read_registration(data, root, root_alg):
    """§8.1; any failure is `registration_invalid`."""
    try:
        kid, payload, tbs, sig, alg = sign1(data, "application/lz-rp-registration+cbor")
        if len(data) > 1024 or kid != kid_of(root, root_alg):
            raise Reject("wrong_root")
        if not signature_ok(root_alg, alg, root, sig, tbs):
            raise Reject("bad_signature")
        r = deterministic(payload)
        if not isinstance(r, dict) or set(r) != set(range(1, 11)) or r[1] != 1:
            raise Reject("malformed")
        safe_text(r[2], 1, 64)
        safe_text(r[3], 1, 64)
        safe_text(r[4], 1, 128)
        if not (isinstance(r[6], int) and isinstance(r[7], int) and 0 <= r[6] <= r[7]):
            raise Reject("malformed")
        grants = {}
        for g in r[5]:
            if set(g) != {1, 2} or g[1] in grants or list(g[2]) != sorted(set(g[2])) or not g[2]:
                raise Reject("malformed")
            grants[g[1]] = set(g[2])
        if not grants or r[8] not in (-19, -8, -9, -7, -66037):
            raise Reject("malformed")
        return r, grants
    except Reject:
        raise Unverified("registration_invalid")


def authenticate(inp):
    """§8.2: returns ("verified", name) or ("unverified", reason); raises Reject(code) when refused."""
    root, root_alg = b64u(inp["root_public_key"]), inp["root_key_alg"]
    now, skew, max_age = inp["now"], inp["policy"]["skew_secs"], inp["policy"]["max_age_secs"]
    kind, body = qr_body(inp["request_qr_text"])
    if kind != "R" or len(body) > 2048:
        raise Reject("malformed")
    try:
        value = deterministic(body)
        signed = isinstance(value, cbor2.CBORTag) and value.tag == 18
        if signed:
            kid, payload, tbs, sig, alg = sign1(body, "application/lz-request+cbor")
            req = deterministic(payload)
        else:
            req = value
    except Reject:
        raise Reject("malformed")
    # 1. Exact members and the text rule.
    if not isinstance(req, dict) or set(req) not in (set(range(1, 8)), set(range(1, 9))):
        raise Reject("malformed")
    safe_text(req[1], 1, 64)
    safe_text(req[2], 1, 64)
    if not isinstance(req[3], str) or not 1 <= len(req[3]) <= 200:
        raise Reject("bad_purpose")
    safe_text(req[3], 1, 200)
    # 2. Age, signed or not.
    if req[7] > now + skew:
        raise Reject("request_from_future")
    if now - req[7] > max_age + skew:
        raise Reject("request_stale")
    try:
        # 3.
        if not signed:
            raise Unverified("unsigned")
        if 8 not in req:
            raise Unverified("no_registration")
        # 4.
        r, grants = read_registration(req[8], root, root_alg)
        if now > r[7]:
            raise Unverified("registration_expired")
        if now + skew < r[6]:
            raise Unverified("registration_not_yet_valid")
        # 5.
        if kid != kid_of(r[9], r[8]):
            raise Unverified("key_not_registered")
        if not signature_ok(r[8], alg, r[9], sig, tbs):
            raise Unverified("bad_request_signature")
        # 6.
        if req[1] != r[2] or req[2] != r[3]:
            raise Unverified("verifier_mismatch")
    except Unverified as u:
        return "unverified", str(u)
    # 7. Scope.
    if req[4] not in grants or not set(req[5]) <= grants[req[4]]:
        raise Reject("beyond_registration")
    return "verified", r[3]


def test_request_vectors_exist():
    assert len(WALLET_CASES) >= 7


@pytest.mark.parametrize("path", WALLET_CASES, ids=[os.path.basename(p) for p in WALLET_CASES])
def test_independent_wallet_check_agrees(path):
    case = json.load(open(path, encoding="utf-8"))
    exp = case["expected"]
    try:
        outcome, detail = authenticate(case["input"])
    except Reject as r:
        assert exp["request_error"] == str(r), path
        return
    assert exp["request_error"] is None
    assert outcome == exp["verifier"]
    if outcome == "verified":
        assert detail == exp["display_name_zh"]
    else:
        assert detail == exp["unverified_reason"]
        assert exp["display_name_zh"] == "未认证的核验方"
