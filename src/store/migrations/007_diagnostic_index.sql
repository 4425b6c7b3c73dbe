-- 007: the diagnostic statistics by commune and EPCI (the territorial
-- dashboards ask for them on every page) read an index as the département
-- and région ones do; the nation's read finished sessions only.
CREATE INDEX diagnostic_session_commune ON diagnostic_session(commune, termine_at);
CREATE INDEX diagnostic_session_epci ON diagnostic_session(epci, termine_at);
CREATE INDEX diagnostic_session_termine ON diagnostic_session(termine_at);
