-- Terrane schema, version 7: the pipeline and the history of sales, and the
-- record of the imports that wrote them.
--
-- imports records each opportunities or history file imported: the rows of
-- opportunities and history carry the id of the import that wrote them, so
-- a plan can be pinned to the imports it was approved on. replaced_by is the
-- id of the import that replaced its rows (NULL while they are current);
-- content_hash is the SHA-256 of the file's content, hex; appended is 1 when
-- the import added to the current rows (mode=append) instead of replacing
-- them.
CREATE TABLE imports (
    id           {{serial}},
    layer_id     TEXT NOT NULL,
    kind         TEXT NOT NULL,
    row_count    INTEGER NOT NULL,
    actor        TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    appended     INTEGER NOT NULL DEFAULT 0,
    replaced_by  BIGINT
);
CREATE INDEX imports_layer ON imports (layer_id, kind);

-- opportunities: one CRM deal per row. account_id, owner and stage are as
-- given ('' = none); status is won, lost or open; amount is dollars, NULL
-- when unknown; created and close_date are YYYY-MM-DD (close_date NULL when
-- not given); attributes is a JSON object of the other columns.
CREATE TABLE opportunities (
    import_id  BIGINT NOT NULL REFERENCES imports(id),
    layer_id   TEXT NOT NULL,
    id         TEXT NOT NULL,
    account_id TEXT NOT NULL DEFAULT '',
    owner      TEXT NOT NULL DEFAULT '',
    stage      TEXT NOT NULL,
    status     TEXT NOT NULL,
    amount     DOUBLE PRECISION,
    created    TEXT NOT NULL,
    close_date TEXT,
    product    TEXT NOT NULL DEFAULT '',
    attributes TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (import_id, id)
);
CREATE INDEX opportunities_layer ON opportunities (layer_id, account_id);

-- history: revenue and resources of one territory (of scenario_id) or one
-- unit (territory_id '' and scenario_id 0) in one period. period is the
-- canonical label, period_start and period_end YYYY-MM-DD, granularity day,
-- month, quarter or year; revenue is dollars in the period; resources is a
-- JSON object of resource name → amount (absent = not recorded).
CREATE TABLE history (
    import_id    BIGINT NOT NULL REFERENCES imports(id),
    layer_id     TEXT NOT NULL,
    period       TEXT NOT NULL,
    period_start TEXT NOT NULL,
    period_end   TEXT NOT NULL,
    granularity  TEXT NOT NULL,
    scenario_id  BIGINT NOT NULL DEFAULT 0,
    territory_id TEXT NOT NULL DEFAULT '',
    unit_id      TEXT NOT NULL DEFAULT '',
    revenue      DOUBLE PRECISION NOT NULL,
    resources    TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (import_id, period, territory_id, unit_id)
);
CREATE INDEX history_layer ON history (layer_id, period_start);

-- Where each market estimate's revenue comes from: revenue_period is e.g.
-- '2017' or '2017-Q4 ×4' ('' = not known), revenue_source markets, accounts
-- or history ('' = not known).
ALTER TABLE market_estimates ADD COLUMN revenue_period TEXT NOT NULL DEFAULT '';
ALTER TABLE market_estimates ADD COLUMN revenue_source TEXT NOT NULL DEFAULT '';
