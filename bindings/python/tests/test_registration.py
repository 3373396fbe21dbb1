"""Verifier authenticity for 授权用证 through the bindings: a registered and an
unregistered verifier, refusals (stale, future, bidi, beyond registration) and
single-use request nonces at the counter."""

import os

import pytest

import liangzheng_ffi as lz
from conftest import ID_CARD_CLAIMS, demo_issuer, demo_seed

PSB_ID = "11110000000021135M"
PSB_ZH = "北京市公安局"
PSB_EN = "Beijing Municipal Public Security Bureau"


def demo_root():
    return lz.SigningKey.from_ed25519_seed(demo_seed("root: 山东省一体化政务服务平台"))


def registration(key, base, fields=("name", "id_number")):
    return lz.VerifierRegistration(
        verifier_id=PSB_ID, name_zh=PSB_ZH, name_en=PSB_EN,
        grants=[lz.RegistrationGrant(type_code="cn.resident-id-card", field_keys=list(fields))],
        not_before=base.now - 86400, not_after=base.now + 365 * 86400, issued_at=base.now - 86400,
        public_key=key.public_key_spki())


def wallet_with_card(base):
    wallet = lz.Wallet.from_ed25519_seed(os.urandom(32))
    i = wallet.add(demo_issuer().issue(ID_CARD_CLAIMS, wallet.holder_key(), base.now))
    wallet.set_request_root(base.root)
    return wallet, i


def test_the_demo_root_is_the_vectors_root(base):
    root = demo_root()
    # The vectors pin the raw Ed25519 key; the SPKI DER ends with the same 32 bytes.
    assert root.public_key_spki()[-32:] == base.root
    assert root.algorithm() == "Ed25519"


@pytest.mark.parametrize("alg", ["ed25519", "es256", "sm2"])
def test_registered_verifier_is_verified_and_answer_verifies(base, alg):
    key = lz.SigningKey.generate(alg)
    signed_reg = lz.sign_registration(registration(key, base), demo_root())
    reg = lz.read_registration(signed_reg, base.root)
    assert reg.name_zh == PSB_ZH and reg.grants[0].field_keys == ["name", "id_number"]

    wallet, i = wallet_with_card(base)
    counter = lz.Verifier(base.trust_list, base.root)
    code = counter.create_signed_request(PSB_ID, PSB_ZH, "办理户籍业务", "cn.resident-id-card",
                                         ["name", "id_number"], base.now, key, signed_reg)
    prompt = wallet.read_request(code.qr_text, lz.default_request_policy(base.now + 5))
    assert prompt.display_name_zh == PSB_ZH and prompt.display_name_en == PSB_EN
    assert isinstance(prompt.verifier, lz.VerifierIdentity.VERIFIED)
    assert prompt.verifier.registration.verifier_id == PSB_ID
    answer = wallet.respond(i, prompt, ["name", "id_number"], base.now + 6)
    report = counter.verify_scan(answer, lz.default_policy(base.now + 7))
    assert report.verdict == lz.Verdict.VALID, report.summary

    # A second answer to the same request is refused: the nonce is single-use.
    again = wallet.respond(i, prompt, ["name", "id_number"], base.now + 8)
    report = counter.verify_scan(again, lz.default_policy(base.now + 9))
    assert report.verdict == lz.Verdict.INVALID
    assert report.problem.code == "nonce_already_used"
    assert report.problem.message_zh and report.problem.message_en
    # The very same presentation again is "already verified".
    assert counter.verify_scan(answer, lz.default_policy(base.now + 9)).problem.code == "already_verified"


