"""The live response monitor of a round."""
