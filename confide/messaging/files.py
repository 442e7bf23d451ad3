"""What an attachment is, read from its first bytes rather than its name; no Django imports."""

from __future__ import annotations

# ISO base media files name their kind in the "ftyp" box: these brands are HEIC/HEIF images.
_HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
# Control characters a plain text file may hold: tab, line feed, form feed, carriage return.
_TEXT_CONTROLS = {9, 10, 12, 13}


def sniffed_type(data: bytes) -> str | None:
    """Return the content type the bytes are (PDF, JPEG, PNG, HEIC, plain text), or None."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[4:8] == b"ftyp" and data[8:12] in _HEIC_BRANDS:
        return "image/heic"
    if _is_plain_text(data):
        return "text/plain"
    return None


def _is_plain_text(data: bytes) -> bool:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return all(ord(c) >= 32 or ord(c) in _TEXT_CONTROLS for c in text) and "\x7f" not in text
