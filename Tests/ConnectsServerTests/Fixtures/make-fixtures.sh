#!/usr/bin/env bash
# Makes the databases MigrationTests upgrades, with the `connects` of an earlier commit: its demo
# marketplace, then the README's tour (a job closed without a hire, a boost released, a purchase, a
# reward, an adjustment). Run under a throwaway PostgreSQL cluster:
#
#   git worktree add /tmp/old 4d00ee6 && (cd /tmp/old && swift build --product connects)
#   ./scripts/with-postgres Tests/ConnectsServerTests/Fixtures/make-fixtures.sh /tmp/old/.build/debug/connects 4d00ee6
#
# It writes NAME.sqlite and NAME-postgres.sql beside itself.
set -euo pipefail
connects=$1
name=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
key=fixture-admin-key-0123456789

world() { # $1: the --database argument
  "$connects" serve --database "$1" --port 0 --admin-key "$key" --demo >"$work/serve.log" 2>&1 &
  local pid=$! port=""
  for _ in $(seq 1 300); do
    port=$(grep -o ' port=[0-9]*' "$work/serve.log" | head -1 | cut -d= -f2 || true)
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || { cat "$work/serve.log"; exit 1; }
  A="Authorization: Bearer $key"
  new() { curl -sf -X POST "localhost:$port$1" -H "$A" -H "Idempotency-Key: $(date +%s%N)" -d "$2"; }
  id() { sed 's/.*"id":"\([a-z]*_[^"]*\)".*/\1/'; }
  client=$(new /v1/accounts '{"externalId":"client-1","kind":"client"}' | id)
  ana=$(new /v1/accounts '{"externalId":"ana","kind":"freelancer"}' | id)
  job=$(new /v1/jobs "{\"clientId\":\"$client\",\"title\":\"Logo\",\"budget\":{\"currency\":\"USD\",\"minor\":40000}}" | id)
  new "/v1/jobs/$job/proposals" "{\"freelancerId\":\"$ana\",\"boost\":5}" >/dev/null
  new "/v1/jobs/$job/close" '{"reason":"no_hire"}' >/dev/null
  new "/v1/accounts/$ana/purchases" \
    '{"quantity":20,"paymentReference":"ch_1","amountPaid":{"currency":"USD","minor":300}}' >/dev/null
  new "/v1/accounts/$ana/rewards" '{"reward":"rising_talent"}' >/dev/null
  new "/v1/accounts/$ana/adjustments" '{"amount":-3,"reason":"duplicate courtesy","ticket":"T-1001"}' >/dev/null
  kill -TERM "$pid"
  wait "$pid" || true
  "$connects" verify --database "$1"
}

world "$work/c.sqlite"
python3 -c "import sqlite3,sys; sqlite3.connect(sys.argv[1]).execute('VACUUM INTO ?', (sys.argv[2],))" \
  "$work/c.sqlite" "$here/$name.sqlite"

database="fixture_$$"
base=${CONNECTS_TEST_POSTGRES_URL%/*}
psql "$CONNECTS_TEST_POSTGRES_URL" -qc "CREATE DATABASE $database"
world "$base/$database"
# Without psql 15.14's \restrict lines, which an older psql refuses.
pg_dump --no-owner --no-privileges "$base/$database" | sed '/^\\restrict /d; /^\\unrestrict /d' >"$here/$name-postgres.sql"
psql "$CONNECTS_TEST_POSTGRES_URL" -qc "DROP DATABASE $database"
ls -la "$here"
