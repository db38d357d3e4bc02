/**
 * The hub's schema, in order. The same SQL runs on PostgreSQL and PGlite; a
 * migration is never edited once released, a change is a new one.
 */
export const HUB_MIGRATIONS: readonly { id: number; name: string; sql: string }[] = [
  {
    id: 1,
    name: 'sites, enrolment, sync ledger, site data',
    sql: `
CREATE TABLE hub_tokens (
  id text PRIMARY KEY, hash text NOT NULL UNIQUE, role text NOT NULL, name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(), revoked_at timestamptz);
CREATE TABLE sites (
  site_id text PRIMARY KEY, name text NOT NULL, enrolled_at timestamptz NOT NULL DEFAULT now(),
  last_contact timestamptz, backlog jsonb, applied_config_version integer, applied_config_sha256 text,
  config_error jsonb, models jsonb, health jsonb, drops jsonb, reduction jsonb);
CREATE TABLE enrolment_tokens (
  id text PRIMARY KEY, hash text NOT NULL UNIQUE, site_id text, created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(), expires_at timestamptz NOT NULL, used_at timestamptz, used_by text);
CREATE TABLE site_credentials (
  hash text PRIMARY KEY, site_id text NOT NULL REFERENCES sites(site_id),
  created_at timestamptz NOT NULL DEFAULT now(), revoked_at timestamptz);
CREATE TABLE sync_streams (
  site_id text NOT NULL, stream text NOT NULL, epoch text NOT NULL,
  high_seq bigint NOT NULL DEFAULT 0, dropped_through bigint NOT NULL DEFAULT 0, dropped_items bigint NOT NULL DEFAULT 0,
  first_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (site_id, stream, epoch));
CREATE TABLE sync_batches (
  site_id text NOT NULL, idempotency_key text NOT NULL, stream text NOT NULL, epoch text NOT NULL,
  first_seq bigint NOT NULL, last_seq bigint NOT NULL, items integer NOT NULL, inserted integer NOT NULL,
  bytes integer NOT NULL, backfill boolean NOT NULL, received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (site_id, idempotency_key));
CREATE TABLE site_rollups (
  site_id text NOT NULL, epoch text NOT NULL, seq bigint NOT NULL, tag text NOT NULL, bucket timestamptz NOT NULL,
  asset_path text, unit text, count integer NOT NULL, min double precision, max double precision, avg double precision,
  first double precision, last double precision, good integer NOT NULL, backfill boolean NOT NULL,
  PRIMARY KEY (site_id, epoch, seq));
CREATE INDEX site_rollups_tag ON site_rollups (site_id, tag, bucket);
CREATE TABLE site_events (
  site_id text NOT NULL, epoch text NOT NULL, seq bigint NOT NULL, event_id text NOT NULL, kind text NOT NULL,
  ts timestamptz NOT NULL, asset_path text NOT NULL, severity text NOT NULL, tag text, message text NOT NULL,
  payload jsonb NOT NULL, backfill boolean NOT NULL,
  PRIMARY KEY (site_id, epoch, seq));
CREATE INDEX site_events_kind ON site_events (site_id, kind, ts);
CREATE TABLE site_health (
  site_id text NOT NULL, epoch text NOT NULL, seq bigint NOT NULL, ts timestamptz NOT NULL, status text NOT NULL,
  components jsonb NOT NULL, lines jsonb NOT NULL, backfill boolean NOT NULL,
  PRIMARY KEY (site_id, epoch, seq));
CREATE TABLE site_raw (
  site_id text NOT NULL, epoch text NOT NULL, seq bigint NOT NULL, tag text NOT NULL, ts timestamptz NOT NULL,
  value double precision, value_text text, quality smallint NOT NULL, backfill boolean NOT NULL,
  PRIMARY KEY (site_id, epoch, seq));
CREATE TABLE site_configs (
  site_id text NOT NULL REFERENCES sites(site_id), version integer NOT NULL, text text NOT NULL, signed boolean NOT NULL, sha256 text NOT NULL,
  created_by text NOT NULL, created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (site_id, version));
`,
  },
  {
    id: 2,
    name: 'per-node status of sites with several edge nodes',
    sql: `ALTER TABLE sites ADD COLUMN nodes jsonb NOT NULL DEFAULT '{}'::jsonb;`,
  },
  {
    id: 3,
    name: 'models trained on the hub and their distribution to sites',
    sql: `
CREATE TABLE hub_models (
  name text NOT NULL, version integer NOT NULL, kind text NOT NULL, sha256 text NOT NULL, onnx bytea NOT NULL,
  manifest jsonb NOT NULL, metrics jsonb NOT NULL, source jsonb NOT NULL,
  created_by text NOT NULL, created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (name, version));
CREATE TABLE model_deployments (
  site_id text NOT NULL REFERENCES sites(site_id), name text NOT NULL, version integer NOT NULL, mode text NOT NULL,
  created_by text NOT NULL, created_at timestamptz NOT NULL DEFAULT now(), applied_at timestamptz, error text,
  PRIMARY KEY (site_id, name), FOREIGN KEY (name, version) REFERENCES hub_models(name, version));
`,
  },
];
