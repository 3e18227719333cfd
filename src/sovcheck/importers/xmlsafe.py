"""XML parsed safely: no DTD, no entity expansion, no external entity is ever fetched.

Every XML BOM goes through :func:`parse_xml` first, including those another library reads
afterwards, so that hostile XML is refused with a located message before anything else
sees it.
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from sovcheck.errors import InputError, Location, Problem

_XML_ENCODING = re.compile(rb"""<\?xml[^>]*\bencoding\s*=\s*["']([^"']*)["']""")


def parse_xml(raw: bytes, name: str) -> Element:
    """The root element of ``raw``; an input error naming the place of any problem."""
    try:
        return fromstring(raw, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise InputError(
            [
                Problem(
                    Location(name, 1, 1),
                    f"XML refused: {type(exc).__name__} (sovcheck reads no DTD, entity or external "
                    "reference in a BOM)",
                )
            ]
        ) from None
    except (ValueError, LookupError):
        # expat reads UTF-8, UTF-16, ISO-8859-1 and US-ASCII; a multi-byte legacy encoding
        # or an unknown name is refused by Python before any parsing.
        declared = _XML_ENCODING.search(raw[:1024])
        encoding = declared.group(1).decode("ascii", "replace") if declared else "?"
        raise InputError(
            [
                Problem(
                    Location(name, 1, 1),
                    f"XML declared in the encoding '{encoding}', which sovcheck does not "
                    "read; save the BOM as UTF-8",
                )
            ]
        ) from None
    except ParseError as exc:
        line, column = exc.position
        message = str(exc).split(":", 1)[0]
        raise InputError(
            [Problem(Location(name, line, column + 1), f"XML syntax error: {message}")]
        ) from None
