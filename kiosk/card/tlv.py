"""BER-TLV as the card's files use it: tags of one or more bytes, lengths in short or long form."""

from __future__ import annotations

from dataclasses import dataclass


class TlvError(ValueError):
    """Bytes that are not a well-formed TLV."""


@dataclass(frozen=True)
class Tlv:
    """One element: its tag (as an int of its bytes, e.g. 0xDF22), its value, and where it lies in the input."""

    tag: int
    value: bytes
    start: int  # offset of the tag's first byte
    end: int  # offset just after the value

    @property
    def constructed(self) -> bool:
        first = self.tag.to_bytes((self.tag.bit_length() + 7) // 8 or 1, "big")[0]
        return bool(first & 0x20)


def read_header(data: bytes, offset: int = 0) -> tuple[int, int, int]:
    """(tag, length, header size) of the element at `offset`; raises TlvError when `data` is too short."""
    position = offset
    if position >= len(data):
        raise TlvError("no tag")
    tag = data[position]
    position += 1
    if tag & 0x1F == 0x1F:  # the tag continues while bit 8 is set
        while True:
            if position >= len(data):
                raise TlvError("tag cut short")
            tag = (tag << 8) | data[position]
            position += 1
            if not data[position - 1] & 0x80:
                break
            if position - offset > 4:
                raise TlvError("tag too long")
    if position >= len(data):
        raise TlvError("no length")
    first = data[position]
    position += 1
    if first < 0x80:
        length = first
    elif first == 0x80 or first > 0x83:
        raise TlvError("unsupported length")
    else:
        count = first & 0x7F
        if position + count > len(data):
            raise TlvError("length cut short")
        length = int.from_bytes(data[position : position + count], "big")
        position += count
    return tag, length, position - offset


def parse(data: bytes, offset: int = 0, end: int | None = None) -> list[Tlv]:
    """The elements one after another in data[offset:end] (padding bytes 0x00 and 0xFF after the last are ignored)."""
    end = len(data) if end is None else end
    elements: list[Tlv] = []
    position = offset
    while position < end:
        if all(byte in (0x00, 0xFF) for byte in data[position:end]) and elements:
            break
        tag, length, header = read_header(data[:end], position)
        value_start = position + header
        if value_start + length > end:
            raise TlvError("value cut short")
        elements.append(Tlv(tag, bytes(data[value_start : value_start + length]), position, value_start + length))
        position = value_start + length
    return elements


def parse_one(data: bytes, tag: int) -> Tlv:
    """The single outer element of a file, which must carry `tag`."""
    tag_found, length, header = read_header(data)
    if tag_found != tag:
        raise TlvError(f"tag {tag_found:X} where {tag:X} was expected")
    if header + length > len(data):
        raise TlvError("value cut short")
    return Tlv(tag, bytes(data[header : header + length]), 0, header + length)


def encode(tag: int, value: bytes) -> bytes:
    """One element (used by the tests' emulated card)."""
    tag_bytes = tag.to_bytes((tag.bit_length() + 7) // 8 or 1, "big")
    size = len(value)
    if size < 0x80:
        length = bytes([size])
    elif size <= 0xFF:
        length = bytes([0x81, size])
    elif size <= 0xFFFF:
        length = bytes([0x82]) + size.to_bytes(2, "big")
    else:
        raise ValueError("value too long")
    return tag_bytes + length + value
