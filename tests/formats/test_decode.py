"""Bytes -> text: encodings detected on the whole file, line endings, and the
files that must be refused with a clear message."""

from __future__ import annotations

import random

import pytest

from tests.conftest import ROOT, SEED
from zxkb.errors import InputError, UsageError
from zxkb.formats.decode import decode, normalise_newlines

FIXTURES = ROOT / "tests" / "fixtures"
# cut from /work/shared/corpus/state-council-gbk/2016.txt (first 10 lines; GBK, \r\r\n), see fixtures/README.md
GBK_2016 = FIXTURES / "state-council-2016-gbk.txt"

SEED_TEXT = SEED.read_text(encoding="utf-8")
# A traditional-character sentence, as a Taiwan or Hong Kong source would write it.
TRADITIONAL = (
    "中國人民政治協商會議株洲市委員會常務委員會工作報告。各位委員：現在，我代表常務委員會，向大會報告工作，請予審議。"
)


def test_line_endings() -> None:
    assert normalise_newlines("a\r\r\nb\r\nc\rd\ne\r\r\n") == "a\nb\nc\nd\ne\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (SEED_TEXT.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + SEED_TEXT.encode("utf-8"), "utf-8-sig"),
        (SEED_TEXT.replace("\n", "\r\n").encode("gb18030"), "gbk"),
        (SEED_TEXT.replace("\n", "\r\r\n").encode("gb18030"), "gbk"),
        (SEED_TEXT.replace("\n", "\r").encode("gb18030"), "gbk"),
        (SEED_TEXT.encode("utf-16"), "utf-16-le"),  # with its BOM
        (b"\xfe\xff" + SEED_TEXT.encode("utf-16-be"), "utf-16-be"),
        (SEED_TEXT.encode("utf-16-le"), "utf-16-le"),  # no BOM: the NULs of ASCII characters tell
        (SEED_TEXT.replace("\n", "\r\n").encode("utf-16-be"), "utf-16-be"),
        (SEED_TEXT.encode("utf-32"), "utf-32-le"),
    ],
    ids=[
        "utf8",
        "utf8-bom",
        "gb-crlf",
        "gb-crcrlf",
        "gb-cr",
        "utf16-bom",
        "utf16be-bom",
        "utf16le",
        "utf16be",
        "utf32",
    ],
)
def test_seed_in_every_encoding_decodes_to_the_same_text(data: bytes, encoding: str) -> None:
    assert decode(data) == (SEED_TEXT, encoding)


def test_real_gbk_file_with_cr_cr_lf() -> None:
    data = GBK_2016.read_bytes()
    text, encoding = decode(data)
    assert encoding == "gbk"
    assert "\r" not in text
    lines = text.split("\n")
    # one line break per \r\r\n, not two
    assert len(lines) == data.count(b"\r\r\n") + 1
    assert "各位代表：" in lines and "一、2015年工作回顾" in lines
    assert lines[2].startswith("政府工作报告——2016年3月5日在第十二届全国人民代表大会第四次会议上")


def test_gb_decided_on_the_whole_file_not_a_sample() -> None:
    """gov.cn pages start with kilobytes of ASCII markup: the Chinese comes later."""
    data = b"<!-- page chrome -->\n" * 5000 + GBK_2016.read_bytes()
    text, encoding = decode(data)
    assert encoding == "gbk" and "各位代表：" in text


def test_gb18030_beyond_gbk() -> None:
    text = "𠀀 is a CJK Extension B character; 中文报告"  # needs GB18030's four-byte codes
    assert decode(text.encode("gb18030")) == (text, "gb18030")


def test_big5() -> None:
    data = TRADITIONAL.encode("big5")
    data.decode("gb18030")  # the same bytes are valid GB18030 too: the choice is not by validity alone
    assert decode(data) == (TRADITIONAL, "big5")


def test_gb_bytes_that_are_also_valid_big5_stay_gb() -> None:
    for text in ("远程协商", "政府工作报告", "国务院", "常务委员会"):
        data = text.encode("gbk")
        data.decode("big5")  # valid Big5 as well, but rare characters
        assert decode(data) == (text, "gbk")


def test_forced_encoding() -> None:
    data = "远程协商".encode("gbk")
    assert decode(data, "big5")[1] == "big5"  # the user said so
    assert decode(b"\xef\xbb\xbf" + "远程".encode(), "UTF8") == ("远程", "utf-8")  # BOM dropped, name normalised
    with pytest.raises(InputError, match=r"cannot decode as utf-8: byte 0x.. at line 1 ") as exc:
        decode(data, "utf-8")
    assert exc.value.hint and "without --encoding" in exc.value.hint
    with pytest.raises(UsageError, match="unknown encoding 'klingon'"):
        decode(data, "klingon")


@pytest.mark.parametrize("data", [b"", b" \r\n\t ", b"\xef\xbb\xbf", b"\xff\xfe", "\r\n".encode("utf-16")])
def test_empty_files(data: bytes) -> None:
    with pytest.raises(InputError, match="the file is empty"):
        decode(data)


def test_binary_files() -> None:
    rng = random.Random(7)
    noise = bytes(rng.randrange(256) for _ in range(4096))
    with pytest.raises(InputError, match="binary") as exc:
        decode(noise)
    assert exc.value.hint
    with pytest.raises(InputError, match="PNG image"):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + noise)
    with pytest.raises(InputError, match="PDF") as exc:
        decode(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + noise)
    assert exc.value.hint and ".pdf suffix" in exc.value.hint  # a PDF saved as .txt: zxkb reads it as .pdf
    with pytest.raises(InputError, match="ZIP archive"):
        decode(b"PK\x03\x04\x14\x00\x06\x00" + noise)


def test_undecodable_bytes_name_their_line() -> None:
    data = GBK_2016.read_bytes()
    line = data.index("各位代表".encode("gbk"))
    damaged = data[:line] + b"\xff" + data[line:]
    with pytest.raises(InputError) as exc:
        decode(damaged)
    assert "not valid UTF-8, GB18030 or Big5" in exc.value.message
    line_number = damaged[:line].count(b"\n") + 1
    assert f"at line {line_number} " in exc.value.message
    assert exc.value.hint and "--encoding" in exc.value.hint


def test_other_cjk_encodings_are_not_taken_for_chinese() -> None:
    """Shift-JIS decodes as GBK without error, to rare characters: refused, not mojibake."""
    data = "これは日本語のテキストです。東京都の報告書".encode("shift_jis")
    data.decode("gbk")
    with pytest.raises(InputError, match="cannot tell the file's encoding"):
        decode(data)


@pytest.mark.parametrize(
    "extra",
    [
        "",  # printable report text
        "\u3000\u3000首行缩进\u00a0",  # the spaces reports use
        "\t\f\v\x1a",  # whitespace controls and the DOS end-of-file mark
        "\u200b\ufeff\u2028",  # format characters and a line separator: not printable, not bad
        "\x00\x07" * 3,  # controls: bad
        "\ue000\uf8ff" * 3,  # private use: bad
        "\U000e0080",  # unassigned: bad
        "\ud800",  # a lone surrogate: bad
        "\x07" * 400,  # past MAX_BAD of the text
    ],
)
def test_is_clean_is_text_stats_clean(extra: str) -> None:
    """The C-level check that decides most texts says what counting every character says."""
    from zxkb.formats.decode import is_clean, text_stats

    base = SEED.read_text(encoding="utf-8")[:20_000]
    for text in (base + extra, extra + base, extra, base[:50] + extra):
        assert is_clean(text) == text_stats(text).clean, repr(extra)
