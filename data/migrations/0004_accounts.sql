-- Terrane schema, version 4: the other columns of an imported account.
-- attributes is a JSON object of column name → value (strings), '{}' when
-- there are none.
ALTER TABLE accounts ADD COLUMN attributes TEXT NOT NULL DEFAULT '{}';
