"""The standard library: terminal and command-line input, the environment, files, the shell, ``eval``,
files by path, ``pickle``/``marshal``, the stdlib XML parsers, hashing and ``random``; and the conversions
and escapes that make a value safe."""

from .schema import ALL, TEXT, Alias, Guard, NoReturn, Returns, Sanitizer, Sink, Source

_SUBPROCESS = ("run", "call", "check_call", "check_output", "Popen", "getoutput", "getstatusoutput")
_OS_EXEC = ("execl", "execle", "execlp", "execlpe", "execv", "execve", "execvp", "execvpe",
            "spawnl", "spawnle", "spawnlp", "spawnlpe", "spawnv", "spawnve", "spawnvp", "spawnvpe")
_PATH_METHODS = ("open", "read_text", "read_bytes", "write_text", "write_bytes", "unlink", "rmdir",
                 "touch", "mkdir", "rename", "replace", "chmod")
_RANDOM = ("random", "randint", "randrange", "choice", "choices", "sample", "getrandbits", "uniform",
           "randbytes")
_FAST_HASHES = ("md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha3_256", "sha3_512", "blake2b",
                "blake2s")
_XML_STDLIB = ("xml.etree.ElementTree", "xml.etree.cElementTree")
_BOOLEAN_METHODS = ("startswith", "endswith", "isdigit", "isalnum", "isalpha", "isnumeric", "isdecimal",
                    "isidentifier", "islower", "isupper", "isspace", "isascii", "istitle", "count", "find",
                    "rfind", "index", "rindex", "__len__", "__contains__")

