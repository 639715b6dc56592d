"""reviewfigs: find, read, label and chart every figure in Chinese local-government review documents."""

__version__ = "0.1.0"
