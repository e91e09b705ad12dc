"""Parse Python written for a newer Python than the one running us, into the tree the running Python knows.

bumba runs on Python 3.11 and later, but the code it reviews may be written for 3.12-3.14: PEP 701 f-strings
(``f'{d['k']}'``, nested f-strings, backslashes and comments in replacement fields), PEP 695 type parameters
and ``type X = ...``, PEP 696 type-parameter defaults, PEP 758 ``except A, B:``, PEP 750 t-strings. The
running Python's ``ast.parse`` rejects what is newer than itself (3.11 all of them), so without this module
every AST check would skip such a file and it would become a "does not parse" finding. :func:`parse_module` is ``ast.parse`` first (what every check is written
for, and free on code the running Python accepts); only when that raises, the text is parsed with a newer
grammar and the constructs the running Python does not know are turned into ones it does:

- an f-string or t-string the running Python cannot read is built as the ``ast.JoinedStr`` it stands for:
  every replacement field's expression is parsed on its own (recursively, so nested f-strings work) at its
  real line and column, so a check still sees ``FormattedValue(Subscript(user, 'name'))`` inside
  ``f"{cmd!r} {user['name']}"``. A t-string becomes a ``JoinedStr`` too: it is the same literal parts and
  interpolations, which is what the checks look at (a sink that takes a ``Template`` and binds its
  interpolations as parameters is then judged like an f-string would be);
- ``type Alias[T] = list[T]`` becomes ``Alias = list[T]`` (an ``ast.Assign``);
- type parameters of ``def`` and ``class`` are dropped (``def f[T](x: T)`` reads as ``def f(x: T)``);
- ``except A, B:`` becomes ``except (A, B):``.

Everything else is the running Python's own parse of the rewritten text, and every node's line and column
are mapped back to the original text, so a finding points where the user wrote the code. When the newer
grammar rejects the text too, or the rewritten text still does not parse, the code is invalid for every
supported Python and the caller gets the original ``SyntaxError`` (message and line from ``ast.parse``).

Which newer grammar: tree-sitter with tree-sitter-python, over libcst, measured on the 1,685 files of
Home Assistant 2026.11 (which requires 3.14) that 3.11 rejects, 14.8 MB, on a busy 2-core machine:
tree-sitter parses them in 1.8 s, libcst's native parser in 66 s plus 99 s to compute node positions (it
builds a Python object per token and whitespace run). libcst would be the stricter grammar, but it rejects
valid 3.14 code (the ``tr''`` prefix; a concatenation of t-strings fails its node validation) while
tree-sitter-python 0.25 does not know PEP 696 defaults (it parses them into a local ERROR node inside the
type-parameter list; such a list is dropped anyway, so it is accepted after the parameters are checked one
by one). tree-sitter is error-tolerant, so what it accepts is checked here (conversions, empty fields, str
and bytes mixed, t-strings mixed with strings) and the rewritten text is parsed by the running Python.
The parser is imported only when ``ast.parse`` fails, so a normal scan does not load it; a file that needs it
costs about 4x an ``ast.parse`` (the failed parse, tree-sitter, the parse of the rewritten text), measured
with ``benchmarks/newer_syntax.py``. Without the parser installed, such code is reported as before.
"""

from __future__ import annotations

import ast
import bisect
import io
import logging
import re
import sys
import tokenize
from dataclasses import dataclass
from functools import lru_cache

log = logging.getLogger(__name__)

# Bump when the same text parses to a different tree (or parses where it did not): cached findings depend on it.
PARSER_VERSION = "2"

# The name that stands in the rewritten text where a built node goes: short, so it fits in the text it
# replaces, and recognised by its position as well, so a user's own ``_0`` elsewhere is left alone.
_PLACEHOLDER = "_{}"

