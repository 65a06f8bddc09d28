"""Evidence sources (layer: sources): collecting an evidence snapshot from MLflow.

- :mod:`.mlflow_source`: ``collect()``, the entry point; the only module that imports mlflow,
  and only inside ``collect()``.
- :mod:`.calls`: every call under one deadline, with riskcards' own retries, query counts
  and credential redaction.
- :mod:`.artifacts`: artifact listings, evaluation tables (size cap, sha256), MLmodel files.
- :mod:`.evaluate`: what ``mlflow.models.evaluate`` logged, recognised by name.
"""
