"""Evidence sources (layer: sources). Only :mod:`.mlflow_source` imports mlflow, lazily."""
