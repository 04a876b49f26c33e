-- Where a case is, as coordinates (WGS84, from the phone's geolocation or a map pick), for
-- the duplicate suggestion and the map; and the case a duplicate was merged into (it then
-- follows that case: its reporter hears of the master's steps).
alter table cases add column lat double precision;
alter table cases add column lng double precision;
alter table cases add column merged_into bigint references cases (case_id);
create index cases_nearby_idx on cases (category_id, lat, lng);
create index cases_merged_idx on cases (merged_into);
