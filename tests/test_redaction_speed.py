"""The redactor and the secret scanner stay linear on adversarial text: a long hex line (a minified file, a
digest dump) made the redactor's list pattern quadratic (50 kB took two minutes before the first request of
every Claude run), and "password" followed by blanks made the scanner's assignment pattern backtrack
without end. Each case here is 100 kB and must be learned and redacted within a few seconds."""

from __future__ import annotations

import base64
import random
import time

import pytest

from bumba_magics.context.redact import Redactor

SIZE = 100_000
HEX_BOUND = 2.0  # seconds for the hex line (it takes about 0.1)
BOUND = 10.0  # for the others, on a loaded two-core machine: each takes one to two when it is idle
_rng = random.Random(7)


def _repeat(unit: str) -> str:
    return (unit * (SIZE // len(unit) + 1))[:SIZE]


ADVERSARIAL = {
    "hex line": "".join(_rng.choice("0123456789abcdef") for _ in range(SIZE)),
    "base64 line": base64.b64encode(_rng.randbytes(SIZE * 3 // 4)).decode(),
    "password then blanks": "password" + " " * SIZE,
    "password then tabs and an equals sign": "password" + "\t" * SIZE + "=",
    "repeated assignments": _repeat("password="),
    "repeated annotations": _repeat("password: str "),
    "private key headers": _repeat("-----BEGIN RSA PRIVATE KEY-----\n"),
    "a header and a long body": "-----BEGIN RSA PRIVATE KEY-----\n" + "A" * SIZE,
    "keys": _repeat("api_key"),
    "list openings": _repeat("token = ["),
    "url openings": _repeat("https://a:") + "@",
    "xml openings": _repeat("<password"),
    "name/value pairs": _repeat('name="api_key" '),
    "joined literals": _repeat('password = "a" + '),
    "quotes": _repeat("'\""),
    "pw words": _repeat("pw "),
}


@pytest.mark.parametrize("name", list(ADVERSARIAL))
def test_adversarial_text_is_learned_and_redacted_in_bounded_time(name):
    text = ADVERSARIAL[name]
    redactor = Redactor()
    start = time.perf_counter()
    redactor.learn(text, python=True)
    redactor.learn_output(text)
    redactor.learn_output(f"<table><tr><th>api_token</th></tr><tr><td>{text}</td></tr></table>", html=True)
    redactor.text(text)
    assert time.perf_counter() - start < BOUND


def test_a_hex_line_takes_the_redactor_a_fraction_of_a_second():
    """The case that made every Claude run wait: 50 kB of hex took 123 s, 100 kB several minutes."""
    text = ADVERSARIAL["hex line"]
    redactor = Redactor()
    start = time.perf_counter()
    redactor.learn(text)
    assert redactor.text(text) == text
    assert time.perf_counter() - start < HEX_BOUND