def test_unregistered_verifier_is_shown_as_unverified(base):
    wallet, i = wallet_with_card(base)
    counter = lz.Verifier(base.trust_list, base.root)
    # Unsigned, claiming to be the police.
    code = counter.create_request(PSB_ID, PSB_ZH, "核验身份", "cn.resident-id-card", ["name"], base.now)
    prompt = wallet.read_request(code.qr_text, lz.default_request_policy(base.now))
    assert prompt.display_name_zh == "未认证的核验方"
    assert prompt.display_name_en == "unverified verifier"
    assert isinstance(prompt.verifier, lz.VerifierIdentity.UNVERIFIED)
    assert prompt.verifier.claimed_name == PSB_ZH
    assert prompt.verifier.reason_code == "unsigned"
    assert not hasattr(prompt, "verifier_name")

    # Signed with its own key and a registration from another root (a phishing counter).
    rogue = lz.SigningKey.generate("ed25519")
    rogue_root = lz.SigningKey.generate("ed25519")
    fake_reg = lz.sign_registration(registration(rogue, base), rogue_root)
    code = counter.create_signed_request(PSB_ID, PSB_ZH, "核验身份", "cn.resident-id-card",
                                         ["name"], base.now, rogue, fake_reg)
    prompt = wallet.read_request(code.qr_text, lz.default_request_policy(base.now))
    assert prompt.display_name_zh == "未认证的核验方"
    assert prompt.verifier.reason_code == "registration_invalid"

    # The genuine registration, but the request signed by an unregistered key.
    key = lz.SigningKey.generate("es256")
    genuine = lz.sign_registration(registration(key, base), demo_root())
    code = counter.create_signed_request(PSB_ID, PSB_ZH, "核验身份", "cn.resident-id-card",
                                         ["name"], base.now, rogue, genuine)
    prompt = wallet.read_request(code.qr_text, lz.default_request_policy(base.now))
    assert prompt.verifier.reason_code == "key_not_registered"

    # A wallet without a pinned root verifies nobody.
    bare = lz.Wallet.from_ed25519_seed(os.urandom(32))
    code = counter.create_signed_request(PSB_ID, PSB_ZH, "核验身份", "cn.resident-id-card",
                                         ["name"], base.now, key, genuine)
    prompt = bare.read_request(code.qr_text, lz.default_request_policy(base.now))
    assert prompt.verifier.reason_code == "no_trust_root"


def test_refusals_are_typed_errors(base):
    wallet, _ = wallet_with_card(base)
    counter = lz.Verifier(base.trust_list, base.root)
    key = lz.SigningKey.generate("sm2")
    reg = lz.sign_registration(registration(key, base, fields=("name",)), demo_root())

    def read(code, now):
        with pytest.raises(lz.LzError.Request) as e:
            wallet.read_request(code.qr_text, lz.default_request_policy(now))
        assert e.value.message_zh and e.value.message_en
        return e.value.code

    beyond = counter.create_signed_request(PSB_ID, PSB_ZH, "核验", "cn.resident-id-card",
                                           ["name", "address"], base.now, key, reg)
    assert read(beyond, base.now) == "beyond_registration"
    fresh = counter.create_signed_request(PSB_ID, PSB_ZH, "核验", "cn.resident-id-card",
                                          ["name"], base.now, key, reg)
    assert read(fresh, base.now + 331) == "request_stale"
    assert read(fresh, base.now - 31) == "request_from_future"
    assert wallet.read_request(fresh.qr_text, lz.default_request_policy(base.now + 330)).display_name_zh == PSB_ZH

    with pytest.raises(lz.LzError.Request) as e:
        counter.create_request(PSB_ID, PSB_ZH + "\u202e局安公", "核验", "cn.resident-id-card", ["name"], base.now)
    assert e.value.code == "unsafe_text"
    with pytest.raises(lz.LzError.Registration) as e:
        bad = registration(key, base)
        bad.name_en = "Beijing\u2066 PSB"
        lz.sign_registration(bad, demo_root())
    assert e.value.code == "unsafe_text" and "U+2066" in e.value.message_en

    with pytest.raises(lz.LzError.Registration) as e:
        lz.read_registration(reg, lz.SigningKey.generate("ed25519").public_key_spki())
    assert e.value.code == "wrong_root"
    with pytest.raises(lz.LzError.Registration) as e:
        lz.read_registration(b"\x00\x01", base.root)
    assert e.value.code == "malformed"
