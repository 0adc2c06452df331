"""The toolkit's version, alone in a module so that no stage imports the package root."""

__version__ = "0.1.0"
