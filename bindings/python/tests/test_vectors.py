"""Every case in test-vectors/cases, through the Python bindings."""

import pytest

import liangzheng_ffi as lz
from conftest import CASES, Case


def test_vectors_are_present():
    assert len(CASES) >= 40


def test_sm2_vectors_are_present():
    """Issue 10: the SM2 + SM3 vectors are among the cases below (SM2 root given as SPKI)."""
    sm2 = [p.stem for p in CASES if p.stem.startswith("sm2-")]
    assert len(sm2) >= 8 and "sm2-id-card-identity-view-valid" in sm2, sm2
    assert Case(CASES[[p.stem for p in CASES].index("sm2-id-card-identity-view-valid")]).root[:1] == b"\x30"


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_vector(path):
    case = Case(path)
    trust_error = case.expected["trust_list_error"]
    if trust_error is not None:
        with pytest.raises(lz.LzError.TrustList) as e:
            lz.Verifier(case.trust_list, case.root)
        assert e.value.code == trust_error
        return
    report = case.verifier().verify(case.qr_text, case.policy())
    assert report.verdict.name.lower() == case.expected["verdict"], report.summary
    assert report.failing_check == case.expected["failing_check"]
    assert (report.problem.code if report.problem else None) == case.expected["error_code"]
    assert [(f.key, f.value_zh) for f in report.fields] == \
        [(f["key"], f["value"]) for f in case.expected["fields"]]
    assert len(report.checks) == 11
