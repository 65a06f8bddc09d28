"""Offline signing: Ed25519 keys and a DSSE-signed in-toto statement (layer: record).

``attestation.intoto.json`` is a DSSE envelope (``payloadType``
``application/vnd.in-toto+json``) whose payload is an in-toto Statement v1: one subject per
bundle file (``manifest.json`` included) with its sha256, and the ``test-result`` predicate
(v0.1) for the gate: ``result`` PASSED or FAILED, ``failedTests`` the blocking controls,
``passedTests`` the controls met, ``configuration`` the mapping and catalogues by digest.
The signature is Ed25519 over DSSE's pre-authentication encoding (PAE), so cosign or
in-toto tooling can check it with the PEM public key. The key ID is the sha256 of the raw
32-byte public key, in hex. Ed25519 is deterministic: the same bundle gives the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from riskcards.bundle import SIGNATURE
from riskcards.errors import ConfigError, UsageError
from riskcards.models.assessment import Assessment
from riskcards.models.bundle import BundleFile
from riskcards.record.gate import control_ids

ATTESTATION = SIGNATURE
PAYLOAD_TYPE = "application/vnd.in-toto+json"
STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
TEST_RESULT = "https://in-toto.io/attestation/test-result/v0.1"
PRIVATE_KEY = "riskcards.key"
PUBLIC_KEY = "riskcards.pub"


def pae(payload_type: str, payload: bytes) -> bytes:
    """DSSE v1 pre-authentication encoding."""
    t = payload_type.encode()
    return b"DSSEv1 %d %s %d %s" % (len(t), t, len(payload), payload)


def generate_keys(folder: Path) -> tuple[Path, Path]:
    """Write a new Ed25519 pair: ``riskcards.key`` (PKCS#8 PEM, mode 0600) and ``.pub``."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private, public = folder / PRIVATE_KEY, folder / PUBLIC_KEY
    for path in (private, public):
        if path.exists():
            raise UsageError(f"{path} already exists; refusing to overwrite a key")
    folder.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    fd = os.open(private, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    public.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return private, public


def _private_key(path: Path) -> Any:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise UsageError(
            f"--sign {path}: not a readable unencrypted PEM private key ({exc})"
        ) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise UsageError(
            f"--sign {path}: not an Ed25519 key (make one with `riskcards keys generate`)"
        )
    return key


def public_key(path: Path) -> Any:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        key = serialization.load_pem_public_key(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise UsageError(f"--key {path}: not a readable PEM public key ({exc})") from None
    if not isinstance(key, Ed25519PublicKey):
        raise UsageError(f"--key {path}: not an Ed25519 public key")
    return key


def key_id(key: Any) -> str:
    from cryptography.hazmat.primitives import serialization

    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def statement(
    subjects: Mapping[str, str],
    *,
    passed: bool,
    failed: Sequence[str],
    met: Sequence[str],
    configuration: Sequence[tuple[str, str]],
    url: str | None,
) -> dict[str, Any]:
    """The in-toto Statement v1 for a bundle (subjects: path -> sha256)."""
    predicate: dict[str, Any] = {
        "result": "PASSED" if passed else "FAILED",
        "configuration": [{"name": n, "digest": {"sha256": d}} for n, d in configuration],
        "passedTests": list(met),
        "warnedTests": [],
        "failedTests": list(failed),
    }
    if url:
        predicate["url"] = url
    return {
        "_type": STATEMENT_TYPE,
        "subject": [{"name": p, "digest": {"sha256": subjects[p]}} for p in sorted(subjects)],
        "predicateType": TEST_RESULT,
        "predicate": predicate,
    }


def canonical(data: Any) -> bytes:
    return (json.dumps(data, indent=2, sort_keys=True) + "\n").encode()


def sign(statement_: Mapping[str, Any], key_path: Path) -> bytes:
    """The DSSE envelope of a statement, signed with the private key at ``key_path``."""
    key = _private_key(key_path)
    payload = json.dumps(statement_, sort_keys=True, separators=(",", ":")).encode()
    signature = key.sign(pae(PAYLOAD_TYPE, payload))
    return canonical(
        {
            "payloadType": PAYLOAD_TYPE,
            "payload": base64.b64encode(payload).decode(),
            "signatures": [
                {"keyid": key_id(key.public_key()), "sig": base64.b64encode(signature).decode()}
            ],
        }
    )


def read_envelope(data: bytes) -> tuple[dict[str, Any], bytes, list[dict[str, str]]]:
    """(statement, payload bytes, signatures) of an envelope; a malformed one raises."""
    try:
        envelope = json.loads(data)
        payload = base64.b64decode(envelope["payload"], validate=True)
        signatures = [
            {"keyid": str(s.get("keyid", "")), "sig": str(s["sig"])} for s in envelope["signatures"]
        ]
        if envelope["payloadType"] != PAYLOAD_TYPE:
            raise ValueError(f"payloadType {envelope['payloadType']!r}")
        return json.loads(payload), payload, signatures
    except (ValueError, KeyError, TypeError) as exc:
        raise ConfigError(
            f"{ATTESTATION} is not a DSSE envelope riskcards can read: {exc}"
        ) from None


def find_public_key(key: Path, wanted: Sequence[str]) -> Path:
    """``--key``: a public key file, or a folder searched for the key the envelope names."""
    if key.is_file():
        return key
    if key.is_dir():
        for candidate in sorted(key.glob("*.pub")):
            if key_id(public_key(candidate)) in wanted:
                return candidate
        raise UsageError(f"--key {key}: no *.pub in it has the key ID {', '.join(wanted)}")
    raise UsageError(f"--key {key}: no such file or folder")


def check_signature(payload: bytes, signatures: Sequence[Mapping[str, str]], key: Any) -> bool:
    """True when one signature over the payload verifies with ``key``."""
    from cryptography.exceptions import InvalidSignature

    message = pae(PAYLOAD_TYPE, payload)
    for s in signatures:
        try:
            key.verify(base64.b64decode(s["sig"]), message)
            return True
        except (InvalidSignature, ValueError):
            continue
    return False


def bundle_attestation(
    files: Sequence[BundleFile], manifest: bytes, assessment: Assessment, key: Path, url: str
) -> bytes:
    """The signed envelope over every file of a bundle and its manifest, with the gate result."""
    subjects = {f.path: hashlib.sha256(f.content).hexdigest() for f in files}
    subjects["manifest.json"] = hashlib.sha256(manifest).hexdigest()
    configuration = sorted(
        (f.path, subjects[f.path]) for f in files if f.path.startswith("inputs/")
    )
    failed = control_ids(assessment, blocking=True)
    return sign(
        statement(
            subjects,
            passed=not failed,
            failed=failed,
            met=control_ids(assessment, blocking=False),
            configuration=[("manifest.json", subjects["manifest.json"]), *configuration],
            url=url,
        ),
        key,
    )
