"""Makes the animated codes the reduced builds must assemble and verify (scripts/test-ffi-builds.sh):
run with the FULL library (it issues and presents), writes JSON to the path given: the trust list,
its root, the portrait's frames, the 13-member bundle's frames, a bundle with another company's
permit, and the time to verify at. The verifier build has no wallet or issuer, so it cannot make
these itself; it must assemble and verify them exactly as the full build does.

For the wallet-lean build (a Wallet without a Verifier or an Issuer) it also writes a business
license issued to the demo holder's key and a counter's request; `make_frames.py --verify
FRAMES_JSON PRESENTED_JSON` then checks, with the full library, what the wallet-lean build
presented and answered (test_builds.py writes PRESENTED_JSON)."""

import base64
import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "tests"))
from frames_demo import FIXTURE, NOW, Demo, demo_seed  # noqa: E402

import liangzheng_ffi as lz  # noqa: E402

assert lz.library_build().name == "full", "make_frames.py needs the full library"
demo = Demo()

if sys.argv[1] == "--verify":
    made = json.loads(pathlib.Path(sys.argv[2]).read_text(encoding="utf-8"))
    presented = json.loads(pathlib.Path(sys.argv[3]).read_text(encoding="utf-8"))
    verifier = demo.verifier()
    policy = lz.default_policy(made["now"] + 5)
    policy.status = lz.StatusMode.LENIENT
    report = verifier.verify(presented["presentation"], policy)
    assert report.verdict == lz.Verdict.VALID, report.summary
    assert report.license.holder_bound, "the wallet-lean presentation is not bound to the holder key"
    assert sorted(f.key for f in report.fields) == ["name", "uscc"], [f.key for f in report.fields]
    verifier.expect_request(base64.b64decode(made["request_body"]))
    answer = verifier.verify(presented["answer"], policy)
    assert answer.verdict == lz.Verdict.VALID, answer.summary
    assert sorted(f.key for f in answer.fields) == ["legal_rep", "name"], [f.key for f in answer.fields]
    print("make_frames.py --verify: the wallet-lean presentation and request answer verify (full build)")
    sys.exit(0)
portrait = demo.wallet.present_frames(demo.add_portrait_id_card(), ["name", "portrait"], NOW, None)


def bundle(permits):
    members = [lz.BundleMemberChoice(index=demo.add(m), field_keys=["uscc", "name"])
               for m in [FIXTURE["business"]] + permits]
    return demo.wallet.present_bundle(members, NOW, None).frames


def body(frames):
    """The assembled bytes (for the verifier-lean build, which has no assembler)."""
    a = lz.FrameAssembler()
    for text in frames:
        if a.push(text).complete:
            return base64.b64encode(a.result().body).decode()
    raise SystemExit("make_frames.py: frames did not assemble")


b64 = lambda b: base64.b64encode(b).decode()
bundle_frames = bundle(FIXTURE["permits"])
business = FIXTURE["business"]
license = demo.issuers[business["authority"]].issue(business["claims_json"], demo.wallet.holder_key(),
                                                    NOW - 3600)
request = demo.verifier().create_request("91370100MA3C8L8X1B", "某酒店前台", "入住登记",
                                         "cn.business-license", ["name", "legal_rep"], NOW)
pathlib.Path(sys.argv[1]).write_text(json.dumps({
    "now": NOW,
    "trust_list": b64(demo.trust_list),
    "root": b64(demo.root_key),
    "portrait_frames": portrait.frames,
    "portrait_body": body(portrait.frames),
    "bundle_frames": bundle_frames,
    "bundle_body": body(bundle_frames),
    "mismatch_frames": bundle(FIXTURE["permits"][:3] + [FIXTURE["other_company_permit"]]),
    "holder_seed": demo_seed(FIXTURE["holder_label"]).hex(),
    "license": b64(license),
    "request_qr": request.qr_text,
    "request_body": b64(request.body),
}), encoding="utf-8")
