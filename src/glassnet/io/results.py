"""Result folders and output files: glassnet replaces only what it created.

Every command that writes a folder of results does it through :class:`ResultFolder`::

    with ResultFolder(out, what="train", inputs=[csv], overwrite=False) as folder:
        write_everything(folder.temp)      # a hidden temporary sibling of ``out``
    print(folder.message)                  # "results in ...", and what was replaced

The rules, checked before any work and again at the moment of publishing:

- every folder glassnet publishes holds a marker file, ``.glassnet-results`` (JSON:
  what wrote it, when, which process, and the files it wrote);
- the current folder, its parents, and any folder that holds an input of the run (or
  is an input) are refused, with or without ``overwrite``;
- a non-empty folder without the marker is never replaced, not even with
  ``overwrite``; neither is a result folder into which someone put other files;
- without ``overwrite`` an existing result folder is refused;
- publishing never replaces results that appeared, or changed, while the run worked:
  the run's own results are then kept beside them and the error says where;
- the destination never goes missing: on Linux the new folder and the old one swap
  places in one ``renameat2(RENAME_EXCHANGE)``. Where that is not available the old
  folder is first renamed to a hidden ``.<name>.old-<pid>-...`` sibling; a run killed
  between the two renames is repaired by the next run on the same folder, which
  renames the old results back into place;
- hidden partial folders left by a killed run (``.<name>.partial-<pid>-...``, holding
  the marker) are removed by the next run on the same folder, and reported;
- a symbolic link given as the folder is followed: the results go where it points.

Single files (``predict --out FILE``, ``datasets export NAME FILE``) use
``files.check_output_file`` before the work and ``files.atomic_write(...,
overwrite=False)`` to publish. Folders and files get the permissions the umask allows.
"""

from __future__ import annotations

import datetime
import json
import os
import secrets
import shutil
import sys

from ..base.errors import ResultsError
from .files import rename_exchange, rename_noreplace

MARKER = ".glassnet-results"


# Small helpers --------------------------------------------------------------------------
def _real(path) -> str:
    return os.path.realpath(os.path.abspath(os.fspath(path)))


def _inside(child: str, parent: str) -> bool:
    """True when ``child`` is ``parent`` or lies below it (both real paths)."""
    return child == parent or child.startswith(parent.rstrip(os.sep) + os.sep)


def _alive(pid: int) -> bool:
    if pid == os.getpid() or os.name == "nt":  # Windows' os.kill(pid, 0) would end it
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # another user's process, or a platform that cannot tell
    return True


