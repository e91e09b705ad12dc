import psycopg2

pw = "@@hunter2@@"


def connect():
    return psycopg2.connect(host="db.internal", user="billing", password="@@kw_password@@")


def connect_admin():
    return psycopg2.connect(host="db.internal", user="admin", password=pw)
