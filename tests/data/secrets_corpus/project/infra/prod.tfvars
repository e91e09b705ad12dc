db_password = "@@tfvars_password@@"
