-- Terrane schema, version 8: the inputs an approved or published plan
-- reads are frozen. Approving a scenario copies its layer's market
-- estimates and accounts into frozen_market_estimates and frozen_accounts
-- (scenarios.frozen = TRUE); while it is approved or published it reads
-- them from there, so a later markets or accounts import changes drafts
-- only. Returning it to draft drops the copy.
--
-- Opportunities and history are kept, not copied: plan_imports records the
-- imports current when the scenario was approved (its pinned imports); an
-- import replacing one keeps the rows of pinned imports (marked replaced),
-- and an approved or published plan reads the rows of its pinned imports.
ALTER TABLE scenarios ADD COLUMN frozen BOOLEAN NOT NULL DEFAULT FALSE;
-- frozen_layer_version is the layer's version when the copy was taken: the
-- layer_version a frozen plan reports, so its results do not read as stale
-- when an import changes the layer under it.
ALTER TABLE scenarios ADD COLUMN frozen_layer_version BIGINT NOT NULL DEFAULT 0;

CREATE TABLE frozen_market_estimates (
    scenario_id    BIGINT NOT NULL REFERENCES scenarios(id) ON DELETE CASCADE,
    layer_id       TEXT NOT NULL,
    unit_id        TEXT NOT NULL,
    market         DOUBLE PRECISION NOT NULL,
    revenue        DOUBLE PRECISION NOT NULL,
    share          DOUBLE PRECISION NOT NULL,
    saturation     DOUBLE PRECISION NOT NULL,
    floor          DOUBLE PRECISION NOT NULL,
    low            DOUBLE PRECISION NOT NULL,
    high           DOUBLE PRECISION NOT NULL,
    revenue_period TEXT NOT NULL DEFAULT '',
    revenue_source TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (scenario_id, unit_id)
);

CREATE TABLE frozen_accounts (
    scenario_id BIGINT NOT NULL REFERENCES scenarios(id) ON DELETE CASCADE,
    id          TEXT NOT NULL,
    name        TEXT NOT NULL DEFAULT '',
    segment     TEXT NOT NULL DEFAULT '',
    postal_code TEXT NOT NULL DEFAULT '',
    lon         DOUBLE PRECISION NOT NULL,
    lat         DOUBLE PRECISION NOT NULL,
    layer_id    TEXT NOT NULL DEFAULT '',
    unit_id     TEXT NOT NULL DEFAULT '',
    revenue     DOUBLE PRECISION NOT NULL DEFAULT 0,
    owner       TEXT NOT NULL DEFAULT '',
    attributes  TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (scenario_id, id)
);
CREATE INDEX frozen_accounts_unit ON frozen_accounts (scenario_id, unit_id);

CREATE TABLE plan_imports (
    scenario_id BIGINT NOT NULL REFERENCES scenarios(id) ON DELETE CASCADE,
    import_id   BIGINT NOT NULL,
    PRIMARY KEY (scenario_id, import_id)
);
CREATE INDEX plan_imports_import ON plan_imports (import_id);
