"""infractl: harden a Python service repository and its staging infrastructure."""

__version__ = "0.1.0"
