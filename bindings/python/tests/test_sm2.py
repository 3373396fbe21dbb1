"""SM2 holder keys through the DeviceSigner callback, signed outside Rust by gmssl.

gmssl (pure Python) stands in for a phone secure element that holds SM2 keys: the private
key never enters Rust, gmssl computes Z_A with the default user id 1234567812345678 and signs
e = SM3(Z_A ‖ transcript) (GB/T 32918.2). It is an implementation independent of RustCrypto's
SM2, so a VALID verdict shows the two agree on the transcript, the digest and the signature.
"""

import secrets

import pytest
from gmssl import func as gm_func
from gmssl import sm2 as gm_sm2

import liangzheng_ffi as lz
from conftest import ID_CARD_CLAIMS, demo_issuer

N = int("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123", 16)
G = ("32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7"
     "bc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0")


def der_integer(n):
    body = n.to_bytes((n.bit_length() + 8) // 8, "big")  # one leading 0 when the top bit is set
    return bytes([2, len(body)]) + body


class GmsslSm2Signer(lz.DeviceSigner):
    """An app-side SM2 key in gmssl. encoding: "raw" (r‖s), "der", or "uncompressed" key."""

    def __init__(self, encoding="raw"):
        d = secrets.randbelow(N - 2) + 1
        self.d_hex = "%064x" % d
        probe = gm_sm2.CryptSM2(private_key=self.d_hex, public_key="00")
        self.xy_hex = probe._kg(d, G)  # [d]G, 128 hex digits x‖y
        self.crypt = gm_sm2.CryptSM2(private_key=self.d_hex, public_key="00")
        # Set after construction: gmssl's constructor lstrip("04")s the hex.
        self.crypt.public_key = self.xy_hex
        self.encoding = encoding
        self.calls = 0

    def public_key(self):
        return lz.HolderKey(algorithm=lz.HolderKeyAlgorithm.SM2,
                            public_key=bytes([4]) + bytes.fromhex(self.xy_hex))

    def sign(self, message):
        self.calls += 1
        k = gm_func.random_hex(64)
        sig = bytes.fromhex(self.crypt.sign_with_sm3(message, k))
        assert len(sig) == 64
        if self.encoding == "der":
            r, s = int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big")
            body = der_integer(r) + der_integer(s)
            return bytes([0x30, len(body)]) + body
        return sig


def issue_to(wallet, now):
    return wallet.add(demo_issuer().issue(ID_CARD_CLAIMS, wallet.holder_key(), now))


@pytest.mark.parametrize("encoding", ["raw", "der"])
def test_gmssl_sm2_device_signer_to_verifier(base, encoding):
    signer = GmsslSm2Signer(encoding)
    wallet = lz.Wallet(signer)
    key = wallet.holder_key()
    assert key.algorithm == lz.HolderKeyAlgorithm.SM2
    assert len(key.public_key) == 33 and key.public_key[0] in (2, 3)  # compressed SEC1
    assert key.public_key[1:] == bytes.fromhex(signer.xy_hex[:64])
    i = issue_to(wallet, base.now)
    verifier = lz.Verifier(base.trust_list, base.root)
    for _ in range(3):  # random k each time
        report = verifier.verify(wallet.present(i, ["name", "id_number"], base.now),
                                 lz.default_policy(base.now))
        assert report.verdict == lz.Verdict.VALID, report.summary
        holder = [c for c in report.checks if c.check == "holder_signature"]
        assert holder and holder[0].outcome == lz.CheckOutcome.PASSED
    assert signer.calls == 3


def test_a_wrong_sm2_signature_from_the_device_is_refused(base):
    class BitFlipper(GmsslSm2Signer):
        def sign(self, message):
            sig = bytearray(super().sign(message))
            sig[10] ^= 1
            return bytes(sig)

    wallet = lz.Wallet(BitFlipper())
    i = issue_to(wallet, base.now)
    report = lz.Verifier(base.trust_list, base.root).verify(
        wallet.present(i, ["name"], base.now), lz.default_policy(base.now))
    assert report.verdict == lz.Verdict.INVALID
    assert report.problem.code == "bad_holder_signature"


@pytest.mark.parametrize("bad", [b"", b"\x30\x02\x01", bytes(64), b"\xff" * 72, bytes(63)])
def test_garbage_sm2_signatures_are_signer_errors(base, bad):
    class Garbage(GmsslSm2Signer):
        def sign(self, message):
            return bad

    wallet = lz.Wallet(Garbage())
    i = issue_to(wallet, base.now)
    with pytest.raises(lz.LzError.Signer):
        wallet.present(i, ["name"], base.now)


def test_an_sm2_key_given_as_a_p256_key_is_refused():
    # The curve is part of the key: SM2 point bytes labelled ES256 are not accepted
    # as a P-256 key (the point is almost never on P-256, and then it is an error).
    signer = GmsslSm2Signer()

    class Mislabelled(lz.DeviceSigner):
        def public_key(self):
            return lz.HolderKey(algorithm=lz.HolderKeyAlgorithm.ES256,
                                public_key=signer.public_key().public_key)

        def sign(self, message):
            return signer.sign(message)

    with pytest.raises(lz.LzError):
        lz.Wallet(Mislabelled())
