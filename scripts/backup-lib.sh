# Helpers for scripts/backup and scripts/restore. Source it; do not run it.
# Plain bash and coreutils: no Python, no virtualenv, so it works on a bare server.
# shellcheck shell=bash

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

need() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || die "$tool is not installed (Debian: apt-get install postgresql-client coreutils tar)"
  done
}

# setting NAME DEFAULT: the environment variable NAME when set, else NAME from .env at
# the project root (as Django reads it: real environment variables win), else DEFAULT.
setting() {
  local name="$1" default="$2" line value
  if [ -n "${!name+set}" ]; then
    printf '%s' "${!name}"
    return
  fi
  if [ -f "$ROOT/.env" ]; then
    line="$(grep -E "^[[:space:]]*(export[[:space:]]+)?$name[[:space:]]*=" "$ROOT/.env" | tail -n 1 || true)"
    if [ -n "$line" ]; then
      value="${line#*=}"
      value="${value#"${value%%[![:space:]]*}"}"   # trim leading blanks
      value="${value%"${value##*[![:space:]]}"}"   # trim trailing blanks
      case "$value" in
        \"*\") value="${value:1:${#value}-2}" ;;
        \'*\') value="${value:1:${#value}-2}" ;;
      esac
      printf '%s' "$value"
      return
    fi
  fi
  printf '%s' "$default"
}

# Decode %XX escapes (a URL's user name and password).
urldecode() {
  local s="${1//\\/\\\\}"
  printf '%b' "${s//%/\\x}"
}

# pg_connect DATABASE_URL: refuses anything but PostgreSQL; sets PG_CONNINFO (the URL
# without its password, for pg_dump/pg_restore/psql), PG_DBNAME and PG_DESCRIPTION, and
# exports PGPASSWORD, so the password never shows in the process list.
pg_connect() {
  local url="$1" scheme rest query="" authority path="" userinfo="" hostport user password
  [ -n "$url" ] || die "DATABASE_URL is not set. Backups and restores need the PostgreSQL database URL, e.g.
  DATABASE_URL=postgres://najem:secret@127.0.0.1:5432/najem $0"
  scheme="${url%%://*}"
  [ "$scheme" != "$url" ] || die "DATABASE_URL is not a URL: it must look like postgres://user:password@host:5432/name"
  case "$scheme" in
    postgres|postgresql|pgsql|psql|postgis) ;;
    *) die "DATABASE_URL uses '$scheme': backups and restores support PostgreSQL only.
SQLite is for development; copy its file (db.sqlite3) while the site is stopped." ;;
  esac
  rest="${url#*://}"
  case "$rest" in *\?*) query="?${rest#*\?}"; rest="${rest%%\?*}" ;; esac
  authority="${rest%%/*}"
  case "$rest" in */*) path="${rest#*/}" ;; esac
  [ -n "$path" ] || die "DATABASE_URL names no database (…/name at its end)"
  hostport="$authority"
  case "$authority" in *@*) userinfo="${authority%@*}"; hostport="${authority##*@}" ;; esac
  user="${userinfo%%:*}"
  case "$userinfo" in
    *:*) password="${userinfo#*:}"; PGPASSWORD="$(urldecode "$password")"; export PGPASSWORD ;;
  esac
  PG_DBNAME="$(urldecode "$path")"
  PG_CONNINFO="postgresql://${user:+$user@}$hostport/$path$query"
  PG_DESCRIPTION="'$PG_DBNAME' on ${hostport:-the local socket}${user:+ as $(urldecode "$user")}"
  export PG_CONNINFO PG_DBNAME PG_DESCRIPTION
}
