//! Answers computed once per (question, data version, second) and shared by every
//! reader who asks the same thing meanwhile: a hundred dashboards refetching after one
//! `stats_update` cost one computation. Readers that arrive while it runs wait for it.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::Arc;

use parking_lot::Mutex;
use tokio::sync::OnceCell;

/// Entries kept before those of older versions and seconds are dropped.
const LIMIT: usize = 512;

/// A question at a data version in a second (epoch seconds).
type Key<Q> = (Q, u64, i64);

/// Where one answer is (being) computed; waiters share it.
type Cell<V> = Arc<OnceCell<Arc<V>>>;

pub struct SharedCache<Q, V> {
    cells: Mutex<HashMap<Key<Q>, Cell<V>>>,
}

impl<Q: Clone + Eq + Hash, V> Default for SharedCache<Q, V> {
    fn default() -> Self {
        SharedCache { cells: Mutex::new(HashMap::new()) }
    }
}

impl<Q: Clone + Eq + Hash, V> SharedCache<Q, V> {
    /// The answer to `question` at `version` in the second of `now_ms`, computed by
    /// `compute` at most once.
    pub async fn get_or_compute<F, Fut>(&self, question: Q, version: u64, now_ms: i64, compute: F) -> Arc<V>
    where
        F: FnOnce(Q) -> Fut,
        Fut: Future<Output = V>,
    {
        let second = now_ms.div_euclid(1000);
        let key = (question, version, second);
        let cell = {
            let mut cells = self.cells.lock();
            if cells.len() >= LIMIT {
                cells.retain(|(_, v, s), _| *v == version && *s >= second - 1);
            }
            cells.entry(key.clone()).or_default().clone()
        };
        cell.get_or_init(|| async move { Arc::new(compute(key.0).await) }).await.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn one_computation_per_question_version_and_second() {
        let cache = SharedCache::<&str, usize>::default();
        let runs = AtomicUsize::new(0);
        let compute = |_| async {
            runs.fetch_add(1, Ordering::SeqCst);
            7
        };
        let answers = futures::future::join_all((0..50).map(|_| cache.get_or_compute("q", 1, 1_500, compute))).await;
        assert!(answers.iter().all(|a| **a == 7));
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        cache.get_or_compute("q", 2, 1_500, compute).await;
        cache.get_or_compute("q", 2, 2_100, compute).await;
        cache.get_or_compute("other", 2, 2_100, compute).await;
        assert_eq!(runs.load(Ordering::SeqCst), 4);
    }
}
