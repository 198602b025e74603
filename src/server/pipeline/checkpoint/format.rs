//! The checkpoint file's layout: a magic line and a format number, a header, each
//! user's record, the widget opens, a footer, and a SHA-256 of everything before it.
//!
//! Records are postcard (compact, varint integers) and are written as they are taken,
//! so a checkpoint of ten million messages never sits whole in memory while written.

use std::io::Write;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::server::db::EventAnchor;
use crate::server::domain::event::{Channel, Sender};
use crate::server::pipeline::engine::recorded::{RecordedMsg, RecordedOpen, RecordedUser};
use crate::server::pipeline::engine::BulkLoader;

const MAGIC: &[u8; 16] = b"chatpulse-ckpt\n\0";
/// Bumped whenever the layout or the meaning of a record changes: a file of another
/// format is ignored, never misread.
pub const FORMAT: u32 = 1;
const DIGEST_LEN: usize = 32;

/// Why a checkpoint file cannot be used as it is.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    #[error("not a chatpulse checkpoint")]
    NotACheckpoint,
    #[error("format {found}, this build reads format {FORMAT}")]
    OtherFormat { found: u32 },
    #[error("its checksum does not match its content (a torn or damaged file)")]
    Checksum,
    #[error("a record does not decode: {0}")]
    Decode(#[from] postcard::Error),
    #[error("a record names an unknown channel or sender")]
    UnknownCode,
}

/// What the records describe, and the database they came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// Every event up to this sequence is in the records.
    pub applied_seq: i64,
    pub data_epoch: i64,
    /// The newest event at or before `applied_seq` in the database written from.
    pub anchor: Option<EventAnchor>,
    pub users: u64,
}

/// What is known only once every record is written.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Footer {
    pub newest_at: Option<i64>,
    /// Sequences past `applied_seq` already in the records: events committed while the
    /// records were taken, which a restore must not apply twice.
    pub extras: Vec<i64>,
}

#[derive(Serialize, Deserialize)]
struct UserRecord<'a> {
    channel: u8,
    user_id: &'a str,
    last_offline: Option<(i64, i64)>,
    #[serde(borrow)]
    msgs: Vec<MsgRecord<'a>>,
}

#[derive(Serialize, Deserialize)]
struct MsgRecord<'a> {
    at: i64,
    seq: i64,
    sender: u8,
    human: bool,
    #[serde(borrow)]
    name: Option<&'a str>,
    country: Option<[u8; 2]>,
    #[serde(borrow)]
    city: Option<&'a str>,
    #[serde(borrow)]
    operator: Option<&'a str>,
    #[serde(borrow)]
    page: Option<&'a str>,
}

#[derive(Serialize, Deserialize)]
struct OpenRecord<'a> {
    at: i64,
    seq: i64,
    channel: u8,
    #[serde(borrow)]
    page: Option<&'a str>,
}

/// Writes records as they come, hashing what it writes.
pub struct Writer<W: Write> {
    out: W,
    hash: Sha256,
    buf: Vec<u8>,
}

impl<W: Write> Writer<W> {
    pub fn start(out: W, header: &Header) -> std::io::Result<Writer<W>> {
        let mut writer = Writer { out, hash: Sha256::new(), buf: Vec::new() };
        writer.raw(MAGIC)?;
        writer.raw(&FORMAT.to_le_bytes())?;
        writer.record(header)?;
        Ok(writer)
    }

    pub fn user(&mut self, user: &RecordedUser) -> std::io::Result<()> {
        let msgs = user
            .msgs
            .iter()
            .map(|m| MsgRecord {
                at: m.at,
                seq: m.seq,
                sender: m.sender as u8,
                human: m.human,
                name: m.name.as_deref(),
                country: m.country,
                city: m.city.as_deref(),
                operator: m.operator.as_deref(),
                page: m.page.as_deref(),
            })
            .collect();
        self.record(&UserRecord {
            channel: user.channel as u8,
            user_id: &user.user_id,
            last_offline: user.last_offline,
            msgs,
        })
    }

    pub fn opens(&mut self, opens: &[RecordedOpen]) -> std::io::Result<()> {
        let records: Vec<OpenRecord> = opens
            .iter()
            .map(|o| OpenRecord { at: o.at, seq: o.seq, channel: o.channel as u8, page: o.page.as_deref() })
            .collect();
        self.record(&records)
    }

