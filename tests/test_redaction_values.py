"""What the redactor learns and removes beyond the scanner's findings, and what it must leave alone."""

from __future__ import annotations

import base64

from bumba_magics.context.redact import Redactor

TOKEN = "Zq8Lm3Nx7Pv2Kt9Ws4" + "Hy6Jd1Fg5Bc0"
PASSWORD = "Tr0ub4dor" + "&3x"

ORDINARY = '''\
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [{"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"}]
TOKEN_URL = "https://auth.example.com/oauth/token"
author = "Ada Lovelace"


def login(request):
    password = request.POST["password"]
    token = make_token(user) + "-" + suffix
    return check(user, password=password)
'''


def test_ordinary_code_and_settings_are_left_alone():
    redactor = Redactor()
    redactor.learn(ORDINARY, python=True)
    assert redactor.ordered == []
    assert redactor.text(ORDINARY) == ORDINARY


def test_a_plain_word_password_is_removed_where_it_is_but_not_everywhere():
    redactor = Redactor()
    redactor.learn('DB_PASSWORD = "letmein"\n', python=True)
    assert redactor.text('password = "letmein"') == 'password = "[REDACTED:secret-assignment]"'
    assert redactor.text("letmein is a weak password") == "letmein is a weak password"


def test_split_base64_and_pem_values_are_caught_where_they_appear_alone():
    redactor = Redactor()
    encoded = base64.b64encode(f"deploy:{PASSWORD}".encode()).decode()
    redactor.learn(f'PARTNER_TOKEN = "{TOKEN[:10]}" \\\n    "{TOKEN[10:]}"\nAUTH = "Basic {encoded}"\n', python=True)
    key_lines = ["MIIEow" + TOKEN * 2, TOKEN[::-1] * 2 + "AbCd"]
    redactor.learn("-----BEGIN RSA PRIVATE KEY-----\n" + "\n".join(key_lines) + "\n-----END RSA PRIVATE KEY-----\n")
    out = redactor.text(f"a: {TOKEN[10:]}\nb: {PASSWORD}\nc: {encoded}\n  3  {key_lines[1]}\n")
    assert TOKEN[10:] not in out and PASSWORD not in out and encoded not in out and key_lines[1] not in out
    assert redactor.text(f"Authorization: Basic {encoded}") == "Authorization: Basic [REDACTED:encoded-secret]"


def test_a_value_cut_off_at_the_end_of_a_line_is_removed():
    redactor = Redactor()
    redactor.learn(f"api_token = '{TOKEN}'")
    cut = f"logs/app.log:2: ... status=200 token {TOKEN[:12]}\nnext line"
    assert redactor.text(cut) == "logs/app.log:2: ... status=200 token [REDACTED]\nnext line"


def test_outputs_tables_and_tokens_without_names():
    redactor = Redactor()
    redactor.learn_output(f"      name   value\n0  db_password  {PASSWORD}\n1  region  eu-west-1")
    redactor.learn_output(f"ready: {TOKEN}\n")
    redactor.learn_output(f"<table><tr><th></th><th>client_secret</th></tr><tr><th>0</th><td>{PASSWORD[::-1]}</td>"
                          "</tr></table>", html=True)
    assert {PASSWORD, TOKEN, PASSWORD[::-1]} <= set(redactor.ordered)
    assert "eu-west-1" not in redactor.ordered


def test_every_file_under_the_root_is_learned_whatever_its_type(tmp_path):
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "app.xml").write_text(f"<db><password>{PASSWORD}</password></db>\n")
    (tmp_path / ".netrc").write_text(f"machine h login u password {TOKEN}\n")
    (tmp_path / "ignored").mkdir()
    (tmp_path / ".gitignore").write_text("ignored/\n")
    (tmp_path / "ignored" / "x.txt").write_text(f"password: {PASSWORD[::-1]}\n")
    redactor = Redactor()
    redactor.learn_tree(tmp_path)
    assert PASSWORD in redactor.ordered and TOKEN in redactor.ordered
    assert PASSWORD[::-1] not in redactor.ordered  # the agent's tools do not walk into ignored folders either


def test_kernel_values_without_secret_names():
    import pandas as pd

    redactor = Redactor()
    redactor.learn_namespace({
        "creds": ("svc", PASSWORD),
        "frame": pd.DataFrame({"name": ["api_key", "region"], "value": [TOKEN, "eu-west-1"]}),
        "endpoints": {"primary": "ghp_" + TOKEN + TOKEN[:6], "region": "eu-west-1"},
        "users": pd.DataFrame({"user": ["ann"], "col_b": [TOKEN[::-1]]}),
        "names": ["ann", "bob", "carol_the_admin"],
    })
    assert {PASSWORD, TOKEN, "ghp_" + TOKEN + TOKEN[:6], TOKEN[::-1]} <= set(redactor.ordered)
    assert "eu-west-1" not in redactor.ordered and "carol_the_admin" not in redactor.ordered
