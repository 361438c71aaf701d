from hypothesis import given
from hypothesis import strategies as st

from dedup.text.decoding import BOM, decode, encode, looks_binary


@given(st.binary())
def test_any_bytes_round_trip(data):
    decoded = decode(data)
    assert encode(decoded.text, decoded.bom) == data


def test_bom_is_taken_off_and_remembered():
    decoded = decode(BOM + b"x")
    assert (decoded.text, decoded.bom) == ("x", BOM)


def test_binary_means_a_nul_in_the_first_8_kib():
    assert looks_binary(b"a\0b")
    assert not looks_binary(b"a" * 8192 + b"\0")
