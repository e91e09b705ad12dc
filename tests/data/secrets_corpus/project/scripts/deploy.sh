#!/bin/sh
export GITHUB_TOKEN=@@sh_github@@
curl -fsS https://deploy:@@url_password@@@ci.billing.internal/api/deploy
