import sqlite3


def search_products(term):
    db = sqlite3.connect("shop.db")
    return db.execute(f"SELECT * FROM products WHERE title LIKE '%{term}%'").fetchall()  # sink
