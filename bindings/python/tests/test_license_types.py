"""License types as data through the FFI: a type file (CBOR) taught to issuer, wallet and verifier.

The social security card (社会保障卡) exists only as core/data/extra/social-security-card.json;
the FFI reads type files as CBOR (no JSON parser in the reduced builds), so the test encodes the
JSON file with cbor2, an independent encoder.
"""

import json
import os

import cbor2
import pytest

import liangzheng_ffi as lz

from conftest import ROOT, demo_seed

NOW = 1_795_395_600
TYPE_FILE = json.loads((ROOT / "core" / "data" / "extra" / "social-security-card.json").read_text(encoding="utf-8"))
TYPE_CBOR = cbor2.dumps(TYPE_FILE)
SSC_CODE = TYPE_FILE["types"][0]["type_code"]
CLAIMS = json.dumps({
    "type": "cn.social-security-card", "license_number": "A12345678",
    "valid_from": "2024-01-01", "valid_until": "2034-01-01",
    "fields": {"name": "张三", "sex": "男", "ssn": "370102199003070016", "card_number": "A12345678",
               "issuing_region": "370100", "generation": "第三代", "issue_date": "2024-01-01"},
}, ensure_ascii=False)


@pytest.fixture(scope="module")
def setup():
    root = lz.SigningKey.from_ed25519_seed(demo_seed("test root for license types"))
    issuer = lz.Issuer.from_seed(demo_seed("济南市人力资源和社会保障局"), "济南市人力资源和社会保障局",
                                 "11370100004307520K")
    entry = lz.TrustListEntry(public_key=issuer.public_key(), name_zh="济南市人力资源和社会保障局",
                              name_en="Jinan Human Resources and Social Security Bureau",
                              code="11370100004307520K", region="370100", types=[SSC_CODE],
                              not_before=0, not_after=None)
    trust_list = lz.sign_trust_list([entry], NOW - 86400, None, root)
    return issuer, trust_list, root.public_key_spki()


def policy():
    p = lz.default_policy(NOW + 5)
    p.status = lz.StatusMode.LENIENT
    return p


def test_a_type_from_a_type_file_issues_presents_and_verifies(setup):
    issuer, trust_list, root = setup
    with pytest.raises(lz.LzError.Issue) as e:
        issuer.issue(CLAIMS, None, NOW)
    assert e.value.code == "unknown_type"
    ssc_issuer = issuer.with_license_types(TYPE_CBOR)
    wallet = lz.Wallet.from_ed25519_seed(os.urandom(32))
    license_bytes = ssc_issuer.issue(CLAIMS, wallet.holder_key(), NOW - 3600)
    with pytest.raises(lz.LzError):
        wallet.add(license_bytes)  # the wallet does not know the type yet
    wallet.add_license_types(TYPE_CBOR)
    index = wallet.add(license_bytes)
    qr = wallet.present(index, ["name", "ssn"], NOW)

    unaware = lz.Verifier(trust_list, root)
    report = unaware.verify(qr, policy())
    assert report.verdict == lz.Verdict.INVALID, report.summary

    verifier = lz.Verifier(trust_list, root)
    assert "cn.social-security-card" not in verifier.license_types()
    verifier.add_license_types(TYPE_CBOR)
    assert "cn.social-security-card" in verifier.license_types()
    report = verifier.verify(qr, policy())
    assert report.verdict == lz.Verdict.VALID, report.summary
    ssn = next(f for f in report.fields if f.key == "ssn")
    assert ssn.label_zh == "社会保障号码"
    assert ssn.display == "3701*************6"


def test_requests_can_name_a_loaded_type(setup):
    _, trust_list, root = setup
    verifier = lz.Verifier(trust_list, root)
    with pytest.raises(lz.LzError.Request):
        verifier.create_request("v1", "测试柜台", "参保核验", SSC_CODE, ["name"], NOW)
    verifier.add_license_types(TYPE_CBOR)
    code = verifier.create_request("v1", "测试柜台", "参保核验", SSC_CODE, ["name"], NOW)
    assert code.qr_text.startswith("LZ1R")


def test_broken_or_duplicate_type_files_change_nothing(setup):
    issuer, trust_list, root = setup
    verifier = lz.Verifier(trust_list, root)
    before = verifier.license_types()
    bad_rule = json.loads(json.dumps(TYPE_FILE))
    bad_rule["types"][0]["rules"] = [{"rule": "date_not_after", "field": "issue_date", "other": "nope"}]
    cases = {
        b"": "bad_type_file",
        b"\xff\x00": "bad_type_file",
        TYPE_CBOR + b"\x00": "bad_type_file",
        cbor2.dumps({"format": "something-else", "version": 1, "types": []}): "bad_type_file",
        cbor2.dumps(bad_rule): "bad_type_definition",
    }
    for data, code in cases.items():
        with pytest.raises(lz.LzError.InvalidInput) as e:
            verifier.add_license_types(data)
        assert e.value.code == code, data[:20]
        assert e.value.message_zh and e.value.message_en
        assert verifier.license_types() == before
    verifier.add_license_types(TYPE_CBOR)
    with pytest.raises(lz.LzError.InvalidInput) as e:
        verifier.add_license_types(TYPE_CBOR)  # the same type twice
    assert e.value.code == "bad_type_definition"
    assert verifier.license_types() == before + ["cn.social-security-card"]
    with pytest.raises(lz.LzError.InvalidInput):
        issuer.with_license_types(b"\xa0")
