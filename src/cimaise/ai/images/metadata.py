"""IPTC photo metadata in an image file: the digital source type and the tool, in its XMP packet.

Works on the bytes of JPEG, PNG and WebP files, segment by segment (chunk by
chunk): the compressed image data is copied as it is, never decoded nor
re-encoded, so the pixels do not change. An XMP packet already in the file
keeps its other properties; only ``Iptc4xmpExt:DigitalSourceType`` and
``xmp:CreatorTool`` are replaced (or removed). ``strip_content_credentials``
removes a C2PA manifest store (JPEG APP11 JUMBF segments, PNG ``caBX``, WebP
``C2PA`` chunks).
"""

import struct
import zlib
from xml.etree import ElementTree

from defusedxml import ElementTree as SafeElementTree

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
NAMESPACES = {
    "x": "adobe:ns:meta/",
    "rdf": RDF,
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "Iptc4xmpExt": "http://iptc.org/std/Iptc4xmpExt/2008-02-29/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
    "xmpMM": "http://ns.adobe.com/xap/1.0/mm/",
    "exif": "http://ns.adobe.com/exif/1.0/",
    "tiff": "http://ns.adobe.com/tiff/1.0/",
}
for _prefix, _uri in NAMESPACES.items():
    ElementTree.register_namespace(_prefix, _uri)

SOURCE_TYPE = "{http://iptc.org/std/Iptc4xmpExt/2008-02-29/}DigitalSourceType"
CREATOR_TOOL = "{http://ns.adobe.com/xap/1.0/}CreatorTool"
PROPERTIES = (SOURCE_TYPE, CREATOR_TOOL)

MIME_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}

_XPACKET_BEGIN = '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
_XPACKET_END = '\n<?xpacket end="w"?>'
_JPEG_XMP = b"http://ns.adobe.com/xap/1.0/\x00"
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_XMP_KEYWORD = b"XML:com.adobe.xmp"


class MetadataError(ValueError):
    """The file cannot carry the metadata (unknown format, damaged structure, packet too large)."""


