import sqlite3


def search_products(term):
    db = sqlite3.connect("shop.db")
    return db.execute("SELECT * FROM products WHERE title LIKE ?", (f"%{term}%",)).fetchall()  # sink
