//! Hashes for secrets: argon2id for passwords (low entropy, slow on purpose), SHA-256
//! for generated tokens and keys (high entropy, checked on every request).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::rngs::OsRng;
use rand::RngCore;
use sha2::{Digest, Sha256};

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A fresh random token: `prefix` then 32 random bytes in hex.
pub fn new_token(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    format!("{prefix}{}", hex::encode(bytes))
}

pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default().hash_password(password.as_bytes(), &salt).expect("argon2 hashes any password").to_string()
}

type Job = Box<dyn FnOnce() + Send>;

/// A few threads of their own for argon2, which takes tens of milliseconds and about
/// 19 MiB on purpose. At most one hash per thread runs at once, so a login flood costs
/// bounded CPU and memory; and since the threads are always the same few, the memory
/// each one's allocator keeps after a hash is kept a few times, not once per thread of
/// tokio's blocking pool (measured: 1 GB after a flood before, see `cargo bench -- logins`).
pub struct HashingPool {
    jobs: std::sync::mpsc::SyncSender<Job>,
    slots: tokio::sync::Semaphore,
    /// Callers waiting for a slot now, and how many may: past that a caller is turned
    /// away at once instead of holding its request (and connection) open to wait.
    waiting: std::sync::atomic::AtomicUsize,
    most_waiting: usize,
}

/// Callers that may wait per hashing thread.
const WAITING_PER_THREAD: usize = 8;

impl HashingPool {
    pub fn new(threads: usize) -> HashingPool {
        let threads = threads.max(1);
        let (jobs, queue) = std::sync::mpsc::sync_channel::<Job>(threads);
        let queue = std::sync::Arc::new(parking_lot::Mutex::new(queue));
        for n in 0..threads {
            let queue = queue.clone();
            let spawned = std::thread::Builder::new().name(format!("argon2-{n}")).spawn(move || loop {
                let job = queue.lock().recv();
                match job {
                    Ok(job) => job(),
                    Err(_) => return,
                }
            });
            if let Err(error) = spawned {
                tracing::error!(%error, "a password hashing thread could not start");
            }
        }
        HashingPool {
            jobs,
            slots: tokio::sync::Semaphore::new(threads),
            waiting: std::sync::atomic::AtomicUsize::new(0),
            most_waiting: threads * WAITING_PER_THREAD,
        }
    }

    /// Runs `work` on a hashing thread once one is free, waiting at most `wait` for it
    /// (`None`: as long as it takes, however many wait); `None` when none became free in
    /// time, or when too many callers wait already.
    pub async fn run<T: Send + 'static>(
        &self,
        wait: Option<std::time::Duration>,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Option<T> {
        use std::sync::atomic::Ordering;
        let slot = match wait {
            Some(wait) => {
                let queued = self.waiting.fetch_add(1, Ordering::SeqCst);
                let slot = if queued < self.most_waiting {
                    tokio::time::timeout(wait, self.slots.acquire()).await.ok().and_then(Result::ok)
                } else {
                    None
                };
                self.waiting.fetch_sub(1, Ordering::SeqCst);
                slot?
            }
            None => self.slots.acquire().await.ok()?,
        };
        let (answer, answered) = tokio::sync::oneshot::channel();
        // Never blocks: a job is sent only with a slot, and there are as many places.
        self.jobs.send(Box::new(move || drop(answer.send(work())))).ok()?;
        let out = answered.await.ok();
        drop(slot);
        out
    }

    /// A new password's hash, whenever a thread is free.
    pub async fn hash(&self, password: String) -> String {
        let hashed = self.run(None, move || hash_password(&password)).await;
        hashed.expect("the hashing threads run while the pool lives")
    }
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let hash = hash_password("correct horse");
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &hash));
        assert!(!verify_password("wrong", &hash));
        assert!(!verify_password("correct horse", "not a hash"));
    }

    #[test]
    fn tokens_are_random_and_hash_stably() {
        let (a, b) = (new_token("cp_"), new_token("cp_"));
        assert_ne!(a, b);
        assert_eq!(a.len(), 3 + 64);
        assert_eq!(hash_token(&a), hash_token(&a));
    }
}
