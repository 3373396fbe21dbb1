"""Demo data for the animated-code tests: the 一照通 hotel bundle of examples/src/demo.rs
(bindings/testdata/hotel-bundle.json), the synthetic portrait, a trust list signed by the
demo root through the FFI, and small helpers (Base45, a seeded shuffle with losses).

Imported by test_frames.py and by build_tests/make_frames.py (which makes frames with the
full library for the reduced builds to assemble)."""

import base64
import hashlib
import json
import pathlib
import random

import liangzheng_ffi as lz

ROOT = pathlib.Path(__file__).resolve().parents[3]
FIXTURE = json.loads((ROOT / "bindings" / "testdata" / "hotel-bundle.json").read_text(encoding="utf-8"))
FACE = (ROOT / "examples" / "data" / "synthetic-face.jpg").read_bytes()
NOW = FIXTURE["now"]
# 济南市公安局 issues the ID card with the portrait (examples/src/demo.rs AUTHORITIES[0]).
PSB = {"label": "济南市公安局", "name_zh": "济南市公安局", "name_en": "Jinan Municipal Public Security Bureau",
       "code": "11370100004307520K", "region": "370100", "types": ["11100000000013338W901"],
       "not_before": 1577836800}

ID_CARD_WITH_PORTRAIT = json.dumps({
    "type": "cn.resident-id-card", "license_number": "370102199003070016",
    "valid_from": "2020-05-12", "valid_until": "2040-05-12",
    "fields": {"name": "张三", "sex": "男", "ethnicity": "汉族", "birth_date": "1990-03-07",
               "address": "山东省济南市历下区泉城路180号", "id_number": "370102199003070016",
               "authority": "济南市公安局历下分局", "portrait": base64.b64encode(FACE).decode()},
}, ensure_ascii=False)


def demo_seed(label):
    """A public demo seed, derived as examples/src/demo.rs does."""
    half = lambda n: hashlib.sha256(f"liangzheng demo seed {n} {label}".encode()).digest()[:16]
    return half(1) + half(2)


class Demo:
    """Issuers of the fixture, a trust list for them signed by the demo root, the hotel's wallet."""

    def __init__(self):
        self.root = lz.SigningKey.from_ed25519_seed(demo_seed(FIXTURE["root_label"]))
        self.authorities = FIXTURE["authorities"] + [PSB]
        self.issuers = [lz.Issuer.from_seed(demo_seed(a["label"]), a["name_zh"], a["code"])
                        for a in self.authorities]
        entries = [lz.TrustListEntry(public_key=i.public_key(), name_zh=a["name_zh"], name_en=a["name_en"],
                                     code=a["code"], region=a["region"], types=a["types"],
                                     not_before=a["not_before"], not_after=None)
                   for a, i in zip(self.authorities, self.issuers)]
        self.trust_list = lz.sign_trust_list(entries, FIXTURE["trust_list_issued_at"],
                                             FIXTURE["trust_list_expires"], self.root)
        self.root_key = self.root.public_key_spki()
        self.wallet = lz.Wallet.from_ed25519_seed(demo_seed(FIXTURE["holder_label"]))

    def verifier(self):
        return lz.Verifier(self.trust_list, self.root_key)

    def add(self, member):
        """Issues a fixture member (authority index + claims) to the wallet; returns its index."""
        issuer = self.issuers[member["authority"]]
        return self.wallet.add(issuer.issue(member["claims_json"], self.wallet.holder_key(), NOW - 3600))

    def add_portrait_id_card(self):
        return self.wallet.add(self.issuers[-1].issue(ID_CARD_WITH_PORTRAIT, self.wallet.holder_key(), NOW - 3600))


def policy(now=NOW + 5):
    """The default policy; status lists are not part of this demo, so lenient."""
    p = lz.default_policy(now)
    p.status = lz.StatusMode.LENIENT
    return p


def lossy_shuffle(frames, seed, loss=0.3):
    """The frames a counter camera catches: a seeded 30% dropped, the rest shuffled."""
    rng = random.Random(seed)
    kept = [f for f in frames if rng.random() >= loss]
    rng.shuffle(kept)
    return kept


_B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"


def b45decode(text):
    """RFC 9285 Base45 (for forging a frame the way an attacker would)."""
    out = bytearray()
    for i in range(0, len(text), 3):
        chunk = [_B45.index(c) for c in text[i:i + 3]]
        n = sum(v * 45 ** k for k, v in enumerate(chunk))
        out += n.to_bytes(2 if len(chunk) == 3 else 1, "big")
    return bytes(out)


def b45encode(data):
    out = []
    for i in range(0, len(data), 2):
        chunk = data[i:i + 2]
        n = int.from_bytes(chunk, "big")
        digits = 3 if len(chunk) == 2 else 2
        for _ in range(digits):
            n, r = divmod(n, 45)
            out.append(_B45[r])
    return "".join(out)


def forge(frame_text, byte=40):
    """The frame with one byte of its symbol changed (header intact: 25 bytes after LZ1F:)."""
    raw = bytearray(b45decode(frame_text[len("LZ1F:"):]))
    assert len(raw) > byte >= 25
    raw[byte] ^= 0x5A
    return "LZ1F:" + b45encode(bytes(raw))
