#!/usr/bin/env python3
"""Writes a JSONL batch of resident ID cards for `lz registry issue --batch`.

usage: gen-registry-batch.py COUNT [FIRST] > batch.jsonl

Person n gets a valid GB 11643 ID number (male, born 1980-1993, so the
20-year term from 2020 passes the type's rules); numbers are unique for
n < 2,352,000. Every line is bound to a holder key (ID cards must be
holder-bound: the license type says so).
"""
import json
import sys

W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
HOLDER = "ed25519:" + "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"


def person(n):
    d = n // 500
    year, month, day = 1980 + d // 336, (d // 28) % 12 + 1, d % 28 + 1
    body = f"370102{year:04}{month:02}{day:02}{(n % 500) * 2 + 1:03}"
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, W)) % 11]
    return body + check, f"{year:04}-{month:02}-{day:02}"


def main():
    count = int(sys.argv[1])
    first = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    out = sys.stdout
    for n in range(first, first + count):
        ident, birth = person(n)
        claims = {
            "type": "cn.resident-id-card", "license_number": ident,
            "valid_from": "2020-01-01", "valid_until": "2040-01-01",
            "fields": {"name": "张三", "sex": "男", "ethnicity": "汉", "birth_date": birth,
                       "address": "山东省济南市历下区泉城路1号", "id_number": ident,
                       "authority": "济南市公安局历下分局"},
        }
        line = {"claims": claims, "holder_key": HOLDER}
        out.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
