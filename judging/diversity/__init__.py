"""Solver-diversity analytics: aggregate counts of self-declared backgrounds.

Every number leaving this package (page, CSV, API) passes through ``suppression.suppress`` so
no group of fewer than five people is shown and none can be derived from the shown numbers.
"""
