-- chatpulse reads N8N's "Postgres Chat Memory" table (docs/sources.md).
-- Run once, as the table's owner, in N8N's database.

-- The table has no timestamp (n8n issue #14917). Rows written before this column exists
-- carry the moment it was added, not the moment they were written.
alter table n8n_chat_histories add column if not exists created_at timestamptz not null default now();

-- Wake chatpulse at each commit instead of waiting for its next poll.
create or replace function chatpulse_wake() returns trigger language plpgsql as $$
begin
  perform pg_notify('chatpulse_rows', '');
  return null;
end $$;
drop trigger if exists chatpulse_wake on n8n_chat_histories;
create trigger chatpulse_wake after insert on n8n_chat_histories
  for each statement execute function chatpulse_wake();

-- A role that can only read the table (change the password).
-- create role chatpulse_reader login password 'change-me';
-- grant select on n8n_chat_histories to chatpulse_reader;

-- chatpulse's environment:
--   CHATPULSE_SQL_SOURCE_URL=postgres://chatpulse_reader:change-me@db.example/n8n?sslmode=require
--   CHATPULSE_SQL_SOURCE_NOTIFY=chatpulse_rows
--   CHATPULSE_SQL_SOURCE_QUERY=<the query below>
--
-- select id, 'message' as type, 'web' as channel, session_id as user_id,
--        case message->>'type' when 'human' then 'user' when 'ai' then 'bot' end as sender,
--        created_at as at, id as cursor
-- from n8n_chat_histories
-- where id > coalesce(nullif($1, '')::bigint, 0)
-- order by id
-- limit 5000
