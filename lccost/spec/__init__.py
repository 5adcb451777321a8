"""The architecture spec: its schema (``model``), the strict base model (``base``) and the YAML
loader that maps every error to file, line and field (``loader``)."""
