-- Terrane schema, version 3: who started each run, and the allocation
-- problem it solved.
-- created_by is the user name of the person who started the run ('' for
-- runs recorded before this version).
ALTER TABLE runs ADD COLUMN created_by TEXT NOT NULL DEFAULT '';
-- problem is the allocate.Problem JSON the run solved, as
-- `terrane solve allocate --in` reads it; '' when the run did not allocate
-- or was recorded before this version.
ALTER TABLE runs ADD COLUMN problem TEXT NOT NULL DEFAULT '';
-- A resource's total of 0 meant "no limit"; it now means none at all and
-- "no limit" is an absent total. Stored resources keep their meaning: the
-- JSON written before this version ends each resource with "total".
UPDATE scenarios SET resources = REPLACE(resources, ',"total":0}', '}') WHERE resources LIKE '%"total":0}%';
