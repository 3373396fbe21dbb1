"""Issuer → wallet → QR text → verifier, device signers, requests and errors."""

import os

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

import liangzheng_ffi as lz
from conftest import ID_CARD_CLAIMS, demo_issuer


class P256Signer(lz.DeviceSigner):
    """An app-side ES256 key: DER signatures, SubjectPublicKeyInfo public key."""

    def __init__(self):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.calls = 0

    def public_key(self):
        spki = self.key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        return lz.HolderKey(algorithm=lz.HolderKeyAlgorithm.ES256, public_key=spki)

    def sign(self, message):
        self.calls += 1
        return self.key.sign(message, ec.ECDSA(hashes.SHA256()))


class RefusingSigner(lz.DeviceSigner):
    def __init__(self, inner, error):
        self.inner, self.error = inner, error

    def public_key(self):
        return self.inner.public_key()

    def sign(self, message):
        raise self.error


def issue_to(wallet, now):
    return wallet.add(demo_issuer().issue(ID_CARD_CLAIMS, wallet.holder_key(), now))


def test_software_ed25519_wallet_to_verifier(base):
    wallet = lz.Wallet.from_ed25519_seed(os.urandom(32))
    i = issue_to(wallet, base.now)
    assert wallet.count() == 1
    qr = wallet.present(i, ["name", "id_number"], base.now)
    assert qr.startswith("LZ1P")
    report = lz.Verifier(base.trust_list, base.root).verify(qr, lz.default_policy(base.now + 5))
    assert report.verdict == lz.Verdict.VALID, report.summary
    assert [f.key for f in report.fields] == ["name", "id_number"]
    assert report.fields[0].value_zh == "张三"
    assert "*" in report.fields[1].display
    assert report.license.issuer_zh == "济南市公安局"


def test_python_device_signer_with_der_signatures(base):
    signer = P256Signer()
    wallet = lz.Wallet(signer)
    assert wallet.holder_key().algorithm == lz.HolderKeyAlgorithm.ES256
    assert len(wallet.holder_key().public_key) == 33
    i = issue_to(wallet, base.now)
    verifier = lz.Verifier(base.trust_list, base.root)
    for _ in range(3):
        report = verifier.verify(wallet.present(i, ["name"], base.now), lz.default_policy(base.now))
        assert report.verdict == lz.Verdict.VALID, report.summary
    assert signer.calls == 3


def test_refusing_signer_is_a_signer_error(base):
    inner = P256Signer()
    wallet = lz.Wallet(RefusingSigner(inner, lz.LzError.Signer("user_cancelled", "用户取消", "cancelled")))
    i = wallet.add(demo_issuer().issue(ID_CARD_CLAIMS, inner.public_key(), base.now))
    with pytest.raises(lz.LzError.Signer) as e:
        wallet.present(i, ["name"], base.now)
    assert e.value.code == "signer_failed" and "user_cancelled" in e.value.message_en


def test_unexpected_exception_in_signer_is_an_error(base):
    inner = P256Signer()
    wallet = lz.Wallet(RefusingSigner(inner, RuntimeError("keystore gone")))
    i = wallet.add(demo_issuer().issue(ID_CARD_CLAIMS, inner.public_key(), base.now))
    with pytest.raises(lz.LzError.Signer):
        wallet.present(i, ["name"], base.now)


def test_request_consent_answer_verify(base):
    wallet = lz.Wallet(P256Signer())
    i = issue_to(wallet, base.now)
    counter = lz.Verifier(base.trust_list, base.root)
    code = counter.create_request("91370100MA3C8L8X1B", "某银行济南分行", "开立账户",
                                  "cn.resident-id-card", ["name", "id_number"], base.now)
    prompt = wallet.read_request(code.qr_text, lz.default_request_policy(base.now))
    assert prompt.display_name_zh == "未认证的核验方"  # unsigned: claimed name never shown as verified
    assert prompt.purpose == "开立账户" and prompt.license_index == i
    assert [f.key for f in prompt.fields] == ["name", "id_number"]
    with pytest.raises(lz.LzError.Wallet) as e:
        wallet.respond(i, prompt, ["address"], base.now)
    assert e.value.code == "not_requested"
    answer = wallet.respond(i, prompt, ["name", "id_number"], base.now + 3)
    report = counter.verify(answer, lz.default_policy(base.now + 5))
    assert report.verdict == lz.Verdict.VALID, report.summary
    elsewhere = lz.Verifier(base.trust_list, base.root)
    elsewhere.create_request("91370100MA3C8L8X1B", "另一家", "开户", "cn.resident-id-card", ["name"], base.now)
    assert elsewhere.verify(answer, lz.default_policy(base.now + 5)).problem.code == "nonce_mismatch"


