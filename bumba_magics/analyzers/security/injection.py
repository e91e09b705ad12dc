"""Injection: values spliced into SQL, a shell command or code that is run (BMB101, BMB107, BMB109).

Ruff flags every string that looks like SQL and every ``shell=True``; these checks follow the value: a
query built with an f-string that *reaches* ``cursor.execute`` (also through a local variable), a command
string with a variable in it that a shell parses. Where the rewrite is obvious the finding carries it.
"""

from __future__ import annotations

import ast
import re

from ...core.findings import Category, Fix, Severity
from ...core.rules import rule
from ..ast_helpers import (
    argument,
    call_with,
    human_line,
    identifiers,
    keyword,
    keyword_value,
    last_name,
    py_str,
    rewrite,
    segment,
)
from ..base import Findings, NodeContext, call_name
from .dispatch import checks
from .facts import module_facts, reaching_bindings
from .strings import Built, built_string, value_is_safe

_SQL_SANITISERS = {  # calls whose result cannot carry SQL syntax: numbers, or values quoted by the driver
    "int", "float", "len", "bool", "min", "max", "abs", "round", "quote_name", "quote_ident", "quote_identifier", "escape_string",
    "quote_name_unless_alias", "literal", "Identifier", "escape_identifier", "identifier_converter",
}
_SHELL_SANITISERS = {"int", "float", "len", "bool", "quote", "escape"}



# ---------------------------------------------------------------------------------------------------------
# BMB101 SQL built by string formatting reaches a query call
# ---------------------------------------------------------------------------------------------------------

SQL_INJECTION = rule(
    "BMB101", "sql-built-by-formatting", "SQL built by string formatting reaches a query call", Severity.high,
    category=Category.security, analyzer="security",
    why="Values spliced into SQL text are parsed as SQL: a quote in the input ends the literal and the rest "
    "runs as the attacker's query (read any table, bypass a login, drop data).",
    recommendation="Keep the SQL text constant and pass values as parameters (`execute(sql, params)`); identifiers such "
    "as table names cannot be bound, so check them against an allow-list or quote them with the driver.",
    references=("CWE-89", "A03:2021-Injection"),
    supersedes=("S608",),
    bad='cur.execute(f"SELECT * FROM users WHERE name = \'{name}\'")',
    good='cur.execute("SELECT * FROM users WHERE name = ?", (name,))',
)

_SQL_WORDS = re.compile(
    r"\b(select\b.*\bfrom|insert\s+into|update\b.*\bset|delete\s+from|create\s+(table|index|view)|"
    r"drop\s+(table|index|view)|alter\s+table|truncate\b|pragma\b|where\b|values\s*\(|order\s+by|group\s+by)",
    re.IGNORECASE | re.DOTALL,
)
_DB_RECEIVER = re.compile(
    r"(^|_)(cur|cursor|conn|connection|con|db|database|session|engine|tx|transaction|sqlite|pg|mysql)$", re.IGNORECASE
)
_SQL_NAME = re.compile(r"(^|_)(sql|query|stmt|statement|q)($|_)", re.IGNORECASE)
_SQL_SINKS = {"execute", "executemany", "executescript", "raw", "read_sql", "read_sql_query", "text",
              "RawSQL", "exec_driver_sql"}
_DEFINITE_SQL_SINKS = {"executescript", "read_sql", "read_sql_query", "RawSQL", "exec_driver_sql"}
_PERCENT_FIELD = re.compile(r"(['\"]?)%(\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifrx]\1")


def _sql_query_argument(node: ast.Call, name: str) -> ast.expr | None:
    return argument(node, 0, "sql", "query", "statement", "operation", "stmt", "text")


def _sql_sink_applies(node: ast.Call, name: str, ctx: NodeContext) -> bool:
    if name == "text":
        return (ctx.qualname(node.func) or "").startswith("sqlalchemy")
    if name == "RawSQL":
        return (ctx.qualname(node.func) or "").startswith("django")
    return True