# What the rewrite looks for, in one query: one walk of the tree in C, however many kinds of construct.
_QUERY = """
(string (interpolation)) @string
(string (string_start) @start)
(type_alias_statement) @alias
(function_definition type_parameters: (type_parameter) @params)
(class_definition type_parameters: (type_parameter) @params)
(except_clause "," @comma)
"""
# t-strings are rare, and matching every string's start to find them costs a third of the query: only ask
# when the text holds something that could start one (t'…', T"…", rt'…', tR"…" …)
_MAY_HOLD_TSTRING = re.compile(rb"\b(?:[tT][rR]?|[rR][tT])['\"]")

_CONVERSIONS = {"!s": ord("s"), "!r": ord("r"), "!a": ord("a")}
# ``u"a" f"{x}" "b"``: 3.11 marks both constants u, 3.12 only the one from the u-string; built trees follow suit
_KIND_FROM_FIRST_PIECE = sys.version_info < (3, 12)


class NotPython(Exception):
    """The newer grammar rejects the text too, or what it accepted is not valid for any Python."""


def parse_module(text: str, filename: str = "<unknown>") -> ast.Module:
    """``ast.parse(text)``, and for code only a newer Python accepts, the equivalent tree the running Python
    knows (see the module docstring). Raises the original ``SyntaxError`` when no supported Python accepts
    the text, and ``ValueError`` for null bytes, like ``ast.parse``."""
    try:
        return ast.parse(text, filename=filename)
    except SyntaxError as error:
        original = error
    tree = parse_newer(text, filename)
    if tree is None:
        raise original
    return tree


def parse_newer(text: str, filename: str = "<unknown>") -> ast.Module | None:
    """The tree for ``text`` through the newer grammar; None when it is not valid Python of any version."""
    try:
        return _Rewrite(text, filename).module()
    except (NotPython, SyntaxError, RecursionError):
        return None
    except ImportError as error:  # the parser's wheel is missing on this platform: the old behaviour
        _warn_missing_parser(str(error))
        return None
    except Exception:  # a bug here must not stop a review: the file is reported as not parsing, as before
        log.exception("could not read %s with the newer Python grammar", filename)
        return None


@lru_cache(maxsize=1)
def _warn_missing_parser(error: str) -> None:  # once per process, not once per file
    log.warning("code newer than this Python is reported as not parsing: %s (install tree-sitter-python)", error)


def _module_of(text: str, filename: str) -> ast.Module:
    """``ast.parse`` first, the rewrite when it fails: what each replacement field's text goes through."""
    try:
        return ast.parse(text, filename=filename)
    except SyntaxError:
        return _Rewrite(text, filename).module()


# ---------------------------------------------------------------------------------------------------------
# The parser
# ---------------------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _language():
    import tree_sitter_python
    from tree_sitter import Language

    return Language(tree_sitter_python.language())


@lru_cache(maxsize=2)
def _query(with_tstrings: bool):
    from tree_sitter import Query

    source = _QUERY if with_tstrings else _QUERY.replace("(string (string_start) @start)\n", "")
    return Query(_language(), source)


def _syntax_tree(data: bytes):
    from tree_sitter import Parser, QueryCursor

    tree = Parser(_language()).parse(data)  # a parser per call: they are cheap (< 1 µs) and not shareable
    captures = QueryCursor(_query(bool(_MAY_HOLD_TSTRING.search(data)))).captures(tree.root_node)
    return tree.root_node, captures


# ---------------------------------------------------------------------------------------------------------
# The rewrite
# ---------------------------------------------------------------------------------------------------------


@dataclass
class _Region:
    """A part of the original text to replace: [start, end) in bytes. Replacements keep the line count."""

    start: int
    end: int
    kind: str  # "string" | "alias" | "params" | "open" | "close"
    node: object = None


