-- Terrane schema, version 5: what a company knows about its people.
-- email is '' for none and unique otherwise (the key of a reps import);
-- manager is the manager's user name and region free text ('' = none);
-- cost and quota are dollars per year, capacity hours per year (0 = not
-- known).
ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN manager TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN region TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN cost DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN capacity DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN quota DOUBLE PRECISION NOT NULL DEFAULT 0;
-- home_lon and home_lat are the home location in degrees, NULL when not known.
ALTER TABLE users ADD COLUMN home_lon DOUBLE PRECISION;
ALTER TABLE users ADD COLUMN home_lat DOUBLE PRECISION;
CREATE UNIQUE INDEX users_email ON users (email) WHERE email <> '';
