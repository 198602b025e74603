-- Who answered (operator messages) and the page the widget was on (origin and path only).
ALTER TABLE events ADD COLUMN operator_id TEXT;
ALTER TABLE events ADD COLUMN page_url TEXT;
