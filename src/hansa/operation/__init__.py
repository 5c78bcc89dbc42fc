"""Operations: parse, validate and normalize client documents, cached per document text."""
