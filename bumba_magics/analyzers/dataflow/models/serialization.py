"""Deserialisers that can build arbitrary objects: YAML's full loaders, jsonpickle, pandas' pickles."""

from .schema import Sink

MODELS = [
    Sink("yaml.load", "deserialization", args=(0, "stream"), when="unsafe-yaml"),
    Sink("yaml.load_all", "deserialization", args=(0, "stream"), when="unsafe-yaml"),
    Sink("yaml.unsafe_load", "deserialization", args=(0, "stream")),
    Sink("yaml.unsafe_load_all", "deserialization", args=(0, "stream")),
    Sink("yaml.full_load", "deserialization", args=(0, "stream")),
    Sink("jsonpickle.decode", "deserialization", args=(0, "string")),
    Sink("jsonpickle.loads", "deserialization", args=(0,)),
    Sink("pandas.read_pickle", "deserialization", args=(0, "filepath_or_buffer")),
    Sink("numpy.load", "deserialization", args=(0, "file"), when="allow-pickle"),
    Sink("torch.load", "deserialization", args=(0, "f")),
    Sink("joblib.load", "deserialization", args=(0, "filename")),
]