@pytest.mark.parametrize("call, kind, code", [
    (lambda b: lz.Verifier(b"\x01\x02", b.root), lz.LzError.TrustList, "malformed"),
    (lambda b: lz.Verifier(b.trust_list, b"\x00" * 5), lz.LzError.InvalidInput, "bad_public_key"),
    (lambda b: lz.Issuer.from_seed(b"\x00" * 32, "x", "123"), lz.LzError.InvalidInput, "bad_uscc"),
    (lambda b: lz.Wallet.from_ed25519_seed(b"\x00" * 31), lz.LzError.InvalidInput, "bad_seed"),
    (lambda b: demo_issuer().issue("{", None, b.now), lz.LzError.InvalidInput, "bad_claims_json"),
    (lambda b: lz.Verifier(b.trust_list, b.root).add_status_list(b"\x00"), lz.LzError.StatusList, "malformed"),
    (lambda b: lz.render_qr_svg("lower case"), lz.LzError.Qr, "not_alphanumeric"),
])
def test_errors_carry_code_and_both_languages(base, call, kind, code):
    with pytest.raises(kind) as e:
        call(base)
    assert e.value.code == code
    assert e.value.message_zh and e.value.message_en


@pytest.mark.parametrize("text", ["", "LZ1P:", "hello", "LZ1PZ:AAAA", "LZ1P:" + "A" * 5000])
def test_hostile_scanner_input_gives_a_report(base, text):
    report = base.verifier().verify(text, base.policy())
    assert report.verdict == lz.Verdict.INVALID
    assert report.failing_check == "format"


def test_qr_rendering(base):
    assert "<svg" in lz.render_qr_svg(base.qr_text)
    png = lz.render_qr_png(base.qr_text, lz.QrStyle(ecc=lz.QrEcc.Q, module_px=2))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert 1 <= lz.qr_version(base.qr_text, lz.QrEcc.M) <= 40


def test_default_policy():
    p = lz.default_policy(42)
    assert (p.skew_secs, p.max_presentation_age_secs, p.status) == (30, 60, lz.StatusMode.STRICT)
    assert p == lz.VerifyPolicy(now=42, status=lz.StatusMode.STRICT)


def test_counter_reports_a_second_scan_as_already_verified(base):
    wallet = lz.Wallet.from_ed25519_seed(bytes([8]) * 32)
    i = issue_to(wallet, base.now)
    qr = wallet.present(i, ["name"], base.now)
    counter = lz.Verifier(base.trust_list, base.root)
    assert counter.verify_scan(qr, lz.default_policy(base.now + 1)).verdict == lz.Verdict.VALID
    again = counter.verify_scan(qr, lz.default_policy(base.now + 2))
    assert again.verdict == lz.Verdict.INDETERMINATE
    assert again.problem.code == "already_verified"
    assert "已核验过" in again.problem.message_zh
    assert counter.verify(qr, lz.default_policy(base.now + 2)).verdict == lz.Verdict.VALID


def test_trust_list_update_accepts_the_same_list_and_refuses_a_wrong_root(base):
    counter = lz.Verifier(base.trust_list, base.root)
    counter.update_trust_list(base.trust_list, base.root)
    # A valid Ed25519 key that is not the root: the list's signature does not match it.
    with pytest.raises(lz.LzError.TrustList) as e:
        counter.update_trust_list(base.trust_list, demo_issuer().public_key())
    assert e.value.code == "wrong_root"
    # 32 zero bytes are not a usable Ed25519 key at all: refused before any signature check.
    with pytest.raises(lz.LzError.InvalidInput) as e:
        counter.update_trust_list(base.trust_list, bytes(32))
    assert e.value.code == "bad_public_key"
