-- English names for the reference data the district maintains (issue 12 point 8): an English
-- page shows name_en, and falls back to the Chinese name (marked lang="zh") while it is empty.
-- The project's own translations are filled from data/names_en.json when a district is seeded
-- and on every start for rows still without one (seed::english_names), since SQL cannot read
-- the file; the back office and the API edit them afterwards.
alter table case_categories add column name_en text;
alter table departments add column name_en text;