class _Rewrite:
    def __init__(self, text: str, filename: str) -> None:
        # Python reads a lone \r as a line break and tree-sitter does not; \n keeps every line and column
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        self.filename = filename
        self.data = text.encode("utf-8", "surrogatepass")
        self.line_starts = [0] + [m.end() for m in re.finditer(b"\n", self.data)]
        # placeholder name -> (the node it stands for, line and column of the name in the rewritten text)
        self.built: dict[str, tuple[ast.AST, int, int]] = {}
        self.tuples: set[tuple[int, int]] = set()  # where a ``(`` was put before an except clause's types

    # -- positions --------------------------------------------------------------------------------------

    def point(self, offset: int) -> tuple[int, int]:
        """(1-based line, byte column) of a byte offset: the positions ``ast`` uses."""
        row = bisect.bisect_right(self.line_starts, offset) - 1
        return row + 1, offset - self.line_starts[row]

    def place(self, node: ast.AST, start: int, end: int) -> ast.AST:
        node.lineno, node.col_offset = self.point(start)
        node.end_lineno, node.end_col_offset = self.point(end)
        return node

    def text(self, start: int, end: int) -> str:
        return self.data[start:end].decode("utf-8", "surrogatepass")

    # -- the whole module -------------------------------------------------------------------------------

    def module(self) -> ast.Module:
        root, captures = _syntax_tree(self.data)
        if root.has_error:
            self.accept_errors(root)
        rewritten, columns = self.apply(self.regions(captures))
        module = ast.parse(rewritten, filename=self.filename)
        built = self.splice(module) if self.built or self.tuples else set()
        if columns:
            _move_columns(module, columns, built)
        return module

    def regions(self, captures: dict) -> list[_Region]:
        """What to replace, outermost first; a region inside one already replaced is left to it (a string in
        a type alias's value is parsed with the value; a string in dropped type parameters goes with them)."""
        found: list[_Region] = []
        for node in captures.get("params", ()):
            found.append(self.params_region(node))
        for node in captures.get("alias", ()):
            found.append(_Region(node.start_byte, node.end_byte, "alias", node))
        clauses = {comma.parent.start_byte: comma.parent for comma in captures.get("comma", ())}  # one per clause
        for clause in clauses.values():
            found.extend(self.except_regions(clause))
        strings = {}
        for node in [*captures.get("string", ()), *(s.parent for s in captures.get("start", ()) if _is_template(s))]:
            top = _outermost_string(node)
            strings[(top.start_byte, top.end_byte)] = top
        for top in strings.values():
            if not self.readable_as_is(top):
                found.append(_Region(top.start_byte, top.end_byte, "string", top))
        # zero-width insertions sort before a region starting at the same byte, outer regions before inner
        found.sort(key=lambda r: (r.start, r.end > r.start, -r.end))
        kept: list[_Region] = []
        horizon_start, horizon = -1, -1  # the last kept region that is not an insertion
        for region in found:
            insertion = region.end == region.start
            if region.start < horizon and (not insertion or region.start > horizon_start):
                continue
            kept.append(region)
            if not insertion:
                horizon_start, horizon = region.start, region.end
        return kept

    def readable_as_is(self, node) -> bool:
        """A string the running Python reads itself (the file failed for another reason) keeps its own parse."""
        try:
            ast.parse("(" + self.text(node.start_byte, node.end_byte) + "\n)")
        except SyntaxError:
            return False
        return True

    def replacement(self, region: _Region, line: int, column: int) -> bytes:
        """The text for ``region``, as wide as the original on every line where that can be done (then no
        column moves); ``line`` and ``column`` are where it starts in the rewritten text."""
        original = self.data[region.start:region.end]
        if region.kind == "open":  # ``except A, B:``: the space before A becomes the parenthesis, or one is added
            self.tuples.add((line, column))
            return b"("
        if region.kind == "close":
            return b")"
        if region.kind == "params":  # def f[T](x) -> def f(   x); class C[T]: -> class C( ):
            blank = bytearray(re.sub(rb"[^\n]", b" ", original))
            blank[0:1] = b"("
            if region.node is not None:
                blank[-1:] = b")"
            return bytes(blank)
        name = _PLACEHOLDER.format(len(self.built))
        node = self.joined_string(region.node) if region.kind == "string" else self.type_alias(region.node)
        self.built[name] = (node, line, column + 1)
        # in parentheses, a placeholder may span the lines the original did; the ``)`` ends where it ended
        lines = original.split(b"\n")
        opening = b"(" + name.encode()
        if len(lines) > 1:
            return opening + b"\n" * (len(lines) - 1) + b" " * (len(lines[-1]) - 1) + b")"
        return opening + b" " * max(0, len(original) - len(opening) - 1) + b")"

    def apply(self, regions: list[_Region]) -> tuple[str, dict[int, tuple[list[int], list[int]]]]:
        """The rewritten text, and for each line whose columns moved, the runs that map them back."""
        parts, cursor = [], 0
        columns: dict[int, tuple[list[int], list[int]]] = {}
        shift_line, shift = 0, 0  # columns on ``shift_line`` after the last replacement moved by ``shift``
        for region in regions:
            start_line, start_col = self.point(region.start)
            end_line, end_col = self.point(region.end)
            new_start_col = start_col + (shift if start_line == shift_line else 0)
            new = self.replacement(region, start_line, new_start_col)
            parts.append(self.data[cursor:region.start])
            parts.append(new)
            cursor = region.end
            if b"\n" in new:
                new_end_col = len(new) - new.rindex(b"\n") - 1
            else:
                new_end_col = new_start_col + len(new)
            shift_line, shift = end_line, new_end_col - end_col
            news, origs = columns.setdefault(end_line, ([0], [0]))
            news.append(new_end_col)
            origs.append(end_col)
        parts.append(self.data[cursor:])
        moved = {line: runs for line, runs in columns.items() if runs[0] != runs[1]}
        return b"".join(parts).decode("utf-8", "surrogatepass"), moved

    def splice(self, module: ast.Module) -> set[int]:
        """Put the built nodes where their placeholders are (and give an except clause's tuple the span of
        its types); returns the ids of the built nodes, whose positions are already the original ones.

        A placeholder not read as a value (a string as an assignment target, a pattern) means the original
        was not valid Python."""
        lines = sorted({line for _, line, _ in self.built.values()} | {line for line, _ in self.tuples})
        done: set[int] = set()
        for parent, field, index, node in _walk_lines(module, lines):
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Name):
                built = self._take(node.value, ast.stmt)
            elif isinstance(node, ast.Name):
                built = self._take(node, ast.expr)
                if built is not None and not isinstance(node.ctx, ast.Load):
                    raise NotPython("a string in a place no Python accepts one")
            else:
                if isinstance(node, ast.Tuple) and node.elts and (node.lineno, node.col_offset) in self.tuples:
                    first, last = node.elts[0], node.elts[-1]
                    node.lineno, node.col_offset = first.lineno, first.col_offset
                    node.end_lineno, node.end_col_offset = last.end_lineno, last.end_col_offset
                continue
            if built is None:
                continue
            if index is None:
                setattr(parent, field, built)
            else:
                getattr(parent, field)[index] = built
            done.update(id(n) for n in ast.walk(built))
        if self.built:
            raise NotPython("a string or type statement in a place no Python accepts one")
        return done

    def _take(self, name: ast.Name, kind: type) -> ast.AST | None:
        """The built node ``name`` stands for, if it is a placeholder where the rewrite put it."""
        entry = self.built.get(name.id)
        if entry is None or (name.lineno, name.col_offset) != entry[1:]:
            return None
        if not isinstance(entry[0], kind):
            if kind is ast.stmt:
                return None  # an expression placeholder alone on its line: the Name itself comes next
            raise NotPython("a type statement in a place no Python accepts one")
        del self.built[name.id]
        return entry[0]

    # -- what the tree-sitter grammar accepted that no Python does -------------------------------------

    def accept_errors(self, root) -> None:
        """tree-sitter marks what it cannot parse and goes on; only errors inside brackets tree-sitter reads as
        type parameters are accepted: that is where it puts PEP 696 defaults (a gap of tree-sitter-python
        0.25). A type-parameter list is checked one parameter at a time before it is dropped, and any other
        bracket is left in the text the running Python parses."""
        pending = [root]
        while pending:
            node = pending.pop()
            if node.is_error or node.is_missing:
                owner, parent = None, node.parent
                while parent is not None:
                    if parent.type == "type_parameter":
                        owner = parent
                    parent = parent.parent
                if owner is None:
                    raise NotPython(f"not Python at line {node.start_point[0] + 1}")
                continue
            pending.extend(child for child in node.children if child.has_error or child.is_missing)

    def check_type_parameters(self, params) -> None:
        if not _type_parameters_valid(self.text(params.start_byte + 1, params.end_byte - 1)):
            raise NotPython(f"invalid type parameters at line {params.start_point[0] + 1}")

    # -- statements -------------------------------------------------------------------------------------

    def params_region(self, params) -> _Region:
        """``[T, U: int = str]`` of a def or class, up to and including the ``(`` that follows, if any (the
        region of a class without one keeps its node: it is replaced by ``()``)."""
        self.check_type_parameters(params)
        after = params.next_named_sibling
        if after is not None and after.type in ("parameters", "argument_list"):
            return _Region(params.start_byte, after.start_byte + 1, "params")
        return _Region(params.start_byte, params.end_byte, "params", params)

    def except_regions(self, clause) -> list[_Region]:
        """``except A, B:`` (PEP 758): a ``(`` before the first type and a ``)`` after the last one."""
        types = [c for c in clause.named_children if c.type not in ("block", "comment")]
        if not types:
            raise NotPython("except clause without a type")
        first, last = types[0].start_byte, types[-1].end_byte
        # ``except A, B:`` has a space before A: it becomes the ``(``; ``except A, B :`` one after B
        before = first - 1 if self.data[first - 1:first] in (b" ", b"\t") else first
        after = last + 1 if self.data[last:last + 1] in (b" ", b"\t") else last
        return [_Region(before, first, "open"), _Region(last, after, "close")]

    def type_alias(self, node) -> ast.Assign:
        """``type Name[T] = value`` as ``Name = value``: the name is bound, the parameters are dropped."""
        left = node.child_by_field_name("left")
        equals = next((c for c in node.children if c.type == "="), None)
        if left is None or equals is None:
            raise NotPython("type statement without a name or a value")
        name = left
        while name.type != "identifier":
            if not name.named_children:
                raise NotPython("type statement without a name")
            name = name.named_children[0]
        if name.start_byte != left.start_byte:
            raise NotPython("type statement with a name that is not an identifier")
        params = name.next_named_sibling
        if params is not None and params.type == "type_parameter":
            self.check_type_parameters(params)
        value = self.expression(equals.end_byte, node.end_byte)
        target = self.place(ast.Name(id=self.text(name.start_byte, name.end_byte), ctx=ast.Store()),
                            name.start_byte, name.end_byte)
        return self.place(ast.Assign(targets=[target], value=value, type_comment=None), node.start_byte, node.end_byte)

    # -- f-strings and t-strings ------------------------------------------------------------------------

    def joined_string(self, node) -> ast.JoinedStr:
        """An implicitly concatenated string with f- or t-string parts, as the ``JoinedStr`` CPython builds."""
        pieces = [node] if node.type == "string" else [c for c in node.children if c.type == "string"]
        parts = _Parts(self)
        if _KIND_FROM_FIRST_PIECE:
            first = pieces[0].children[0]
            parts.every_kind = "u" if "u" in self.text(first.start_byte, first.end_byte).lower() else None
        kinds = set()
        for piece in pieces:
            start, end = piece.children[0], piece.children[-1]
            opening = self.text(start.start_byte, start.end_byte)
            prefix = opening.rstrip("'\"").lower()
            quote = opening[len(prefix):]
            if "b" in prefix:  # next to an f- or t-string
                raise NotPython("cannot mix bytes and nonbytes literals")
            kinds.add("template" if "t" in prefix else "text")
            if not ("f" in prefix or "t" in prefix):  # a plain literal: the running Python reads it
                value = ast.literal_eval(self.text(piece.start_byte, piece.end_byte))
                parts.literal(value, piece.start_byte, piece.end_byte, kind="u" if "u" in prefix else None)
                continue
            parts.fields(piece.children[1:-1], start.end_byte, end.start_byte, "r" in prefix, quote)
        if len(kinds) > 1:  # t"" "", t"" f"": no Python concatenates those
            raise NotPython("cannot mix t-string literals with string literals")
        return self.place(ast.JoinedStr(values=parts.values()), node.start_byte, node.end_byte)

    def formatted_value(self, field, raw: bool, quote: str) -> tuple[ast.FormattedValue, str | None]:
        """``{expr=!r:spec}`` as a ``FormattedValue``, and the ``expr=`` text that precedes it, if any."""
        expression = field.child_by_field_name("expression")
        if expression is None:
            raise NotPython("f-string: valid expression required before '}'")
        after = [c for c in field.children[1:] if c.type in ("=", "type_conversion", "format_specifier", "}")]
        if not after or after[-1].type != "}":
            raise NotPython("f-string: expecting '}'")
        if expression.type == "lambda":  # Python reads the lambda's ':' as the start of a format spec
            raise NotPython("f-string: lambda expressions are not allowed without parentheses")
        if expression.type == "named_expression":
            return self.walrus_lookalike(field, expression), None
        begin = field.children[0].end_byte
        value = self.expression(begin, after[0].start_byte)
        debug = None
        if after[0].type == "=":
            debug = self.text(begin, after[1].start_byte)
        conversion_node = field.child_by_field_name("type_conversion")
        spec_node = field.child_by_field_name("format_specifier")
        conversion = -1
        if conversion_node is not None:
            text = self.text(conversion_node.start_byte, conversion_node.end_byte)
            if text not in _CONVERSIONS:
                raise NotPython(f"f-string: invalid conversion character {text!r}")
            conversion = _CONVERSIONS[text]
        elif debug is not None and spec_node is None:
            conversion = _CONVERSIONS["!r"]  # f"{x=}" shows repr(x), unless a format spec is given
        spec = None
        if spec_node is not None:
            spec_parts = _Parts(self)
            colon = spec_node.children[0]
            spec_parts.fields(spec_node.children[1:], colon.end_byte, spec_node.end_byte, raw, quote)
            spec = self.place(ast.JoinedStr(values=spec_parts.values()), colon.end_byte, spec_node.end_byte)
        formatted = ast.FormattedValue(value=value, conversion=conversion, format_spec=spec)
        return self.place(formatted, field.start_byte, field.end_byte), debug

    def walrus_lookalike(self, field, named) -> ast.FormattedValue:
        """``{width:=10}`` is ``width`` formatted with the spec ``=10`` (sign-aware padding), not an
        assignment: Python reads the ':' as the start of the spec, tree-sitter reads ``:=``."""
        name = named.child_by_field_name("name")
        if name is None:
            raise NotPython("f-string: expecting '}'")
        spec_start, spec_end = name.end_byte + 1, field.children[-1].start_byte
        spec_text = self.text(spec_start, spec_end)
        if "{" in spec_text or "\\" in spec_text:
            raise NotPython("f-string: a format spec this rewrite does not read")
        spec = ast.JoinedStr(values=[self.place(ast.Constant(value=spec_text), spec_start, spec_end)])
        value = self.expression(name.start_byte, name.end_byte)
        formatted = ast.FormattedValue(value=value, conversion=-1, format_spec=self.place(spec, spec_start, spec_end))
        return self.place(formatted, field.start_byte, field.end_byte)

    def expression(self, start: int, end: int) -> ast.expr:
        """The expression written at [start, end), parsed where it stands: the snippet puts its first
        character at its own column, so only line numbers need moving afterwards."""
        line, column = self.point(start)
        source = self.text(start, end)
        if column >= 1:
            snippet, shift = "(" + " " * (column - 1) + source + "\n)", line - 1
        else:
            snippet, shift = "(\n" + source + "\n)", line - 2
        module = _module_of(snippet, self.filename)
        if len(module.body) != 1 or not isinstance(module.body[0], ast.Expr):
            raise NotPython("not an expression")
        value = module.body[0].value
        if isinstance(value, ast.Tuple) and value.elts and (value.lineno, value.col_offset) == (1, 0):
            # ``f"{a, b}"``: the tuple is unparenthesised; the parenthesis it got from the snippet is ours
            first, last = value.elts[0], value.elts[-1]
            value.lineno, value.col_offset = first.lineno, first.col_offset
            value.end_lineno, value.end_col_offset = last.end_lineno, last.end_col_offset
        if shift:
            ast.increment_lineno(value, shift)
        return value


