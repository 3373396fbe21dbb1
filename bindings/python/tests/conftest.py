"""Shared fixtures: the test vectors and demo data (public demo seeds, never for real use)."""

import base64
import hashlib
import json
import os
import pathlib

import pytest

import liangzheng_ffi as lz

# scripts/test-wheel.sh runs this suite against the installed wheel: refuse to run on any other copy.
_PACKAGE_DIR = os.environ.get("LZ_PYTHON_PACKAGE_DIR")
if _PACKAGE_DIR and os.path.dirname(os.path.realpath(lz.__file__)) != os.path.realpath(_PACKAGE_DIR):
    raise pytest.UsageError(f"liangzheng_ffi was imported from {lz.__file__}, not from {_PACKAGE_DIR}")

ROOT = pathlib.Path(__file__).resolve().parents[3]
CASES = sorted((ROOT / "test-vectors" / "cases").glob("*.json"))

ID_CARD_CLAIMS = json.dumps({
    "type": "cn.resident-id-card", "license_number": "370102199003070016",
    "valid_from": "2020-05-12", "valid_until": "2040-05-12",
    "fields": {"name": "张三", "sex": "男", "ethnicity": "汉族", "birth_date": "1990-03-07",
               "address": "山东省济南市历下区泉城路180号", "id_number": "370102199003070016",
               "authority": "济南市公安局历下分局"},
}, ensure_ascii=False)


def b64(text):
    """base64url without padding, as in the vectors."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def demo_seed(label):
    """A public demo seed, derived as examples/src/demo.rs does."""
    half = lambda n: hashlib.sha256(f"liangzheng demo seed {n} {label}".encode()).digest()[:16]
    return half(1) + half(2)


def demo_issuer():
    return lz.Issuer.from_seed(demo_seed("济南市公安局"), "济南市公安局", "11370100004307520K")


class Case:
    """One test-vector file, run as test-vectors/README.md describes."""

    def __init__(self, path):
        self.data = json.loads(path.read_text(encoding="utf-8"))
        self.name = self.data["name"]
        self.input = self.data["input"]
        self.expected = self.data["expected"]
        self.now = self.input["now"]
        self.qr_text = self.input["qr_text"]
        self.trust_list = b64(self.input["trust_list"])
        # The pinned root as the FFI takes it: raw Ed25519, or the SPKI DER the
        # vector gives for P-256 / SM2 roots.
        self.root = b64(self.input.get("root_public_key_spki") or self.input["root_public_key"])

    def policy(self):
        p = self.input["policy"]
        return lz.VerifyPolicy(
            now=self.now,
            status=lz.StatusMode.LENIENT if p["status"] == "lenient" else lz.StatusMode.STRICT,
            skew_secs=p["skew_secs"],
            max_presentation_age_secs=p["max_presentation_age_secs"],
            require_holder_binding=p["require_holder_binding"],
            accepted_types=p["accepted_types"],
        )

    def verifier(self):
        v = lz.Verifier(self.trust_list, self.root)
        for token in self.input["status_lists"]:
            try:
                v.add_status_list(b64(token))
            except lz.LzError.StatusList:
                pass  # remembered by the verifier; the expected verdict says what follows
        if self.input["request"] is not None:
            v.expect_request(b64(self.input["request"]))
        return v


@pytest.fixture(scope="session")
def base():
    """The plain valid ID-card case: its trust list trusts the demo issuers."""
    return Case(ROOT / "test-vectors" / "cases" / "id-card-identity-view-valid.json")
