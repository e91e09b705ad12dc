def read_blob(path):
    with open(path, "rb") as fh:  # sink
        return fh.read()
