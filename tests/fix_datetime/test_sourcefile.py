"""Bytes -> text -> bytes keeps everything a rewrite must not touch."""

import codecs

import pytest

from infractl.fix_datetime.sourcefile import SourceDecodeError, decode_source, encode_source

ROUND_TRIPS = {
    "utf-8 LF": b"x = 1\ny = 'caf\xc3\xa9'\n",
    "CRLF": b"x = 1\r\ny = 2\r\n",
    "mixed newlines": b"x = 1\r\ny = 2\nz = 3\r",
    "no final newline": b"x = 1\ny = 2",
    "UTF-8 BOM": codecs.BOM_UTF8 + b"x = 'caf\xc3\xa9'\r\n",
    "latin-1 cookie": b"# -*- coding: latin-1 -*-\nname = 'caf\xe9'\n",
    "cookie on line 2": b"#!/usr/bin/env python\n# vim: set fileencoding=cp1252 :\nq = '\x93quoted\x94'\n",
    "empty": b"",
}


@pytest.mark.parametrize("data", ROUND_TRIPS.values(), ids=ROUND_TRIPS.keys())
def test_unchanged_text_encodes_back_to_the_same_bytes(data):
    source = decode_source(data)
    assert encode_source(source, source.text) == data


def test_newlines_are_not_translated():
    assert decode_source(b"a = 1\r\nb = 2\r\n").text == "a = 1\r\nb = 2\r\n"


def test_coding_cookie_decides_the_codec():
    source = decode_source(b"# coding: latin-1\ns = '\xe9'\n")
    assert source.encoding == "iso-8859-1"
    assert "'\u00e9'" in source.text
    # A rewrite is encoded back in the file's own codec, not UTF-8.
    assert encode_source(source, source.text + "t = '\u00e8'\n").endswith(b"t = '\xe8'\n")


def test_bom_is_kept_and_not_part_of_the_text():
    source = decode_source(codecs.BOM_UTF8 + b"x = 1\n")
    assert source.bom and source.text == "x = 1\n"
    assert encode_source(source, "y = 2\n") == codecs.BOM_UTF8 + b"y = 2\n"


def test_undecodable_bytes_name_the_line():
    with pytest.raises(SourceDecodeError) as info:
        decode_source(b"x = 1\ny = '\xff\xfe'\n")
    assert info.value.line == 2
    assert "utf-8" in str(info.value)


def test_unknown_coding_cookie_is_an_error():
    with pytest.raises(SourceDecodeError):
        decode_source(b"# coding: no-such-codec\nx = 1\n")


def test_text_that_the_file_encoding_cannot_hold_is_an_error():
    source = decode_source(b"# coding: latin-1\nx = 1\n")
    with pytest.raises(SourceDecodeError) as info:
        encode_source(source, "# coding: latin-1\nx = 1\ny = '\u20ac'\n")
    assert info.value.line == 3
