"""parse_module: code only a newer Python accepts becomes the tree the running Python gives equivalent code.

Each newer snippet is compared with an equivalent one the running Python reads (same layout where the
rewrite keeps it, so positions are compared too); invalid code raises the running Python's own error.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap

import pytest

from bumba_magics.analyzers.parsing import parse_module


def older_than(version: tuple[int, int]):
    """For syntax the running Python reads itself from ``version`` on: there, its own tree is the answer."""
    return pytest.mark.skipif(sys.version_info >= version, reason=f"Python {version[0]}.{version[1]} reads it")


pep701 = pep695 = older_than((3, 12))
pep696 = older_than((3, 13))
pep758 = pep750 = older_than((3, 14))


def tree(code: str) -> ast.Module:
    return parse_module(textwrap.dedent(code))


def outside_string_parts(module: ast.AST) -> list[tuple]:
    """(type, positions) of every node but the parts of f-strings, whose positions 3.11 does not give."""
    parts = set()
    for node in ast.walk(module):
        if isinstance(node, ast.JoinedStr):
            for value in node.values:
                parts.add(id(value))
                if isinstance(value, ast.FormattedValue) and value.format_spec is not None:
                    parts.add(id(value.format_spec))
                    parts.update(id(v) for v in value.format_spec.values)
    return [(type(n).__name__, n.lineno, n.col_offset, n.end_lineno, n.end_col_offset)
            for n in ast.walk(module) if hasattr(n, "lineno") and id(n) not in parts]


def assert_same(newer: str, equivalent: str, *, positions: bool = True) -> None:
    ours, theirs = tree(newer), ast.parse(textwrap.dedent(equivalent))
    assert ast.dump(ours) == ast.dump(theirs)
    if positions:
        assert outside_string_parts(ours) == outside_string_parts(theirs)


def position_of(code: str, text: str, occurrence: int = 1) -> tuple[int, int]:
    """(line, byte column) of ``text`` in ``code``: what ``ast`` calls lineno and col_offset."""
    code = textwrap.dedent(code)
    start = -1
    for _ in range(occurrence):
        start = code.index(text, start + 1)
    before = code[:start]
    return before.count("\n") + 1, len(before.rsplit("\n", 1)[-1].encode())


def test_code_the_running_python_reads_is_its_own_tree():
    code = "import os\n\ndef f(x):\n    return f\"{x!r:>{os.sep}}\" 'tail'\n"
    assert ast.dump(parse_module(code), include_attributes=True) == ast.dump(ast.parse(code), include_attributes=True)


# --- PEP 701 f-strings ----------------------------------------------------------------------------------


@pep701
def test_a_field_reusing_the_outer_quotes_keeps_its_subscript_and_position():
    code = "user = load()\nquery = f\"{cmd!r} {user['name']} {user[\"id\"]}\"\n"
    module = tree(code)
    joined = module.body[1].value
    assert isinstance(joined, ast.JoinedStr)
    fields = [v for v in joined.values if isinstance(v, ast.FormattedValue)]
    assert [f.conversion for f in fields] == [ord("r"), -1, -1]
    subscript = fields[2].value
    assert isinstance(subscript, ast.Subscript) and subscript.slice.value == "id"
    assert (subscript.lineno, subscript.col_offset) == position_of(code, 'user["id"]')
    assert (subscript.end_lineno, subscript.end_col_offset) == (2, position_of(code, 'user["id"]')[1] + 10)
    assert_same(code, "user = load()\nquery = f\"{cmd!r} {user['name']} {user['id']}\"\n")


@pep701
def test_nested_f_strings_with_the_same_quotes():
    assert_same('x = f"{f"{f"{f"{1}"}"}"}"\n', "x = f'''{f\"\"\"{f'{f\"{1}\"}'}\"\"\"}'''\n", positions=False)


@pep701
def test_backslashes_and_escapes_in_a_field():
    module = tree('x = f"{"\\n".join(rows)} \\N{BULLET} {{braces}} \\\\"\n')
    values = module.body[0].value.values
    join = values[0].value
    assert isinstance(join, ast.Call) and join.func.value.value == "\n"
    assert values[1].value == " \N{BULLET} {braces} \\"


@pep701
def test_comments_and_line_breaks_in_a_field():
    code = '''\
    summary = f"{
        len(rows)  # how many matched
    } orders, {total:>{
        width
    }}"
    after = eval(summary)
    '''
    module = tree(code)
    joined = module.body[0].value
    length, total = [v for v in joined.values if isinstance(v, ast.FormattedValue)]
    assert (length.value.lineno, length.value.col_offset) == position_of(code, "len(rows)")
    assert (total.format_spec.values[1].value.lineno, total.format_spec.values[1].value.col_offset) == \
        position_of(code, "width")
    call = module.body[1].value
    assert (call.lineno, call.col_offset) == position_of(code, "eval(summary)")


@pep701
def test_debug_fields_and_conversions():
    """``{expr=}`` shows the expression's text and its repr, unless a conversion or a spec says otherwise."""
    values = tree('x = f"{d["k"]=} {d["k"] = !s} {d["k"]=:>3} {width:=10}"\n').body[0].value.values
    assert [v.value for v in values if isinstance(v, ast.Constant)] == ['d["k"]=', ' d["k"] = ', ' d["k"]=', " "]
    fields = [v for v in values if isinstance(v, ast.FormattedValue)]
    assert [f.conversion for f in fields] == [ord("r"), ord("s"), -1, -1]
    assert ast.dump(fields[2].format_spec) == ast.dump(ast.JoinedStr(values=[ast.Constant(value=">3")]))
    # {width:=10} is width padded to 10 after the sign, not an assignment
    assert isinstance(fields[3].value, ast.Name)
    assert ast.dump(fields[3].format_spec) == ast.dump(ast.JoinedStr(values=[ast.Constant(value="=10")]))


