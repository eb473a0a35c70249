"""The index directory's layout, without Whoosh: generations, the manifest, the format
version and the writer's lock. An index run that finds nothing to do needs only these
(Whoosh's import and opening its segments cost a no-change run a quarter of its time);
``store`` re-exports them. Layout of an index directory::

    index/CURRENT          name of the live generation directory (swapped atomically)
    index/gen-.../         Whoosh files, FORMAT, and manifest-<N>.marshal for Whoosh generation N
                           (names-<N>.json: its leaders' display names, for searches;
                           words-<lang>.marshal: word analyses its build saved for later runs)
    index/.lock            held (flock) by the one process that writes
"""
from __future__ import annotations

import errno
import fcntl
import gc
import json
import marshal
import os
import re
import shutil
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import IndexDamaged, IndexLocked, IndexMissing, IndexVersionMismatch

# 2: content hashes no longer cover id and path; 3: packed posting blocks; 4: positions in
# them as arrays (PackedPositions); 5: blocks of positions uncompressed, weights as counts
FORMAT_VERSION = 5
READABLE_FORMATS = (2, 3, 4, 5)  # each reader reads the older blocks; a write makes an index 5
CURRENT = "CURRENT"
LOCK = ".lock"
FORMAT_FILE = "FORMAT"
LOCK_WAIT_SECONDS = float(os.environ.get("NEWSFIND_LOCK_TIMEOUT", "10"))
INDEX_NAME = "MAIN"  # Whoosh's default index name: its TOC files are _MAIN_<generation>.toc
_TOC = re.compile(rf"^_{INDEX_NAME}_([0-9]+)\.toc$")


# --- generations, manifest, format -------------------------------------------------------

@dataclass
class Manifest:
    """What the live generation holds: per article its hash and source, per file its stat."""

    generation: int = 0  # Whoosh's TOC generation this manifest describes
    articles: dict[str, list[Any]] = field(default_factory=dict)  # id -> [hash, source, abs path, leaders]
    files: dict[str, list[Any]] = field(default_factory=dict)  # abs path -> [size, mtime_ns, [ids]]
    leader_names: dict[str, str] = field(default_factory=dict)  # leader key -> display name
    updated: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {"generation": self.generation, "updated": self.updated, "articles": self.articles,
                "files": self.files, "leader_names": self.leader_names}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Manifest:
        return cls(int(data.get("generation", 0)), dict(data.get("articles", {})),
                   dict(data.get("files", {})), dict(data.get("leader_names", {})),
                   float(data.get("updated", 0.0)))


