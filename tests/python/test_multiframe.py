"""Independent check of FORMAT.md §6.3 (portrait profile), §14 (multi-frame
codes) and §15 (一照通 bundles), written from the document alone.

Frames are assembled here by a second implementation of §14.4: the frame
header and its bounds, the lock on one message id, the hash check. A frame
set that holds every source symbol (ESI < K) is decoded by the systematic
property alone (the source symbols *are* the message); any other set goes
through an independent RFC 6330 decoder, pyraptorq (a ctypes binding to the
C++ RaptorQ of the TON project, `td::raptorq`; not the Rust `raptorq` crate
our library uses). When both paths apply they must agree. The verification
of presentations is `test_interop.verify_presentation` (cbor2, cryptography,
gmssl). Portrait verdicts are compared with Pillow's decoder as a sanity check.
"""

import glob
import hashlib
import io
import json
import os
import platform
import zlib

import cbor2
import pytest
from PIL import Image
import pyraptorq
from pyraptorq import Decoder as RaptorQDecoder
from pyraptorq import RaptorQCppEngine

import test_interop as iv

ROOT = iv.ROOT
MULTI = sorted(glob.glob(os.path.join(ROOT, "test-vectors", "multiframe", "*.json")))

# §14.3 / §14.4 limits.
MAX_MESSAGE = 65_536
MIN_T, MAX_T = 16, 2048
MAX_K = 1024
MAX_INDEX = (1 << 23) - 1
EXTRA_FRAMES = 16
SWITCH_AFTER_FOREIGN = 20
HEADER = 25

# pyraptorq ships its prebuilt library in the wheel; load it by path (its own
# default() goes through the deprecated pkg_resources).
RAPTORQ = RaptorQCppEngine(
    os.path.join(os.path.dirname(pyraptorq.__file__), "distlib", "linux",
                 "libpyraptorq.%s.so" % platform.machine().lower())
)


class FrameReject(Exception):
    """A frame, or the assembly, fails; args[0] is the FORMAT.md §14.4 code."""


