"""The release record (layer: record): a bundle that can be checked alone, months later.

- :mod:`riskcards.record.inputs` embeds every input that decided a status under ``inputs/``
  and reads them back (``inputs/release.json`` says how the release was made);
- :mod:`riskcards.record.verify` re-hashes a bundle and compares a re-made one byte by byte;
- :mod:`riskcards.record.sign` makes Ed25519 keys and the signed in-toto statement;
- :mod:`riskcards.record.diff` compares two bundles (statuses, metrics, datasets, decisions).

The orchestration (re-assessing and re-rendering from the bundle's inputs) is in
:mod:`riskcards.api`; these modules only read and compare.
"""
