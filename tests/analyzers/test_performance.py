"""Performance rules: a true positive and the nearest legitimate code (true negative) for each."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from bumba_magics.analyzers.base import ANALYZERS, RULES, AnalyzerConfig
from bumba_magics.analyzers.performance import PerformanceAnalyzer, analyze_text
from bumba_magics.context.source import Cell, Context, Source
from bumba_magics.findings import Category, Severity


def review(code: str, config: AnalyzerConfig | None = None):
    return analyze_text(textwrap.dedent(code), path="perf.py", config=config)


def hits(code: str, rule: str) -> list[int]:
    """Lines where ``rule`` fired."""
    return [f.location.line for f in review(code) if f.rule == rule]


def only(code: str, rule: str):
    found = [f for f in review(code) if f.rule == rule]
    assert len(found) == 1, found
    return found[0]


# --- registry -------------------------------------------------------------------------------------------


def test_rules_are_registered_with_measured_rationale():
    codes = [r.code for r in RULES if r.analyzer == "performance"]
    assert codes == [f"BMB3{n:02d}" for n in range(1, 12)]
    for rule in RULES:
        if rule.analyzer == "performance":
            assert rule.category is Category.performance
            assert "x" in rule.why and "benchmarks/perf_rationale.py" in rule.why, rule.code
            assert rule.example_bad and rule.example_good and rule.recommendation
    assert RULES.get("BMB305").severity is Severity.high
    assert ANALYZERS["performance"] is PerformanceAnalyzer
    assert PerformanceAnalyzer.per_file


# --- BMB301 row loops -----------------------------------------------------------------------------------


def test_iterrows_building_a_list_is_flagged_with_an_itertuples_fix():
    finding = only(
        """\
        out = []
        for idx, row in df.iterrows():
            out.append(row["price"] * row["qty"] + idx)
        """,
        "BMB301",
    )
    assert finding.location.line == 2
    assert finding.severity is Severity.medium
    assert finding.fix.code == "for row in df.itertuples():\n    out.append(row.price * row.qty + row.Index)"


def test_iterrows_with_side_effects_only_is_low_and_has_no_fix_when_row_is_a_series():
    finding = only(
        """\
        for _, row in df.iterrows():
            send(row.to_dict())
        """,
        "BMB301",
    )
    assert (finding.location.line, finding.severity) == (1, Severity.low)
    assert finding.fix is None


def test_positional_iloc_loop_is_flagged():
    assert hits(
        """\
        totals = []
        for i in range(len(df)):
            totals.append(df.iloc[i]["a"] + df.loc[i, "b"])
        for j in range(df.shape[0]):
            df.at[j, "c"] = 0
        """,
        "BMB301",
    ) == [2, 4]


def test_itertuples_building_arithmetic_is_flagged_but_not_when_it_does_io():
    code = """\
    totals = []
    for row in df.itertuples():
        totals.append(row.price * row.qty)
    for row in df.itertuples():
        results.append(requests.post(row.url, json={"id": row.id}))
    """
    assert hits(code, "BMB301") == [2]


def test_range_len_over_a_list_or_columns_is_not_flagged():
    assert hits(
        """\
        for i in range(len(items)):
            print(items[i])
        for col in df.columns:
            df[col] = df[col].fillna(0)
        """,
        "BMB301",
    ) == []


# --- BMB302 apply ---------------------------------------------------------------------------------------


def test_row_wise_apply_with_arithmetic_is_flagged_with_a_column_fix():
    finding = only('df["total"] = df.apply(lambda r: r.price * r["qty"], axis=1)\n', "BMB302")
    assert finding.location.line == 1
    assert finding.fix.code == 'df["total"] = df.price * df["qty"]'


def test_series_apply_with_comparison_is_flagged_and_parenthesised_when_chained():
    finding = only('n = df["score"].apply(lambda x: x * 2 > 1).sum()\n', "BMB302")
    assert finding.fix.code == 'n = (df["score"] * 2 > 1).sum()'


@pytest.mark.parametrize(
    "code",
    [
        "df['name'].apply(lambda s: s.upper())",  # measured 1.1x: .str is not faster
        "df.apply(score_row, axis=1)",  # a named function: we cannot see its body
        "df.apply(lambda col: col.max() - col.min())",  # column-wise, calls methods
        "df.groupby('k')['v'].apply(lambda g: g * 2)",  # per group, already vectorised inside
        "df['d'].apply(lambda x: x.days)",  # element attribute: needs .dt, not a plain rewrite
        "df.apply(lambda r: r.a if r.b else 0, axis=1)",  # a conditional: np.where is not mechanical
        "df.apply(lambda r: 1, axis=1)",  # does not use the row
    ],
)
def test_apply_that_is_not_plainly_vectorisable_is_not_flagged(code):
    assert hits(code + "\n", "BMB302") == []


# --- BMB303 string building -----------------------------------------------------------------------------


def test_string_concatenation_at_cell_level_is_medium():
    finding = only(
        """\
        report = ""
        for line in lines:
            report += line
        """,
        "BMB303",
    )
    assert (finding.location.line, finding.severity) == (3, Severity.medium)


def test_string_concatenation_of_a_local_in_a_function_is_info_and_prepending_is_medium():
    found = review(
        """\
        def render(rows):
            html = ""
            for row in rows:
                html = html + f"<tr>{row}</tr>"
            for row in rows:
                html = "<!-- -->" + html
            return html
        """
    )
    assert [(f.rule, f.location.line, f.severity) for f in found] == [
        ("BMB303", 4, Severity.info), ("BMB303", 6, Severity.medium),
    ]


def test_numeric_accumulation_and_concatenation_outside_loops_are_not_flagged():
    assert hits(
        """\
        total = 0
        for x in xs:
            total += x
            items += [x]
        title = "a"
        title += "b"
        for col in columns:
            name = col.name
            if name[0].isdigit():
                name = "_" + name
            col.label += "!"
        """,
        "BMB303",
    ) == []


# --- BMB304 regex in loops ------------------------------------------------------------------------------


def test_regex_with_a_constant_pattern_in_a_loop_is_flagged():
    assert hits(
        """\
        import re
        for line in lines:
            m = re.match(r"(\\d+)-(\\d+)", line)
        codes = [re.compile("x+").sub("", s) for s in items]
        """,
        "BMB304",
    ) == [3, 4]


def test_module_level_compile_and_loop_varying_patterns_are_not_flagged():
    assert hits(
        """\
        import re
        RANGE = re.compile(r"(\\d+)-(\\d+)")
        for line in lines:
            m = RANGE.match(line)
        for pattern in patterns:
            if re.search(pattern, text):
                print(pattern)
        """,
        "BMB304",
    ) == []


# --- BMB305 N+1 queries ---------------------------------------------------------------------------------


def test_related_access_and_per_row_queries_in_a_queryset_loop():
    found = review(
        """\
        posts = Post.objects.filter(published=True)
        for post in posts:
            print(post.author.name, post.created_at.year, post.title)
            print(post.tags.count())
            Comment.objects.filter(post=post).count()
        """
    )
    assert [(f.rule, f.location.line, f.title) for f in found] == [
        ("BMB305", 3, "post.author loads a related object once per row"),
        ("BMB305", 4, "post.tags loads a related object once per row"),
        ("BMB305", 5, "Comment.objects.filter() runs once per iteration"),
    ]
    assert found[0].severity is Severity.high


def test_sqlalchemy_queries_per_iteration_are_flagged():
    assert hits(
        """\
        for user_id in ids:
            user = session.get(User, user_id)
        names = [db.session.query(User).filter_by(id=i).one().name for i in ids]
        for row in rows:
            cursor.execute("insert into t values (?)", (row,))
        """,
        "BMB305",
    ) == [2, 3, 5]


def test_repository_helper_handed_the_connection_per_row_is_flagged():
    code = """\
    for order in db.list_orders(conn):
        customer = db.get_customer(conn, order.customer_id)
        label = get_label(order.customer_id)
        price = cache.get_price(order.sku)
    """
    found = [f for f in review(code) if f.rule == "BMB305"]
    assert [(f.location.line, f.title) for f in found] == [(2, "db.get_customer() runs once per iteration")]


def test_eager_loaded_relations_and_non_queries_are_not_flagged():
    assert hits(
        """\
        for post in Post.objects.select_related("author").prefetch_related("tags"):
            print(post.author.name, post.tags.all())
        for post in session.query(Post).options(joinedload(Post.author)):
            print(post.author.name)
        for row in Post.objects.values("title", "author__name"):
            print(row["title"])
        for url in urls:
            session.get(url)  # a requests session, not an ORM one
        for table in ["users", "posts"]:
            cursor.execute(f"drop table {table}")
        for statement in migration.statements:
            cursor.execute(statement)
        while True:
            page = cursor.execute("select * from t limit 100").fetchall()
        """,
        "BMB305",
    ) == []


# --- BMB306 list membership -----------------------------------------------------------------------------


def test_membership_against_a_list_in_a_loop_is_flagged():
    assert hits(
        """\
        seen = [u.email for u in users]
        for row in rows:
            if row.email not in seen:
                seen.append(row.email)
        def keep(ids: list[int], rows):
            return [r for r in rows if r.id in ids]
        for key in new:
            if key not in list(old.keys()) or key in [a, b, c, d, e, f, g, h, i]:
                pass
        """,
        "BMB306",
    ) == [3, 6, 8, 8]  # both tests on line 8


def test_membership_against_small_constants_sets_and_outside_loops_is_not_flagged():
    assert hits(
        """\
        allowed = {u.email for u in users}
        methods = ["GET", "HEAD", "OPTIONS"]
        for request in requests:
            if request.method in ["GET", "HEAD"] or request.method in methods:
                pass
            if type(request) in [Get, Head, Options]:
                pass
            if request.user in allowed:
                pass
        names = [u.name for u in users]
        if "root" in names:
            pass
        """,
        "BMB306",
    ) == []


# --- BMB307 repeated I/O --------------------------------------------------------------------------------


def test_reading_the_same_file_or_url_each_iteration_is_flagged():
    assert hits(
        """\
        import json
        import pandas as pd
        import requests
        CONFIG = "config.json"
        for item in items:
            with open(CONFIG) as f:
                threshold = json.load(f)["threshold"]
            rates = pd.read_csv("rates.csv")
            status = requests.get("https://example.org/status").json()
        """,
        "BMB307",
    ) == [6, 8, 9]


def test_reads_that_change_per_iteration_poll_or_write_are_not_flagged():
    assert hits(
        """\
        import time
        import pandas as pd
        import requests
        for path in paths:
            frames.append(pd.read_csv(path))
        for page in range(10):
            requests.get("https://example.org/items", params={"page": page})
        for attempt in range(5):
            status = requests.get("https://example.org/status")
            time.sleep(1)
        for line in lines:
            with open("log.txt", "a") as log:
                log.write(line)
        with open("big.txt") as f:
            data = f.read()
        """,
        "BMB307",
    ) == []


# --- BMB308 growing frames ------------------------------------------------------------------------------


def test_concat_and_append_of_the_accumulator_in_a_loop_are_flagged():
    assert hits(
        """\
        import numpy as np
        import pandas as pd
        df = pd.DataFrame()
        arr = np.empty(0)
        for chunk in chunks:
            df = pd.concat([df, chunk])
            arr = np.append(arr, chunk.size)
            old = old.append(chunk)
        """,
        "BMB308",
    ) == [6, 7, 8]


def test_concat_once_or_of_per_group_pieces_is_not_flagged():
    assert hits(
        """\
        import pandas as pd
        pieces = []
        for chunk in chunks:
            pieces.append(chunk)
        df = pd.concat(pieces)
        for key, group in groups:
            summary = pd.concat([group.head(), group.tail()])
        """,
        "BMB308",
    ) == []


# --- BMB309 first of sorted -----------------------------------------------------------------------------


def test_first_of_sorted_and_list_are_flagged_with_rewrites():
    found = [f for f in review(
        """\
        cheapest = sorted(offers, key=lambda o: o["price"])[0]
        newest = sorted(dates, reverse=True)[0]
        first = list(x for x in xs if x)[0]
        """
    ) if f.rule == "BMB309"]
    assert [(f.location.line, f.fix.code) for f in found] == [
        (1, 'cheapest = min(offers, key=lambda o: o["price"])'),
        (2, "newest = max(dates)"),
        (3, "first = next(x for x in xs if x)"),
    ]


def test_slices_and_other_indexes_of_sorted_are_not_flagged():
    assert hits("top = sorted(xs)[:3]\nsecond = sorted(xs)[1]\nall_ = sorted(xs)\n", "BMB309") == []


# --- BMB310 / BMB311 async ------------------------------------------------------------------------------


def test_blocking_calls_in_async_def_are_flagged():
    found = review(
        """\
        import time
        import requests
        async def poll(url):
            time.sleep(1)
            return requests.get(url).json()
        """
    )
    assert [(f.rule, f.location.line) for f in found] == [("BMB310", 4), ("BMB311", 5)]
    assert found[0].fix.code == "    await asyncio.sleep(1)"


def test_blocking_calls_in_sync_code_or_nested_sync_defs_are_not_flagged():
    assert review(
        """\
        import asyncio
        import time
        import requests
        def fetch(url):
            time.sleep(1)
            return requests.get(url)
        async def main(client, url):
            def worker():
                return requests.get(url)
            await asyncio.to_thread(worker)
            await asyncio.sleep(1)
            return await client.get(url)
        """
    ) == []


# --- the analyzer ---------------------------------------------------------------------------------------


def test_config_filters_rules_and_unparsable_sources_are_skipped():
    code = "for _, row in df.iterrows():\n    out.append(row['a'])\nbest = sorted(xs)[0]\n"
    assert {f.rule for f in review(code, AnalyzerConfig(ignore=frozenset({"BMB301"})))} == {"BMB309"}
    broken = Source(path="broken.py", text="for x in :\n")
    assert PerformanceAnalyzer().analyze(Context(root=Path(".")), [broken], AnalyzerConfig()) == []


def test_notebook_findings_point_at_cell_and_line():
    cells = [
        Cell(index=1, source="import pandas as pd\n", execution_count=1, first_line=1),
        Cell(index=3, source="out = []\nfor _, r in df.iterrows():\n    out.append(r['a'])\n",
             execution_count=2, first_line=2),
    ]
    text = "".join(c.source for c in cells)
    line_map = [(1, 1), (3, 1), (3, 2), (3, 3)]
    source = Source(path="nb.ipynb", text=text, kind="notebook", cells=cells, line_map=line_map)
    [finding] = PerformanceAnalyzer().analyze(Context(root=Path(".")), [source], AnalyzerConfig())
    assert (finding.rule, finding.location.cell, finding.location.line) == ("BMB301", 3, 2)
