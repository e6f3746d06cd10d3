//! Comparing collections as multisets: nothing lost, nothing duplicated,
//! whatever the order.

/// How many times each item occurs. Two lists hold the same items, each as
/// often (the same multiset), exactly when their counts are equal: the check
/// that nothing was lost or duplicated, whatever the order.
pub fn counts<T: Ord + Clone>(items: &[T]) -> std::collections::BTreeMap<T, usize> {
    let mut counts = std::collections::BTreeMap::new();
    for item in items {
        *counts.entry(item.clone()).or_insert(0) += 1;
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_tell_multisets_apart() {
        assert_eq!(counts(&[2, 1, 2]), counts(&[1, 2, 2]));
        assert_ne!(counts(&[1, 2]), counts(&[1, 2, 2]));
    }
}
