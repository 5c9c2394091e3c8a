-- Terrane schema, version 6: which current amounts of a territory are
-- assumed. assumed is a JSON array of resource names, sorted, whose current
-- amount was derived (from revenue) rather than supplied by a resources
-- import or PATCH …/territories/{tid}; '[]' when none.
-- Before this version no current amount could be supplied: every one was
-- derived (the sample's baseline, create_scenario, a redrawn territory's
-- share), so the rows of an upgraded database get every key of current.
ALTER TABLE territories ADD COLUMN assumed TEXT NOT NULL DEFAULT '[]';
UPDATE territories SET assumed = {{json_keys territories.current}} WHERE current <> '{}';
