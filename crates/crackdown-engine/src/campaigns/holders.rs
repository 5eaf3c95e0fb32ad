//! The holders of the values a batch of new reports names, read from the
//! link index once per batch and kept true while the batch is linked.
//!
//! Intake links reports one by one, and each asks, for every value it names,
//! how many linked reports hold it and in which campaigns. Asked of the
//! store, that was two statements per value inside the one linking
//! transaction every intake waits for; read for the whole batch up front it
//! is a few statements per kind. The answers stay exact because the cache
//! follows what linking itself changes: a recorded report adds a holder and
//! renames the campaigns it merged; a re-partition may move any member of
//! the campaigns it redraws, so values held there are read again.

use std::collections::{HashMap, HashSet};

use crackdown_store::{FeatureHolders, LinkTx, StoreError};

/// (kind, value) of a link feature, as the link index stores it.
type Value = (String, String);

struct Cached {
    holders: FeatureHolders,
    /// Whether `holders.campaigns` lists every campaign of its holders (a
    /// common value's list stops at two).
    whole: bool,
}

#[derive(Default)]
pub(super) struct HolderCache {
    values: HashMap<Value, Cached>,
}

impl HolderCache {
    /// Reads the holders of `values`, listing every campaign of those held
    /// by at most `whole_up_to` reports.
    pub(super) fn read(tx: &mut LinkTx<'_>, values: Vec<Value>, whole_up_to: i64) -> Result<HolderCache, StoreError> {
        let mut cache = HolderCache::default();
        cache.fetch(tx, values, whole_up_to)?;
        Ok(cache)
    }

    fn fetch(&mut self, tx: &mut LinkTx<'_>, values: Vec<Value>, whole_up_to: i64) -> Result<(), StoreError> {
        for (value, holders) in tx.holders_of(&values, whole_up_to)? {
            let whole = holders.reports <= whole_up_to;
            self.values.insert(value, Cached { holders, whole });
        }
        Ok(())
    }

    /// The holders of one value; every campaign of them if at most
    /// `whole_up_to` reports hold it.
    pub(super) fn holders(
        &mut self,
        tx: &mut LinkTx<'_>,
        kind: &str,
        value: &str,
        whole_up_to: i64,
    ) -> Result<FeatureHolders, StoreError> {
        let key = (kind.to_owned(), value.to_owned());
        let fresh = self.values.get(&key).is_some_and(|cached| cached.whole || cached.holders.reports > whole_up_to);
        if !fresh {
            self.fetch(tx, vec![key.clone()], whole_up_to)?;
        }
        let holders = self
            .values
            .get(&key)
            .map_or(FeatureHolders { reports: 0, campaigns: Vec::new() }, |cached| cached.holders.clone());
        #[cfg(debug_assertions)]
        same_as_stored(tx, &key, &holders, whole_up_to)?;
        Ok(holders)
    }

    /// A report naming `features` was recorded in `campaign`, which took in
    /// the campaigns `merged`.
    pub(super) fn recorded(&mut self, features: &[Value], campaign: i64, merged: &[i64]) {
        let renamed: Vec<i64> = merged.iter().copied().filter(|&old| old != campaign).collect();
        if !renamed.is_empty() {
            self.values.retain(|_, cached| {
                if !cached.holders.campaigns.iter().any(|held| renamed.contains(held)) {
                    return true;
                }
                if !cached.whole {
                    // Renaming may leave one campaign where unread ones remain.
                    return false;
                }
                for held in &mut cached.holders.campaigns {
                    if renamed.contains(held) {
                        *held = campaign;
                    }
                }
                cached.holders.campaigns.sort_unstable();
                cached.holders.campaigns.dedup();
                true
            });
        }
        let named: HashSet<&Value> = features.iter().collect();
        for value in named {
            let Some(cached) = self.values.get_mut(value) else { continue };
            if !cached.whole {
                self.values.remove(value);
                continue;
            }
            cached.holders.reports += 1;
            if !cached.holders.campaigns.contains(&campaign) {
                cached.holders.campaigns.push(campaign);
            }
        }
    }

    /// `campaigns` were partitioned again: their members may be anywhere now.
    pub(super) fn repartitioned(&mut self, campaigns: &[i64]) {
        self.values.retain(|_, cached| !cached.holders.campaigns.iter().any(|held| campaigns.contains(held)));
    }
}

/// In debug builds (every test run) each answer is checked against the
/// store: the cache must say what a fresh read says (a common value's
/// campaigns only as far as "one or several").
#[cfg(debug_assertions)]
fn same_as_stored(
    tx: &mut LinkTx<'_>,
    key: &Value,
    cached: &FeatureHolders,
    whole_up_to: i64,
) -> Result<(), StoreError> {
    let stored = tx
        .holders_of(std::slice::from_ref(key), whole_up_to)?
        .remove(key)
        .unwrap_or(FeatureHolders { reports: 0, campaigns: Vec::new() });
    let sorted = |holders: &FeatureHolders| {
        let mut campaigns = holders.campaigns.clone();
        campaigns.sort_unstable();
        campaigns.dedup();
        campaigns
    };
    let agree = cached.reports == stored.reports
        && match stored.reports <= whole_up_to {
            true => sorted(cached) == sorted(&stored),
            false => (sorted(cached).len() > 1) == (sorted(&stored).len() > 1),
        };
    assert!(agree, "holder cache of {key:?} says {cached:?}, the store {stored:?}");
    Ok(())
}
