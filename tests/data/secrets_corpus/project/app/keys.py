SIGNING_KEY = """-----BEGIN RSA PRIVATE KEY-----
@@pem_embedded@@
-----END RSA PRIVATE KEY-----
"""
