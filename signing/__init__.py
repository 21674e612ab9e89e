"""Certificate extracts as PDFs, PAdES signing and verification."""
