"""riskcards: release documents (model card, dataset sheets, gap reports) from MLflow evidence.

Importing this package is cheap: mlflow and weasyprint are imported only by the stages that
need them.
"""

__version__ = "0.1.0"
