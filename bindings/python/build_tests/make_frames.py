"""Makes the animated codes the reduced builds must assemble and verify (scripts/test-ffi-builds.sh):
run with the FULL library (it issues and presents), writes JSON to the path given: the trust list,
its root, the portrait's frames, the 13-member bundle's frames, a bundle with another company's
permit, and the time to verify at. The verifier build has no wallet or issuer, so it cannot make
these itself; it must assemble and verify them exactly as the full build does."""

import base64
import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "tests"))
from frames_demo import FIXTURE, NOW, Demo  # noqa: E402

import liangzheng_ffi as lz  # noqa: E402

assert lz.library_build().name == "full", "make_frames.py needs the full library"
demo = Demo()
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
pathlib.Path(sys.argv[1]).write_text(json.dumps({
    "now": NOW,
    "trust_list": b64(demo.trust_list),
    "root": b64(demo.root_key),
    "portrait_frames": portrait.frames,
    "portrait_body": body(portrait.frames),
    "bundle_frames": bundle_frames,
    "bundle_body": body(bundle_frames),
    "mismatch_frames": bundle(FIXTURE["permits"][:3] + [FIXTURE["other_company_permit"]]),
}), encoding="utf-8")
