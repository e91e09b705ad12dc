"""SQL: DB-API cursors and connections, SQLAlchemy, pandas; and what keeps a query parameterised."""

from .schema import ALL, Sanitizer, Sink

MODELS = [
    # DB-API: the query text is the first argument; values passed as parameters are not a sink
    Sink("*.execute", "sql", args=(0, "sql", "operation", "query", "statement")),
    Sink("*.executemany", "sql", args=(0, "sql", "operation", "query")),
    Sink("*.executescript", "sql", args=(0, "sql_script")),
    Sink("*.exec_driver_sql", "sql", args=(0, "statement")),
    Sink("*.mogrify", "sql", args=(0, "query")),
    Sink("sqlalchemy.text", "sql", args=(0, "text")),
    Sink("sqlalchemy.sql.text", "sql", args=(0, "text")),
    Sink("sqlalchemy.sql.expression.text", "sql", args=(0, "text")),
    Sink("sqlalchemy.literal_column", "sql", args=(0, "text")),
    Sink("pandas.read_sql", "sql", args=(0, "sql")),
    Sink("pandas.read_sql_query", "sql", args=(0, "sql")),
    # identifiers and literals quoted by the driver, bound parameters
    Sanitizer("psycopg2.sql.Identifier", frozenset({"sql"})),
    Sanitizer("psycopg2.sql.Literal", frozenset({"sql"})),
    Sanitizer("psycopg.sql.Identifier", frozenset({"sql"})),
    Sanitizer("psycopg.sql.Literal", frozenset({"sql"})),
    Sanitizer("sqlalchemy.bindparam", frozenset({"sql"})),
    Sanitizer("sqlalchemy.sql.expression.bindparam", frozenset({"sql"})),
    Sanitizer("*.quote_name", frozenset({"sql"})),
    # what a query returns is the database's data, not the request's
    *(Sanitizer(f"*.{name}", ALL) for name in ("execute", "executemany", "fetchone", "fetchall", "fetchmany",
                                               "scalar", "scalars")),
]
