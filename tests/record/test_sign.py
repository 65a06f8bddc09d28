"""Ed25519 keys and the DSSE envelope: what another tool needs to check a riskcards signature."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from riskcards.errors import ConfigError, UsageError
from riskcards.record.sign import (
    check_signature,
    find_public_key,
    generate_keys,
    key_id,
    pae,
    public_key,
    read_envelope,
    sign,
    statement,
)


def test_pae_is_dsse_v1() -> None:
    # the example of the DSSE specification (protocol.md)
    assert pae("http://example.com/HelloWorld", b"hello world") == (
        b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
    )


def test_sign_and_check_with_the_pair_not_with_another(tmp_path: Path) -> None:
    private, public = generate_keys(tmp_path / "a")
    _, other = generate_keys(tmp_path / "b")
    assert private.stat().st_mode & 0o777 == 0o600
    st = statement(
        {"x.json": "00" * 32},
        passed=True,
        failed=[],
        met=["f C1"],
        configuration=[],
        url="runs:/abc",
    )
    envelope = sign(st, private)
    assert sign(st, private) == envelope  # Ed25519 is deterministic: same bytes
    found, payload, signatures = read_envelope(envelope)
    assert found == st and found["predicate"]["result"] == "PASSED"
    assert signatures[0]["keyid"] == key_id(public_key(public))
    assert check_signature(payload, signatures, public_key(public))
    assert not check_signature(payload, signatures, public_key(other))
    assert not check_signature(payload + b" ", signatures, public_key(public))
    # the standard library can check the envelope's shape: base64 payload, in-toto type
    raw = json.loads(envelope)
    assert json.loads(base64.b64decode(raw["payload"]))["_type"] == st["_type"]


def test_a_folder_of_keys_is_searched_by_key_id(tmp_path: Path) -> None:
    _, public = generate_keys(tmp_path / "a")
    generate_keys(tmp_path / "b")
    (tmp_path / "ring").mkdir()
    for name in ("a", "b"):
        (tmp_path / "ring" / f"{name}.pub").write_bytes(
            (tmp_path / name / "riskcards.pub").read_bytes()
        )
    wanted = key_id(public_key(public))
    assert find_public_key(tmp_path / "ring", [wanted]).name == "a.pub"
    with pytest.raises(UsageError, match=r"no \*\.pub"):
        find_public_key(tmp_path / "ring", ["0" * 64])


def test_bad_keys_and_envelopes_are_clear_errors(tmp_path: Path) -> None:
    generate_keys(tmp_path)
    with pytest.raises(UsageError, match="refusing to overwrite"):
        generate_keys(tmp_path)
    (tmp_path / "not.pub").write_text("hello")
    with pytest.raises(UsageError, match="not a readable PEM public key"):
        public_key(tmp_path / "not.pub")
    with pytest.raises(UsageError, match="not a readable unencrypted PEM private key"):
        sign({}, tmp_path / "not.pub")
    with pytest.raises(ConfigError, match="not a DSSE envelope"):
        read_envelope(b'{"payload": "!!"}')
