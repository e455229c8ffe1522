"""The restore drill: demo → backup → fresh database → restore → identical row counts and
files; on SQLite in the normal suite, on PostgreSQL when DATABASE_URL says so."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from vanguard.ops import backup


def _wipe(media_root: Path) -> None:
    """A fresh database (every table emptied) and no uploaded files."""
    call_command("flush", interactive=False, verbosity=0)
    for path in sorted(media_root.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()


@pytest.mark.django_db(transaction=True)
def test_restore_drill_gives_back_every_row_and_file(settings, tmp_path):
    # given the demo campaign (with its evidence files) and an encryption key
    call_command("load_demo", stdout=StringIO())
    settings.VANGUARD_BACKUP_KEY = backup.new_key()
    before_rows = backup.row_counts()
    before_files = backup.media_files(Path(settings.MEDIA_ROOT))
    assert before_rows["orgs_member"] > 0 and len(before_files) > 0
    # when it is backed up, the database and files are lost, and the backup restored
    out = StringIO()
    call_command("backup", dir=str(tmp_path / "backups"), stdout=out)
    archive = next((tmp_path / "backups").glob("vanguard-*.tar.nacl"))
    assert b"orgs_member" not in archive.read_bytes()  # encrypted at rest
    _wipe(Path(settings.MEDIA_ROOT))
    assert backup.row_counts()["orgs_member"] == 0
    call_command("restore", str(archive), yes=True, stdout=out)
    # then every table has its rows and every file its bytes again
    assert backup.row_counts() == before_rows
    assert backup.media_files(Path(settings.MEDIA_ROOT)) == before_files
    assert connection.vendor in out.getvalue() or "Restored" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_an_encrypted_backup_needs_its_key(settings, tmp_path):
    settings.VANGUARD_BACKUP_KEY = backup.new_key()
    made = backup.create_backup(tmp_path)
    settings.VANGUARD_BACKUP_KEY = backup.new_key()
    with pytest.raises(CommandError, match="cannot be decrypted"):
        call_command("restore", str(made.path), yes=True, stdout=StringIO())
    settings.VANGUARD_BACKUP_KEY = ""
    with pytest.raises(CommandError, match="encrypted"):
        call_command("restore", str(made.path), yes=True, stdout=StringIO())


def test_not_a_backup_is_refused(db, tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a backup")
    with pytest.raises(CommandError, match="not a Vanguard backup"):
        call_command("restore", str(junk), yes=True, stdout=StringIO())


def test_retention_keeps_the_newest(tmp_path):
    for stamp in ("20260101", "20260102", "20260103"):
        (tmp_path / f"vanguard-{stamp}T000000Z.tar.gz").write_bytes(b"x")
    removed = backup.prune(tmp_path, keep=2)
    assert [p.name for p in removed] == ["vanguard-20260101T000000Z.tar.gz"]
    assert len(list(tmp_path.iterdir())) == 2


def test_new_key_is_32_bytes():
    import base64

    out = StringIO()
    call_command("backup", new_key=True, stdout=out)
    assert len(base64.b64decode(out.getvalue().strip())) == 32