MODELS = [
    # sources
    Source("builtins.input", "input()", kind="local", call=True),
    Source("sys.argv", "sys.argv", kind="local"),
    Source("os.environ", "os.environ", kind="env"),
    Source("os.getenv", "os.getenv()", kind="env", call=True),
    Source("os.environb", "os.environb", kind="env"),
    Source("io.TextIOWrapper.read", "file read", kind="file", call=True),
    Source("io.TextIOWrapper.readline", "file read", kind="file", call=True),
    Source("io.TextIOWrapper.readlines", "file read", kind="file", call=True),
    Source("io.TextIOWrapper", "file read", kind="file", iterate=True),
    Source("pathlib.Path.read_text", "file read", kind="file", call=True),
    Source("pathlib.Path.read_bytes", "file read", kind="file", call=True),
    *(Source(f"random.{name}", f"random.{name}()", kind="random", call=True) for name in _RANDOM),
    Returns("builtins.open", "io.TextIOWrapper", constant_type="io.ProgramFile"),
    Returns("io.open", "io.TextIOWrapper", constant_type="io.ProgramFile"),
    Returns("codecs.open", "io.TextIOWrapper", constant_type="io.ProgramFile"),
    Returns("pathlib.Path", "pathlib.Path", constant_type="pathlib.ProgramPath"),
    Returns("pathlib.PurePath", "pathlib.Path", constant_type="pathlib.ProgramPath"),
    *(Returns(f"pathlib.Path.{name}", "pathlib.Path") for name in ("joinpath", "resolve", "absolute",
                                                                     "with_name", "with_suffix", "expanduser")),
    *(Returns(f"pathlib.Path.{name}", "pathlib.Path", attribute=True) for name in ("parent",)),
    Alias("pathlib.PosixPath", "pathlib.Path"),
    Alias("pathlib.WindowsPath", "pathlib.Path"),
    Returns("re.compile", "re.Pattern"),
    *(Returns(f"hashlib.{name}", "hashlib.HASH") for name in (*_FAST_HASHES, "new", "pbkdf2_hmac", "scrypt")),
    Sanitizer("hashlib.HASH.hexdigest", ALL),
    Sanitizer("hashlib.HASH.digest", ALL),
    Sanitizer("hashlib.pbkdf2_hmac", ALL),
    Sanitizer("hashlib.scrypt", ALL),
    Sanitizer("hmac.new", ALL),
    Sanitizer("hmac.compare_digest", ALL),

    # command
    Sink("os.system", "command"),
    Sink("os.popen", "command"),
    Sink("os.popen2", "command"),
    Sink("os.popen3", "command"),
    *(Sink(f"os.{name}", "command", args=("*",)) for name in _OS_EXEC),
    *(Sink(f"subprocess.{name}", "command", args=(0, "args"), when="shell") for name in _SUBPROCESS),
    Sink("commands.getoutput", "command"),
    Sink("commands.getstatusoutput", "command"),
    Sink("asyncio.create_subprocess_shell", "command"),
    Sink("asyncio.create_subprocess_exec", "command", args=(0,)),
    # code
    Sink("builtins.eval", "code", args=(0, "source")),
    Sink("builtins.exec", "code", args=(0, "source")),
    Sink("builtins.compile", "code", args=(0, "source")),
    Sink("builtins.__import__", "code"),
    # path
    Sink("builtins.open", "path", args=(0, "file")),
    Sink("io.open", "path", args=(0, "file")),
    Sink("codecs.open", "path", args=(0, "filename")),
    Sink("os.open", "path", args=(0, "path")),
    *(Sink(f"os.{name}", "path", args=(0, "path")) for name in ("remove", "unlink", "rmdir", "removedirs",
                                                                 "listdir", "scandir", "mkdir", "makedirs",
                                                                 "chmod", "truncate")),
    Sink("os.rename", "path", args=(0, 1)),
    Sink("os.replace", "path", args=(0, 1)),
    *(Sink(f"shutil.{name}", "path", args=(0, 1, "src", "dst")) for name in ("copy", "copy2", "copyfile",
                                                                              "copytree", "move")),
    Sink("shutil.rmtree", "path", args=(0, "path")),
    *(Sink(f"pathlib.Path.{name}", "path", args=("self",)) for name in _PATH_METHODS),
    Sink("tarfile.open", "path", args=(0, "name")),
    Sink("zipfile.ZipFile", "path", args=(0, "file")),
    # deserialisation
    *(Sink(f"{module}.{name}", "deserialization", args=(0,))
      for module in ("pickle", "_pickle", "cPickle", "dill", "marshal", "shelve")
      for name in ("loads", "load", "Unpickler")),
    Sink("shelve.open", "deserialization", args=(0, "filename")),
    # XML parsed with the stdlib parsers: entity expansion ("billion laughs")
    *(Sink(f"{module}.{name}", "xxe", args=(0, "source", "text"), severity="medium")
      for module in _XML_STDLIB for name in ("fromstring", "XML", "parse", "iterparse", "XMLParser.feed")),
    *(Sink(f"xml.dom.minidom.{name}", "xxe", severity="medium") for name in ("parse", "parseString")),
    *(Sink(f"xml.dom.pulldom.{name}", "xxe", severity="medium") for name in ("parse", "parseString")),
    *(Sink(f"xml.sax.{name}", "xxe", severity="medium") for name in ("parse", "parseString")),
    *(Returns(f"{module}.{name}", "xml.etree.ElementTree.Element") for module in _XML_STDLIB
      for name in ("fromstring", "XML")),
    *(Returns(f"{module}.parse", "xml.etree.ElementTree.ElementTree") for module in _XML_STDLIB),
    Returns("xml.etree.ElementTree.ElementTree.getroot", "xml.etree.ElementTree.Element"),
    *(Alias(f"xml.etree.cElementTree.{name}", f"xml.etree.ElementTree.{name}") for name in ("Element",
                                                                                        "ElementTree")),
    # XPath expressions of ElementTree
    *(Sink(f"xml.etree.ElementTree.{cls}.{name}", "xpath", args=(0, "path"))
      for cls in ("Element", "ElementTree") for name in ("find", "findall", "findtext", "iterfind")),
    # fast hashes of a password
    *(Sink(f"hashlib.{name}", "hash", args=(0, "data", "string")) for name in _FAST_HASHES),
    Sink("hashlib.new", "hash", args=(1, "data")),
    *(Sink(f"hashlib.HASH.{name}", "hash", args=(0,)) for name in ("update",)),
    # sizes
    Sink("builtins.range", "size", args=("*",)),
    Sink("builtins.bytearray", "size", args=(0,)),
    Sink("itertools.repeat", "size", args=(1, "times")),
    Sink("os.urandom", "size", args=(0,)),
    Sink("time.sleep", "size", args=(0,)),
    *(Sink(f"secrets.{name}", "size", args=(0,)) for name in ("token_bytes", "token_hex", "token_urlsafe")),
    *(Sink(f"*.{name}", "size", args=(0, "width")) for name in ("ljust", "rjust", "center", "zfill")),

    # sanitisers: conversions that leave no text, escapes per kind
    Sanitizer("builtins.int", TEXT, numeric=True),
    Sanitizer("builtins.float", TEXT, numeric=True),
    Sanitizer("builtins.bool", ALL),
    Sanitizer("builtins.len", ALL),
    Sanitizer("builtins.isinstance", ALL),
    Sanitizer("builtins.hasattr", ALL),
    Sanitizer("builtins.callable", ALL),
    Sanitizer("builtins.id", ALL),
    Sanitizer("builtins.hash", ALL),
    Sanitizer("builtins.type", ALL),
    Sanitizer("builtins.min", frozenset({"size"})),
    Sanitizer("builtins.abs", TEXT, numeric=True),
    Sanitizer("builtins.round", TEXT, numeric=True),
    Sanitizer("uuid.UUID", ALL),
    Sanitizer("decimal.Decimal", TEXT, numeric=True),
    Sanitizer("fractions.Fraction", TEXT, numeric=True),
    Sanitizer("datetime.date.fromisoformat", ALL),
    Sanitizer("datetime.datetime.fromisoformat", ALL),
    Sanitizer("datetime.datetime.strptime", ALL),
    Sanitizer("ipaddress.ip_address", TEXT - {"ssrf"}),
    Sanitizer("html.escape", frozenset({"xss", "header"})),
    Sanitizer("cgi.escape", frozenset({"xss", "header"})),
    Sanitizer("xml.sax.saxutils.escape", frozenset({"xss"})),
    Sanitizer("shlex.quote", frozenset({"command"})),
    Sanitizer("pipes.quote", frozenset({"command"})),
    Sanitizer("os.path.basename", frozenset({"path"})),
    Sanitizer("pathlib.Path.name", frozenset({"path"})),
    Sanitizer("urllib.parse.quote", frozenset({"xss", "header", "redirect"})),
    Sanitizer("urllib.parse.quote_plus", frozenset({"xss", "header", "redirect", "path"})),
    Sanitizer("base64.b64encode", TEXT),
    Sanitizer("base64.urlsafe_b64encode", TEXT),
    Sanitizer("binascii.hexlify", TEXT),
    Sanitizer("secrets.compare_digest", ALL),
    Sanitizer("os.path.exists", ALL),
    Sanitizer("os.path.isfile", ALL),
    Sanitizer("os.path.isdir", ALL),
    Sanitizer("os.path.getsize", ALL),
    *(Sanitizer(f"*.{name}", ALL) for name in _BOOLEAN_METHODS),

    # barrier guards
    Guard("re.fullmatch", ALL, arg=1),
    Guard("re.match", ALL, arg=1),
    Guard("re.Pattern.fullmatch", ALL, arg=0),
    Guard("re.Pattern.match", ALL, arg=0),
    *(Guard(f"*.{name}", ALL, arg="self") for name in ("isdigit", "isalnum", "isalpha", "isnumeric",
                                                       "isdecimal", "isidentifier", "isascii")),
    Guard("*.startswith", frozenset({"path", "ssrf", "redirect"}), arg="self"),
    Guard("pathlib.Path.is_relative_to", frozenset({"path"}), arg="self"),
    Guard("*.is_relative_to", frozenset({"path"}), arg="self"),
    Guard("os.path.commonpath", frozenset({"path"}), arg=0),

    NoReturn("sys.exit"),
    NoReturn("os._exit"),
    NoReturn("builtins.exit"),
    NoReturn("builtins.quit"),
]
