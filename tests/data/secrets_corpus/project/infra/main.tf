resource "aws_db_instance" "billing" {
  engine   = "postgres"
  username = "billing"
  password = "@@tf_password@@"
}