def read_marker(folder) -> dict | None:
    """The marker of a glassnet result folder, or None when it has none (or a bad one)."""
    try:
        with open(os.path.join(os.fspath(folder), MARKER), "rb") as f:
            data = json.loads(f.read(1 << 20).decode("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("glassnet") != "results":
        return None
    files = data.get("files", [])
    return data if isinstance(files, list) and all(isinstance(f, str) for f in files) else None


def _write_marker(folder: str, what: str, state: str, files=None) -> dict:
    marker = {"glassnet": "results", "what": what, "state": state, "pid": os.getpid(),
              "when": datetime.datetime.now(datetime.timezone.utc).isoformat(
                  timespec="seconds")}
    if files is not None:
        marker["files"] = files
    with open(os.path.join(folder, MARKER), "w", encoding="utf-8") as f:
        json.dump(marker, f, indent=1)
    return marker


def _listing(folder: str) -> list[str]:
    """Every file and link below ``folder``, relative, without the marker."""
    found = []
    for root, dirs, files in os.walk(folder):
        for name in files + [d for d in dirs if os.path.islink(os.path.join(root, d))]:
            rel = os.path.relpath(os.path.join(root, name), folder)
            if rel != MARKER:
                found.append(rel.replace(os.sep, "/"))
    return sorted(found)


def _describe(marker: dict) -> str:
    return f"{marker.get('what', 'glassnet')} results written {marker.get('when', '?')}"


# The result folder ------------------------------------------------------------------------
class ResultFolder:
    """Build results in a hidden temporary folder and publish them at the end.

    Parameters
    ----------
    out : path
        The result folder the user asked for.
    what : str
        What writes it ("train", "demo", ...); stored in the marker.
    inputs : iterable of paths
        Files and folders the run reads; ``out`` may not be or hold any of them.
    overwrite : bool
        Replace an existing glassnet result folder (never anything else).
    option : str
        How the user named ``out`` in messages (``--out``).
    log : callable
        Receives notes about repaired or removed leftovers (default: stderr).

    Attributes
    ----------
    temp : str
        The temporary folder to write into (inside the ``with`` block); ``path(name)``
        joins a file name to it, ``final_path(name)`` to the published folder.
    final : str
        The published folder (the real path when ``out`` is a symbolic link).
    replaced : dict or None
        The marker of the results that publishing replaced.
    """

    def __init__(self, out, what, inputs=(), overwrite=False, option="--out", log=None):
        self.given = os.fspath(out)
        self.what = what
        self.overwrite = overwrite
        self.option = option
        self.log = log or (lambda text: print(f"glassnet: note: {text}", file=sys.stderr))
        self.final = _real(self.given)
        self.parent, self.name = os.path.split(self.final)
        self.inputs = [_real(p) for p in inputs if p]
        self.temp = None
        self.replaced = None
        self._before = None  # (device, inode) of the folder found at the start, or None
        self._check()

    # checks -------------------------------------------------------------------------------
    def _refuse(self, text):
        raise ResultsError(f"{self.option} {self.given}: {text}")

    def _check(self):
        if not self.name:
            self._refuse("is the root folder; choose a folder for the results")
        cwd = _real(os.getcwd())
        if _inside(cwd, self.final):
            self._refuse("is the current folder or one of its parents; results go into a "
                         "folder of their own, e.g. --out results")
        for source in self.inputs:
            if source == self.final:
                self._refuse("is an input of this run; choose another folder for the results")
            if _inside(source, self.final):
                self._refuse(f"holds an input of this run ({source}); choose another folder")
        if os.path.lexists(self.final) and not os.path.isdir(self.final):
            self._refuse("exists and is not a folder")
        self._repair_leftovers()
        self._before = self._inspect(self.final)

    def _inspect(self, folder):
        """Check a folder we might replace; return its (device, inode) or None."""
        if not os.path.isdir(folder):
            return None
        stat = os.stat(folder)
        entries = os.listdir(folder)
        if not entries:
            return (stat.st_dev, stat.st_ino)
        marker = read_marker(folder)
        if marker is None:
            shown = ", ".join(sorted(entries)[:3]) + (", ..." if len(entries) > 3 else "")
            self._refuse(f"is a folder glassnet did not write (it holds {shown}); glassnet "
                         "writes only into a new or empty folder or replaces its own results; "
                         "choose another folder")
        if "files" in marker:
            extra = sorted(set(_listing(folder)) - set(marker["files"]))
            if extra:
                shown = ", ".join(extra[:3]) + (", ..." if len(extra) > 3 else "")
                self._refuse(f"holds glassnet results and files glassnet did not write there "
                             f"({shown}); move those out or choose another folder")
        if not self.overwrite:
            self._refuse(f"already holds {_describe(marker)}; choose another folder, or pass "
                         "--overwrite to replace them")
        return (stat.st_dev, stat.st_ino)

    def _leftovers(self, kind):
        prefix = f".{self.name}.{kind}-"
        try:
            names = os.listdir(self.parent)
        except OSError:
            return []
        found = []
        for name in sorted(names):
            if not name.startswith(prefix):
                continue
            try:
                pid = int(name[len(prefix):].split("-")[0])
            except ValueError:
                continue
            path = os.path.join(self.parent, name)
            if not os.path.isdir(path) or read_marker(path) is None:
                continue
            if not _alive(pid):
                found.append(path)
            elif pid != os.getpid():
                self.log(f"another glassnet run (process {pid}) may be writing results for "
                         f"{self.final}; the one that finishes second will not replace the "
                         "other's")
        return found

    def _repair_leftovers(self):
        """Undo what a killed run left: old results renamed away, partial folders."""
        for old in self._leftovers("old"):
            if not os.path.lexists(self.final):
                os.rename(old, self.final)
                self.log(f"restored {self.final} from {old}, left by a run that was stopped "
                         "while publishing its results")
            else:
                shutil.rmtree(old)
                self.log(f"removed {old}, earlier results a stopped run had replaced")
        for partial in self._leftovers("partial"):
            shutil.rmtree(partial)
            self.log(f"removed {partial}, the unfinished results of a run that was stopped")

    # the context ----------------------------------------------------------------------------
    def _sibling(self, kind):
        return os.path.join(self.parent, f".{self.name}.{kind}-{os.getpid()}-"
                                         f"{secrets.token_hex(4)}")

    def __enter__(self):
        os.makedirs(self.parent, exist_ok=True)
        temp = self._sibling("partial")
        os.mkdir(temp)  # mode 0o777 less the umask
        _write_marker(temp, self.what, "partial")
        self.temp = temp
        return self

    def __exit__(self, kind, value, traceback):
        try:
            if kind is None:
                self.publish()
        finally:  # a failed run, or a failed move, leaves no partial folder behind
            if self.temp:
                shutil.rmtree(self.temp, ignore_errors=True)
                self.temp = None
        return False

    def publish(self):
        """Mark the temporary folder complete and move it into place."""
        _write_marker(self.temp, self.what, "complete", _listing(self.temp))
        now = self._identity()
        if now != self._before:
            self._keep_aside(("results appeared there" if self._before is None else
                              "the results there were replaced") +
                             " while this run worked (another run?)")
        try:  # the same checks as at the start, on what is there now
            self._inspect(self.final)
        except ResultsError as exc:
            self._keep_aside(str(exc).split(": ", 1)[1])
        if self._before is None:
            try:
                rename_noreplace(self.temp, self.final)
            except FileExistsError:
                self._keep_aside("results appeared there while this run worked (another run?)")
            self.temp = None
            return
        marker = read_marker(self.final)
        if rename_exchange(self.temp, self.final):
            # self.temp now holds what was at final: make sure it is what we checked.
            if self._identity(self.temp) != self._before:
                rename_exchange(self.temp, self.final)  # give the other run its results back
                self._keep_aside("the results there were replaced while this run worked "
                                 "(another run?)")
        else:
            old = self._sibling("old")
            os.rename(self.final, old)
            try:
                os.rename(self.temp, self.final)  # a kill just before is repaired next run
            except BaseException:
                os.rename(old, self.final)
                raise
            self.temp = old
        self.replaced = marker
        shutil.rmtree(self.temp, ignore_errors=True)
        self.temp = None

    def _identity(self, path=None):
        path = path or self.final
        if not os.path.isdir(path):
            return None
        stat = os.stat(path)
        return (stat.st_dev, stat.st_ino)

    def _keep_aside(self, reason):
        kept = f"{self.final}.unpublished-{os.getpid()}-{secrets.token_hex(2)}"
        os.rename(self.temp, kept)
        self.temp = None
        self._refuse(f"{reason}; this run's results were not published and are kept in {kept}")

    def path(self, name) -> str:
        """Where a file of the results goes while they are being built."""
        return os.path.join(self.temp, name)

    def final_path(self, name) -> str:
        """Where it will be once published."""
        return os.path.join(self.final, name)

    @property
    def message(self) -> str:
        """What happened, for the user: where the results are and what they replaced."""
        from ..base.i18n import _
        from ..base.sanitize import one_line

        text = _("results in {folder}").format(folder=one_line(self.final))
        if self.replaced:
            text += f" (replaced the earlier {_describe(self.replaced)})"
        return text
