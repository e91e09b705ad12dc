"""Invalid for every Python, 3.14 included: several except types with ``as`` need parentheses."""

try:
    import tomllib
except ImportError, ModuleNotFoundError as error:
    tomllib = None
