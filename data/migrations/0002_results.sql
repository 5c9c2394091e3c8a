-- Terrane schema, version 2: versions, and results stored with their run.
-- A scenario's version counts changes to its inputs (budget, resources,
-- settings, territories); a layer's version counts changes to its data
-- (units, accounts, market estimates). Stored results name the versions
-- they were computed on, so a read can say they are stale.

ALTER TABLE scenarios ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE layers ADD COLUMN version BIGINT NOT NULL DEFAULT 1;

-- The latest successful run's results of a scenario: one row for the whole
-- scenario (certificate, totals, alignment summary) ...
CREATE TABLE scenario_results (
    scenario_id      BIGINT PRIMARY KEY REFERENCES scenarios(id) ON DELETE CASCADE,
    run_id           BIGINT NOT NULL,
    scenario_version BIGINT NOT NULL,
    layer_version    BIGINT NOT NULL,
    computed_at      TEXT NOT NULL,
    summary          TEXT NOT NULL
);

-- ... and one per territory (allocation, change, expected revenue, marginal
-- values, the curve parameters used).
CREATE TABLE territory_results (
    scenario_id  BIGINT NOT NULL REFERENCES scenarios(id) ON DELETE CASCADE,
    territory_id TEXT NOT NULL,
    run_id       BIGINT NOT NULL,
    result       TEXT NOT NULL,
    PRIMARY KEY (scenario_id, territory_id)
);

-- Reads of units without their geometry and attributes (the planner's
-- inputs) are answered from this index alone: in the table, the columns
-- after a large geometry are reached only through its overflow pages.
CREATE INDEX units_brief ON units (layer_id, id, name, region, centroid_lon, centroid_lat);
