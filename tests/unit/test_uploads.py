"""Upload checks: type by content, zip safety, safe names, size limit, and the local store."""

from __future__ import annotations

import hashlib
import io
import os

import pytest

from core.storage import LocalStorage
from submissions import attachments as uploads
from submissions.attachments import UploadRefused, check_upload, safe_filename, sniff
from tests.upload_support import PDF, make_zip, png_bytes


def docx_bytes() -> bytes:
    return make_zip(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
            "_rels/.rels": b'<?xml version="1.0"?><Relationships/>',
            "word/document.xml": b'<?xml version="1.0"?><w:document/>',
        }
    )


def odt_bytes() -> bytes:
    mimetype = b"application/vnd.oasis.opendocument.text"
    return make_zip({"mimetype": mimetype, "content.xml": b"<office:document-content/>"})


def refusal(data: bytes, **kwargs: int) -> str:
    with pytest.raises(UploadRefused) as caught:
        sniff(data, **kwargs)
    return caught.value.message


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (PDF, "application/pdf"),
        (png_bytes(), "image/png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(32), "image/jpeg"),
        (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "image/gif"),
        (b"RIFF\x1a\x00\x00\x00WEBPVP8 " + bytes(14), "image/webp"),
        (make_zip({"notes/readme.txt": b"hello"}), "application/zip"),
        (docx_bytes(), uploads.DOCX.content_type),
        (make_zip({"xl/workbook.xml": b"<workbook/>"}), uploads.XLSX.content_type),
        (make_zip({"ppt/presentation.xml": b"<p/>"}), uploads.PPTX.content_type),
        (odt_bytes(), "application/vnd.oasis.opendocument.text"),
        (b"Plain notes about the design.\nSecond line.\n", "text/plain"),
        (b"name,cost\nbattery,120\npump,80\n", "text/csv"),
        ("# Design\n\nUses **molten salt**: 5 °C.\n".encode(), "text/markdown"),
        (b'{"cells": [1, 2, 3]}', "application/json"),
        (b"\xef\xbb\xbfA text file with a byte order mark.", "text/plain"),
    ],
)
def test_accepted_files_are_typed_by_their_content(data: bytes, content_type: str) -> None:
    assert sniff(data).content_type == content_type


@pytest.mark.parametrize(
    "data",
    [
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        b"\xef\xbb\xbf  \n\t<html><body>hi</body></html>",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
        b"<script>alert(document.cookie)</script>",
        b"Looks like text\n<script>alert(1)</script>",
        b"Innocent first line\n<!doctype html><p>hidden page</p>",
    ],
)
def test_markup_is_refused_whatever_it_pretends_to_be(data: bytes) -> None:
    assert "markup" in refusal(data)


def test_html_named_pdf_is_refused_with_a_clear_message() -> None:
    page = io.BytesIO(b"<html><body>Not a PDF</body></html>")
    with pytest.raises(UploadRefused) as caught:
        check_upload(page, "report.pdf", max_upload_mb=1)
    assert "HTML" in caught.value.message and caught.value.field == "file"


@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(48),
        b"\x7fELF\x02\x01\x01" + bytes(9),
        b"\xcf\xfa\xed\xfe\x07\x00\x00\x01",
        b"#!/bin/sh\nrm -rf ~\n",
    ],
)
def test_programs_and_scripts_are_refused(data: bytes) -> None:
    assert "not accepted" in refusal(data)


@pytest.mark.parametrize("data", [b"", b"text\x00with a NUL", b"\xff\xfe\x00\x00bad utf-8 \xc3"])
def test_empty_binary_and_non_utf8_text_are_refused(data: bytes) -> None:
    refusal(data)


def test_zip_bomb_with_an_extreme_compression_ratio_is_refused() -> None:
    bomb = make_zip({"zeros.bin": bytes(5 * 1024 * 1024)})
    assert len(bomb) < 20_000
    assert "zip bomb" in refusal(bomb)


def test_small_members_that_compress_well_are_not_mistaken_for_bombs() -> None:
    assert sniff(make_zip({"blank.txt": b" " * 100_000})).content_type == "application/zip"


def test_zip_that_unpacks_beyond_the_limit_is_refused() -> None:
    archive = make_zip({"a.bin": os.urandom(60_000), "b.bin": os.urandom(60_000)})
    assert "unpacks to more than" in refusal(archive, max_unpacked=100_000)


def test_zip_with_too_many_members_is_refused() -> None:
    archive = make_zip({f"f{n}.txt": b"x" for n in range(uploads.ZIP_MAX_MEMBERS + 1)})
    assert "more than 1000 files" in refusal(archive)


