"""A tool call whose input does not fit the tool's declared schema is an error result the model can
correct, never an exception that ends the run; search_text's regular expressions cannot hang it."""

from __future__ import annotations

import threading

import pytest
from fake_anthropic import FakeAnthropic, Reply, text, tool_use

from bumba_magics.engines.claude.tools import MAX_LIST, ToolBox
from bumba_magics.review import review

KEY = "sk-ant-test-not-a-real-key"


@pytest.fixture
def project(tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "db.py").write_text(
        "def find(conn, name):\n    return conn.execute(\"SELECT * FROM u WHERE n = '%s'\" % name)\n")
    return tmp_path


@pytest.mark.parametrize("tool, arguments, message", [
    ("read_file", {"path": "app/db.py", "start_line": "abc"},
     "bad arguments for read_file: start_line: must be an integer, got string 'abc'"),
    ("read_file", {"path": "app/db.py", "start_line": "12"}, "start_line: must be an integer, got string '12'"),
    ("read_file", {"path": "app/db.py", "end_line": True}, "end_line: must be an integer, got boolean True"),
    ("read_file", {"path": "app/db.py", "start_line": 2.5}, "start_line: must be an integer, got number 2.5"),
    ("read_file", {"path": "app/\x00db.py"}, "bad arguments for read_file: path: contains a NUL character"),
    ("read_file", {"path": ["app/db.py"]}, "path: must be a string, got array ['app/db.py']"),
    ("read_file", {"path": {"name": "app/db.py"}}, "path: must be a string, got object"),
    ("read_file", {}, "path: required"),
    ("read_file", {"path": None}, "path: required"),
    ("list_files", {"limit": 10**30}, f"limit: must be at most {MAX_LIST} (got 1000000000000000000000000000000)"),
    ("list_files", {"limit": {"n": 5}}, "limit: must be an integer, got object"),
    ("list_files", {"limit": 0}, "limit: must be at least 1 (got 0)"),
    ("git_blame", {"path": "app/db.py", "start_line": 10**30}, "start_line: must be at most 10000000"),
    ("git_log", {"limit": -1}, "limit: must be at least 1"),
    ("read_cell", {"cell": "3"}, "cell: must be an integer, got string '3'"),
    ("search_text", {"pattern": "x", "regex": "yes"}, "regex: must be true or false, got string 'yes'"),
    ("search_text", {"pattern": "x" * 5000}, "pattern: at most 1000 characters (got 5000)"),
    ("run_analyzer", {"analyzers": "security"}, "analyzers: must be an array, got string 'security'"),
    ("run_analyzer", {"analyzers": ["security", 3]}, "analyzers[1]: must be a string, got integer 3"),
    ("memory_write", {"key": "k", "value": ["v"]}, "value: must be a string, got array"),
    ("describe_variable", {"name": 7}, "name: must be a string, got integer 7"),
])
def test_input_that_does_not_fit_the_schema_is_an_error_result(project, tool, arguments, message):
    output, is_error = ToolBox(root=project).call(tool, arguments)
    assert is_error and message in output


def test_null_for_an_optional_argument_means_not_given(project):
    output, is_error = ToolBox(root=project).call("read_file", {"path": "app/db.py", "start_line": None})
    assert not is_error and output.startswith("app/db.py (lines 1-2 of 2)")


WRONG_VALUES = ["abc", "", "a\x00b", 10**30, -(10**30), 0, True, 2.5, None, [], ["x"], {}, {"k": "v"}]


def test_no_tool_raises_whatever_it_is_sent(project):
    """Every tool, every argument it declares, every kind of wrong value: an answer, never an exception."""
    toolbox = ToolBox(root=project)
    required = {"read_file": {"path": "app/db.py"}, "search_text": {"pattern": "x"}, "read_cell": {"cell": 1},
                "describe_variable": {"name": "x"}, "memory_write": {"key": "k", "value": "v"},
                "git_blame": {"path": "app/db.py"}, "write_cell": {"code": "x"}}
    for definition in toolbox.definitions():
        name = definition["name"]
        for argument in definition["input_schema"]["properties"]:
            for value in WRONG_VALUES:
                output, is_error = toolbox.call(name, {**required.get(name, {}), argument: value})
                assert isinstance(output, str) and isinstance(is_error, bool), (name, argument, value)


def test_wrong_arguments_go_back_to_the_model_and_the_run_goes_on(project):
    with FakeAnthropic(min_cache_tokens=200) as fake:
        fake.push(
            Reply([tool_use("read_file", {"path": "app/db.py", "start_line": "abc"}),
                   tool_use("read_file", {"path": "app/\x00db.py"}),
                   tool_use("read_file", {"path": ["app/db.py"]}),
                   tool_use("list_files", {"limit": 10**30})]),
            Reply([tool_use("read_file", {"path": "app/db.py", "start_line": 2})]),
            Reply([text("Read it after all.")]),
        )
        report = review("scan", str(project), overrides={"engine": "claude", "api_key": KEY, "base_url": fake.url,
                                                          "max_retries": 0})
        results = fake.messages_requests[1].body["messages"][-1]["content"]
        retried = fake.messages_requests[2].body["messages"][-1]["content"]
    assert [result.get("is_error") for result in results] == [True, True, True, True]
    contents = [result["content"] for result in results]
    assert "start_line: must be an integer, got string 'abc'" in contents[0]
    assert "path: contains a NUL character" in contents[1]
    assert "path: must be a string, got array" in contents[2]
    assert f"limit: must be at most {MAX_LIST}" in contents[3]
    assert "is_error" not in retried[0] and "SELECT * FROM u" in retried[0]["content"]
    assert report.narrative == "Read it after all." and "agent error" not in report.metrics
    assert "BMB101" in {finding.rule for finding in report.findings}  # the report is there, offline part too


# ------------------------------------------------------------------------------------- search_text's regexes


def answer_within(seconds, toolbox, *call):
    box: list = []
    worker = threading.Thread(target=lambda: box.append(toolbox.call(*call)), daemon=True)
    worker.start()
    worker.join(seconds)
    assert box, f"{call[0]} was still running after {seconds} s"
    return box[0]


def test_a_catastrophic_regex_answers_at_once(project):
    (project / "long.txt").write_text("a" * 100_000 + "b\n")
    output, is_error = answer_within(10, ToolBox(root=project), "search_text", {"pattern": "(a+)+$", "regex": True})
    assert not is_error and output == "no matches"
    found, _ = answer_within(10, ToolBox(root=project), "search_text", {"pattern": "(a+)+b$", "regex": True})
    assert found.startswith("long.txt:1: aaaa")


def test_literal_search_takes_the_pattern_as_it_is(project):
    (project / "ops.py").write_text("x = re.compile('(a+)+$')\n")
    output, is_error = ToolBox(root=project).call("search_text", {"pattern": "(a+)+$"})
    assert not is_error and output == "ops.py:1: x = re.compile('(a+)+$')"


def test_what_re2_cannot_do_is_a_clear_error(project):
    output, is_error = ToolBox(root=project).call("search_text", {"pattern": "find(?=\\()", "regex": True})
    assert is_error and output.startswith("bad regex: invalid perl operator: (?=")
    assert "RE2" in output and "look-around" in output


def test_a_search_that_runs_out_of_time_says_so(project):
    output, is_error = ToolBox(root=project, search_seconds=0).call("search_text", {"pattern": "conn"})
    assert is_error and output.startswith("search_text stopped: it ran out of its 0 s budget in app/db.py")
    assert output.endswith("Matches so far:\nnone")
