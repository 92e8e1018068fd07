"""The dictionary format: header parsing, JSON Schemas and the validator (see dictionaries/README.md)."""

from dictionaries.schema.validate import (
                                          DictionaryFile,
                                          Problem,
                                          load,
                                          parse_header,
                                          validate_file,
                                          validate_tree,
)

__all__ = ["DictionaryFile", "Problem", "load", "parse_header", "validate_file", "validate_tree"]
