LEGACY_PASSWORD = "@@removed_password@@"
