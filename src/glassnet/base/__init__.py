"""The ground floor: errors, argument checks, registries, messages and their languages,
text made safe for terminals and spreadsheets, the version.

May import: nothing of glassnet.
"""