def _looks_like_sql(built: Built, call: ast.Call, name: str, variable: str | None) -> bool:
    """Generic names like ``execute`` need evidence of SQL: SQL words, a DB-ish receiver or variable."""
    if name in _DEFINITE_SQL_SINKS or name in ("text", "raw"):
        return name != "raw" or bool(_SQL_WORDS.search(built.text))
    if _SQL_WORDS.search(built.text):
        return True
    receiver = last_name(call.func.value) if isinstance(call.func, ast.Attribute) else None
    return bool(receiver and _DB_RECEIVER.search(receiver)) or bool(variable and _SQL_NAME.search(variable))


@checks.on(*_SQL_SINKS)
def check_sql_formatting(node: ast.Call, ctx: NodeContext) -> Findings:
    name = call_name(node, ctx) or ""
    query = _sql_query_argument(node, name)
    if query is None or not _sql_sink_applies(node, name, ctx):
        return
    safe = value_is_safe(ctx, node.lineno, _SQL_SANITISERS)
    callee = ast.unparse(node.func)
    built = built_string(query, safe)
    if built is not None:
        if built.dynamic and _looks_like_sql(built, node, name, None):
            yield ctx.finding(
                SQL_INJECTION, query, title=f"SQL built with {built.kind} is passed to {callee}()",
                fix=_parameterised_fix(ctx, node, query, built, name),
            )
        return
    if isinstance(query, ast.Name):
        for binding in reaching_bindings(ctx, query.id, node.lineno):
            built = built_string(binding.value, safe)
            if built is None and binding.augmented and not safe(binding.value):
                built = Built("concatenation", [binding.value], [binding.value])
            if built is not None and built.dynamic and _looks_like_sql(built, node, name, query.id):
                where = human_line(ctx.source, binding.line)
                yield ctx.finding(
                    SQL_INJECTION, node,
                    title=f"SQL built with {built.kind} on {where} reaches {callee}() through `{query.id}`",
                    fix=Fix(description=(
                        f"Keep `{query.id}` a constant with placeholders and pass the values as the "
                        f"parameters of {callee}()."
                    )),
                )
                return


def _parameterised_fix(ctx: NodeContext, call: ast.Call, query: ast.expr, built: Built, name: str) -> Fix:
    """Rewrite the call with placeholders and a parameter tuple, when the values sit in value positions."""
    advice = Fix(description="Use placeholders in a constant SQL string and pass the values as parameters.")
    if name not in ("execute", "executemany", "raw", "read_sql", "read_sql_query") or len(call.args) > 1:
        return advice
    if keyword(call, "params") is not None or keyword(call, "parameters") is not None:
        return advice
    marker = "?" if module_facts(ctx).uses_sqlite and name != "raw" else "%s"
    rebuilt = _placeholder_text(built, marker)
    if rebuilt is None:
        return Fix(description=(
            "A spliced value sits where SQL expects an identifier or a list; parameters cannot bind those, "
            "so check the value against an allow-list of known names (or quote it with the driver)."
        ))
    sql, values = rebuilt
    params = "(" + ", ".join(segment(ctx.source, v) for v in values) + ("," if len(values) == 1 else "") + ")"
    if name.startswith("read_sql"):
        new_call = call_with(ctx.source, call, args=[py_str(sql), *(segment(ctx.source, a) for a in call.args[1:])],
                             set_keywords={"params": params})
    else:
        new_call = call_with(ctx.source, call, args=[py_str(sql), params])
    code = rewrite(ctx.source, call, call, new_call)
    return Fix(description="Bind the values as parameters; the SQL text stays constant.", code=code)


def _placeholder_text(built: Built, marker: str) -> tuple[str, list[ast.expr]] | None:
    """The SQL with each spliced value replaced by a placeholder (quotes around it dropped), and the values.

    None when a value sits where SQL wants an identifier or a list, which parameters cannot bind.
    """
    pieces = _ordered_pieces(built)
    if pieces is None:
        return None
    text = ""
    values: list[ast.expr] = []
    drop_quote = ""
    for index, piece in enumerate(pieces):
        if isinstance(piece, str):
            text += piece[1:] if drop_quote and piece.startswith(drop_quote) else piece
            drop_quote = ""
            continue
        if _in_identifier_position(text):
            return None
        following = pieces[index + 1] if index + 1 < len(pieces) else ""
        quote = text[-1:] if text[-1:] in ("'", '"') else ""
        if quote and isinstance(following, str) and following.startswith(quote):
            text, drop_quote = text[:-1], quote
        text += marker
        values.append(piece)
    return text, values