    /// Writes the footer and the digest, and hands back the output to be synced.
    pub fn finish(mut self, footer: &Footer) -> std::io::Result<W> {
        self.record(footer)?;
        let digest = self.hash.finalize_reset();
        self.out.write_all(&digest)?;
        Ok(self.out)
    }

    fn record(&mut self, value: &impl Serialize) -> std::io::Result<()> {
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        buf = postcard::to_extend(value, buf).map_err(std::io::Error::other)?;
        self.raw(&buf)?;
        self.buf = buf;
        Ok(())
    }

    fn raw(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.hash.update(bytes);
        self.out.write_all(bytes)
    }
}

/// Checks a whole file and reads its header; the records, for `restore`, start at the
/// offset returned.
pub fn open(bytes: &[u8]) -> Result<(Header, usize), FormatError> {
    let body_start = MAGIC.len() + 4;
    if bytes.len() < body_start + DIGEST_LEN || &bytes[..MAGIC.len()] != MAGIC {
        return Err(FormatError::NotACheckpoint);
    }
    let found = u32::from_le_bytes(bytes[MAGIC.len()..body_start].try_into().expect("four bytes"));
    if found != FORMAT {
        return Err(FormatError::OtherFormat { found });
    }
    let (content, digest) = bytes.split_at(bytes.len() - DIGEST_LEN);
    if Sha256::digest(content).as_slice() != digest {
        return Err(FormatError::Checksum);
    }
    let (header, records) = postcard::take_from_bytes::<Header>(&content[body_start..])?;
    Ok((header, content.len() - records.len()))
}

/// Puts the records after a header back into `loader`, and returns the footer. The
/// file must have passed `open`.
pub fn restore(header: &Header, mut records: &[u8], loader: &mut BulkLoader) -> Result<Footer, FormatError> {
    for _ in 0..header.users {
        let (user, rest) = postcard::take_from_bytes::<UserRecord>(records)?;
        records = rest;
        loader.restore_user(recorded_user(user)?);
    }
    let (opens, rest) = postcard::take_from_bytes::<Vec<OpenRecord>>(records)?;
    for open in opens {
        let channel = channel(open.channel)?;
        loader.restore_open(RecordedOpen { at: open.at, seq: open.seq, channel, page: open.page.map(Arc::from) });
    }
    let (footer, _) = postcard::take_from_bytes::<Footer>(rest)?;
    loader.restore_marks(header.applied_seq, footer.newest_at);
    Ok(footer)
}

fn recorded_user(user: UserRecord<'_>) -> Result<RecordedUser<&str>, FormatError> {
    let msgs = user
        .msgs
        .into_iter()
        .map(|m| {
            Ok(RecordedMsg {
                at: m.at,
                seq: m.seq,
                sender: Sender::from_code(m.sender.into()).ok_or(FormatError::UnknownCode)?,
                human: m.human,
                name: m.name,
                country: m.country,
                city: m.city,
                operator: m.operator,
                page: m.page,
            })
        })
        .collect::<Result<_, FormatError>>()?;
    Ok(RecordedUser { channel: channel(user.channel)?, user_id: user.user_id, last_offline: user.last_offline, msgs })
}

