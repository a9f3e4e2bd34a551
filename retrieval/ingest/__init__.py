"""Reading documents: one reader per format, OCR, the layout of typeset pages, passages, who said what, sidecars, limits."""
