"""Exports for evaluators: the whole data set, labelled and documented, in their formats."""
