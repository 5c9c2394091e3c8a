-- Terrane schema, version 1. Written once for SQLite and PostgreSQL; the
-- store replaces {{serial}} with each dialect's auto-increment primary key.
-- Times are TEXT in RFC 3339 UTC with fixed width, so they sort as strings.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE layers (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    adjacency   TEXT NOT NULL DEFAULT '[]'
);

CREATE TABLE units (
    layer_id     TEXT NOT NULL REFERENCES layers(id) ON DELETE CASCADE,
    id           TEXT NOT NULL,
    name         TEXT NOT NULL DEFAULT '',
    region       TEXT NOT NULL DEFAULT '',
    geometry     TEXT NOT NULL,
    centroid_lon DOUBLE PRECISION NOT NULL,
    centroid_lat DOUBLE PRECISION NOT NULL,
    attributes   TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (layer_id, id)
);

CREATE TABLE accounts (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL DEFAULT '',
    segment     TEXT NOT NULL DEFAULT '',
    postal_code TEXT NOT NULL DEFAULT '',
    lon         DOUBLE PRECISION NOT NULL,
    lat         DOUBLE PRECISION NOT NULL,
    layer_id    TEXT NOT NULL DEFAULT '',
    unit_id     TEXT NOT NULL DEFAULT '',
    revenue     DOUBLE PRECISION NOT NULL DEFAULT 0,
    owner       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX accounts_unit ON accounts (layer_id, unit_id);

CREATE TABLE market_estimates (
    layer_id   TEXT NOT NULL,
    unit_id    TEXT NOT NULL,
    market     DOUBLE PRECISION NOT NULL,
    revenue    DOUBLE PRECISION NOT NULL,
    share      DOUBLE PRECISION NOT NULL,
    saturation DOUBLE PRECISION NOT NULL,
    floor      DOUBLE PRECISION NOT NULL,
    low        DOUBLE PRECISION NOT NULL,
    high       DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (layer_id, unit_id)
);

CREATE TABLE scenarios (
    id         {{serial}},
    name       TEXT NOT NULL UNIQUE,
    layer_id   TEXT NOT NULL REFERENCES layers(id),
    parent_id  BIGINT NOT NULL DEFAULT 0,
    status     TEXT NOT NULL,
    budget     DOUBLE PRECISION NOT NULL DEFAULT 0,
    resources  TEXT NOT NULL DEFAULT '[]',
    settings   TEXT NOT NULL DEFAULT '{}',
    created_by TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE territories (
    scenario_id BIGINT NOT NULL REFERENCES scenarios(id) ON DELETE CASCADE,
    id          TEXT NOT NULL,
    name        TEXT NOT NULL DEFAULT '',
    parent      TEXT NOT NULL DEFAULT '',
    owners      TEXT NOT NULL DEFAULT '[]',
    current     TEXT NOT NULL DEFAULT '{}',
    locked      BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (scenario_id, id)
);

CREATE TABLE assignments (
    scenario_id  BIGINT NOT NULL REFERENCES scenarios(id) ON DELETE CASCADE,
    unit_id      TEXT NOT NULL,
    territory_id TEXT NOT NULL,
    PRIMARY KEY (scenario_id, unit_id)
);

CREATE TABLE audit (
    id          {{serial}},
    scenario_id BIGINT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '',
    at          TEXT NOT NULL
);
CREATE INDEX audit_scenario ON audit (scenario_id, id);

CREATE TABLE runs (
    id             {{serial}},
    scenario_id    BIGINT NOT NULL REFERENCES scenarios(id) ON DELETE CASCADE,
    kind           TEXT NOT NULL,
    status         TEXT NOT NULL,
    progress       DOUBLE PRECISION NOT NULL DEFAULT 0,
    input          TEXT NOT NULL DEFAULT '{}',
    input_hash     TEXT NOT NULL DEFAULT '',
    solver_version TEXT NOT NULL DEFAULT '',
    seed           BIGINT NOT NULL DEFAULT 0,
    result         TEXT NOT NULL DEFAULT '',
    error          TEXT NOT NULL DEFAULT '',
    worker         TEXT NOT NULL DEFAULT '',
    created_at     TEXT NOT NULL,
    started_at     TEXT NOT NULL DEFAULT '',
    finished_at    TEXT NOT NULL DEFAULT '',
    heartbeat_at   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX runs_status ON runs (status, id);

CREATE TABLE users (
    id            {{serial}},
    name          TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL,
    password_hash TEXT NOT NULL DEFAULT '',
    territories   TEXT NOT NULL DEFAULT '[]',
    created_at    TEXT NOT NULL
);

CREATE TABLE tokens (
    id         {{serial}},
    user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    hash       TEXT NOT NULL UNIQUE,
    label      TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    revoked_at TEXT NOT NULL DEFAULT ''
);