def parse_frame(text):
    """FORMAT.md §14.3: header checked against the bounds before the symbol is taken."""
    text = text.rstrip("\r\n")
    if len(text.encode("utf-8")) > 4296:
        raise FrameReject("too_long")
    if not text:
        raise FrameReject("empty")
    if not any(c.isupper() for c in text):
        text = text.upper()
    if not text.startswith("LZ1F:"):
        raise FrameReject("not_a_frame")
    try:
        raw = iv.base45_decode(text[5:])
    except iv.Reject:
        raise FrameReject("bad_base45")
    if len(raw) < HEADER:
        raise FrameReject("truncated")
    mid = raw[:16]
    length = int.from_bytes(raw[16:20], "big")
    t = int.from_bytes(raw[20:22], "big")
    index = int.from_bytes(raw[22:25], "big")
    if not 1 <= length <= MAX_MESSAGE:
        raise FrameReject("bad_message_length")
    if not MIN_T <= t <= MAX_T:
        raise FrameReject("bad_symbol_size")
    k = -(-length // t)
    if k > MAX_K:
        raise FrameReject("too_many_symbols")
    if index > MAX_INDEX:
        raise FrameReject("bad_index")
    if len(raw) != HEADER + t:
        raise FrameReject("truncated")
    return mid, length, t, k, index, raw[HEADER:]


DECODER_USED = {"systematic": 0, "raptorq": 0, "both": 0}


def decode(held, length, t, k):
    """The K·T-byte source block from the held symbols, or None if they do not decode yet."""
    systematic = None
    if all(i in held for i in range(k)):
        systematic = b"".join(held[i] for i in range(k))
    needs_raptorq = systematic is None or any(i >= k for i in held)
    from_raptorq = None
    if needs_raptorq:
        dec = RaptorQDecoder(k, t, k * t, RAPTORQ)
        for i, sym in sorted(held.items()):
            dec.add_symbol(i, sym)
        if dec.may_try_decode():
            from_raptorq = dec.try_decode()
    if systematic is not None and from_raptorq is not None:
        # Two independent decodings of the same symbols.
        assert from_raptorq == systematic
        DECODER_USED["both"] += 1
    if systematic is not None:
        DECODER_USED["systematic"] += 1
        return systematic
    if from_raptorq is not None:
        DECODER_USED["raptorq"] += 1
    return from_raptorq


def parse_message(message):
    """§14.1: kind, flags, body (inflated with a hard limit, no trailing bytes)."""
    if len(message) < 2 or message[0] not in b"PRB":
        raise FrameReject("bad_message")
    kind, flags, body = chr(message[0]), message[1], message[2:]
    if flags == 1:
        d = zlib.decompressobj()
        try:
            body = d.decompress(body, MAX_MESSAGE + 1)
        except zlib.error:
            raise FrameReject("bad_body")
        if len(body) > MAX_MESSAGE or not d.eof or d.unused_data:
            raise FrameReject("bad_body")
    elif flags != 0:
        raise FrameReject("bad_message")
    return kind, body


class Assembler:
    """FORMAT.md §14.4."""

    def __init__(self):
        self.current = None
        self.completed = None

    def _start(self, frame):
        mid, length, t, k, index, sym = frame
        self.current = {"id": mid, "L": length, "T": t, "K": k, "held": {index: sym}, "foreign": 0}
        return self._after_new_frame()

    def push(self, text):
        frame = parse_frame(text)
        mid, length, t, k, index, sym = frame
        if mid == self.completed:
            return "already_complete", None
        cur = self.current
        if cur is None:
            return self._start(frame)
        if mid != cur["id"]:
            cur["foreign"] += 1
            if cur["foreign"] < SWITCH_AFTER_FOREIGN:
                return "other_code", None
            return self._start(frame)
        cur["foreign"] = 0
        if length != cur["L"] or t != cur["T"]:
            raise FrameReject("inconsistent_header")
        if index in cur["held"]:
            if cur["held"][index] == sym:
                return "duplicate", None
            raise FrameReject("conflicting_frame")
        if len(cur["held"]) >= cur["K"] + EXTRA_FRAMES:
            self.current = None
            raise FrameReject("too_many_frames")
        cur["held"][index] = sym
        return self._after_new_frame()

    def _after_new_frame(self):
        cur = self.current
        if len(cur["held"]) < cur["K"]:
            return "accepted", None
        block = decode(cur["held"], cur["L"], cur["T"], cur["K"])
        if block is None:
            return "accepted", None
        self.current = None
        message, padding = block[: cur["L"]], block[cur["L"] :]
        if any(padding) or hashlib.sha256(message).digest()[:16] != cur["id"]:
            raise FrameReject("hash_mismatch")
        payload = parse_message(message)
        self.completed = cur["id"]
        return "complete", payload


def assemble(frames):
    """Pushes frames until one completes; returns (statuses, payload or None)."""
    asm = Assembler()
    statuses = []
    for text in frames:
        try:
            status, payload = asm.push(text)
        except FrameReject as err:
            statuses.append(err.args[0])
            continue
        statuses.append(status)
        if status == "complete":
            return statuses, payload
    return statuses, None


# FORMAT.md §11: the codes whose outcome is indeterminate rather than failed.
INDETERMINATE = {
    "trust_list_expired", "status_list_missing", "status_list_expired", "status_list_invalid",
    "status_index_out_of_range", "status_unknown", "already_verified",
}
# FORMAT.md §12 / §15: types held by an entity (持证主体代码类型 001) and their
# holder-code field (统一社会信用代码): 营业执照 and the three permit types.
ENTITY_TYPES = {
    "11100000000013338W902": 3,
    "11100000000013338W911": 3,
    "11100000000013338W912": 3,
    "11100000000013338W913": 3,
}


def outcome(case, trust, pres, transcript=None):
    """(verdict, error code or None, values) of one presentation."""
    try:
        values = iv.verify_presentation(case, trust, pres, transcript)
    except iv.Reject as err:
        code = err.args[0]
        return ("indeterminate" if code in INDETERMINATE else "invalid"), code, {}
    return "valid", None, values


def verify_bundle(case, trust, body):
    """FORMAT.md §15: returns {verdict, problems, subject, members: [(verdict, own code, own verdict)]}."""
    malformed = {"verdict": "invalid", "problems": [("malformed_bundle", None)], "members": []}
    if len(body) > MAX_MESSAGE:
        return malformed
    try:
        bundle = iv.deterministic(body)
    except iv.Reject:
        return malformed
    if not (isinstance(bundle, list) and len(bundle) == 2 and isinstance(bundle[0], list)):
        return malformed
    members, proof = bundle
    if not 1 <= len(members) <= 64:
        return malformed
    for m in members:
        if not (isinstance(m, list) and len(m) == 2 and isinstance(m[0], bytes) and isinstance(m[1], list)
                and len(m[1]) <= 64 and all(isinstance(d, bytes) for d in m[1])):
            return malformed
    if proof is not None and not (
        isinstance(proof, list) and len(proof) == 3 and isinstance(proof[0], int)
        and isinstance(proof[1], int) and isinstance(proof[2], bytes) and len(proof[2]) <= 256
    ):
        return malformed
    transcript = None
    if proof is not None:
        # H: the suite digest of the first member's credential.
        _, _, _, _, alg = iv.sign1(members[0][0])
        h = iv.suite_digest(alg)
        entries = []
        for cred, disclosures in members:
            ids = sorted(cbor2.loads(d)[1] for d in disclosures)
            entries.append([h(cred), ids])
        transcript = cbor2.dumps(["LZ1-bundle", entries, proof[0], proof[1]], canonical=True)
    problems = []
    out = []
    subject = None
    for index, (cred, disclosures) in enumerate(members):
        if any(o[0] == cred for o in members[:index]):
            problems.append(("duplicate_member", index))
        verdict, code, values = outcome(case, trust, [cred, disclosures, proof], transcript)
        own_problem = False
        type_code = cbor2.loads(iv.sign1(cred)[1])[-65537][1]
        if type_code not in ENTITY_TYPES:
            problems.append(("not_an_entity", index))
            own_problem = True
        elif verdict != "invalid":
            field = ENTITY_TYPES[type_code]
            if field not in values:
                problems.append(("subject_not_disclosed", index))
                own_problem = True
            elif subject is None:
                subject = values[field]  # the anchor: first member that shows its subject
            elif values[field] != subject:
                problems.append(("subject_mismatch", index))
                own_problem = True
        out.append(("invalid" if own_problem else verdict, code, verdict))
    if problems or any(m[0] == "invalid" for m in out):
        overall = "invalid"
    elif any(m[0] == "indeterminate" for m in out):
        overall = "indeterminate"
    else:
        overall = "valid"
    return {"verdict": overall, "problems": problems, "subject": subject, "members": out,
            "holder_signed": proof is not None}


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def test_multiframe_vectors_exist():
    names = {os.path.basename(p) for p in MULTI}
    for want in [
        "portrait-frames-shuffled-lossy-valid.json", "portrait-frames-repair-only-valid.json",
        "portrait-exif-metadata-signed-by-trusted-key.json", "frames-forged-frame-hash-mismatch.json",
        "frames-truncated-and-padded-frames.json", "frames-two-presentations-mixed.json",
        "bundle-13-members-lossy-frames-valid.json", "bundle-member-of-another-subject.json",
        "bundle-member-dropped-after-signing.json", "bundle-permit-from-unauthorised-department.json",
        "bundle-member-bound-to-another-key.json",
    ]:
        assert want in names, want


@pytest.mark.parametrize("path", MULTI, ids=[os.path.basename(p) for p in MULTI])
def test_independent_assembly_and_verification(path):
    case = load(path)
    assert case["format"] == "liangzheng-frames-vector"
    exp = case["expected"]
    statuses, payload = assemble(case["input"]["frames"])
    assert statuses == exp["statuses"]
    assert (payload is not None) == (exp["assembly"] == "complete")
    if payload is None:
        return
    kind, body = payload
    trust = iv.load_trust(case)
    if kind == "P":
        assert exp["kind"] == "presentation"
        want = exp["presentation"]
        verdict, code, values = outcome(case, trust, iv.deterministic(body))
        assert (verdict, code) == (want["verdict"], want["error_code"])
        if code == "invalid_image":
            with pytest.raises(iv.Reject) as err:
                iv.verify_presentation(case, trust, iv.deterministic(body))
            assert err.value.args[1] == want["image_error"]
        if verdict == "valid":
            texts = {f["value"] for f in want["fields"]}
            assert len(values) == len(want["fields"])
            images = [v for v in values.values() if isinstance(v, bytes)]
            assert len(images) == len(want["images"])
            for v in values.values():
                if isinstance(v, str):
                    assert v in texts
            for img, w in zip(images, want["images"]):
                assert hashlib.sha256(img).hexdigest() == w["sha256"]
                assert iv.jpeg_size(img) == (w["width"], w["height"])
    else:
        assert kind == "B" and exp["kind"] == "bundle"
        want = exp["bundle"]
        got = verify_bundle(case, trust, body)
        assert got["verdict"] == want["verdict"]
        assert got["holder_signed"] == want["holder_signed"]
        assert got["problems"] == [(p["code"], p.get("index")) for p in want["problems"]]
        assert got["subject"] == want["subject_code"]
        assert len(got["members"]) == len(want["members"])
        for (verdict, code, own), m in zip(got["members"], want["members"]):
            assert verdict == m["verdict"]
            assert own == m["report"]["verdict"]
            assert code == m["report"]["error_code"]


def test_both_decoding_paths_were_exercised():
    """The vectors need the RaptorQ decoder (repair frames) and the systematic path,
    and where both apply they agreed (asserted in decode())."""
    for key in DECODER_USED:
        DECODER_USED[key] = 0
    for name in ["portrait-frames-repair-only-valid.json", "portrait-frames-source-in-order-valid.json",
                 "bundle-13-members-lossy-frames-valid.json", "portrait-frames-shuffled-lossy-valid.json"]:
        statuses, payload = assemble(load(os.path.join(ROOT, "test-vectors", "multiframe", name))["input"]["frames"])
        assert payload is not None, name
    assert DECODER_USED["raptorq"] >= 2
    assert DECODER_USED["systematic"] >= 1


def test_pyraptorq_is_rfc6330_systematic_and_independent():
    """The decoder used above reads our frames' repair symbols: repair-only sets decode
    to the source block; a wrong symbol makes the result fail the message hash."""
    case = load(os.path.join(ROOT, "test-vectors", "multiframe", "portrait-frames-repair-only-valid.json"))
    frames = [parse_frame(f) for f in case["input"]["frames"]]
    mid, length, t, k = frames[0][:4]
    assert all(f[4] >= k for f in frames)
    held = {f[4]: f[5] for f in frames}
    block = decode(held, length, t, k)
    assert hashlib.sha256(block[:length]).digest()[:16] == mid
    forged = dict(held)
    first = min(forged)
    forged[first] = bytes([forged[first][0] ^ 1]) + forged[first][1:]
    bad = decode(forged, length, t, k)
    assert bad is None or hashlib.sha256(bad[:length]).digest()[:16] != mid


def portrait_images():
    """(name, image bytes, expected profile code) of every portrait vector."""
    out = []
    for path in MULTI:
        case = load(path)
        if not os.path.basename(path).startswith("portrait-"):
            continue
        _, payload = assemble(case["input"]["frames"])
        pres = iv.deterministic(payload[1])
        for d in pres[1]:
            salt, field_id, value = cbor2.loads(d)
            if field_id == 10:
                out.append((case["name"], value, case["expected"]["presentation"]["image_error"]))
    return out


def test_portrait_profile_agrees_with_the_vectors_and_pillow():
    """§6.3 verdicts against the vectors, and Pillow's decoder as a sanity check: every
    image the profile accepts decodes as a baseline JPEG of the header's size; of the
    refused ones, Pillow still decodes the EXIF one (the profile refuses metadata by
    policy, not because it cannot be decoded), and fails on the truncated one."""
    images = portrait_images()
    assert len(images) >= 8
    seen = set()
    for name, data, want in images:
        got = iv.jpeg_profile_problem(data, iv.IMAGE_FIELDS[("11100000000013338W901", 10)])
        assert got == want, name
        seen.add(got)
        im = Image.open(io.BytesIO(data))
        if got is None:
            im.load()
            assert im.format == "JPEG" and not im.info.get("progressive")
            assert im.size == iv.jpeg_size(data)
        elif got == "metadata":
            im.load()
            assert im.getexif() is not None and "exif" in im.info
        elif got == "truncated":
            with pytest.raises(OSError):
                im.load()
    assert {None, "metadata", "unsupported_marker", "dimensions", "bad_entropy_data", "truncated", "too_large"} <= seen


def test_systematic_path_and_raptorq_agree_on_the_same_frames():
    """The cross-check in decode(): the K source frames of the portrait code plus three
    of its repair frames decode both ways to the same block; pyraptorq given only the
    source frames returns exactly their concatenation (RaptorQ is systematic, §14.2)."""
    def frames_of(name):
        case = load(os.path.join(ROOT, "test-vectors", "multiframe", name))
        return [parse_frame(f) for f in case["input"]["frames"]]

    source = frames_of("portrait-frames-source-in-order-valid.json")
    repair = frames_of("portrait-frames-repair-only-valid.json")
    mid, length, t, k = source[0][:4]
    assert repair[0][:4] == (mid, length, t, k), "one code, two frame sets"
    assert sorted(f[4] for f in source) == list(range(k))
    held = {f[4]: f[5] for f in source}
    held.update({f[4]: f[5] for f in repair[:3]})
    for key in DECODER_USED:
        DECODER_USED[key] = 0
    block = decode(held, length, t, k)
    assert DECODER_USED["both"] == 1
    assert hashlib.sha256(block[:length]).digest()[:16] == mid
    dec = RaptorQDecoder(k, t, k * t, RAPTORQ)
    for f in source:
        dec.add_symbol(f[4], f[5])
    assert dec.may_try_decode()
    assert dec.try_decode() == b"".join(f[5] for f in sorted(source, key=lambda f: f[4]))
