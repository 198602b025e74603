-- Accounts that may see the dashboards and export CSV but change nothing: 'viewer'.
ALTER TABLE admins ADD COLUMN role TEXT NOT NULL DEFAULT 'admin';
