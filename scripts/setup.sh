#!/usr/bin/env bash
# Installs everything the local stack needs, and only what is missing:
# PostgreSQL 15 with pg_cron, pgTAP, plpgsql_check, pg_prove, pgvector >= 0.8
# (compiled from Debian's source package), and the npm dev tools; with --test,
# also what only the tests need (Debian's chromium, for the demo page's browser test).
# Idempotent: on a ready machine it checks and exits within seconds.
set -euo pipefail

cd "$(dirname "$0")/.."
PG_MAJOR=15
PG_BIN="/usr/lib/postgresql/$PG_MAJOR/bin"
EXT_DIR="/usr/share/postgresql/$PG_MAJOR/extension"
PGVECTOR_MIN="0.8.0"
PGVECTOR_SUITE="${PGVECTOR_SUITE:-trixie}"   # a Debian suite whose pgvector is >= 0.8

step() { printf '\033[1msetup:\033[0m %s\n' "$*"; }
fail() { printf 'setup failed: %s\n  fix: %s\n' "$1" "$2" >&2; exit 1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
  fail "installing system packages needs root" "run 'sudo npm start' once, or install: $*"; fi; }

apt_updated=""
apt_update() {
  [ -n "$apt_updated" ] && return 0
  as_root apt-get update -qq >/dev/null || fail "apt-get update failed" "check the network and /etc/apt/sources.list.d, then run 'npm run setup' again"
  apt_updated=1
}

command -v apt-get >/dev/null || fail "this setup needs Debian or Ubuntu (apt-get not found)" \
  "install PostgreSQL $PG_MAJOR, pg_cron, pgTAP, plpgsql_check, pg_prove and pgvector >= $PGVECTOR_MIN by hand"

# 1. Debian packages (only the missing ones).
packages=(postgresql-$PG_MAJOR postgresql-server-dev-$PG_MAJOR postgresql-$PG_MAJOR-cron
  postgresql-$PG_MAJOR-pgtap postgresql-$PG_MAJOR-plpgsql-check libtap-parser-sourcehandler-pgtap-perl
  build-essential dpkg-dev faketime)
[ "${1:-}" = "--test" ] && packages+=(chromium curl openssl)  # the browser test; the onboarding recipe's test (docs/PRICES.md)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  step "installing ${missing[*]}"
  apt_update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || fail "apt-get install ${missing[*]} failed" "run it by hand to see apt's message, then 'npm run setup' again"
fi
[ -x "$PG_BIN/postgres" ] || fail "$PG_BIN/postgres not found after install" "apt-get install --reinstall postgresql-$PG_MAJOR"

# 2. pgvector >= 0.8, compiled from Debian's source package when missing or older.
vector_version() { sed -n "s/^default_version *= *'\(.*\)'/\1/p" "$EXT_DIR/vector.control" 2>/dev/null || true; }
version_ge() { [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]; }
have="$(vector_version)"
if [ -z "$have" ] || ! version_ge "$have" "$PGVECTOR_MIN"; then
  step "building pgvector from Debian's '$PGVECTOR_SUITE' source package (found: ${have:-none})"
  src_list=/etc/apt/sources.list.d/scentmatch-pgvector-src.sources
  if [ ! -f "$src_list" ]; then
    as_root tee "$src_list" >/dev/null <<SRC
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: $PGVECTOR_SUITE
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    apt_updated=""
  fi
  apt_update
  build_dir="$(mktemp -d)"
  trap 'rm -rf "$build_dir"' EXIT
  (cd "$build_dir" && apt-get source -qq pgvector >/dev/null 2>&1 && mv pgvector-*/ src) \
    || fail "could not fetch Debian's pgvector source package" "check that '$PGVECTOR_SUITE' deb-src is reachable (PGVECTOR_SUITE=<suite> to pick another)"
  (cd "$build_dir/src" && make -s PG_CONFIG="$PG_BIN/pg_config" OPTFLAGS="" >/dev/null 2>&1 && as_root make -s PG_CONFIG="$PG_BIN/pg_config" install >/dev/null) \
    || fail "compiling pgvector failed" "cd into an 'apt-get source pgvector' folder and run 'make PG_CONFIG=$PG_BIN/pg_config' to see the compiler's message"
  have="$(vector_version)"
  version_ge "$have" "$PGVECTOR_MIN" || fail "pgvector $have installed, $PGVECTOR_MIN needed" "set PGVECTOR_SUITE to a suite with a newer pgvector"
  step "pgvector $have installed"
fi

# 3. npm dev tools (supabase CLI, deno), from the lock file.
if [ ! -x node_modules/.bin/supabase ] || [ ! -x node_modules/.bin/deno ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "installing npm dev tools"
  npm install --no-audit --no-fund --loglevel=error >/dev/null || fail "npm install failed" "run 'npm install' to see npm's message"
fi
node_modules/.bin/supabase --version >/dev/null 2>&1 || fail "the supabase CLI does not run" "rm -rf node_modules && npm install"
node_modules/.bin/deno --version >/dev/null 2>&1 || fail "deno does not run" "rm -rf node_modules && npm install"
exit 0
