"""Message envelopes (Python 3.13+): PEP 696 defaults for type parameters."""

import pickle
from dataclasses import dataclass


@dataclass
class Envelope[T = bytes]:
    payload: T


def unpack[T: (str, bytes) = bytes, *Ts = *tuple[int, ...]](envelope: Envelope[T]) -> object:
    with open("/tmp/envelopes.log", "a") as log:
        log.write(repr(envelope))
    return pickle.loads(envelope.payload)