class _Parts:
    """The values of a ``JoinedStr``: adjacent literal text merged into one ``Constant``, as CPython does."""

    def __init__(self, rewrite: _Rewrite) -> None:
        self.rewrite = rewrite
        self.done: list[ast.expr] = []
        self.text: list[str] = []
        self.span: tuple[int, int] | None = None
        self.kind: str | None = None
        self.every_kind: str | None = None  # what Python 3.11 gives every part: the first piece's kind

    def literal(self, value: str, start: int, end: int, kind: str | None = None) -> None:
        if not value:
            return
        if not self.text:
            self.span, self.kind = (start, end), kind
        self.text.append(value)
        self.span = (self.span[0], end)

    def fields(self, children, begin: int, end: int, raw: bool, quote: str) -> None:
        """Literal text and replacement fields between ``begin`` and ``end`` (one string's body, or a spec)."""
        cursor = begin
        for child in children:
            if child.type not in ("interpolation", "format_expression"):
                continue
            self.literal(_decode(self.rewrite.data[cursor:child.start_byte], raw, quote), cursor, child.start_byte)
            value, debug = self.rewrite.formatted_value(child, raw, quote)
            if debug:
                self.literal(debug, child.start_byte, child.start_byte)
            self.flush()
            self.done.append(value)
            cursor = child.end_byte
        self.literal(_decode(self.rewrite.data[cursor:end], raw, quote), cursor, end)

    def flush(self) -> None:
        if self.text:
            kind = self.every_kind if _KIND_FROM_FIRST_PIECE else self.kind
            constant = ast.Constant(value="".join(self.text), kind=kind)
            self.done.append(self.rewrite.place(constant, *self.span))
            self.text, self.span, self.kind = [], None, None

    def values(self) -> list[ast.expr]:
        self.flush()
        return self.done