@pytest.mark.parametrize(
    "name", ["../evil.txt", "docs/../../evil.txt", "/etc/cron.d/job", "..\\evil.txt", "C:\\x.txt"]
)
def test_zip_slip_member_names_are_refused(name: str) -> None:
    assert "unsafe path" in refusal(make_zip({"ok.txt": b"fine", name: b"payload"}))


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("inner.zip", make_zip({"a.txt": b"a"})),
        ("inner.bin", make_zip({"a.txt": b"a"})),
        ("data.gz", b"\x1f\x8b\x08\x00" + bytes(16)),
    ],
)
def test_nested_archives_are_refused(name: str, data: bytes) -> None:
    assert "another archive" in refusal(make_zip({name: data}))


def test_encrypted_and_macro_enabled_archives_are_refused() -> None:
    encrypted = bytearray(make_zip({"secret.txt": b"not really encrypted"}))
    encrypted[6] |= 0x1  # the "encrypted" flag, in the local header and the central directory
    encrypted[encrypted.index(b"PK\x01\x02") + 8] |= 0x1
    assert "Password-protected" in refusal(bytes(encrypted))
    macro = make_zip({"word/document.xml": b"<d/>", "word/vbaProject.bin": b"\x01\x02"})
    assert "macros" in refusal(macro)


def test_damaged_zip_is_refused() -> None:
    assert "damaged" in refusal(b"PK\x03\x04" + b"garbage" * 10)


@pytest.mark.parametrize(
    ("raw", "file_type", "expected"),
    [
        ("../../etc/passwd", uploads.TEXT, "passwd.txt"),
        ("..\\..\\Windows\\system.ini", uploads.TEXT, "system.ini.txt"),
        ("C:\\Users\\me\\Report final.PDF", uploads.PDF, "Report final.PDF"),
        ("résumé — v2.pdf", uploads.PDF, "résumé — v2.pdf"),
        ("invoice\u202egnp.exe", uploads.PNG, "invoicegnp.exe.png"),
        ("tab\tand\nnewline.csv", uploads.CSV, "tab and newline.csv"),
        ('a<b>:"c|d?*.pdf', uploads.PDF, "a_b___c_d.pdf"),
        ("page.html", uploads.PNG, "page.html.png"),
        ("CON.pdf", uploads.PDF, "_CON.pdf"),
        ("...", uploads.PDF, "attachment.pdf"),
        ("", uploads.PNG, "attachment.png"),
        (None, uploads.DOCX, "attachment.docx"),
        (".hidden", uploads.TEXT, "hidden.txt"),
        ("notes.md", uploads.TEXT, "notes.md"),
    ],
)
def test_display_names_are_cleaned_but_stay_readable(raw, file_type, expected) -> None:
    assert safe_filename(raw, file_type) == expected


def test_long_names_are_cut_to_200_characters_keeping_the_extension() -> None:
    name = safe_filename("x" * 500 + ".pdf", uploads.PDF)
    assert len(name) == 200 and name.endswith("x.pdf")


def test_upload_over_the_size_limit_is_refused_with_the_limit_in_the_message() -> None:
    with pytest.raises(UploadRefused) as caught:
        check_upload(io.BytesIO(b"a" * (1024 * 1024 + 1)), "big.txt", max_upload_mb=1)
    assert "at most 1 MB" in caught.value.message


def test_size_and_sha256_are_computed_while_reading() -> None:
    data, checked = check_upload(io.BytesIO(PDF), "a/b/Design.pdf", max_upload_mb=1)
    assert data == PDF and checked.size == len(PDF)
    assert checked.sha256 == hashlib.sha256(PDF).hexdigest()
    assert (checked.filename, checked.content_type) == ("Design.pdf", "application/pdf")


def test_local_storage_keeps_identical_content_once_under_its_hash(tmp_path) -> None:
    store = LocalStorage(str(tmp_path))
    key = store.put(PDF)
    assert key == hashlib.sha256(PDF).hexdigest() and store.put(PDF) == key
    assert os.path.isfile(tmp_path / key[:2] / key[2:4] / key)
    assert os.listdir(tmp_path / key[:2] / key[2:4]) == [key]  # no temporary files left
    assert store.exists(key) and store.size(key) == len(PDF)
    with store.open(key) as stream:
        assert stream.read() == PDF
    assert not store.exists("0" * 64)


@pytest.mark.parametrize("key", ["../../etc/passwd", "ab/cd", "A" * 64, ""])
def test_local_storage_refuses_keys_that_are_not_hashes(tmp_path, key: str) -> None:
    with pytest.raises(ValueError):
        LocalStorage(str(tmp_path)).open(key)