def _ordered_pieces(built: Built) -> list[str | ast.expr] | None:
    """Text and values in reading order; ``%`` templates are split at their conversion fields."""
    if built.kind in ("f-string", "concatenation"):
        return list(built.pieces)
    if built.kind != "% formatting" or not isinstance(built.pieces[0], str):
        return None
    template, values = built.pieces[0], built.pieces[1:]
    if any(isinstance(v, str) for v in values) or "%(" in template:
        return None
    fields = list(_PERCENT_FIELD.finditer(template))
    if len(fields) != len(values):
        return None
    pieces: list[str | ast.expr] = []
    position = 0
    for match, value in zip(fields, values):
        pieces += [template[position: match.start()] + match.group(1), value]
        position = match.end() - len(match.group(1))
    pieces.append(template[position:])
    return pieces


_LAST_SQL_WORD = re.compile(
    r"\b(select|from|join|into|update|table|by|where|values|set|and|or|on|having|limit|offset|like|when|"
    r"then|else|not|is|between)\b|[=<>(]", re.IGNORECASE
)
_IDENTIFIER_WORDS = {"select", "from", "join", "into", "update", "table", "by"}


def _in_identifier_position(text: str) -> bool:
    """Does SQL expect a table/column name (or an IN list) where the text ends?"""
    stripped = text.rstrip().rstrip("'\"")
    if stripped.endswith(".") or re.search(r"\bin\s*\($", stripped, re.IGNORECASE):
        return True
    words = _LAST_SQL_WORD.findall(stripped)
    return bool(words) and words[-1].lower() in _IDENTIFIER_WORDS

# ---------------------------------------------------------------------------------------------------------
# BMB107 shell command built from input
# ---------------------------------------------------------------------------------------------------------

SHELL_INJECTION = rule(
    "BMB107", "shell-command-built-from-input", "Shell command built from a variable value", Severity.high,
    category=Category.security, analyzer="security",
    why="The shell parses the whole string: a value containing `;`, `|`, `$(…)` or a backtick runs extra "
    "commands with this process's rights.",
    recommendation="Pass an argument list without a shell: `subprocess.run([\"tar\", \"-xf\", path], check=True)`; if a "
    "shell is unavoidable, quote every value with `shlex.quote`.",
    references=("CWE-78", "A03:2021-Injection"),
    supersedes=("S602", "S604", "S605"),
    bad='subprocess.run(f"tar -xf {path}", shell=True)',
    good='subprocess.run(["tar", "-xf", path], check=True)',
)

_SUBPROCESS_SHELL_OPTIONAL = {"run", "call", "check_call", "check_output", "Popen"}
_ALWAYS_SHELL = {"os.system", "os.popen", "os.popen2", "os.popen3", "os.popen4", "subprocess.getoutput",
                 "subprocess.getstatusoutput", "commands.getoutput", "commands.getstatusoutput",
                 "asyncio.create_subprocess_shell"}
_SHELL_META = re.compile(r"[|&;<>()$`\\\"'*?~{}\[\]!#]")


@checks.on(*_SUBPROCESS_SHELL_OPTIONAL, "system", "popen", "popen2", "popen3", "popen4", "getoutput",
          "getstatusoutput", "create_subprocess_shell")
