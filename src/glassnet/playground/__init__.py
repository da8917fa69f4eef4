"""``glassnet playground``: watch a network learn your own CSV, live, in the browser.

A small Starlette server (``server.py``, ``api.py``) serves one page (``static/``);
each page gets a ``Session`` (``session.py``) that trains in a worker thread, one
batch at a time, and streams frames (``frames.py``) over server-sent events. The
page's setup is a ``glassnet.ModelSpec`` plus the data choice (``setup.py``);
downloads are built in memory (``exports.py``). Needs the ``playground`` extra:
``pip install 'glassnet[playground]'``.

May import: base, io, engine, training, data, explain, plotting, report.
"""

from __future__ import annotations


def add_parser(sub) -> None:
    """The ``playground`` subcommand of the ``glassnet`` CLI."""
    p = sub.add_parser("playground", help="watch a network learn your data, live, in the "
                       "browser", description="Start a local web page where you build a "
                       "network by clicking and watch it learn a built-in dataset or your own "
                       "CSV file.")
    p.add_argument("data", nargs="?", help="CSV file or built-in dataset to start with "
                   "(default sample2)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default "
                   "127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser")
    p.set_defaults(func=run)


def initial_data(source):
    """("builtin", name) or ("upload", file name, bytes) for the command's DATA argument."""
    import os

    from ..base.errors import ConfigError
    from ..data.builtin import BUILTIN
    from .api import MAX_UPLOAD_BYTES
    from .setup import BUILTIN_PARAMS

    if source is None:
        return None
    if not os.path.isfile(source) and source in BUILTIN:
        if source not in BUILTIN_PARAMS:
            raise ConfigError(f"dataset {source!r} is not offered in the playground")
        return ("builtin", source)
    if not os.path.isfile(source):
        raise ConfigError(f"{source}: no such file, and not a built-in dataset "
                          f"({', '.join(BUILTIN_PARAMS)})")
    if os.path.getsize(source) > MAX_UPLOAD_BYTES:
        raise ConfigError(f"{source} is larger than the playground's limit of "
                          f"{MAX_UPLOAD_BYTES // 2**20} MiB")
    with open(source, "rb") as f:
        raw = f.read()
    from .setup import describe_csv

    describe_csv(os.path.basename(source), raw)  # fail now, in the shell, if unreadable
    return ("upload", os.path.basename(source), raw)


def run(args) -> int:
    from ..base.errors import ConfigError

    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401

        from .server import serve
    except ImportError:
        raise ConfigError("the playground needs Starlette and uvicorn: pip install "
                          "'glassnet[playground]'") from None
    if args.port and not 0 < args.port < 65536:
        raise ConfigError(f"--port must be from 1 to 65535, got {args.port}")
    # The page's address is what this command gives the user: shown even with -q.
    stream = getattr(args, "data_stream", None)
    serve(initial_data(args.data), host=args.host, port=args.port or None,
          open_browser=not args.no_browser, print_fn=lambda text: print(text, file=stream))
    return 0