@pep701
def test_implicit_concatenation_merges_the_literal_text():
    code = 'x = ("a"  # first\n     f"b{d["k"]}c"\n     rf"\\d{d["k"]}" u"e")\n'
    assert_same(code, "x = (\"a\"  # first\n     f\"b{d['k']}c\"\n     rf\"\\d{d['k']}\" u\"e\")\n")


@pep701
def test_an_unparenthesised_tuple_in_a_field_spans_its_elements():
    code = 'x = f"{d["a"], d["b"]}"\n'
    assert_same(code, "x = f\"{d['a'], d['b']}\"\n", positions=False)
    pair = tree(code).body[0].value.values[0].value
    assert (pair.col_offset, pair.end_col_offset) == (position_of(code, 'd["a"]')[1], code.index("}"))


@pep701
def test_columns_are_utf8_bytes_like_ast_gives_them():
    code = 's = f"{d["é"]}ü"; y = eval(z)\n'
    module = tree(code)
    call = module.body[1].value
    assert (call.lineno, call.col_offset) == position_of(code, "eval(z)")
    assert module.body[0].value.values[1].value == "ü"


@pep701
def test_windows_line_breaks():
    code = 'a = 1\r\nx = f"{d["k"]}"\r\ny = eval(x)\r\n'
    call = parse_module(code).body[2].value
    assert (call.lineno, call.col_offset) == (3, 4)


# --- PEP 695 / 696 type parameters and type aliases -----------------------------------------------------


@pep695
def test_a_type_alias_is_an_assignment():
    code = "type UserId = int\ntype Rows[T: str = str] = list[tuple[UserId, T]]\n"
    module = tree(code)
    assert ast.dump(module) == ast.dump(ast.parse("UserId = int\nRows = list[tuple[UserId, T]]\n"))
    first, second = module.body
    assert (first.lineno, first.col_offset, first.end_col_offset) == (1, 0, len("type UserId = int"))
    assert (first.targets[0].lineno, first.targets[0].col_offset) == position_of(code, "UserId")
    assert (second.value.lineno, second.value.col_offset) == position_of(code, "list[tuple")


@pep695
def test_type_parameters_are_dropped_and_columns_kept():
    assert_same(
        "class Repo[T](Base): pass\nclass Box[T]: x = eval(y)\ndef f[T, *Ts, **P](x: T) -> T: return eval(x)\n",
        "class Repo(Base): pass\nclass Box: x = eval(y)\ndef f(x: T) -> T: return eval(x)\n",
        positions=False,
    )
    code = "def f[T, *Ts, **P](x: T) -> T: return eval(x)\n"
    call = tree(code).body[0].body[0].value
    assert (call.lineno, call.col_offset, call.end_col_offset) == (1, position_of(code, "eval")[1], len(code) - 1)


@pep696
def test_type_parameters_over_several_lines_keep_the_lines_below():
    code = "class Store[\n    K,\n    V = int,\n](\n    Base,\n):\n    x = eval(y)\n"
    module = tree(code)
    assert [b.id for b in module.body[0].bases] == ["Base"]
    call = module.body[0].body[0].value
    assert (call.lineno, call.col_offset) == position_of(code, "eval(y)")