def live_generation(index_dir: Path) -> Path | None:
    try:
        name = (index_dir / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise IndexDamaged(f"cannot read index at {index_dir}: {error.strerror}") from None
    if not name or "/" in name or name.startswith("."):
        raise IndexDamaged(f"index at {index_dir} is damaged (bad {CURRENT} file); run `newsfind index --rebuild`")
    return index_dir / name


def checked_generation(index_dir: Path) -> Path:
    """The live generation directory, checked for existence and format (not its Whoosh
    files: opening them is store.open_whoosh's part)."""
    if not index_dir.exists():
        raise IndexMissing(f"no index at {index_dir}; run `newsfind index` to build it")
    gen_dir = live_generation(index_dir)
    if gen_dir is None:
        raise IndexMissing(f"no index at {index_dir}; run `newsfind index` to build it")
    if not gen_dir.is_dir():
        raise IndexDamaged(f"index at {index_dir} is damaged ({gen_dir.name} is missing); run `newsfind index --rebuild`")
    check_format(gen_dir, index_dir)
    return gen_dir


def index_exists(index_dir: Path) -> bool:
    return (index_dir / CURRENT).is_file()


def new_generation_dir(index_dir: Path) -> Path:
    index_dir.mkdir(parents=True, exist_ok=True)
    import tempfile

    return Path(tempfile.mkdtemp(prefix=f"gen-{time.strftime('%Y%m%d-%H%M%S')}-", dir=index_dir))


def _write_atomic(path: Path, text: str | bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as handle:
        handle.write(text.encode("utf-8") if isinstance(text, str) else text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def switch_generation(index_dir: Path, gen_dir: Path) -> None:
    """Make ``gen_dir`` live in one atomic rename, then remove older generations."""
    _fsync_dir(gen_dir)
    _write_atomic(index_dir / CURRENT, gen_dir.name + "\n")
    _fsync_dir(index_dir)
    remove_stale_generations(index_dir, keep=gen_dir.name)


def remove_stale_generations(index_dir: Path, keep: str) -> None:
    for entry in index_dir.iterdir():
        if entry.is_dir() and entry.name.startswith("gen-") and entry.name != keep:
            shutil.rmtree(entry, ignore_errors=True)


def write_format(gen_dir: Path) -> None:
    from . import __version__

    _write_atomic(gen_dir / FORMAT_FILE, json.dumps({"format": FORMAT_VERSION, "newsfind": __version__}) + "\n")


def check_format(gen_dir: Path, index_dir: Path) -> None:
    try:
        info = json.loads((gen_dir / FORMAT_FILE).read_text(encoding="utf-8"))
        version = int(info["format"])
    except FileNotFoundError:
        raise IndexDamaged(f"index at {index_dir} is damaged (no {FORMAT_FILE}); run `newsfind index --rebuild`") from None
    except (ValueError, KeyError, TypeError):
        raise IndexDamaged(f"index at {index_dir} is damaged (bad {FORMAT_FILE}); run `newsfind index --rebuild`") from None
    if version not in READABLE_FORMATS:
        raise IndexVersionMismatch(
            f"index at {index_dir} has format {version}, this newsfind reads formats "
            f"{', '.join(map(str, READABLE_FORMATS))}; "
            "run `newsfind index --rebuild`")


# The manifest is marshalled (indexes of earlier versions have manifest-<N>.json, read as
# ever): 10,000 articles dump in 1.5-2.5 ms instead of JSON's 11-17, and load in 11-14
# instead of 14-17. A header says which marshal version wrote it, and a checksum keeps a
# damaged file from marshal (which may allocate whatever length a damaged byte says); a
# manifest unreadable for any reason is recovered from the index (see the indexer).
_MANIFEST_MAGIC = b"NFMANIF" + bytes([marshal.version])


def _manifest_path(gen_dir: Path, generation: int, suffix: str = ".marshal") -> Path:
    return gen_dir / f"manifest-{generation}{suffix}"


def read_manifest(gen_dir: Path, generation: int) -> Manifest | None:
    """The manifest describing Whoosh generation ``generation`` (None if there is none)."""
    try:
        data = _unmarshal(_manifest_path(gen_dir, generation).read_bytes())
    except FileNotFoundError:
        try:  # an index written before the manifest was marshalled
            data = json.loads(_manifest_path(gen_dir, generation, ".json").read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return None
    except OSError:
        return None
    try:
        manifest = Manifest.from_json(data)
    except (ValueError, TypeError, AttributeError):
        return None
    return manifest if manifest.generation == generation else None


def _unmarshal(raw: bytes) -> Any:
    """What ``_marshalled`` made of it, or None when the file is damaged or another
    Python's marshal wrote it."""
    head = len(_MANIFEST_MAGIC)
    data = memoryview(raw)[head + 4:]
    if raw[:head] != _MANIFEST_MAGIC or int.from_bytes(raw[head:head + 4], "big") != zlib.crc32(data):
        return None
    collecting = gc.isenabled()
    gc.disable()  # ~50,000 lists and strings for 10,000 articles: no collector pass midway
    try:
        return marshal.loads(data)
    except (ValueError, EOFError, TypeError):
        return None
    finally:
        if collecting:
            gc.enable()


def _marshalled(data: Any) -> bytes:
    body = marshal.dumps(data)
    return b"".join((_MANIFEST_MAGIC, zlib.crc32(body).to_bytes(4, "big"), body))


def write_manifest(gen_dir: Path, manifest: Manifest) -> None:
    """Written *before* the Whoosh commit of the same generation: whichever generation is
    live after a crash, its manifest is on disk."""
    manifest.updated = time.time()
    _write_atomic(_manifest_path(gen_dir, manifest.generation), _marshalled(manifest.to_json()))
    # searches need only the display names: a small file of their own keeps start-up fast
    names = {"generation": manifest.generation, "updated": manifest.updated, "leader_names": manifest.leader_names}
    _write_atomic(_names_path(gen_dir, manifest.generation), json.dumps(names, ensure_ascii=False))


def _names_path(gen_dir: Path, generation: int) -> Path:
    return gen_dir / f"names-{generation}.json"


def read_names(gen_dir: Path, generation: int) -> tuple[dict[str, str], float]:
    """Leader display names (key -> name) and the time of the last update, for searches."""
    try:
        data = json.loads(_names_path(gen_dir, generation).read_text(encoding="utf-8"))
        return dict(data.get("leader_names", {})), float(data.get("updated", 0.0))
    except (FileNotFoundError, ValueError, TypeError, AttributeError):
        manifest = read_manifest(gen_dir, generation)
        return (manifest.leader_names, manifest.updated) if manifest else ({}, 0.0)


def remove_old_manifests(gen_dir: Path, live: int) -> None:
    for path in [*gen_dir.glob("manifest-*.marshal"), *gen_dir.glob("manifest-*.json"),
                 *gen_dir.glob("names-*.json")]:
        try:
            generation = int(path.stem.split("-", 1)[1])
        except ValueError:
            continue
        if generation != live:
            path.unlink(missing_ok=True)


# --- the lock ------------------------------------------------------------------------

_HELD_LOCK_FDS: set[int] = set()


def release_inherited_locks() -> None:
    """In a forked child: close the lock's file descriptor, so the lock dies with the parent."""
    for fd in list(_HELD_LOCK_FDS):
        try:
            os.close(fd)
        except OSError:
            pass
    _HELD_LOCK_FDS.clear()


@contextmanager
def writer_lock(index_dir: Path, wait: float | None = None) -> Iterator[None]:
    """One writer at a time. flock dies with its process, so a killed indexer leaves no lock."""
    index_dir.mkdir(parents=True, exist_ok=True)
    wait = LOCK_WAIT_SECONDS if wait is None else wait
    path = index_dir / LOCK
    handle = open(path, "a+", encoding="utf-8")
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as error:
                if error.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip() or "another process"
                    raise IndexLocked(
                        f"index at {index_dir} is being updated by process {holder}; try again when it has finished"
                    ) from None
                time.sleep(0.1)
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        _HELD_LOCK_FDS.add(handle.fileno())
        yield
    finally:
        _HELD_LOCK_FDS.discard(handle.fileno())
        handle.close()


def toc_generation(gen_dir: Path) -> int:
    """The latest Whoosh generation in ``gen_dir`` (-1 for none), read from the names of its
    TOC files as Whoosh's FileIndex.latest_generation does, without importing Whoosh."""
    try:
        names = os.listdir(gen_dir)
    except OSError:
        return -1
    return max((int(m.group(1)) for name in names if (m := _TOC.match(name))), default=-1)


def directory_size(path: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.path.getsize(os.path.join(root, name))
            except OSError:
                pass
    return total
