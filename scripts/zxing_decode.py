#!/usr/bin/env python3
"""Decode the QR code in an image with zxing-cpp and print its text exactly.

Usage: python3 scripts/zxing_decode.py IMAGE

Used by core/tests/qr_scanners.rs to check our rendered codes against a real,
independent scanner. Prints the text of the first valid QR code with no
trailing newline. Exit codes: 0 decoded, 1 no QR code found,
2 usage or unreadable image, 3 zxing-cpp or Pillow not installed.
"""

import sys

try:
    import zxingcpp
    from PIL import Image
except ImportError as exc:
    print(f"missing Python package ({exc}); install with: pip install zxing-cpp pillow",
          file=sys.stderr)
    sys.exit(3)


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        image = Image.open(sys.argv[1])
        image.load()
    except OSError as exc:
        print(f"cannot read image: {exc}", file=sys.stderr)
        return 2
    for barcode in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode):
        if barcode.valid:
            sys.stdout.write(barcode.text)
            return 0
    print("no QR code found", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