@pep696
def test_type_parameter_defaults():
    assert_same(
        "class Envelope[T = bytes]: pass\ndef unpack[T: (str, bytes) = bytes, *Ts = *tuple[int, ...]](e): pass\n"
        "type Pair[K = str, V = K] = tuple[K, V]\n",
        "class Envelope: pass\ndef unpack(e): pass\nPair = tuple[K, V]\n",
        positions=False,
    )


# --- PEP 758 except groups and PEP 750 t-strings --------------------------------------------------------


@pep758
def test_except_without_parentheses_is_a_tuple():
    code = ("try:\n    pass\nexcept ValueError, KeyError: eval(x)\ntry:\n    pass\nexcept* OSError, (TypeError): pass\n"
            "try:\n    pass\nexcept A, B.C, D :\n    pass\n")
    module = tree(code)
    handler = module.body[0].handlers[0]
    assert [e.id for e in handler.type.elts] == ["ValueError", "KeyError"]
    assert (handler.type.col_offset, handler.type.end_col_offset) == (7, 27)
    call = handler.body[0].value
    assert (call.lineno, call.col_offset) == position_of(code, "eval(x)")
    assert ast.dump(module) == ast.dump(ast.parse(code.replace("ValueError, KeyError", "(ValueError, KeyError)")
                                                       .replace("OSError, (TypeError)", "(OSError, (TypeError))")
                                                       .replace("A, B.C, D", "(A, B.C, D)")))
    three = module.body[2].handlers[0].type
    assert (three.lineno, three.col_offset, three.end_col_offset) == (position_of(code, "A, B.C, D") + (16,))


@pep750
def test_template_strings_are_read_as_f_strings():
    code = 't"<p>{name!r:>10}</p>" t\'{d["k"]}\' Tr"\\d{x}"\n'
    assert ast.dump(tree(code)) == ast.dump(ast.parse('f"<p>{name!r:>10}</p>" f\'{d["k"]}\' fr"\\d{x}"\n'))
    assert ast.dump(tree('t""\n')) == ast.dump(ast.parse('f""\n'))


# --- invalid everywhere ---------------------------------------------------------------------------------


@pytest.mark.parametrize("code", [
    "def total(items:\n    return sum(items)\n",
    "x = f'{'\n",
    "x = f'{a!z}'\n",
    "x = f'{}'\n",
    "x = t'{ }'\n",
    "x = f'{lambda: 1}'\n",
    "x = t'a' 'b'\n",
    "x = t'a' f'{b}'\n",
    "x = b'a' f'{d['k']}'\n",
    "f'{d['k']}' = 3\n",
    "del f'{d['k']}'\n",
    pytest.param("match x:\n    case f'{d['k']}': pass\n", marks=older_than((3, 12))),  # from 3.12 the compiler says no
    "try:\n    pass\nexcept A, B as error:\n    pass\n",
    "def f[T = ](): pass\n",
    "def f[T: = int](): pass\n",
    "def f[*Ts: int](): pass\n",
    "type = 1 = 2\n",
    "type X[T] =\n",
    "class C[T](: pass\n",
], ids=lambda code: code.splitlines()[0][:30] if isinstance(code, str) else None)
def test_code_no_python_accepts_raises_the_running_pythons_error(code):
    with pytest.raises(SyntaxError) as expected:
        ast.parse(code)
    with pytest.raises(SyntaxError) as raised:
        parse_module(code, "app.py")
    assert (raised.value.msg, raised.value.lineno) == (expected.value.msg, expected.value.lineno)


def test_null_bytes_are_a_value_error_like_ast_parse():
    with pytest.raises((ValueError, SyntaxError)) as expected:
        ast.parse("x = 1\0")
    with pytest.raises(type(expected.value)):
        parse_module("x = 1\0")


def test_without_the_newer_grammar_newer_code_is_reported_as_before(tmp_path):
    """A platform without tree-sitter's wheels: the running Python's own error, and one warning."""
    program = textwrap.dedent('''
        import logging, sys
        sys.modules["tree_sitter"] = None  # import tree_sitter now raises ImportError
        logging.basicConfig(level=logging.WARNING, format="%(message)s")
        from bumba_magics.analyzers.parsing import parse_module
        for _ in range(2):
            try:
                parse_module("type UserId = int\\n")
            except SyntaxError as error:
                print("SyntaxError", error.msg, error.lineno)
    ''')
    out = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True, timeout=60)
    if sys.version_info < (3, 12):
        assert out.stdout.splitlines() == ["SyntaxError invalid syntax 1"] * 2
        assert out.stderr.count("reported as not parsing") == 1, out.stderr
    else:
        assert out.stdout == ""