fn channel(code: u8) -> Result<Channel, FormatError> {
    Channel::from_code(code.into()).ok_or(FormatError::UnknownCode)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation_figures::OperatorSort;
    use crate::model::{ChannelFilter, Settings};
    use crate::server::domain::time::parse_rfc3339_ms;
    use crate::server::pipeline::engine::query::StatsQuery;
    use crate::server::pipeline::engine::tests::random_traffic;
    use crate::server::pipeline::engine::{Engine, StoredEvent};

    fn base() -> i64 {
        parse_rfc3339_ms("2026-03-01T00:00:00Z").unwrap()
    }

    fn settings() -> Settings {
        Settings { session_gap_minutes: 90, ..Settings::default() }
    }

    /// Writes `engine`'s record the way the writer does, a few users per slice, with
    /// `between` applied to it after the first slice (events committed mid-write).
    fn checkpoint_of(engine: &mut Engine, between: &[StoredEvent]) -> Vec<u8> {
        let marks = engine.recorded_marks();
        let header = Header { applied_seq: marks.applied_seq, data_epoch: 0, anchor: None, users: marks.users as u64 };
        let mut writer = Writer::start(Vec::new(), &header).unwrap();
        let mut extras = Vec::new();
        for first in (0..marks.users).step_by(7) {
            for user in engine.recorded_users(first..(first + 7).min(marks.users)) {
                extras.extend(user.msgs.iter().map(|m| m.seq).filter(|&s| s > marks.applied_seq));
                writer.user(&user).unwrap();
            }
            if first == 0 {
                engine.apply(between);
            }
        }
        let opens = engine.recorded_opens();
        extras.extend(opens.iter().map(|o| o.seq).filter(|&s| s > marks.applied_seq));
        writer.opens(&opens).unwrap();
        writer.finish(&Footer { newest_at: engine.recorded_marks().newest_at, extras }).unwrap()
    }

    /// The engine a start builds from `file` and the events after its sequence.
    fn restored(file: &[u8], events: &[StoredEvent]) -> Result<Engine, FormatError> {
        let (header, start) = open(file)?;
        let mut loader = Engine::bulk_loader(settings(), 0);
        let footer = restore(&header, &file[start..], &mut loader)?;
        let later = events.iter().filter(|e| e.seq > header.applied_seq && !footer.extras.contains(&e.seq));
        loader.record(later.cloned().collect());
        Ok(loader.finish())
    }

    fn assert_same_figures(restored: &Engine, built: &Engine) {
        assert_eq!(restored.version(), built.version());
        assert_eq!(restored.earliest(), built.earliest());
        let now = base() + 3 * 86_400_000;
        assert_eq!(restored.alert_readings(now), built.alert_readings(now));
        for channel in [ChannelFilter::All, ChannelFilter::Web, ChannelFilter::Premium] {
            for (from, to) in [(base(), now), (base() + 3_600_007, base() + 2 * 86_400_000 + 7)] {
                let q = StatsQuery { channel, from, to, page: 1, per_page: 20, rows: Default::default() };
                assert_eq!(restored.stats(&q, now), built.stats(&q, now), "{channel:?} {from}..{to}");
                assert_eq!(
                    restored.operators(&q, OperatorSort::default()),
                    built.operators(&q, OperatorSort::default())
                );
                assert_eq!(restored.pages(&q), built.pages(&q));
            }
        }
    }

    #[test]
    fn a_restored_record_with_events_committed_mid_write_gives_every_figure_of_a_full_build() {
        let events = random_traffic(0x5DEE_CE66_D1CE_4E5B, base(), 4000);
        let (before, during) = events.split_at(3000);
        let (during, after) = during.split_at(500);
        let mut live = Engine::new(settings(), 0);
        live.apply(before);
        let file = checkpoint_of(&mut live, during);
        live.apply(after);
        let built = Engine::build(settings(), 0, events.clone());
        let restored = restored(&file, &events).unwrap();
        assert_same_figures(&restored, &built);
        assert_same_figures(&live, &built);
        // And both go on alike: the restored engine takes live events as the built one.
        let more = random_traffic(0x1234_5678_9ABC_DEF1, base(), 300)
            .into_iter()
            .map(|e| StoredEvent { seq: e.seq + 4000, ..e })
            .collect::<Vec<_>>();
        let (mut restored, mut built) = (restored, built);
        assert_eq!(restored.apply(&more), built.apply(&more), "the same milestones");
        assert_same_figures(&restored, &built);
    }

    #[test]
    fn a_damaged_or_foreign_file_is_refused_and_never_misread() {
        let mut live = Engine::new(settings(), 0);
        live.apply(&random_traffic(7, base(), 500));
        let file = checkpoint_of(&mut live, &[]);
        assert!(restored(&file, &[]).is_ok());
        for at in [0, 20, file.len() / 2, file.len() - 1] {
            let mut damaged = file.clone();
            damaged[at] ^= 0x40;
            assert!(restored(&damaged, &[]).is_err(), "a flipped byte at {at} is noticed");
        }
        assert!(matches!(restored(&file[..file.len() - 100], &[]), Err(FormatError::Checksum)), "a torn file");
        let mut other = file.clone();
        other[MAGIC.len()..MAGIC.len() + 4].copy_from_slice(&(FORMAT + 1).to_le_bytes());
        assert!(matches!(restored(&other, &[]), Err(FormatError::OtherFormat { found }) if found == FORMAT + 1));
        assert!(matches!(restored(b"{\"json\": true}", &[]), Err(FormatError::NotACheckpoint)));
    }
}
