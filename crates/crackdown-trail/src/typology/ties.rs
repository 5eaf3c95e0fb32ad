//! Ties: what each transfer means to the two accounts it joins.
//!
//! Laundering patterns are made of payments that are *new* for the pair that
//! makes them and *dedicated*: a conduit account exists for the pattern, so
//! the payment is most of what it receives or sends. Ordinary economic life
//! is made of recurring ties (salary, rent, a shop one buys from weekly) and
//! of payments that are a small part of a busy account's flow. Both facts
//! hold whatever generated the ledger, so the detectors read them instead of
//! fixed amounts or windows:
//!
//! - `pair_count`: transfers the ordered pair (sender, recipient) makes in the
//!   whole ledger; a *novel* tie makes few.
//! - `sender_share` / `recipient_share`: the pair's value as a share (per
//!   mille) of everything the sender sent / the recipient received in that
//!   currency.
//! - the pair's first and last transfer, so a tie's span is known.

use rustc_hash::FxHashMap;

use crate::ledger::Ledger;

/// Per-transfer facts about the tie each transfer belongs to.
pub struct Ties {
    pair_count: Vec<u32>,
    pair_first: Vec<u32>,
    pair_last: Vec<u32>,
    sender_share: Vec<u16>,
    recipient_share: Vec<u16>,
}

fn per_mille(part: i128, whole: i128) -> u16 {
    if whole <= 0 || part <= 0 { 0 } else { ((part.min(whole) * 1000) / whole) as u16 }
}

impl Ties {
    /// One pass for account totals, one sort of the transfers by pair.
    pub fn new(ledger: &Ledger) -> Ties {
        let count = ledger.len();
        let mut sent: FxHashMap<(u32, u16), i128> = FxHashMap::default();
        let mut received: FxHashMap<(u32, u16), i128> = FxHashMap::default();
        for position in 0..count {
            let (from, to) = (ledger.from(position), ledger.to(position));
            if from == to {
                continue;
            }
            *sent.entry((from, ledger.currency[position])).or_insert(0) += i128::from(ledger.amount[position]);
            *received.entry((to, ledger.received_currency[position])).or_insert(0) +=
                i128::from(ledger.received[position]);
        }
        let mut order: Vec<(u64, u32)> = (0..count)
            .map(|position| {
                let key = (u64::from(ledger.from(position)) << 32) | u64::from(ledger.to(position));
                (key, position as u32)
            })
            .collect();
        // Positions are in time order, so each pair's group is too.
        order.sort_unstable();
        let mut ties = Ties {
            pair_count: vec![0; count],
            pair_first: vec![0; count],
            pair_last: vec![0; count],
            sender_share: vec![0; count],
            recipient_share: vec![0; count],
        };
        for group in order.chunk_by(|a, b| a.0 == b.0) {
            let first = group[0].1 as usize;
            let last = group[group.len() - 1].1;
            let (from, to) = (ledger.from(first), ledger.to(first));
            let (mut value_sent, mut value_received) = (0i128, 0i128);
            for &(_, position) in group {
                let position = position as usize;
                if ledger.currency[position] == ledger.currency[first] {
                    value_sent += i128::from(ledger.amount[position]);
                }
                if ledger.received_currency[position] == ledger.received_currency[first] {
                    value_received += i128::from(ledger.received[position]);
                }
            }
            let sender_share = per_mille(value_sent, sent.get(&(from, ledger.currency[first])).copied().unwrap_or(0));
            let recipient_share =
                per_mille(value_received, received.get(&(to, ledger.received_currency[first])).copied().unwrap_or(0));
            for &(_, position) in group {
                let position = position as usize;
                ties.pair_count[position] = group.len() as u32;
                ties.pair_first[position] = first as u32;
                ties.pair_last[position] = last;
                ties.sender_share[position] = sender_share;
                ties.recipient_share[position] = recipient_share;
            }
        }
        ties
    }

    /// Transfers the pair of this transfer makes in the whole ledger.
    pub fn pair_count(&self, position: usize) -> u32 {
        self.pair_count[position]
    }

    /// Whether this transfer is the pair's first.
    pub fn is_first(&self, position: usize) -> bool {
        self.pair_first[position] as usize == position
    }

    /// Position of the pair's last transfer.
    pub fn pair_last(&self, position: usize) -> usize {
        self.pair_last[position] as usize
    }

    /// Time from the pair's first to its last transfer, in microseconds.
    pub fn pair_span(&self, ledger: &Ledger, position: usize) -> i64 {
        ledger.timestamp_micros(self.pair_last[position] as usize)
            - ledger.timestamp_micros(self.pair_first[position] as usize)
    }

    /// The pair's value as a share of all the sender sent in that currency, per mille.
    pub fn sender_share(&self, position: usize) -> u16 {
        self.sender_share[position]
    }

    /// The pair's value as a share of all the recipient received in that currency, per mille.
    pub fn recipient_share(&self, position: usize) -> u16 {
        self.recipient_share[position]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::tests::ledger;

    #[test]
    fn counts_pairs_and_shares() {
        let ledger = ledger(
            "a,2024-01-01T00:00:00Z,A,B,300,USD,wire\n\
             b,2024-01-02T00:00:00Z,A,C,100,USD,wire\n\
             c,2024-01-03T00:00:00Z,A,B,300,USD,wire\n\
             d,2024-01-04T00:00:00Z,D,B,400,USD,wire\n",
            &[],
        );
        let ties = Ties::new(&ledger);
        let position = |id: &str| ledger.position_of(id).expect("known tx");
        assert_eq!(ties.pair_count(position("a")), 2);
        assert!(ties.is_first(position("a")) && !ties.is_first(position("c")));
        assert_eq!(ties.pair_last(position("a")), position("c"));
        assert_eq!(ties.pair_span(&ledger, position("c")), 2 * 86_400 * 1_000_000);
        // A sent 700, 600 of it to B; B received 1000, 600 of it from A.
        assert_eq!(ties.sender_share(position("a")), 857);
        assert_eq!(ties.recipient_share(position("a")), 600);
        assert_eq!((ties.sender_share(position("d")), ties.recipient_share(position("d"))), (1000, 400));
    }
}
