"""SSH signatures of a sign-off: the signed message, ``ssh-keygen -Y sign`` and ``-Y verify``
against an allowed-signers file, and the principal a key belongs to."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from auditor_tui.core.errors import WorkflowError
from auditor_tui.core.history import iso
from auditor_tui.core.session import SignOff
from auditor_tui.core.workflow.digest import canonical_json
from auditor_tui.core.workflow.names import clean_name, same_person

SIGN_NAMESPACE = "auditor-tui"


def signed_message(signoff: SignOff) -> bytes:
    """The bytes an SSH signature covers: the digest (and its schema), reviewer, time and statement."""
    message: dict[str, Any] = {
        "auditor-tui": "sign-off",
        "digest": signoff.digest,
        "reviewer": signoff.reviewer,
        "at": iso(signoff.at),
        "statement": signoff.statement,
    }
    if signoff.schema != 1:
        message["schema"] = signoff.schema
    return canonical_json(message)


def _ssh_keygen() -> str:
    found = shutil.which("ssh-keygen")
    if not found:
        raise WorkflowError("ssh-keygen not found", hint="install OpenSSH 8.1 or later, or sign off without --sign-key")
    return found


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "no message"


def ssh_sign(message: bytes, key: str | Path) -> str:
    """An armored SSH signature of *message* (namespace ``auditor-tui``) made with *key*."""
    key_path = Path(key)
    if not key_path.is_file():
        raise WorkflowError("no such key file", path=key_path, hint="give the private key (or its .pub with ssh-agent)")
    try:
        result = subprocess.run(
            [_ssh_keygen(), "-Y", "sign", "-f", str(key_path), "-n", SIGN_NAMESPACE],
            input=message,
            capture_output=True,
            check=False,
        )
    except OSError as error:
        raise WorkflowError(f"cannot run ssh-keygen: {error}") from None
    signature = result.stdout.decode("ascii", "replace")
    if result.returncode != 0 or "BEGIN SSH SIGNATURE" not in signature:
        raise WorkflowError(
            f"cannot sign with {key_path}: {_last_line(result.stderr.decode('utf-8', 'replace'))}",
            hint="check the key and its passphrase",
        )
    return signature.strip() + "\n"


def principal_matches(principal: str, reviewer: str) -> bool:
    reviewer = clean_name(reviewer)
    if same_person(principal, reviewer):
        return True
    if reviewer.endswith(">") and "<" in reviewer:
        return same_person(reviewer[reviewer.rindex("<") + 1 : -1], principal)
    return False


def _public_key(key: Path) -> str:
    """The public key ("TYPE BASE64") of a private key file or of its ``.pub``."""
    candidates = [key] if key.suffix == ".pub" else [key.with_name(key.name + ".pub")]
    for candidate in candidates:
        if candidate.is_file():
            try:
                fields = candidate.read_text(encoding="utf-8", errors="replace").split()
            except OSError:
                continue
            if len(fields) >= 2:
                return f"{fields[0]} {fields[1]}"
    result = subprocess.run(
        [_ssh_keygen(), "-y", "-f", str(key)], capture_output=True, check=False, timeout=60, stdin=subprocess.DEVNULL
    )
    fields = result.stdout.decode("ascii", "replace").split()
    if result.returncode != 0 or len(fields) < 2:
        raise WorkflowError(
            f"cannot read the public key of {key}: {_last_line(result.stderr.decode('utf-8', 'replace'))}",
            hint="put its .pub beside it",
        )
    return f"{fields[0]} {fields[1]}"


def key_principal(key: str | Path, allowed_signers: str | Path) -> str:
    """The principal that *allowed_signers* (ssh-keygen's format) lists for *key*."""
    allowed = Path(allowed_signers)
    if not allowed.is_file():
        raise WorkflowError("no such allowed-signers file", path=allowed)
    if not Path(key).is_file():
        raise WorkflowError("no such key file", path=key, hint="give the private key (or its .pub with ssh-agent)")
    wanted = _public_key(Path(key))
    text = allowed.read_text(encoding="utf-8", errors="replace")
    for line in text.splitlines():
        fields = line.split()
        if not fields or fields[0].startswith("#"):
            continue
        # principals [options] keytype base64 [comment]: find the key among the fields
        for n in range(1, len(fields) - 1):
            if f"{fields[n]} {fields[n + 1]}" == wanted:
                principals = [p for p in fields[0].split(",") if p and "*" not in p and "?" not in p]
                if principals:
                    return principals[0]
    raise WorkflowError(
        f"the key {key} is not listed in {allowed}",
        hint="add 'NAME KEYTYPE KEY' for it to the allowed-signers file, or sign with a listed key",
    )


def verify_signature(signoff: SignOff, allowed_signers: str | Path) -> tuple[bool, str]:
    """Check the sign-off's SSH signature; (ok, what was found)."""
    allowed = Path(allowed_signers)
    if not allowed.is_file():
        raise WorkflowError("no such allowed-signers file", path=allowed)
    if not signoff.signature:
        return False, "the sign-off has no SSH signature (it was not signed with --sign-key)"
    message = signed_message(signoff)
    with tempfile.TemporaryDirectory(prefix="auditor-tui-") as tmp:
        sig = Path(tmp) / "signoff.sig"
        sig.write_text(signoff.signature, encoding="ascii", errors="replace")
        keygen = _ssh_keygen()
        found = subprocess.run(
            [keygen, "-Y", "find-principals", "-s", str(sig), "-f", str(allowed)],
            capture_output=True,
            check=False,
            timeout=60,
        )
        principals = [p for p in found.stdout.decode("utf-8", "replace").split() if p]
        if found.returncode != 0 or not principals:
            return False, f"the signature is not by a key in {allowed} (or the signature is damaged)"
        chosen = next((p for p in principals if principal_matches(p, signoff.reviewer)), None)
        if chosen is None:
            return False, (
                f"the signing key belongs to {', '.join(principals)} in {allowed}, but the reviewer is recorded as "
                f"{signoff.reviewer!r} (name the reviewer as the principal, e.g. 'Name <{principals[0]}>')"
            )
        checked = subprocess.run(
            [keygen, "-Y", "verify", "-f", str(allowed), "-I", chosen, "-n", SIGN_NAMESPACE, "-s", str(sig)],
            input=message,
            capture_output=True,
            check=False,
            timeout=60,
        )
    if checked.returncode != 0:
        return False, (
            "the SSH signature does not match the sign-off (digest, reviewer, time or statement changed): "
            f"{_last_line(checked.stderr.decode('utf-8', 'replace'))}"
        )
    return True, f"good SSH signature by {chosen} (key listed in {allowed})"
