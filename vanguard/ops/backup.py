"""Backups of the database and the uploaded files, and their restore.

One archive per backup: a tar holding `manifest.json` (time, database engine, the row
count of every table, every file's size and SHA-256), the database (`database.sqlite3`
through SQLite's online backup API, or `database.pgdump`, `pg_dump`'s custom format) and
`media/`. With `VANGUARD_BACKUP_KEY` set the archive is encrypted (PyNaCl secret box:
XSalsa20-Poly1305, authenticated) and named `.tar.nacl`, else it is `.tar.gz`.

Restore puts the database back whole (SQLite's backup API over the live file; `pg_restore
--clean` on PostgreSQL), moves the current media folder aside (nothing is deleted) and
unpacks the archive's files, then compares every table's row count with the manifest.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.pgdump"
MAGIC = b"VANGUARD-BACKUP-1\n"


class BackupError(Exception):
    pass


# -- encryption -------------------------------------------------------------------------


def new_key() -> str:
    from nacl.secret import SecretBox
    from nacl.utils import random

    return base64.b64encode(random(SecretBox.KEY_SIZE)).decode()


def _box(key: str):
    from nacl.secret import SecretBox

    try:
        raw = base64.b64decode(key, validate=True)
    except ValueError as error:
        raise BackupError("VANGUARD_BACKUP_KEY is not base64") from error
    if len(raw) != SecretBox.KEY_SIZE:
        raise BackupError("VANGUARD_BACKUP_KEY must be 32 bytes (base64)")
    return SecretBox(raw)


def _seal(data: bytes, key: str) -> bytes:
    return MAGIC + bytes(_box(key).encrypt(data))


def _open_sealed(data: bytes, key: str) -> bytes:
    from nacl.exceptions import CryptoError

    if not key:
        raise BackupError("The backup is encrypted: set VANGUARD_BACKUP_KEY to restore it.")
    try:
        return _box(key).decrypt(data[len(MAGIC) :])
    except CryptoError as error:
        raise BackupError("The backup cannot be decrypted with this key.") from error


# -- what is in the database and the media folder ---------------------------------------


def row_counts() -> dict[str, int]:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        counts = {}
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def media_files(root: Path) -> dict[str, dict]:
    files = {}
    if root.exists():
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            files[path.relative_to(root).as_posix()] = {
                "size": path.stat().st_size,
                "sha256": digest,
            }
    return files


# -- the database ---------------------------------------------------------------------


def _pg_env_and_args() -> tuple[dict, list[str]]:
    db = settings.DATABASES["default"]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    args = []
    if db.get("HOST"):
        args += ["-h", db["HOST"]]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", db["USER"]]
    return env, [*args, "-d", connection.settings_dict["NAME"]]


def _dump_database(folder: Path) -> str:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(folder / SQLITE_FILE)
        with target:
            connection.connection.backup(target)
        target.close()
        return SQLITE_FILE
    if connection.vendor == "postgresql":
        env, args = _pg_env_and_args()
        subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", "-f", str(folder / PG_FILE), *args],
            env=env,
            check=True,
            capture_output=True,
        )
        return PG_FILE
    raise BackupError(f"No backup for the {connection.vendor} database.")


def _load_database(folder: Path, name: str) -> None:
    if name == SQLITE_FILE:
        if connection.vendor != "sqlite":
            raise BackupError("This backup is of a SQLite database; DATABASE_URL is not SQLite.")
        connection.ensure_connection()
        source = sqlite3.connect(folder / SQLITE_FILE)
        source.backup(connection.connection)
        source.close()
        return
    if connection.vendor != "postgresql":
        raise BackupError("This backup is of a PostgreSQL database; DATABASE_URL is not.")
    connection.close()
    env, args = _pg_env_and_args()
    options = ["--clean", "--if-exists", "--no-owner", "--single-transaction"]
    result = subprocess.run(
        ["pg_restore", *options, *args, str(folder / PG_FILE)],
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()[-500:]}")


# -- archives ---------------------------------------------------------------------------


@dataclass
class Backup:
    path: Path
    manifest: dict


def create_backup(directory: Path | None = None, key: str | None = None) -> Backup:
    directory = Path(directory or settings.VANGUARD_BACKUP_DIR)
    key = settings.VANGUARD_BACKUP_KEY if key is None else key
    directory.mkdir(parents=True, exist_ok=True)
    media_root = Path(settings.MEDIA_ROOT)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S%fZ")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        database = _dump_database(folder)
        manifest = {
            "created_at": timezone.now().isoformat(),
            "engine": connection.vendor,
            "database": database,
            "tables": row_counts(),
            "files": media_files(media_root),
        }
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w") as tar:
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            tar.add(folder / database, arcname=database)
            if media_root.exists():
                tar.add(media_root, arcname="media")
        payload = gzip.compress(buffer.getvalue(), compresslevel=6)
    if key:
        path = directory / f"vanguard-{stamp}.tar.nacl"
        path.write_bytes(_seal(payload, key))
    else:
        path = directory / f"vanguard-{stamp}.tar.gz"
        path.write_bytes(payload)
    path.chmod(0o600)
    return Backup(path, manifest)


def prune(directory: Path | None = None, keep: int | None = None) -> list[Path]:
    """Delete all but the newest `keep` backups of the folder; return those deleted."""
    directory = Path(directory or settings.VANGUARD_BACKUP_DIR)
    keep = settings.VANGUARD_BACKUP_KEEP if keep is None else keep
    backups = sorted(directory.glob("vanguard-*.tar.*"), key=lambda p: p.name, reverse=True)
    old = backups[keep:] if keep > 0 else []
    for path in old:
        path.unlink()
    return old


def _read_archive(path: Path, key: str) -> bytes:
    data = Path(path).read_bytes()
    if data.startswith(MAGIC):
        data = _open_sealed(data, key)
    try:
        return gzip.decompress(data)
    except OSError as error:
        raise BackupError(f"{path} is not a Vanguard backup.") from error


def restore_backup(path: Path, key: str | None = None) -> dict:
    """Restore the database and the files; return the manifest. Raises BackupError when
    the restored row counts differ from the manifest's."""
    key = settings.VANGUARD_BACKUP_KEY if key is None else key
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with tarfile.open(fileobj=io.BytesIO(_read_archive(path, key)), mode="r") as tar:
            tar.extractall(folder, filter="data")
        manifest = json.loads((folder / MANIFEST).read_text())
        _load_database(folder, manifest["database"])
        if media_root.exists() and any(media_root.iterdir()):
            aside = media_root.with_name(
                f"{media_root.name}.before-restore-{timezone.now():%Y%m%dT%H%M%S}"
            )
            media_root.rename(aside)
        media_root.mkdir(parents=True, exist_ok=True)
        if (folder / "media").exists():
            shutil.copytree(folder / "media", media_root, dirs_exist_ok=True)
    counts = row_counts()
    differ = {
        table: (expected, counts.get(table))
        for table, expected in manifest["tables"].items()
        if counts.get(table) != expected
    }
    if differ:
        raise BackupError(f"Row counts differ after the restore: {differ}")
    return manifest