def check_shell_command(node: ast.Call, ctx: NodeContext) -> Findings:
    qualname = ctx.qualname(node.func) or ""
    if qualname in _ALWAYS_SHELL:
        pass
    elif qualname.startswith("subprocess.") and call_name(node, ctx) in _SUBPROCESS_SHELL_OPTIONAL:
        shell = keyword_value(node, "shell")
        if shell is None or not (isinstance(shell, ast.Constant) and shell.value):
            return
    else:
        return
    command = argument(node, 0, "args", "cmd", "command")
    if command is None:
        return
    safe = value_is_safe(ctx, node.lineno, _SHELL_SANITISERS)
    built = built_string(command, safe)
    via = ""
    if built is None and isinstance(command, ast.Name):
        for binding in reaching_bindings(ctx, command.id, node.lineno):
            candidate = built_string(binding.value, safe)
            if candidate is not None and candidate.dynamic:
                built, via = candidate, f" on {human_line(ctx.source, binding.line)}"
                break
    if built is None or not built.dynamic:
        return
    yield ctx.finding(
        SHELL_INJECTION, node, title=f"Shell command built with {built.kind}{via} runs through {qualname}()",
        fix=_argv_fix(ctx, node, built, qualname) if not via else Fix(
            description="Build an argument list instead of a command string and drop shell=True."),
    )


def _argv_fix(ctx: NodeContext, node: ast.Call, built: Built, qualname: str) -> Fix:
    advice = Fix(description="Pass an argument list without a shell, or wrap each value in shlex.quote().")
    if built.kind not in ("f-string", "concatenation") or qualname.endswith(("popen", "getoutput",
                                                                              "getstatusoutput")):
        return advice
    argv: list[str] = []
    glued = False  # the previous piece ended mid-word: a value would be glued to literal text
    for piece in built.pieces:
        if isinstance(piece, str):
            if _SHELL_META.search(piece) or (piece[:1].strip() and glued):
                return advice
            words = piece.split()
            argv.extend(py_str(w) for w in words)
            glued = bool(piece) and not piece[-1:].isspace()
        else:
            if glued and argv:
                return advice
            argv.append(segment(ctx.source, piece))
            glued = True
    if not argv:
        return advice
    if qualname.startswith("subprocess.") and "Popen" not in qualname:
        new_call = call_with(ctx.source, node, args=[f"[{', '.join(argv)}]"], drop_keywords={"shell"})
    else:
        new_call = f"subprocess.run([{', '.join(argv)}], check=True)"
    return Fix(description="Run the program with an argument list; no shell parses the values.",
               code=rewrite(ctx.source, node, node, new_call))

# ---------------------------------------------------------------------------------------------------------
# BMB109 eval/exec of a variable value
# ---------------------------------------------------------------------------------------------------------

EVAL_INPUT = rule(
    "BMB109", "eval-of-variable", "eval()/exec() runs a variable value as code", Severity.high,
    category=Category.security, analyzer="security",
    why="Whatever reaches eval/exec runs with this process's rights; if any part of it comes from a request, "
    "a file or a message, that is remote code execution.",
    recommendation="Parse data instead of running it: `ast.literal_eval` for Python literals, `json.loads` for JSON, "
    "a dict of allowed functions for dispatch.",
    references=("CWE-95", "A03:2021-Injection"),
    supersedes=("S307", "S102"),
    bad="value = eval(request.args['expr'])",
    good="value = ast.literal_eval(request.args['expr'])",
)

_INPUT_MARKERS = {"input", "request", "argv", "environ", "args", "form", "stdin", "params", "body", "data"}


@checks.on("eval", "exec")
def check_eval(node: ast.Call, ctx: NodeContext) -> Findings:
    if not isinstance(node.func, ast.Name) or node.func.id in ctx.aliases or not node.args:
        return  # a method called eval (pandas.eval, model.eval) or an imported eval is another function
    code = node.args[0]
    if isinstance(code, ast.Constant):
        return
    built = built_string(code, value_is_safe(ctx, node.lineno, set()))
    if built is not None and not built.dynamic:
        return
    name = node.func.id
    from_input = any(i in _INPUT_MARKERS for i in identifiers(code))
    title = f"{name}() runs " + ("input data" if from_input else "a variable value") + " as Python code"
    fix = None
    if name == "eval":
        replacement = f"ast.literal_eval({segment(ctx.source, code)})"
        fix = Fix(description="If the value is a Python literal (numbers, strings, lists, dicts), parse it.",
                  code=rewrite(ctx.source, node, node, replacement))
    yield ctx.finding(EVAL_INPUT, node, title=title, fix=fix)