def image_format(data):
    """'jpeg', 'png' or 'webp' from the file's first bytes; '' for any other format."""
    if data[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if data[:8] == _PNG_SIGNATURE:
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return ""


def set_ai_source(data, source_uri, tool):
    """The file with ``Iptc4xmpExt:DigitalSourceType`` = ``source_uri`` and ``xmp:CreatorTool`` = ``tool``."""
    return _with_properties(data, {SOURCE_TYPE: source_uri, CREATOR_TOOL: tool})


def clear_ai_source(data):
    """The file without those two properties (the rest of its XMP packet kept)."""
    return _with_properties(data, {})


def read_xmp(data):
    """The file's XMP packet (bytes), or None."""
    return _CONTAINERS[_format(data)].read_xmp(data)


def strip_content_credentials(data):
    """The file without its C2PA manifest store (unchanged when it has none)."""
    return _CONTAINERS[_format(data)].strip_c2pa(data)


def _format(data):
    found = image_format(data)
    if not found:
        raise MetadataError("not a JPEG, PNG or WebP file")
    return found


def _with_properties(data, values):
    container = _CONTAINERS[_format(data)]
    return container.write_xmp(data, updated_packet(container.read_xmp(data), values))


def updated_packet(packet, values):
    """``packet`` (bytes or None) with ``PROPERTIES`` removed, then ``values`` ({tag: text}) set."""
    root = None
    if packet:
        try:
            root = SafeElementTree.fromstring(packet)
        except Exception:  # noqa: BLE001 - an unreadable packet is replaced, whatever broke it
            root = None
    if root is None or root.tag not in (f"{{{NAMESPACES['x']}}}xmpmeta", f"{{{RDF}}}RDF"):
        root = ElementTree.Element(f"{{{NAMESPACES['x']}}}xmpmeta")
    rdf = root if root.tag == f"{{{RDF}}}RDF" else root.find(f"{{{RDF}}}RDF")
    if rdf is None:
        rdf = ElementTree.SubElement(root, f"{{{RDF}}}RDF")
    descriptions = rdf.findall(f"{{{RDF}}}Description")
    for description in descriptions:
        for name in PROPERTIES:
            description.attrib.pop(name, None)
            for element in description.findall(name):
                description.remove(element)
    if values:
        if not descriptions:
            descriptions = [ElementTree.SubElement(rdf, f"{{{RDF}}}Description", {f"{{{RDF}}}about": ""})]
        for name, text in values.items():
            ElementTree.SubElement(descriptions[0], name).text = text
    return (_XPACKET_BEGIN + ElementTree.tostring(root, encoding="unicode") + _XPACKET_END).encode()


class _Jpeg:
    """Segments up to the start of scan; everything from there on is copied unchanged."""

    @staticmethod
    def segments(data):
        """[(marker, bytes)] of the whole file, the last one running from SOS (or EOI) to the end."""
        if data[:2] != b"\xff\xd8":
            raise MetadataError("not a JPEG file")
        segments, position = [(0xD8, data[:2])], 2
        while position < len(data):
            start = position
            if data[position] != 0xFF:
                raise MetadataError("damaged JPEG file: a marker was expected")
            while position + 1 < len(data) and data[position + 1] == 0xFF:  # fill bytes
                position += 1
            if position + 1 >= len(data):
                raise MetadataError("damaged JPEG file: it ends inside a marker")
            marker = data[position + 1]
            if marker in (0xDA, 0xD9):  # start of scan, end of image: the rest is image data
                segments.append((marker, data[start:]))
                return segments
            if 0xD0 <= marker <= 0xD7 or marker == 0x01:
                segments.append((marker, data[start:position + 2]))
                position += 2
                continue
            (length,) = struct.unpack(">H", data[position + 2:position + 4])
            end = position + 2 + length
            if length < 2 or end > len(data):
                raise MetadataError("damaged JPEG file: a segment runs past its end")
            segments.append((marker, data[start:end]))
            position = end
        raise MetadataError("damaged JPEG file: no image data")

    @staticmethod
    def payload(segment):
        return segment[4:]

    @classmethod
    def read_xmp(cls, data):
        for marker, segment in cls.segments(data):
            if marker == 0xE1 and cls.payload(segment).startswith(_JPEG_XMP):
                return cls.payload(segment)[len(_JPEG_XMP):]
        return None

    @classmethod
    def write_xmp(cls, data, packet):
        payload = _JPEG_XMP + packet
        if len(payload) > 0xFFFF - 2:
            raise MetadataError("the XMP packet is too large for a JPEG segment")
        segments = [(marker, segment) for marker, segment in cls.segments(data)
                    if not (marker == 0xE1 and cls.payload(segment).startswith(_JPEG_XMP))]
        # After SOI and the JFIF/Exif segments that readers expect first.
        index = 1
        while index < len(segments) and (segments[index][0] == 0xE0 or (
                segments[index][0] == 0xE1 and cls.payload(segments[index][1]).startswith(b"Exif\x00"))):
            index += 1
        segments.insert(index, (0xE1, b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload))
        return b"".join(segment for _, segment in segments)

    @classmethod
    def strip_c2pa(cls, data):
        segments = cls.segments(data)
        # A JUMBF box spans APP11 segments that share one box instance number (En); the
        # first of them (sequence number 1) holds the box description and its label.
        c2pa_boxes = set()
        for marker, segment in segments:
            payload = cls.payload(segment)
            if marker == 0xEB and payload[:2] == b"JP" and payload[4:8] == b"\x00\x00\x00\x01" \
                    and b"c2pa" in payload[8:80]:
                c2pa_boxes.add(payload[2:4])
        return b"".join(segment for marker, segment in segments
                        if not (marker == 0xEB and cls.payload(segment)[:2] == b"JP"
                                and cls.payload(segment)[2:4] in c2pa_boxes))


class _Png:
    @staticmethod
    def chunks(data):
        """[(type, bytes)] of every chunk, CRC included."""
        if data[:8] != _PNG_SIGNATURE:
            raise MetadataError("not a PNG file")
        chunks, position = [], 8
        while position < len(data):
            if position + 8 > len(data):
                raise MetadataError("damaged PNG file: it ends inside a chunk")
            length, kind = struct.unpack(">I4s", data[position:position + 8])
            end = position + 12 + length
            if end > len(data):
                raise MetadataError("damaged PNG file: a chunk runs past its end")
            chunks.append((kind, data[position:end]))
            position = end
            if kind == b"IEND":
                break
        return chunks

    @staticmethod
    def chunk(kind, payload):
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    @staticmethod
    def xmp_text(chunk):
        """The XMP packet of an iTXt chunk, or None when it holds something else."""
        payload = chunk[8:-4]
        keyword, _, rest = payload.partition(b"\x00")
        if keyword != _PNG_XMP_KEYWORD or len(rest) < 2:
            return None
        compressed, text = rest[0], rest[2:]
        _language, _, text = text.partition(b"\x00")
        _translated, _, text = text.partition(b"\x00")
        return zlib.decompress(text) if compressed else text

    @classmethod
    def read_xmp(cls, data):
        for kind, chunk in cls.chunks(data):
            if kind == b"iTXt" and (packet := cls.xmp_text(chunk)) is not None:
                return packet
        return None

    @classmethod
    def write_xmp(cls, data, packet):
        chunks = [chunk for kind, chunk in cls.chunks(data)
                  if not (kind == b"iTXt" and cls.xmp_text(chunk) is not None)]
        # Uncompressed, no language: the form XMP readers look for, before the image data.
        xmp = cls.chunk(b"iTXt", _PNG_XMP_KEYWORD + b"\x00\x00\x00\x00\x00" + packet)
        return _PNG_SIGNATURE + chunks[0] + xmp + b"".join(chunks[1:])

    @classmethod
    def strip_c2pa(cls, data):
        return _PNG_SIGNATURE + b"".join(chunk for kind, chunk in cls.chunks(data) if kind != b"caBX")


class _WebP:
    XMP_FLAG, ALPHA_FLAG = 0x04, 0x10

    @staticmethod
    def chunks(data):
        """[[fourcc, payload]] of the RIFF container."""
        if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
            raise MetadataError("not a WebP file")
        (riff_size,) = struct.unpack("<I", data[4:8])
        end_of_file = min(len(data), 8 + riff_size)
        chunks, position = [], 12
        while position + 8 <= end_of_file:
            fourcc, size = struct.unpack("<4sI", data[position:position + 8])
            if position + 8 + size > end_of_file:
                raise MetadataError("damaged WebP file: a chunk runs past its end")
            chunks.append([fourcc, data[position + 8:position + 8 + size]])
            position += 8 + size + (size & 1)
        return chunks

    @staticmethod
    def join(chunks):
        body = b"".join(fourcc + struct.pack("<I", len(payload)) + payload + b"\x00" * (len(payload) & 1)
                        for fourcc, payload in chunks)
        return b"RIFF" + struct.pack("<I", len(body) + 4) + b"WEBP" + body

    @classmethod
    def read_xmp(cls, data):
        return next((payload for fourcc, payload in cls.chunks(data) if fourcc == b"XMP "), None)

    @classmethod
    def extended_header(cls, chunks):
        """A VP8X chunk for a simple (VP8 or VP8L) file: its canvas size and whether it has alpha."""
        fourcc, payload = chunks[0]
        if fourcc == b"VP8L" and payload[:1] == b"\x2f":
            (bits,) = struct.unpack("<I", payload[1:5])
            width, height, alpha = (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1, (bits >> 28) & 1
        elif fourcc == b"VP8 " and payload[3:6] == b"\x9d\x01\x2a":
            width, height = (value & 0x3FFF for value in struct.unpack("<HH", payload[6:10]))
            alpha = 0
        else:
            raise MetadataError("unsupported WebP file")
        flags = cls.ALPHA_FLAG if alpha else 0
        return [b"VP8X", bytes([flags, 0, 0, 0]) + (width - 1).to_bytes(3, "little")
                + (height - 1).to_bytes(3, "little")]

    @classmethod
    def write_xmp(cls, data, packet):
        chunks = [chunk for chunk in cls.chunks(data) if chunk[0] != b"XMP "]
        if not chunks:
            raise MetadataError("damaged WebP file: no image data")
        if chunks[0][0] != b"VP8X":
            chunks.insert(0, cls.extended_header(chunks))
        header = chunks[0][1]
        chunks[0][1] = bytes([header[0] | cls.XMP_FLAG]) + header[1:]
        return cls.join([*chunks, [b"XMP ", packet]])

    @classmethod
    def strip_c2pa(cls, data):
        chunks = cls.chunks(data)
        kept = [chunk for chunk in chunks if chunk[0] != b"C2PA"]
        return data if len(kept) == len(chunks) else cls.join(kept)


_CONTAINERS = {"jpeg": _Jpeg, "png": _Png, "webp": _WebP}