def _decode(raw: bytes, is_raw: bool, quote: str) -> str:
    """The value of an f-string's literal text (escapes, ``{{``): read by the running Python in an f-string
    of its own. The space keeps a trailing backslash or quote from touching the closing quote."""
    if not raw:
        return ""
    text = raw.decode("utf-8", "surrogatepass")
    if "\\" not in text and "{" not in text and "}" not in text:
        return text
    tree = ast.parse(("rf" if is_raw else "f") + quote + text + " " + quote, mode="eval")
    return "".join(part.value for part in tree.body.values)[:-1]


def _is_template(start) -> bool:
    """True for the ``string_start`` of a t-string (``t'``, ``Tr"``, ``rt'''`` …)."""
    return "t" in start.text.decode("ascii", "replace").rstrip("'\"").lower()


def _outermost_string(node):
    """The whole string literal a string belongs to: a concatenation, or the f-string it is nested in."""
    top, parent = node, node.parent
    while parent is not None:
        if parent.type in ("string", "concatenated_string"):
            top = parent
        parent = parent.parent
    return top


def _type_parameters_valid(text: str) -> bool:
    """``T: int = str, *Ts = *tuple[int], **P = [int]`` (PEP 695 and 696), checked one parameter at a time
    with the running Python's parser; a list the tokenizer cannot read is given the benefit of the doubt."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO("[" + text + "]").readline))
    except (tokenize.TokenError, SyntaxError):
        return True
    params: list[list[str]] = [[]]
    depth = 0
    for token in tokens:
        if token.type in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.ENDMARKER):
            continue
        if token.string in "([{" and token.type == tokenize.OP:
            depth += 1
            if depth == 1:
                continue
        elif token.string in ")]}" and token.type == tokenize.OP:
            depth -= 1
            if depth == 0:
                continue
        if depth == 1 and token.string == ",":
            params.append([])
            continue
        params[-1].append(token.string)
    if params and not params[-1] and len(params) > 1:
        params.pop()  # a trailing comma
    for words in params:
        star = words[0] if words and words[0] in ("*", "**") else ""
        words = words[1:] if star else words
        try:
            body = ast.parse(" ".join(words)).body
        except SyntaxError:
            return False
        if len(body) != 1:
            return False
        statement = body[0]
        if isinstance(statement, ast.Expr):
            ok = isinstance(statement.value, ast.Name)
        elif isinstance(statement, ast.AnnAssign):  # T: bound = default (no bound on *Ts or **P)
            ok = not star and isinstance(statement.target, ast.Name) and bool(statement.simple)
        elif isinstance(statement, ast.Assign):  # T = default, *Ts = *default, **P = default
            ok = len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name)
        else:
            ok = False
        if not ok:
            return False
    return True


# ---------------------------------------------------------------------------------------------------------
# Back to the original text
# ---------------------------------------------------------------------------------------------------------


def _move_columns(module: ast.Module, columns: dict[int, tuple[list[int], list[int]]], skip: set[int]) -> None:
    """Columns on the lines a replacement changed, from the rewritten text to the original one (the nodes
    in ``skip`` were built with the original positions)."""

    def original(line: int, column: int) -> int:
        news, origs = columns[line]
        run = bisect.bisect_right(news, column) - 1
        return origs[run] + column - news[run]

    for _, _, _, node in _walk_lines(module, sorted(columns)):
        if id(node) in skip:
            continue
        line = getattr(node, "lineno", None)
        if line in columns:
            node.col_offset = original(line, node.col_offset)
        end_line = getattr(node, "end_lineno", None)
        if end_line in columns and node.end_col_offset is not None:
            node.end_col_offset = original(end_line, node.end_col_offset)


def _walk_lines(root: ast.AST, lines: list[int]):
    """(parent, field, index in the field or None, node) for the nodes that may lie on one of ``lines``
    (sorted): the subtrees whose lines hold none of them are not entered, so a large module costs little."""
    pending = [root]
    while pending:
        node = pending.pop()
        for field in node._fields:
            value = getattr(node, field, None)
            if isinstance(value, list):
                for index, item in enumerate(value):
                    if isinstance(item, ast.AST) and _may_hold(item, lines):
                        yield node, field, index, item
                        pending.append(item)
            elif isinstance(value, ast.AST) and _may_hold(value, lines):
                yield node, field, None, value
                pending.append(value)


def _may_hold(node: ast.AST, lines: list[int]) -> bool:
    first = getattr(node, "lineno", None)
    if first is None:  # arguments, comprehension, match_case …: no position of their own
        return True
    decorators = getattr(node, "decorator_list", None)
    if decorators:  # the decorators stand above the def or class line
        first = min(first, decorators[0].lineno)
    index = bisect.bisect_left(lines, first)
    return index < len(lines) and lines[index] <= (node.end_lineno or first)
