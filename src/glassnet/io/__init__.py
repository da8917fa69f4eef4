"""Bytes on disk: atomic writes and CSVs that run nothing in Excel (``files``), result
folders glassnet owns (``results``), the model file's zip container (``modelfile``) and
its checks against hostile files (``modelcheck``), and a model's contents in and out of
that container (``saving``). Nothing here knows what a network is.

May import: base.
"""
