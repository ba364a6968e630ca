"""The dashboard pages: who may see what, the filters, and the pages over the released results."""
