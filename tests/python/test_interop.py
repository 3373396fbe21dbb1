"""Independent verifier written from docs/FORMAT.md alone.

Uses only cbor2 (CBOR), cryptography (Ed25519, P-256, SHA-256) and gmssl
(SM2, SM3: pure Python, an implementation independent of RustCrypto's; pyca
cryptography has SM3 but no SM2) plus the standard library (zlib, Base45
written here from RFC 9285). It never imports our code: if FORMAT.md were
wrong or incomplete, these tests would fail.
"""

import base64
import datetime
import glob
import hashlib
import json
import os
import zlib

import cbor2
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from gmssl import func as gm_func
from gmssl import sm2 as gm_sm2
from gmssl import sm3 as gm_sm3

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CASES = sorted(glob.glob(os.path.join(ROOT, "test-vectors", "cases", "*.json")))
B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"


class Reject(Exception):
    """The independent verifier refuses the input; args[0] is a FORMAT.md error code."""


def b64u(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def base45_decode(text):
    out = bytearray()
    if len(text) % 3 == 1:
        raise Reject("malformed_qr")
    for i in range(0, len(text), 3):
        chunk = text[i : i + 3]
        try:
            vals = [B45.index(c) for c in chunk]
        except ValueError:
            raise Reject("malformed_qr")
        n = sum(v * 45**k for k, v in enumerate(vals))
        if len(chunk) == 3:
            if n > 0xFFFF:
                raise Reject("malformed_qr")
            out += bytes([n >> 8, n & 0xFF])
        else:
            if n > 0xFF:
                raise Reject("malformed_qr")
            out.append(n)
    return bytes(out)


def deterministic(data):
    """FORMAT.md §1: decode, re-encode canonically, require the same bytes."""
    try:
        value = cbor2.loads(data)
    except Exception:
        raise Reject("malformed_credential")
    # cbor2 decodes tag 100 (RFC 8943 days) to a date; datetime_as_timestamp
    # makes it encode dates back as tag 100.
    if cbor2.dumps(value, canonical=True, datetime_as_timestamp=True) != data:
        raise Reject("malformed_credential")
    # §1.1 item 2: no floats, no bignums (cbor2 turns tags 2/3 into ints).
    if data_has_float_or_bignum(value):
        raise Reject("malformed_credential")
    return value


def data_has_float_or_bignum(value):
    if isinstance(value, float):
        return True
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, int):
        return not -(1 << 64) <= value < (1 << 64)
    if isinstance(value, (list, tuple)):
        return any(data_has_float_or_bignum(v) for v in value)
    if isinstance(value, dict):
        return any(data_has_float_or_bignum(k) or data_has_float_or_bignum(v) for k, v in value.items())
    if isinstance(value, cbor2.CBORTag):
        return value.tag in (2, 3) or data_has_float_or_bignum(value.value)
    return False


def qr_body(text):
    """FORMAT.md §2."""
    text = text.rstrip("\r\n")
    # §1.3: the limit counts bytes of the text after the trailing CR/LF is stripped.
    if len(text.encode("utf-8")) > 4296:
        raise Reject("malformed_qr")
    if not any(c.isupper() for c in text):
        text = text.upper()
    prefix, sep, rest = text.partition(":")
    if not sep or prefix not in ("LZ1P", "LZ1PZ", "LZ1R", "LZ1RZ"):
        raise Reject("malformed_qr")
    body = base45_decode(rest)
    if prefix.endswith("Z"):
        d = zlib.decompressobj()
        body = d.decompress(body, 8193)
        if len(body) > 8192 or not d.eof:
            raise Reject("malformed_qr")
    return prefix[3], body


# FORMAT.md "Algorithm suites": COSE id -> (signature algorithm, suite digest).
# Emitted ids are RFC 9864's fully specified -19 / -9; -8 / -7 are accepted on input.
ALGS = {-19: "ed25519", -8: "ed25519", -9: "es256", -7: "es256", -66037: "sm2"}


def suite_digest(alg):
    """The suite digest of a signature algorithm: SHA-256, or SM3 for SM2."""
    if ALGS[alg] == "sm2":
        return sm3
    return lambda data: hashlib.sha256(data).digest()


def kid_of(pk, alg=-19):
    return suite_digest(alg)(pk)[:8]


