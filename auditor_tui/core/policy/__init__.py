"""Reading a policy: a document split into sections and clauses.

A policy file (plain text, markdown, HTML, PDF or Word) is decoded, normalised and split into *blocks*:
section headings and clauses. The blocks are joined with blank lines into the **normalised
text**; every heading and clause records its character offsets into it, and the document's
fingerprint is the SHA-256 of that text. Clause ids (``c1``, ``c2``, ...) follow document
order, so the same normalised text always gives the same ids.

Reading is in four stages, each a plain function, each in its own module:

1. ``decode.py``: :func:`read_policy_bytes` reads the file under the size limit
   (:data:`MAX_POLICY_BYTES`) and :func:`decode_policy_bytes` decodes it (binary files refused,
   UTF-8 with or without BOM, UTF-16 with BOM, cp1252 fall-back with a warning);
2. ``readers/``: one module per format (``text.py``, ``markdown.py``, ``html.py``, ``pdf.py``,
   ``docx.py``) turns the input into *units* (``units.py``): runs of normalised lines, plus the headings the markup
   states. ``readers/__init__.py`` is the registry (suffix or content type to reader) and
   states the contract a new reader follows;
3. ``segment.py`` decides what the undecided units are, by the layout a human reader uses:
   table rows, addresses, paragraphs, and headings by the heuristics in ``headings.py``;
4. ``assemble.py``: :func:`assemble` builds the :class:`Policy` (``model.py``) from the blocks.

``load.py`` holds the entry points, :func:`load_policy` (a file), :func:`read_policy_data`
(bytes with a name or a content type, e.g. fetched from a URL) and :func:`parse_policy`
(decoded text). A saved web page is read for its main content (``readers/webpage.py``: the
page around the policy is dropped) unless the whole page is asked for. Otherwise no text is
dropped except markup (markdown syntax, HTML tags, scripts and styles) and white space: every
other character of a plain-text policy is in some heading or clause.
"""

from __future__ import annotations

from auditor_tui.core.policy.assemble import assemble
from auditor_tui.core.policy.decode import (
    MAX_POLICY_BYTES,
    POLICY_KINDS,
    decode_policy_bytes,
    read_policy_bytes,
    read_policy_file,
)
from auditor_tui.core.policy.load import load_policy, parse_policy, read_policy_data
from auditor_tui.core.policy.model import Block, Clause, Policy, Section
from auditor_tui.core.policy.readers import FORMATS, Reader, detect_format, reader_for
from auditor_tui.core.policy.readers.text import blocks_from_text
from auditor_tui.core.policy.units import normalise_line

__all__ = [
    "FORMATS",
    "MAX_POLICY_BYTES",
    "POLICY_KINDS",
    "Block",
    "Clause",
    "Policy",
    "Reader",
    "Section",
    "assemble",
    "blocks_from_text",
    "decode_policy_bytes",
    "detect_format",
    "load_policy",
    "normalise_line",
    "parse_policy",
    "read_policy_bytes",
    "read_policy_data",
    "read_policy_file",
    "reader_for",
]
