//! The first `wanted` items of a stream in a given order, kept in memory proportional
//! to `wanted`, not to the stream: items go into a buffer that, when it reaches twice
//! `wanted`, is cut back to its best `wanted`; from then on an item worse than the
//! worst kept is turned away with one comparison.

use std::cmp::Ordering;

pub struct TopRows<T> {
    wanted: usize,
    kept: Vec<T>,
    /// The worst item kept at the last cut: anything worse can never be among the best.
    bar: Option<T>,
}

impl<T: Copy> TopRows<T> {
    pub fn new(wanted: usize) -> Self {
        TopRows { wanted, kept: Vec::new(), bar: None }
    }

    /// Offers one item; `order` puts the better item first.
    pub fn offer(&mut self, item: T, order: impl Fn(&T, &T) -> Ordering) {
        if self.wanted == 0 || self.bar.as_ref().is_some_and(|bar| order(&item, bar) == Ordering::Greater) {
            return;
        }
        self.kept.push(item);
        if self.kept.len() >= self.wanted.saturating_mul(2) {
            self.cut(&order);
        }
    }

    fn cut(&mut self, order: &impl Fn(&T, &T) -> Ordering) {
        if self.kept.len() > self.wanted {
            self.kept.select_nth_unstable_by(self.wanted - 1, order);
            self.kept.truncate(self.wanted);
        }
        self.bar = self.kept.iter().copied().max_by(order);
    }

    /// An item no better than the `wanted`-th best offered so far, once known: whatever
    /// is worse can never be among the best.
    pub fn bar(&self) -> Option<&T> {
        self.bar.as_ref()
    }

    /// The best `wanted` items offered, best first.
    pub fn into_best(mut self, order: impl Fn(&T, &T) -> Ordering) -> Vec<T> {
        if self.wanted > 0 {
            self.cut(&order);
        }
        self.kept.sort_by(order);
        self.kept
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_best_of_any_stream_in_order() {
        let mut state = 17u64;
        for wanted in [0, 1, 3, 50, 1000] {
            let items: Vec<(u32, u32)> = (0..700)
                .map(|i| {
                    state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    ((state >> 40) as u32 % 97, i)
                })
                .collect();
            // Descending by value, ties by position ascending: a total order.
            let order = |a: &(u32, u32), b: &(u32, u32)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
            let mut top = TopRows::new(wanted);
            for item in &items {
                top.offer(*item, order);
            }
            let mut expected = items.clone();
            expected.sort_by(order);
            expected.truncate(wanted);
            assert_eq!(top.into_best(order), expected, "wanted {wanted}");
        }
    }
}