def sign1(data, typ=None):
    """FORMAT.md §4: returns (kid, payload, tbs, signature)."""
    msg = deterministic(data)
    if not isinstance(msg, cbor2.CBORTag) or msg.tag != 18 or len(msg.value) != 4:
        raise Reject("malformed_credential")
    protected, unprotected, payload, sig = msg.value
    header = deterministic(protected)  # §1.1 holds for the protected header too
    if not isinstance(header, dict) or 1 not in header:
        raise Reject("malformed_credential")  # §4: alg only in the protected header
    if header.get(1) not in ALGS:
        raise Reject("unsupported_algorithm")
    allowed = {1, 4} | ({16} if typ else set())
    if set(header) - allowed or header.get(16) != typ or unprotected != {}:
        raise Reject("malformed_credential")
    tbs = cbor2.dumps(["Signature1", protected, b"", payload], canonical=True)
    return header[4], payload, tbs, sig, header[1]


P256_N = int("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16)


def es256_ok(point, sig, msg):
    """Plain ES256 over msg (§3): r‖s, 0 < r < n, low S only (0 < s ≤ n/2)."""
    if len(sig) != 64:
        return False
    s = int.from_bytes(sig[32:], "big")
    if not (0 < s <= P256_N // 2):
        return False
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    der = encode_dss_signature(int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big"))
    try:
        key.verify(der, msg, ec.ECDSA(hashes.SHA256()))
        return True
    except InvalidSignature:
        return False


def signature_ok(key_alg, header_alg, pk, sig, msg):
    """A key verifies only signatures of its own algorithm (FORMAT.md "Algorithm suites")."""
    if ALGS[key_alg] != ALGS[header_alg]:
        return False
    if ALGS[key_alg] == "ed25519":
        return ed25519_ok(pk, sig, msg)
    if ALGS[key_alg] == "es256":
        return es256_ok(pk, sig, msg)
    return sm2_ok(pk, sig, msg)


def entry_kid(e):
    """Key id of a trust-list entry: suite digest of its key bytes (member 1), alg in member 9."""
    return kid_of(e[1], e[9])


SM2_P = int("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF", 16)
SM2_A = SM2_P - 3
SM2_B = int("28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93", 16)
SM2_N = int("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123", 16)


def sm3(data):
    """SM3 (GB/T 32905) by gmssl."""
    return bytes.fromhex(gm_sm3.sm3_hash(gm_func.bytes_to_list(data)))


def sm2_point(pk):
    """An SM2 public key as (x, y) ints: 65-byte uncompressed SEC1, or 33-byte compressed
    (y recovered: p ≡ 3 mod 4, so y = (x³+ax+b)^((p+1)/4)). Off-curve points are refused."""
    if len(pk) == 65 and pk[0] == 4:
        x, y = int.from_bytes(pk[1:33], "big"), int.from_bytes(pk[33:], "big")
    elif len(pk) == 33 and pk[0] in (2, 3):
        x = int.from_bytes(pk[1:], "big")
        rhs = (x * x * x + SM2_A * x + SM2_B) % SM2_P
        y = pow(rhs, (SM2_P + 1) // 4, SM2_P)
        if y % 2 != pk[0] - 2:
            y = SM2_P - y
    else:
        raise Reject("malformed_credential")
    if x >= SM2_P or y >= SM2_P or (y * y - (x * x * x + SM2_A * x + SM2_B)) % SM2_P != 0:
        raise Reject("malformed_credential")
    return x, y


def sm2_ok(pk, sig, msg):
    """SM2 signature (GB/T 32918.2 §7, SM3, default user id 1234567812345678 of GM/T 0009 in
    Z_A) of raw r‖s over msg, verified by gmssl. gmssl checks neither the range of r and s
    nor that the key is on the curve, so both are checked here (B1, B2 of §7.1)."""
    if len(sig) != 64:
        return False
    r, s = int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big")
    if not (1 <= r < SM2_N and 1 <= s < SM2_N):
        return False
    x, y = sm2_point(pk)
    crypt = gm_sm2.CryptSM2(private_key=None, public_key="00")
    # Set the key after construction: gmssl's constructor lstrip("04")s the hex, which eats
    # the leading digits of an x coordinate that begins with 0 or 4.
    crypt.public_key = "%064x%064x" % (x, y)
    return bool(crypt.verify_with_sm3(sig.hex(), msg))


def ed25519_ok(pk, sig, msg):
    try:
        Ed25519PublicKey.from_public_bytes(pk).verify(sig, msg)
        return True
    except InvalidSignature:
        return False


def holder_ok(cose_key, sig, msg):
    if cose_key.get(1) == 1 and cose_key.get(-1) == 6:
        return ed25519_ok(cose_key[-2], sig, msg)
    if cose_key.get(1) == 2 and cose_key.get(-1) == 1:
        return es256_ok(bytes([3 if cose_key[-3] else 2]) + cose_key[-2], sig, msg)
    if cose_key.get(1) == 2 and cose_key.get(-1) == -65837:
        return sm2_ok(bytes([3 if cose_key[-3] else 2]) + cose_key[-2], sig, msg)
    raise Reject("malformed_credential")


def load_trust(case):
    root = b64u(case["input"]["root_public_key"])
    root_alg = case["input"].get("root_key_alg", -19)
    kid, payload, tbs, sig, alg = sign1(b64u(case["input"]["trust_list"]), "application/lz-trust-list+cbor")
    if kid != kid_of(root, root_alg):
        raise Reject("wrong_root")
    if not signature_ok(root_alg, alg, root, sig, tbs):
        raise Reject("bad_signature")
    trust = deterministic(payload)
    # FORMAT.md §9: one key, one entry.
    keys = [e[1] for e in trust[4]]
    if len(set(keys)) != len(keys):
        raise Reject("duplicate_key")
    return trust


# FORMAT.md §6 "Built-in field ids": the views of each type, view id -> field ids.
VIEWS = {
    "11100000000013338W901": {1: {3, 8}, 2: {3}},
    "11100000000013338W902": {1: {3, 4, 6}},
    "11100000000013338W903": {1: {3, 7}},
}
VIEWS.update({
    # FORMAT.md §15: the permit types' views.
    "11100000000013338W911": {1: {3, 4, 8, 9}},
    "11100000000013338W912": {1: {3, 4, 7}},
    "11100000000013338W913": {1: {3, 4, 7}},
})
# FORMAT.md §6 / §6.3: fields of kind image:jpeg, with the type file's profile
# (max_bytes, max_width, max_height): 居民身份证 field 10 照片, the defaults.
IMAGE_FIELDS = {("11100000000013338W901", 10): (3072, 160, 200)}
# FORMAT.md §6: types whose credentials must carry cnf (居民身份证, 健康证明).
HOLDER_BINDING_REQUIRED = {"11100000000013338W901", "11100000000013338W903"}
# FORMAT.md §9: a status list with neither ttl nor exp is current for one day.
DEFAULT_STATUS_MAX_AGE = 86_400
# FORMAT.md §6.1: the ID-card term fits the age on some day of the 90 days
# up to and including the start of validity (the application).
APPLICATION_WINDOW_DAYS = 90
CST = datetime.timezone(datetime.timedelta(hours=8))


def cst_date(seconds):
    return datetime.datetime.fromtimestamp(seconds, CST).date()


def age_on(birth, day):
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def add_years(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # February 29 → February 28
        return day.replace(year=day.year + years, day=28)


def term_for_age(age):
    return 5 if age <= 15 else 10 if age <= 25 else 20 if age <= 45 else None


def as_date(v):
    if isinstance(v, cbor2.CBORTag) and v.tag == 100:
        return datetime.date(1970, 1, 1) + datetime.timedelta(days=v.value)
    if isinstance(v, datetime.date):
        return v
    raise Reject("invalid_field_value")


def check_id_card_rules(claims, values):
    """FORMAT.md §6.1 rules of the 居民身份证 (fields 6 出生, 8 公民身份号码)."""
    if 6 not in values:
        return
    birth = as_date(values[6])
    if 8 in values and values[8][6:14] != birth.strftime("%Y%m%d"):
        raise Reject("rule_violated")  # citizen_id_birth_date
    start = cst_date(claims[5])
    end = cst_date(claims[4] - 1) if 4 in claims else None  # exp is the day after the last day
    window_start = start - datetime.timedelta(days=APPLICATION_WINDOW_DAYS)
    ages = {age_on(birth, start), max(age_on(birth, window_start), 0)}
    ok = False
    for age in ages:
        years = term_for_age(age)
        if (years is None and end is None) or (years is not None and end == add_years(start, years)):
            ok = True
    if start < birth or not ok:
        raise Reject("rule_violated")  # id_card_term


def status_of(case, issuer, list_no, index, now):
    uri = "urn:liangzheng:status:%s:%d" % (issuer[4], list_no)
    for token in case["input"]["status_lists"]:
        kid, payload, tbs, sig, alg = sign1(b64u(token), "application/statuslist+cwt")
        claims = deterministic(payload)
        if claims.get(2) != uri:
            continue
        return claims, kid, tbs, sig, alg
    return None


def verify(case, trust):
    """Returns the disclosed values {field id: value}; raises Reject(code)."""
    kind, body = qr_body(case["input"]["qr_text"])
    if kind != "P":
        raise Reject("not_a_presentation")
    return verify_presentation(case, trust, deterministic(body))


def verify_presentation(case, trust, pres, bundle_transcript=None):
    """FORMAT.md §11 over a parsed presentation [credential, disclosures, proof].

    `bundle_transcript`: for a member of a 一照通 bundle (§15), the bytes the
    bundle's one holder signature covers, instead of the §7 transcript."""
    now = case["input"]["now"]
    skew = case["input"]["policy"]["skew_secs"]
    cred_bytes, disclosures, proof = pres
    kid, payload, tbs, sig, alg = sign1(cred_bytes)
    digest = suite_digest(alg)
    claims = deterministic(payload)
    issuer = next((e for e in trust[4] if entry_kid(e) == kid), None)
    if issuer is None:
        raise Reject("unknown_issuer")
    # Indeterminate outcomes are reported only when nothing fails (FORMAT.md §11).
    undecided = None
    if 3 in trust and now > trust[3]:  # §9: no skew added to list expiry
        undecided = "trust_list_expired"
    lz = claims[-65537]
    if lz[1] not in issuer[6]:
        raise Reject("issuer_not_authorized_for_type")
    if not (issuer[7] <= claims[6] <= issuer.get(8, claims[6])):
        raise Reject("key_not_valid_at_issuance")
    if ALGS[issuer[9]] != ALGS[alg]:
        raise Reject("key_algorithm_mismatch")
    if not signature_ok(issuer[9], alg, issuer[1], sig, tbs):
        raise Reject("bad_issuer_signature")
    if claims[5] > now + skew:
        raise Reject("not_yet_valid")
    if 4 in claims and now >= claims[4] + skew:  # §5: exp is exclusive
        raise Reject("expired")
    digests = {lz[2][i : i + 16] for i in range(0, len(lz[2]), 16)}
    view = None
    if 4 in lz:
        view = VIEWS.get(lz[1], {}).get(lz[4])
        if view is None:
            raise Reject("unknown_view")
    values = {}
    previous = None
    for d in disclosures:
        if digest(d)[:16] not in digests:
            raise Reject("disclosure_not_signed")
        salt, field_id, value = deterministic(d)
        assert len(salt) == 16
        if field_id in values:
            raise Reject("duplicate_disclosure")
        if previous is not None and field_id < previous:
            raise Reject("disclosures_out_of_order")  # §7: ascending field id
        previous = field_id
        if view is not None and field_id not in view:
            raise Reject("field_not_in_view")
        if (lz[1], field_id) in IMAGE_FIELDS:
            # §6.3: the image is checked before anything else touches it.
            problem = jpeg_profile_problem(value, IMAGE_FIELDS[(lz[1], field_id)])
            if problem is not None:
                raise Reject("invalid_image", problem)
        values[field_id] = value
    if lz[1] == "11100000000013338W901":
        check_id_card_rules(claims, values)
    if 8 not in claims and lz[1] in HOLDER_BINDING_REQUIRED:
        raise Reject("holder_binding_required_by_type")
    if 8 in claims:
        if proof is None:
            raise Reject("holder_proof_missing")
        time, lifetime, hsig = proof[0], proof[1], proof[2]
        if len(proof) == 4:
            raise Reject("request bound: not covered by this independent verifier")
        transcript = bundle_transcript
        if transcript is None:
            transcript = cbor2.dumps(
                ["LZ1-presentation", digest(cred_bytes), sorted(values), time, lifetime, None],
                canonical=True,
            )
        if not holder_ok(claims[8][1], hsig, transcript):
            raise Reject("bad_holder_signature")
        if time > now + skew:
            raise Reject("from_future")
        if now - time > min(lifetime, case["input"]["policy"]["max_presentation_age_secs"]) + skew:
            raise Reject("stale")
    if undecided:
        raise Reject(undecided)
    if 3 in lz:
        found = status_of(case, issuer, lz[3][0], lz[3][1], now)
        if found is None:
            if case["input"]["policy"]["status"] == "lenient":
                return values
            raise Reject("status_list_missing")
        st, skid, stbs, ssig, salg = found
        signer = next(
            (e for e in trust[4] if entry_kid(e) == skid and e[4] == issuer[4]), None
        )
        if signer is None or not signature_ok(signer[9], salg, signer[1], ssig, stbs):
            raise Reject("status_list_invalid")
        # §9: current while now <= iat + ttl and now <= exp (no skew); with
        # neither ttl nor exp, for DEFAULT_STATUS_MAX_AGE seconds.
        ttl = st.get(65534, DEFAULT_STATUS_MAX_AGE if 4 not in st else None)
        if (ttl is not None and now > st[6] + ttl) or (4 in st and now > st[4]):
            raise Reject("status_list_expired")
        bits = st[65533]["bits"]
        if bits not in (1, 2, 4, 8):  # §9: any other width makes the token invalid
            raise Reject("status_list_invalid")
        lst = zlib.decompress(st[65533]["lst"])
        idx = lz[3][1]
        byte = lst[idx * bits // 8]
        status = (byte >> ((idx * bits) % 8)) & ((1 << bits) - 1)
        if status == 1:
            raise Reject("revoked")
        if status == 2:
            raise Reject("suspended")
    return values


def jpeg_profile_problem(data, profile):
    """FORMAT.md §6.3, by marker segments only: None if `data` fits the
    portrait profile, else the failure code."""
    max_bytes, max_width, max_height = profile
    if not isinstance(data, bytes):
        return "not_jpeg"
    if len(data) > max_bytes:
        return "too_large"  # checked first
    if len(data) < 118 or data[:2] != b"\xff\xd8":
        return "not_jpeg"
    pos = 2
    frame = None  # (width, height, components)
    have_dqt = have_dht = False
    while True:
        if pos + 4 > len(data):
            return "truncated"
        if data[pos] != 0xFF:
            return "bad_segment"  # no fill bytes: a marker starts here
        marker = data[pos + 1]
        if marker in (0x00, 0x01, 0xFF) or 0xD0 <= marker <= 0xD9:
            return "unsupported_marker"  # standalone markers before the scan
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        if length < 2:
            return "bad_segment"
        end = pos + 2 + length
        if end > len(data):
            return "truncated"
        body = data[pos + 4 : end]
        if marker == 0xE0:
            if frame is not None or have_dqt or have_dht:
                return "metadata"  # APP0 only as the first segments
        elif 0xE1 <= marker <= 0xEF or marker == 0xFE:
            return "metadata"
        elif marker == 0xDB:  # DQT: Pq = 0, Tq <= 3, 64 bytes each
            if not body:
                return "bad_segment"
            i = 0
            while i < len(body):
                pq, tq = body[i] >> 4, body[i] & 15
                if pq != 0 or tq > 3 or i + 65 > len(body):
                    return "bad_segment"
                i += 65
            have_dqt = True
        elif marker == 0xC4:  # DHT: Tc <= 1, Th <= 1, 1 <= sum of counts <= 256
            if not body:
                return "bad_segment"
            i = 0
            while i < len(body):
                tc, th = body[i] >> 4, body[i] & 15
                if i + 17 > len(body):
                    return "bad_segment"
                total = sum(body[i + 1 : i + 17])
                if tc > 1 or th > 1 or not 1 <= total <= 256 or i + 17 + total > len(body):
                    return "bad_segment"
                i += 17 + total
            have_dht = True
        elif marker == 0xDD:  # DRI
            if length != 4:
                return "bad_segment"
        elif marker == 0xC0:  # SOF0, exactly one
            if frame is not None:
                return "bad_scan"
            if len(body) < 6:
                return "bad_frame_header"
            p, height, width, nf = body[0], int.from_bytes(body[1:3], "big"), int.from_bytes(body[3:5], "big"), body[5]
            comps = body[6:]
            if p != 8 or nf not in (1, 3) or len(comps) != 3 * nf:
                return "bad_frame_header"
            ids = [comps[3 * c] for c in range(nf)]
            for c in range(nf):
                h, v, tq = comps[3 * c + 1] >> 4, comps[3 * c + 1] & 15, comps[3 * c + 2]
                if h not in (1, 2) or v not in (1, 2) or tq > 3:
                    return "bad_frame_header"
            if len(set(ids)) != nf:
                return "bad_frame_header"
            if not (32 <= width <= max_width and 32 <= height <= max_height):
                return "dimensions"  # a height of 0 (DNL) included
            frame = (width, height, nf)
        elif marker == 0xDA:  # SOS, after SOF0 and the tables
            if frame is None or not have_dqt or not have_dht:
                return "missing_tables"
            ns = body[0] if body else 0
            if ns != frame[2] or len(body) != 1 + 2 * ns + 3:
                return "bad_scan"
            for c in range(ns):
                td, ta = body[2 + 2 * c] >> 4, body[2 + 2 * c] & 15
                if td > 1 or ta > 1:
                    return "bad_scan"
            if body[1 + 2 * ns :] != b"\x00\x3f\x00":  # Ss = 0, Se = 63, Ah = Al = 0
                return "bad_scan"
            return entropy_problem(data, end)
        else:
            return "unsupported_marker"  # SOF1/2/3, SOF9.., DAC, DNL, ...
        pos = end


def entropy_problem(data, start):
    """§6.3 entropy data: the file ends with EOI; before it, non-empty, FF only as FF 00 or FF D0-D7."""
    if len(data) < start + 2 or data[-2:] != b"\xff\xd9":
        return "truncated"
    scan = data[start:-2]
    if not scan:
        return "truncated"
    i = 0
    while i < len(scan):
        if scan[i] == 0xFF:
            nxt = scan[i + 1] if i + 1 < len(scan) else None
            if nxt is None or not (nxt == 0 or 0xD0 <= nxt <= 0xD7):
                return "bad_entropy_data"
            i += 2
        else:
            i += 1
    return None


def jpeg_size(data):
    """(width, height) from the SOF0 of an image the profile accepted."""
    pos = 2
    while True:
        marker, length = data[pos + 1], int.from_bytes(data[pos + 2 : pos + 4], "big")
        if marker == 0xC0:
            return int.from_bytes(data[pos + 7 : pos + 9], "big"), int.from_bytes(data[pos + 5 : pos + 7], "big")
        pos += 2 + length


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def test_vectors_exist():
    assert len(CASES) >= 40


@pytest.mark.parametrize("path", [p for p in CASES if load(p)["expected"]["verdict"] == "valid" and not load(p)["input"]["request"]])
def test_independent_verifier_accepts_valid_vectors(path):
    case = load(path)
    trust = load_trust(case)
    values = verify(case, trust)
    expected = {f["key"]: f["value"] for f in case["expected"]["fields"]}
    # Text values are shown as-is: they must match byte for byte.
    texts = [v for v in values.values() if isinstance(v, str)]
    for t in texts:
        assert t in expected.values()
    assert len(values) == len(expected)


CODES_WE_CHECK = {
    "unknown_issuer", "issuer_not_authorized_for_type", "key_not_valid_at_issuance",
    "bad_issuer_signature", "not_yet_valid", "expired", "disclosure_not_signed",
    "duplicate_disclosure", "holder_proof_missing", "bad_holder_signature", "stale",
    "from_future", "revoked", "suspended", "status_list_missing", "status_list_expired",
    "status_list_invalid", "malformed_qr", "malformed_credential", "unsupported_algorithm",
    "key_algorithm_mismatch",
    "not_a_presentation", "trust_list_expired", "rule_violated",
    "holder_binding_required_by_type",
    "disclosures_out_of_order", "unknown_view", "field_not_in_view",
}


@pytest.mark.parametrize("path", [p for p in CASES if load(p)["expected"]["error_code"] in CODES_WE_CHECK and not load(p)["input"]["request"]])
def test_independent_verifier_rejects_for_the_same_reason(path):
    case = load(path)
    trust = load_trust(case)
    with pytest.raises(Reject) as err:
        verify(case, trust)
    assert err.value.args[0] == case["expected"]["error_code"]


@pytest.mark.parametrize("path", [p for p in CASES if load(p)["expected"]["trust_list_error"]])
def test_independent_trust_list_check(path):
    case = load(path)
    with pytest.raises(Reject) as err:
        load_trust(case)
    assert err.value.args[0] == case["expected"]["trust_list_error"]


def test_worked_example_in_format_md():
    case = load(os.path.join(ROOT, "test-vectors", "cases", "id-card-identity-view-valid.json"))
    kind, body = qr_body(case["input"]["qr_text"])
    assert len(body) == 364
    cred = cbor2.loads(body)[0]
    assert cred[:2].hex() == "d284"
    assert cbor2.loads(cred).value[0].hex() == "a2013204487125cfd5480bbf9e"


# GM/T 0003.5-2012 / GB/T 32918.5-2017 Appendix A (recommended curve, id 1234567812345678).
GMT_PUB = bytes.fromhex(
    "04"
    "09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020"
    "CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13"
)
GMT_SIG = bytes.fromhex(
    "F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3"
    "B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA"
)


def test_gmssl_reproduces_the_standards_examples():
    """The SM2/SM3 used above is checked against the standards, not against our code."""
    assert sm3(b"abc").hex() == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert sm3(b"abcd" * 16).hex() == "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
    assert sm2_ok(GMT_PUB, GMT_SIG, b"message digest")
    assert not sm2_ok(GMT_PUB, GMT_SIG, b"message digesT")
    assert not sm2_ok(GMT_PUB, GMT_SIG[:63] + bytes([GMT_SIG[63] ^ 1]), b"message digest")
    # Compressed form of the same key (y is odd: 0x...13).
    assert sm2_ok(bytes([3]) + GMT_PUB[1:33], GMT_SIG, b"message digest")
    # Out-of-range r or s (r = n, s = 0) and an off-curve key are refused, not crashed on.
    assert not sm2_ok(GMT_PUB, SM2_N.to_bytes(32, "big") + GMT_SIG[32:], b"message digest")
    assert not sm2_ok(GMT_PUB, GMT_SIG[:32] + bytes(32), b"message digest")
    with pytest.raises(Reject):
        sm2_point(GMT_PUB[:64] + bytes([GMT_PUB[64] ^ 1]))


def test_sm2_vectors_are_run_here():
    """Issue 10: the SM2 + SM3 vectors exist and go through gmssl above (valid and refused)."""
    sm2 = [p for p in CASES if os.path.basename(p).startswith(("sm2-", "ed25519-signature-under-sm2"))]
    assert len(sm2) >= 9, sm2
    valid = load(os.path.join(ROOT, "test-vectors", "cases", "sm2-id-card-identity-view-valid.json"))
    assert valid["input"]["root_key_alg"] == -66037
    kid, payload, tbs, sig, alg = sign1(qr_body_credential(valid))
    assert ALGS[alg] == "sm2"
    trust = load_trust(valid)
    issuer = next(e for e in trust[4] if entry_kid(e) == kid)
    assert ALGS[issuer[9]] == "sm2"
    assert sm2_ok(issuer[1], sig, tbs)
    assert not sm2_ok(issuer[1], sig[:63] + bytes([sig[63] ^ 1]), tbs)


def qr_body_credential(case):
    kind, body = qr_body(case["input"]["qr_text"])
    return deterministic(body)[0]


@pytest.mark.parametrize(
    "hexdata",
    [
        "fb3ff0000000000000",  # 1.0 as float64
        "f93c00",  # 1.0 as float16
        "c249010000000000000000",  # bignum 2^64
        "c34100",  # negative bignum -1 (tag 3 around one byte)
        "a1fb3ff00000000000000001",  # a float map key
    ],
)
def test_deterministic_refuses_floats_and_bignums(hexdata):
    with pytest.raises(Reject):
        deterministic(bytes.fromhex(hexdata))
