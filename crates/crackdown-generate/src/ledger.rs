//! The seized ledger: `ledger.csv` in timestamp order, `accounts.csv`, and
//! the money truth (`truth/mules.csv`, `truth/victim_payments.csv`,
//! `truth/lookalikes.csv`).
//!
//! Background life (payroll, rent, utilities, card spend, p2p, cash,
//! exchanges, and the legitimate habits that look like a mule's: sole
//! traders, landlords, savers, remitters, forwarders) is generated one day
//! at a time; mules hold money for hours to days and split it into round
//! amounts; victims' payments and the
//! laundering they trigger (fan-out, pass-through, peel chains,
//! scatter-gather, cycles, ending in cash withdrawals and exchange deposits)
//! wait in a heap until their time comes. Memory holds one day of rows plus
//! the accounts, never the whole ledger.
//!
//! **Opening balances.** A statement obtained by production order starts
//! with each account's opening balance; so does the generated ledger. Its
//! first rows, all at the ledger's start, are one per account that holds
//! money then: `tx_id` `OB-<account>`, from the pseudo-account
//! `OPENING:<account>` (one per account, so no hub joins unrelated
//! accounts in graph patterns), channel `opening_balance`, in the
//! account's currency. The amount is what the account holds at the start
//! (a person's first salary) plus, for accounts whose money is not followed
//! lot by lot, the deepest overdraft the rest of the ledger would take it
//! to, so an import finds no negative balances it did not put there.
//! Mule accounts get only the first part, queued in front of their lots, so
//! the truth follows their money exactly as a tracer reading the rows does.
//! The trail crate treats the `OPENING:` senders as money from outside the
//! extract (see `crackdown_trail::ledger`). The rows are written after the
//! simulation (which needs the deepest overdrafts) by copying the body
//! behind them.
//!
//! **One bank's book** (`GenerateConfig::book_share` below 100). Each
//! account is held at the bank with that probability, fixed by the seed,
//! victims' and mules' like anyone's. A row between two accounts held
//! elsewhere is simulated (balances, habits, the money truth) but not
//! written, and is not counted towards `--transactions`: the
//! ledger shows what a real institution's records show — its customers'
//! transfers, with counterparties at other banks seen only where they
//! pay or are paid by a customer. Money rarely comes back round to its
//! sender inside one bank's records, so this is the ledger shape the
//! graph-feature benchmark uses (the demo's seized books, share 100,
//! hold the compound's whole economy). An account outside the bank gets
//! an opening row only for the overdraft its rows in the book would show;
//! its real balance is not the bank's to know. The truth then follows
//! victims' money through every hop, in the book or not, and lists only
//! the victim payments the book holds; it is exact for the demo's books
//! (share 100), which the quality benchmark uses.
//!
//! The truth of each victim payment is computed while writing, by following
//! the money first-in-first-out through the mule accounts exactly as the
//! tracing contract of the money-trail issue defines it (order by timestamp
//! then row; traced money queues behind money already there; an outflow
//! beyond what an account holds spends untraced money; money ends where it
//! sits at the horizon). Mules' own spending is held back while they hold
//! victims' money, so that money never leaks into ordinary accounts and
//! every victim payment ends at cash, an exchange or a mule account.

use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap, HashMap, VecDeque};
use std::io::Write;
use std::path::Path;

use crate::format::{civil_from_days, push_decimal, push_timestamp, push_u64};
use crate::random::Dice;
use crate::world::{AccountKind, DAY, Habit, Population, REGIONS, ScamType, World};
use crate::{GenerateError, Progress, Stage, create};

/// How long after a victim payment the truth follows its money, as the
/// tracing command's default `--horizon 90d`.
pub const TRUTH_HORIZON_DAYS: i64 = 90;

/// What a scheduled transaction is for, which decides the checks it passes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Purpose {
    /// Ordinary life; skipped when the payer cannot afford it or is a mule
    /// holding victims' money.
    Background,
    /// Ordinary income that is always written.
    Income,
    /// A victim's payment to a collection account (index into payments).
    Victim(u32),
    /// A mule moving money on.
    Laundering,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Event {
    time: i64,
    seq: u64,
    from: u32,
    to: u32,
    amount: i64,
    channel: &'static str,
    purpose: Purpose,
}

/// A run of money in an account's first-in-first-out queue: a victim
/// payment's (tainted) or anyone else's (`payment == NONE`).
#[derive(Clone, Copy, Debug)]
struct Lot {
    payment: u32,
    amount: i64,
    since: i64,
}

const NONE: u32 = u32::MAX;

/// A victim payment's truth while its money is still moving.
struct PaymentTruth {
    tx_id: u64,
    victim_index: usize,
    victim: u32,
    campaign: usize,
    amount: i64,
    remaining: i64,
    endpoints: Vec<(u32, i64, &'static str)>,
}

/// What the ledger step wrote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LedgerCounts {
    pub transactions: u64,
    pub accounts: u64,
    pub victim_payments: u64,
    pub mule_rows: u64,
}

struct Ledger<'w> {
    world: &'w World,
    seed: u64,
    out: std::io::BufWriter<std::fs::File>,
    truth: std::io::BufWriter<std::fs::File>,
    row: Vec<u8>,
    written: u64,
    seq: u64,
    last_time: i64,
    balances: Vec<i64>,
    /// The lowest balance each account reached (opening balances cover it).
    lowest: Vec<i64>,
    queues: HashMap<u32, VecDeque<Lot>>,
    pending_out: HashMap<u32, u32>,
    heap: BinaryHeap<Reverse<Event>>,
    payments: Vec<PaymentTruth>,
    open: HashMap<u32, usize>,
    mule_roles: BTreeSet<(u32, &'static str, usize)>,
    victim_payment_rows: u64,
    calendar: Calendar,
    /// Accounts that moved victims' money in the written ledger.
    touched: BTreeSet<u32>,
    /// Whether an account's money is followed lot by lot (mule accounts).
    tracked: Vec<bool>,
    /// Victim payments whose truth changed since the last flush.
    changed: Vec<u32>,
    /// Each region's currency, looked up once.
    currencies: Vec<crackdown_model::Currency>,
    /// Whether an account is held at the bank whose book this is (all are at share 100).
    in_book: Vec<bool>,
    /// Each account's balance as the written rows show it: its simulated
    /// balance for accounts in the book, the net of its rows with the
    /// bank's customers for the others. `lowest` follows this one.
    book_balances: Vec<i64>,
    /// Rows simulated, written or not: `written / executed` is the share of
    /// the economy's rows the book shows.
    executed: u64,
}

fn kind(world: &World, account: u32) -> AccountKind {
    world.population.accounts[account as usize].kind
}

/// Rounds minor units down to a multiple of `step`, at least `step`.
fn round_to(amount: i64, step: i64) -> i64 {
    (amount / step * step).max(step)
}

impl<'w> Ledger<'w> {
    fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    fn event(&mut self, time: i64, from: u32, to: u32, amount: i64, channel: &'static str, purpose: Purpose) -> Event {
        Event { time, seq: self.next_seq(), from, to, amount, channel, purpose }
    }

    fn schedule(&mut self, event: Event) {
        if event.purpose == Purpose::Laundering {
            *self.pending_out.entry(event.from).or_default() += 1;
        }
        self.heap.push(Reverse(event));
    }

    fn tainted(&self, account: u32) -> bool {
        self.tracked[account as usize]
            && self.queues.get(&account).is_some_and(|queue| queue.iter().any(|lot| lot.payment != NONE))
            || self.pending_out.get(&account).is_some_and(|&count| count > 0)
    }

    /// Whether the event is written; background spending must be affordable
    /// and must not touch a mule's victim money.
    fn admissible(&self, event: &Event) -> bool {
        if event.from == event.to {
            return false;
        }
        if event.purpose != Purpose::Background {
            return true;
        }
        if self.tainted(event.from) {
            return false;
        }
        match kind(self.world, event.from) {
            AccountKind::Person | AccountKind::Merchant => self.balances[event.from as usize] >= event.amount,
            _ => true,
        }
    }

    fn endpoint(&mut self, payment: u32, account: u32, amount: i64, reason: &'static str) {
        let index = payment as usize;
        self.changed.push(payment);
        let truth = &mut self.payments[index];
        truth.remaining -= amount;
        match truth.endpoints.iter_mut().find(|(held, _, why)| *held == account && *why == reason) {
            Some(entry) => entry.1 += amount,
            None => truth.endpoints.push((account, amount, reason)),
        }
    }

    fn push_lot(queue: &mut VecDeque<Lot>, lot: Lot) {
        if lot.amount == 0 {
            return;
        }
        if let Some(last) = queue.back_mut()
            && last.payment == NONE
            && lot.payment == NONE
        {
            last.amount += lot.amount;
            return;
        }
        queue.push_back(lot);
    }

    /// Moves `event.amount` out of a tracked account first in, first out,
    /// and returns the lots that leave.
    fn take_lots(&mut self, event: &Event) -> Vec<Lot> {
        let horizon = TRUTH_HORIZON_DAYS * DAY;
        let mut moved = Vec::new();
        let mut expired = Vec::new();
        let mut wanted = event.amount;
        if let Some(queue) = self.queues.get_mut(&event.from) {
            while wanted > 0 {
                let Some(front) = queue.front_mut() else {
                    break;
                };
                let share = front.amount.min(wanted);
                let mut lot = Lot { amount: share, ..*front };
                front.amount -= share;
                if front.amount == 0 {
                    queue.pop_front();
                }
                wanted -= share;
                if lot.payment != NONE && event.time > lot.since + horizon {
                    expired.push((lot.payment, share));
                    lot.payment = NONE;
                }
                moved.push(lot);
            }
        }
        if wanted > 0 {
            moved.push(Lot { payment: NONE, amount: wanted, since: event.time });
        }
        for (payment, amount) in expired {
            self.endpoint(payment, event.from, amount, "horizon");
        }
        moved
    }

    fn follow_money(&mut self, event: &Event) {
        let from_tracked = self.tracked[event.from as usize];
        if !from_tracked && !self.tracked[event.to as usize] && !matches!(event.purpose, Purpose::Victim(_)) {
            // Ordinary money between ordinary accounts: nothing to follow.
            return;
        }
        let lots = if from_tracked {
            self.take_lots(event)
        } else {
            let payment = match event.purpose {
                Purpose::Victim(payment) => payment,
                _ => NONE,
            };
            vec![Lot { payment, amount: event.amount, since: event.time }]
        };
        let receiver = kind(self.world, event.to);
        if self.tracked[event.to as usize]
            && let Some(queue) = self.queues.get_mut(&event.to)
        {
            for lot in lots {
                Self::push_lot(queue, lot);
            }
            return;
        }
        let reason = match receiver {
            AccountKind::Cash => "cash",
            AccountKind::Exchange => "exchange",
            _ => "left_network",
        };
        for lot in lots.into_iter().filter(|lot| lot.payment != NONE) {
            self.endpoint(lot.payment, event.to, lot.amount, reason);
        }
    }

    /// Own money queued between the victims' money a laundering transfer
    /// moves: the mule passes it on too, as mules empty their accounts,
    /// so that no victim money is left behind it.
    fn interleaved_own_money(&self, account: u32, tainted_wanted: i64) -> i64 {
        let Some(queue) = self.queues.get(&account) else {
            return 0;
        };
        let mut wanted = tainted_wanted;
        let mut own = 0;
        for lot in queue {
            if wanted <= 0 {
                break;
            }
            if lot.payment == NONE {
                own += lot.amount;
            } else {
                wanted -= lot.amount;
            }
        }
        own
    }

    fn execute(&mut self, mut event: Event) -> Result<(), GenerateError> {
        if !self.admissible(&event) {
            return Ok(());
        }
        if event.purpose == Purpose::Laundering {
            event.amount += self.interleaved_own_money(event.from, event.amount);
        }
        if event.purpose == Purpose::Laundering
            && let Some(count) = self.pending_out.get_mut(&event.from)
        {
            *count = count.saturating_sub(1);
        }
        self.executed += 1;
        self.balances[event.from as usize] -= event.amount;
        self.balances[event.to as usize] += event.amount;
        // Between two other banks' customers, a row is simulated but not in the book (tx id 0).
        let in_book = self.in_book[event.from as usize] || self.in_book[event.to as usize];
        let tx_id = if in_book {
            self.written += 1;
            self.book_balances[event.from as usize] -= event.amount;
            self.book_balances[event.to as usize] += event.amount;
            let lowest = &mut self.lowest[event.from as usize];
            *lowest = (*lowest).min(self.book_balances[event.from as usize]);
            self.written
        } else {
            0
        };
        if let Purpose::Victim(payment) = event.purpose {
            self.payments[payment as usize].tx_id = tx_id;
            self.open.insert(payment, payment as usize);
        }
        self.follow_money(&event);
        if in_book && matches!(event.purpose, Purpose::Victim(_) | Purpose::Laundering) {
            self.touched.insert(event.from);
            self.touched.insert(event.to);
        }
        if in_book {
            self.write_row(tx_id, &event)?;
        }
        self.last_time = event.time;
        self.flush_finished()?;
        Ok(())
    }

    fn write_row(&mut self, tx_id: u64, event: &Event) -> Result<(), GenerateError> {
        let accounts = &self.world.population.accounts;
        let from = &accounts[event.from as usize];
        let to = &accounts[event.to as usize];
        let currency = self.currencies[usize::from(from.region)];
        let row = &mut self.row;
        row.clear();
        row.push(b'T');
        let width = tx_id.checked_ilog10().map_or(1, |log| log as usize + 1);
        row.extend(std::iter::repeat_n(b'0', 9_usize.saturating_sub(width)));
        push_u64(row, tx_id);
        row.push(b',');
        push_timestamp(row, event.time);
        row.push(b',');
        row.extend_from_slice(from.id.as_bytes());
        row.push(b',');
        row.extend_from_slice(to.id.as_bytes());
        row.push(b',');
        push_decimal(row, event.amount, currency.minor_units());
        row.push(b',');
        row.extend_from_slice(currency.code().as_bytes());
        row.push(b',');
        row.extend_from_slice(event.channel.as_bytes());
        row.push(b'\n');
        self.out.write_all(row).map_err(|source| GenerateError::io("ledger.csv", source))
    }

    /// Writes the truth of victim payments whose money has all arrived.
    fn flush_finished(&mut self) -> Result<(), GenerateError> {
        if self.changed.is_empty() {
            return Ok(());
        }
        let mut done = std::mem::take(&mut self.changed);
        done.sort_unstable();
        done.dedup();
        for payment in done {
            if self.payments[payment as usize].remaining == 0 && self.open.remove(&payment).is_some() {
                self.write_truth(payment as usize)?;
            }
        }
        Ok(())
    }

    fn write_truth(&mut self, payment: usize) -> Result<(), GenerateError> {
        let world = self.world;
        let truth = &self.payments[payment];
        if truth.tx_id == 0 {
            // Paid between two other banks' customers: not in the book.
            return Ok(());
        }
        let accounts = &world.population.accounts;
        let currency = REGIONS[usize::from(accounts[truth.victim as usize].region)].currency();
        let campaign = &world.campaigns[truth.campaign];
        let report = world.victim_report(truth.victim_index).map_or(String::new(), crate::reports::report_id);
        for &(account, amount, reason) in &truth.endpoints {
            let mut line = Vec::with_capacity(160);
            line.extend_from_slice(format!("T{:09},{report},", truth.tx_id).as_bytes());
            line.extend_from_slice(campaign.id.as_bytes());
            line.push(b',');
            line.extend_from_slice(accounts[truth.victim as usize].id.as_bytes());
            line.push(b',');
            push_decimal(&mut line, truth.amount, currency.minor_units());
            line.push(b',');
            line.extend_from_slice(currency.code().as_bytes());
            line.push(b',');
            line.extend_from_slice(accounts[account as usize].id.as_bytes());
            line.push(b',');
            line.extend_from_slice(accounts[account as usize].kind.as_str().as_bytes());
            line.push(b',');
            push_decimal(&mut line, amount, currency.minor_units());
            line.push(b',');
            line.extend_from_slice(reason.as_bytes());
            line.push(b'\n');
            self.truth.write_all(&line).map_err(|source| GenerateError::io("truth/victim_payments.csv", source))?;
            self.victim_payment_rows += 1;
        }
        Ok(())
    }
}

/// The laundering a victim payment sets off: which typology, through which
/// mules, ending where.
struct Launderer<'l, 'w> {
    ledger: &'l mut Ledger<'w>,
    dice: Dice,
    campaign: usize,
}

impl Launderer<'_, '_> {
    fn world(&self) -> &World {
        self.ledger.world
    }

    fn send(&mut self, time: i64, from: u32, to: u32, amount: i64, role_to: &'static str) {
        // A mule drawn twice in a chain keeps the money where it is.
        if from == to || amount <= 0 {
            return;
        }
        let region = usize::from(self.world().population.accounts[from as usize].region);
        let channel = if REGIONS[region].crypto {
            "crypto"
        } else if kind(self.world(), to) == AccountKind::Cash {
            "cash"
        } else {
            *self.dice.pick(&["transfer", "p2p", "transfer"])
        };
        if !kind(self.world(), to).is_terminal() {
            self.ledger.mule_roles.insert((to, role_to, self.campaign));
        } else {
            self.ledger.mule_roles.insert((from, "cashout", self.campaign));
        }
        let event = self.ledger.event(time, from, to, amount, channel, Purpose::Laundering);
        self.ledger.schedule(event);
    }

    fn layer(&mut self) -> u32 {
        let campaign = &self.world().campaigns[self.campaign];
        let layers = campaign.layers.clone();
        *self.dice.pick(&layers)
    }

    fn cashout(&mut self) -> u32 {
        let cashouts = self.world().campaigns[self.campaign].cashouts.clone();
        *self.dice.pick(&cashouts)
    }

    fn later(&mut self, time: i64, low_minutes: i64, high_minutes: i64) -> i64 {
        time + 60 * self.dice.range(low_minutes.max(1), high_minutes.max(2))
    }

    /// Splits `amount` into `parts` positive pieces that add up exactly.
    fn split(&mut self, amount: i64, parts: usize) -> Vec<i64> {
        let parts = parts.clamp(1, amount.max(1) as usize);
        let weights: Vec<i64> = (0..parts).map(|_| self.dice.range(5, 15)).collect();
        let total: i64 = weights.iter().sum();
        // Round pieces below the total, as people type them; the first takes the rest.
        let step = round_step(amount);
        let mut pieces: Vec<i64> = weights.iter().map(|weight| amount * weight / total / step * step).collect();
        let assigned: i64 = pieces.iter().sum();
        pieces[0] += amount - assigned;
        pieces.retain(|&piece| piece > 0);
        pieces
    }

    /// Takes money out at an exchange, or as cash in withdrawals below the
    /// reporting threshold with any remainder to an exchange.
    fn exit(&mut self, time: i64, from: u32, amount: i64) {
        let world = self.world();
        let region_index = usize::from(world.population.accounts[from as usize].region);
        let region = &REGIONS[region_index];
        let accounts = &world.population.regions[region_index];
        let exchanges = accounts.exchanges.clone();
        let cash = accounts.cash.clone();
        if cash.is_empty() || self.dice.chance(0.4) {
            let exchange = *self.dice.pick(&exchanges);
            let at = self.later(time, 5, 240);
            self.send(at, from, exchange, amount, "cashout");
            return;
        }
        let step = region.cash_step * region.unit();
        let limit = round_to(region.salary.0 * region.unit() * 3 / 2, step);
        let mut remaining = amount;
        let mut at = time;
        while remaining >= step {
            let chunk =
                round_to(remaining.min(limit - step * self.dice.range(0, 5)), step).min(remaining / step * step);
            let atm = *self.dice.pick(&cash);
            at = self.later(at, 3, 90);
            self.send(at, from, atm, chunk, "cashout");
            remaining -= chunk;
        }
        if remaining > 0 {
            let exchange = *self.dice.pick(&exchanges);
            at = self.later(at, 5, 120);
            self.send(at, from, exchange, remaining, "cashout");
        }
    }

    fn launder(&mut self, time: i64, collection: u32, amount: i64) {
        let scam = self.world().campaigns[self.campaign].scam;
        let typology = match scam {
            ScamType::Investment | ScamType::Romance => self.dice.weighted(&[30, 20, 20, 20, 10]),
            _ => self.dice.weighted(&[35, 30, 15, 10, 10]),
        };
        match typology {
            0 => {
                // Fan-out to layers, each cashes out.
                let count = self.dice.range(2, 6) as usize;
                let mut at = time;
                for piece in self.split(amount, count) {
                    let layer = self.layer();
                    at = self.later(at, 5, 90);
                    self.send(at, collection, layer, piece, "layer");
                    let exit_at = self.later(at, 30, 2 * 1440);
                    self.exit(exit_at, layer, piece);
                }
            }
            1 => {
                // Rapid pass-through along a chain.
                let hops = self.dice.range(2, 5);
                let mut holder = collection;
                let mut at = time;
                for _ in 0..hops {
                    let next = self.layer();
                    if next == holder {
                        continue;
                    }
                    at = self.later(at, 20, 1440);
                    self.send(at, holder, next, amount, "layer");
                    holder = next;
                }
                let exit_at = self.later(at, 20, 720);
                self.exit(exit_at, holder, amount);
            }
            2 => {
                // Peel chain: each hop peels a slice off to cash or an exchange.
                let mut holder = collection;
                let mut remaining = amount;
                let mut at = time;
                for _ in 0..self.dice.range(3, 6) {
                    let peel = remaining * self.dice.range(5, 20) / 100;
                    if peel <= 0 || remaining - peel <= 0 {
                        break;
                    }
                    let next = self.layer();
                    if next == holder {
                        continue;
                    }
                    at = self.later(at, 30, 720);
                    self.exit(at, holder, peel);
                    at = self.later(at, 240, 600);
                    self.send(at, holder, next, remaining - peel, "layer");
                    remaining -= peel;
                    holder = next;
                }
                let exit_at = self.later(at, 30, 600);
                self.exit(exit_at, holder, remaining);
            }
            3 => {
                // Scatter-gather: spread over layers, gathered by one cash-out mule.
                let gatherer = self.cashout();
                let count = self.dice.range(3, 6) as usize;
                let mut at = time;
                let mut gathered_at = time;
                for piece in self.split(amount, count) {
                    let layer = self.layer();
                    at = self.later(at, 5, 60);
                    if layer == gatherer {
                        self.send(at, collection, gatherer, piece, "gatherer");
                        gathered_at = gathered_at.max(at);
                        continue;
                    }
                    self.send(at, collection, layer, piece, "layer");
                    let hop = self.later(at, 60, 2 * 1440);
                    gathered_at = gathered_at.max(hop);
                    self.send(hop, layer, gatherer, piece, "gatherer");
                }
                let exit_at = self.later(gathered_at, 30, 240);
                self.exit(exit_at, gatherer, amount);
            }
            _ => {
                // A cycle through three mules back to the first, then out.
                let first = self.layer();
                let second = self.layer();
                let third = self.cashout();
                let distinct: BTreeSet<u32> = [collection, first, second, third].into_iter().collect();
                if distinct.len() < 4 {
                    let exit_at = self.later(time, 10, 120);
                    self.exit(exit_at, collection, amount);
                    return;
                }
                let mut at = self.later(time, 5, 60);
                self.send(at, collection, first, amount, "layer");
                for (from, to) in [(first, second), (second, third), (third, first)] {
                    at = self.later(at, 30, 1440);
                    self.send(at, from, to, amount, "layer");
                }
                let exit_at = self.later(at, 10, 240);
                self.exit(exit_at, first, amount);
            }
        }
    }
}

/// A round step for amounts of this size: a thousandth of it, rounded
/// down to a power of ten.
fn round_step(amount: i64) -> i64 {
    10_i64.pow((amount / 1000).max(1).ilog10())
}

/// Step sizes amounts are rounded to in a region: fine (card spend) and
/// coarse (transfers between people).
fn steps(region: usize) -> (i64, i64) {
    let spec = &REGIONS[region];
    let unit = spec.unit();
    let fine = if spec.crypto {
        unit / 100
    } else if spec.cash_step >= 1000 {
        spec.cash_step * unit / 50
    } else {
        1
    };
    (fine.max(1), (spec.cash_step * unit / 10).max(1))
}

/// Who pays whom on a given day of the month.
struct Calendar {
    payroll: Vec<Vec<u32>>,
    rent: Vec<Vec<u32>>,
    utilities: Vec<Vec<u32>>,
    /// Market vendors and sole traders, paid by many customers.
    vendors: Vec<u32>,
    /// The same, by region: customers pay vendors of their own country.
    region_vendors: Vec<Vec<u32>>,
    /// Landlords, who pay the mortgage once the month's rent is in.
    landlords: Vec<u32>,
    /// Regions weighted by population, for drawing everyday transactions.
    region_weights: Vec<u32>,
}

impl Calendar {
    fn build(world: &World) -> Calendar {
        let mut calendar = Calendar {
            payroll: vec![Vec::new(); 32],
            rent: vec![Vec::new(); 32],
            utilities: vec![Vec::new(); 32],
            vendors: Vec::new(),
            region_vendors: vec![Vec::new(); REGIONS.len()],
            landlords: Vec::new(),
            region_weights: REGIONS.iter().map(|region| region.ledger_weight).collect(),
        };
        let population = &world.population;
        for (region, accounts) in population.regions.iter().enumerate() {
            if REGIONS[region].crypto {
                continue;
            }
            for &employer in &accounts.employers {
                if let Some(first) = population.employees.get(&employer).and_then(|staff| staff.first())
                    && let Some(person) = &population.persons[*first as usize]
                {
                    calendar.payroll[usize::from(person.payday)].push(employer);
                }
            }
            for &account in &accounts.persons {
                if let Some(person) = &population.persons[account as usize] {
                    calendar.rent[usize::from(person.rent_day)].push(account);
                    calendar.utilities[usize::from(person.utility_day)].push(account);
                    if matches!(person.habit, Habit::Vendor | Habit::SoleTrader) {
                        calendar.vendors.push(account);
                        calendar.region_vendors[region].push(account);
                    }
                    if person.habit == Habit::Landlord {
                        calendar.landlords.push(account);
                    }
                }
            }
        }
        calendar
    }
}

impl Ledger<'_> {
    fn background_day(&mut self, dice: &mut Dice, day_start: i64, filler: u64, buffer: &mut Vec<Event>) {
        let world = self.world;
        let population = &world.population;
        let (_, month, day_of_month) = civil_from_days(day_start.div_euclid(DAY));
        let _ = month;
        let dom = day_of_month as usize;
        let weekday = (day_start.div_euclid(DAY) + 4).rem_euclid(7);
        let at =
            |dice: &mut Dice, low_hour: i64, high_hour: i64| day_start + dice.range(low_hour * 3600, high_hour * 3600);
        for &employer in &self.calendar_payroll(dom) {
            let Some(staff) = population.employees.get(&employer) else {
                continue;
            };
            let region = usize::from(population.accounts[employer as usize].region);
            let business = *dice.pick(&population.regions[region].businesses);
            let total: i64 = staff
                .iter()
                .filter_map(|&account| population.persons[account as usize].as_ref())
                .map(|person| person.salary)
                .sum();
            let mut time = at(dice, 3, 6);
            let funding = self.event(time, business, employer, total + total / 10, "wire", Purpose::Income);
            buffer.push(funding);
            time += 3600 + dice.range(0, 3600);
            for &account in staff {
                let Some(person) = population.persons[account as usize].as_ref() else {
                    continue;
                };
                time += dice.range(1, 20);
                buffer.push(self.event(time, employer, account, person.salary, "payroll", Purpose::Income));
                let (_, coarse) = steps(region);
                match person.habit {
                    Habit::FamilyForwarder => {
                        let share = round_to(person.salary * dice.range(60, 86) / 100, coarse);
                        let when = time + dice.range(1800, 6 * 3600);
                        buffer.push(self.event(when, account, person.partner, share, "p2p", Purpose::Background));
                    }
                    Habit::CryptoBuyer => {
                        let share = round_to(person.salary * dice.range(30, 71) / 100, coarse);
                        let when = time + dice.range(600, 3 * 3600);
                        buffer.push(self.event(when, account, person.partner, share, "transfer", Purpose::Background));
                    }
                    Habit::Saver => {
                        let share = round_to(person.salary * dice.range(40, 81) / 100, coarse);
                        let when = time + dice.range(300, 10 * 3600);
                        buffer.push(self.event(when, account, person.partner, share, "transfer", Purpose::Background));
                    }
                    Habit::Remitter => {
                        let share = round_to(person.salary * dice.range(50, 86) / 100, coarse);
                        // Within the pay day: a day's rows are written before the next day's.
                        let when = time + dice.range(1800, 12 * 3600);
                        buffer.push(self.event(when, account, person.partner, share, "transfer", Purpose::Background));
                    }
                    _ => {}
                }
            }
        }
        for &account in &self.calendar_list(dom, true) {
            let Some(person) = population.persons[account as usize].as_ref() else {
                continue;
            };
            if person.landlord != account {
                let time = at(dice, 6, 22);
                buffer.push(self.event(time, account, person.landlord, person.rent, "transfer", Purpose::Background));
            }
        }
        for &account in &self.calendar_list(dom, false) {
            let Some(person) = population.persons[account as usize].as_ref() else {
                continue;
            };
            let region = usize::from(population.accounts[account as usize].region);
            let (fine, _) = steps(region);
            let bill = round_to(person.salary * dice.range(2, 7) / 100, fine);
            let time = at(dice, 0, 24);
            buffer.push(self.event(time, account, person.utility, bill, "bill", Purpose::Background));
        }
        // Vendors bank the day's takings in cash, sole traders pay their
        // supplier, landlords the mortgage; merchants settle weekly.
        for index in 0..self.vendor_count() {
            let vendor = self.vendor(index);
            if !dice.chance(0.35) {
                continue;
            }
            let region = usize::from(population.accounts[vendor as usize].region);
            let Some(profile) = population.persons[vendor as usize].as_ref() else {
                continue;
            };
            if profile.habit == Habit::SoleTrader {
                let (_, coarse) = steps(region);
                let owed = self.balances[vendor as usize] * dice.range(70, 96) / 100 / coarse * coarse;
                if owed >= coarse {
                    let time = at(dice, 8, 20);
                    buffer.push(self.event(time, vendor, profile.partner, owed, "transfer", Purpose::Background));
                }
                continue;
            }
            let step = REGIONS[region].cash_step * REGIONS[region].unit();
            let cash = self.balances[vendor as usize] * 8 / 10 / step * step;
            if cash >= step
                && let Some(&atm) = population.regions[region].cash.first()
            {
                let time = at(dice, 17, 22);
                buffer.push(self.event(time, vendor, atm, cash, "cash", Purpose::Background));
            }
        }
        if dom == 8 {
            for index in 0..self.calendar.landlords.len() {
                let landlord = self.calendar.landlords[index];
                let Some(profile) = population.persons[landlord as usize].as_ref() else {
                    continue;
                };
                let region = usize::from(population.accounts[landlord as usize].region);
                let (_, coarse) = steps(region);
                let mortgage = self.balances[landlord as usize] * dice.range(50, 90) / 100 / coarse * coarse;
                if mortgage >= coarse {
                    let time = at(dice, 9, 17);
                    buffer.push(self.event(time, landlord, profile.partner, mortgage, "transfer", Purpose::Background));
                }
            }
        }
        for (region, accounts) in population.regions.iter().enumerate() {
            let (fine, _) = steps(region);
            for (position, &merchant) in accounts.merchants.iter().enumerate() {
                if position as i64 % 7 != weekday {
                    continue;
                }
                let sweep = self.balances[merchant as usize] * 85 / 100 / fine * fine;
                if sweep > 0 {
                    // A merchant restocks from its two regular suppliers, week about.
                    let week = usize::try_from(day_start.div_euclid(7 * DAY)).unwrap_or(0);
                    let regular = (position * 2 + week % 2) % accounts.employers.len();
                    let supplier = accounts.employers[regular];
                    let time = at(dice, 1, 4);
                    buffer.push(self.event(time, merchant, supplier, sweep, "wire", Purpose::Background));
                }
            }
        }
        for _ in 0..filler {
            let event = self.everyday(dice, day_start);
            buffer.push(event);
        }
    }

    fn calendar_payroll(&self, dom: usize) -> Vec<u32> {
        self.calendar.payroll.get(dom).cloned().unwrap_or_default()
    }

    fn calendar_list(&self, dom: usize, rent: bool) -> Vec<u32> {
        let lists = if rent { &self.calendar.rent } else { &self.calendar.utilities };
        lists.get(dom).cloned().unwrap_or_default()
    }

    fn vendor_count(&self) -> usize {
        self.calendar.vendors.len()
    }

    fn vendor(&self, index: usize) -> u32 {
        self.calendar.vendors[index]
    }

    /// One everyday transaction: card spend, p2p, a vendor sale, cash,
    /// exchanges, business invoices.
    fn everyday(&mut self, dice: &mut Dice, day_start: i64) -> Event {
        let world = self.world;
        let population = &world.population;
        let region = dice.weighted(&self.calendar.region_weights);
        let spec = &REGIONS[region];
        let accounts = &population.regions[region];
        let (fine, coarse) = steps(region);
        let time = day_start + dice.range(0, DAY);
        let position = dice.below(accounts.persons.len());
        let person = accounts.persons[position];
        let salary =
            population.persons[person as usize].as_ref().map_or(spec.salary.0 * spec.unit(), |profile| profile.salary);
        let pick = if spec.crypto {
            dice.weighted(&[15, 25, 0, 0, 30, 30, 0])
        } else {
            dice.weighted(&[50, 12, 18, 8, 3, 3, 4])
        };
        let (from, to, amount, channel, purpose) = match pick {
            0 => {
                let merchant = *dice.pick(&accounts.merchants);
                let amount = round_to(dice.log_range(salary / 400, salary / 8), fine);
                (person, merchant, amount, if spec.crypto { "crypto" } else { "card" }, Purpose::Background)
            }
            1 => {
                // Friends and family: a small fixed circle, and mutual.
                let circle = FRIEND_CIRCLE[dice.below(FRIEND_CIRCLE.len())];
                let friend =
                    accounts.persons[(position as i64 + circle).rem_euclid(accounts.persons.len() as i64) as usize];
                let amount = round_to(dice.log_range(salary / 100, salary / 4), coarse);
                (person, friend, amount, if spec.crypto { "crypto" } else { "p2p" }, Purpose::Background)
            }
            2 if !self.calendar.region_vendors[region].is_empty() => {
                let vendor = *dice.pick(&self.calendar.region_vendors[region]);
                let amount = round_to(dice.log_range(salary / 300, salary / 30), fine);
                (person, vendor, amount, "p2p", Purpose::Background)
            }
            3 if !accounts.cash.is_empty() => {
                let atm = *dice.pick(&accounts.cash);
                let step = spec.cash_step * spec.unit();
                let amount = round_to(dice.log_range(salary / 50, salary / 5), step);
                (person, atm, amount, "cash", Purpose::Background)
            }
            4 => {
                let exchange = home_exchange(population, person, &accounts.exchanges);
                let amount = round_to(dice.log_range(salary / 50, salary / 2), coarse);
                (person, exchange, amount, if spec.crypto { "crypto" } else { "transfer" }, Purpose::Background)
            }
            5 => {
                let exchange = home_exchange(population, person, &accounts.exchanges);
                let amount = round_to(dice.log_range(salary / 20, salary), coarse);
                (exchange, person, amount, if spec.crypto { "crypto" } else { "transfer" }, Purpose::Income)
            }
            _ => {
                let business = *dice.pick(&accounts.businesses);
                let payee =
                    if dice.chance(0.5) { *dice.pick(&accounts.employers) } else { *dice.pick(&accounts.merchants) };
                let amount = round_to(dice.log_range(salary, salary * 20), coarse);
                (business, payee, amount, "wire", Purpose::Income)
            }
        };
        self.event(time, from, to, amount, channel, purpose)
    }
}

/// Where a person's friends sit in their region's person list: people send
/// money to the same few others again and again, and back.
const FRIEND_CIRCLE: [i64; 4] = [1, -1, 61, -61];

/// The exchange a person deposits to and withdraws from: the one their
/// habit names, else one fixed per person. Customers keep to their own
/// exchange (and withdraw to the account they deposit from), so an exchange
/// is a hub of its customers, not a mixer joining every account of a region.
fn home_exchange(population: &Population, person: u32, exchanges: &[u32]) -> u32 {
    match population.persons[person as usize].as_ref() {
        Some(profile) if matches!(profile.habit, Habit::CryptoBuyer | Habit::Remitter) => profile.partner,
        _ => exchanges[person as usize % exchanges.len()],
    }
}

/// Which accounts the bank holds: `share` percent of them, drawn per
/// account from the seed (all of them at 100).
fn book(accounts: usize, seed: u64, share: u32) -> Vec<bool> {
    let mut dice = Dice::new(seed, "book", 0);
    (0..accounts).map(|_| dice.below(100) < share as usize).collect()
}

/// Writes `accounts.csv`, `ledger.csv` and the money truth into `dir`.
pub(crate) fn write_ledger(
    world: &World,
    seed: u64,
    target: u64,
    book_share: u32,
    dir: &Path,
    progress: &dyn Fn(Progress),
) -> Result<LedgerCounts, GenerateError> {
    let accounts_written = write_accounts(world, dir)?;
    let out = create(dir, LEDGER_BODY)?;
    let mut truth = create(dir, "truth/victim_payments.csv")?;
    truth
        .write_all(b"tx_id,report_id,campaign_id,victim_account,amount,currency,endpoint_account,endpoint_kind,endpoint_amount,reason\n")
        .map_err(|source| GenerateError::io("truth/victim_payments.csv", source))?;

    // Victim payments, numbered victim by victim, replayed in time order.
    let mut payments = Vec::new();
    let mut schedule = Vec::new();
    for (victim_index, victim) in world.victims.iter().enumerate() {
        for planned in &victim.payments {
            schedule.push((planned.time, payments.len() as u32, victim_index));
            payments.push(PaymentTruth {
                tx_id: 0,
                victim_index,
                victim: victim.account,
                campaign: victim.campaign,
                amount: planned.amount,
                remaining: planned.amount,
                endpoints: Vec::new(),
            });
        }
    }
    schedule.sort_unstable();
    let payment_plans: Vec<(u32, i64, u32)> = world
        .victims
        .iter()
        .flat_map(|victim| {
            victim.payments.iter().map(move |planned| (victim.account, planned.amount, planned.collection))
        })
        .collect();

    let mut queues = HashMap::new();
    for campaign in &world.campaigns {
        for account in campaign
            .layers
            .iter()
            .chain(&campaign.cashouts)
            .chain(campaign.phases.iter().flat_map(|phase| &phase.collection))
        {
            queues.insert(*account, VecDeque::new());
        }
    }
    let mut tracked = vec![false; world.population.accounts.len()];
    for &account in queues.keys() {
        tracked[account as usize] = true;
    }
    let mut balances = vec![0_i64; world.population.accounts.len()];
    for person in world.population.persons.iter().flatten() {
        // Opening balances are outside the extract: the ledger only shows
        // that people can pay before their first salary in it.
        balances[person.account as usize] = person.salary;
    }
    // Mules' opening money queues in front of whatever they receive.
    for (&account, queue) in &mut queues {
        Ledger::push_lot(queue, Lot { payment: NONE, amount: balances[account as usize], since: world.start });
    }
    let in_book = book(world.population.accounts.len(), seed, book_share);
    // Outside the bank, the book knows nothing of what an account held.
    let opening: Vec<i64> =
        balances.iter().zip(&in_book).map(|(&balance, &held)| if held { balance } else { 0 }).collect();

    let mut ledger = Ledger {
        world,
        seed,
        out,
        truth,
        row: Vec::with_capacity(160),
        written: 0,
        seq: 0,
        last_time: world.start,
        lowest: opening.clone(),
        book_balances: opening.clone(),
        balances,
        queues,
        pending_out: HashMap::new(),
        heap: BinaryHeap::new(),
        payments,
        open: HashMap::new(),
        mule_roles: BTreeSet::new(),
        victim_payment_rows: 0,
        calendar: Calendar::build(world),
        touched: BTreeSet::new(),
        tracked,
        changed: Vec::new(),
        currencies: REGIONS.iter().map(|region| region.currency()).collect(),
        in_book,
        executed: 0,
    };
    for campaign_index in 0..world.campaigns.len() {
        for phase in &world.campaigns[campaign_index].phases {
            for &account in &phase.collection {
                ledger.mule_roles.insert((account, "collection", campaign_index));
            }
        }
    }
    let mut next_payment = 0;
    let mut buffer: Vec<Event> = Vec::new();
    let days = i64::from(world.days);
    let mut report_every = 0;
    for day in 0..days {
        let day_start = world.start + day * DAY;
        let mut dice = Dice::new(seed, "ledger-day", day as u64);
        while next_payment < schedule.len() && schedule[next_payment].0 < day_start + 2 * DAY {
            let (time, payment, _) = schedule[next_payment];
            next_payment += 1;
            ledger.plan_payment(&payment_plans, payment, time, day_start);
        }
        let target_today = (u128::from(target) * (day as u128 + 1) / days as u128) as u64;
        let scheduled_today =
            ledger.heap.iter().filter(|Reverse(event)| event.time < day_start + DAY || day == days - 1).count() as u64;
        let structural = ledger.structural_estimate(day_start);
        // Scheduled and structural rows are simulated; the book shows a share of them, and
        // of the filler. (All of them at share 100.)
        let shown = |rows: u64| rows * ledger.written.max(1) / ledger.executed.max(1);
        let missing = target_today.saturating_sub(ledger.written + shown(scheduled_today + structural));
        let filler = missing * ledger.executed.max(1) / ledger.written.max(1);
        buffer.clear();
        ledger.background_day(&mut dice, day_start, filler, &mut buffer);
        buffer.sort_unstable();
        let last_day = day == days - 1;
        let mut background = buffer.drain(..).peekable();
        loop {
            let due = ledger.heap.peek().is_some_and(|Reverse(event)| last_day || event.time < day_start + DAY);
            let next = match (background.peek(), due) {
                (Some(plain), true) => {
                    let scheduled = ledger.heap.peek().map(|Reverse(event)| *event);
                    match scheduled {
                        Some(event) if event < *plain => ledger.heap.pop().map(|Reverse(event)| event),
                        _ => background.next(),
                    }
                }
                (Some(_), false) => background.next(),
                (None, true) => ledger.heap.pop().map(|Reverse(event)| event),
                (None, false) => None,
            };
            let Some(event) = next else { break };
            ledger.execute(event)?;
            if ledger.written / 100_000 != report_every {
                report_every = ledger.written / 100_000;
                progress(Progress { stage: Stage::Ledger, done: ledger.written, total: target });
            }
        }
    }
    // Top up to the requested size with business income after the last row.
    let mut dice = Dice::new(seed, "ledger-top-up", 0);
    while ledger.written < target {
        let region = dice.weighted(&ledger.calendar.region_weights);
        let accounts = &world.population.regions[region];
        let business = *dice.pick(&accounts.businesses);
        let payee = *dice.pick(&accounts.merchants);
        let (_, coarse) = steps(region);
        let amount = round_to(dice.log_range(coarse * 100, coarse * 10_000), coarse);
        let time = ledger.last_time + dice.range(1, 30);
        let event = ledger.event(time, business, payee, amount, "wire", Purpose::Income);
        ledger.execute(event)?;
    }
    ledger.finish_truth()?;
    progress(Progress { stage: Stage::Ledger, done: ledger.written, total: target });
    let mule_rows = ledger.write_mules(dir)?;
    write_lookalikes(world, dir, &ledger.mule_roles)?;
    let victim_payments = ledger.payments.iter().filter(|truth| truth.tx_id > 0).count() as u64;
    ledger.out.flush().map_err(|source| GenerateError::io("ledger.csv", source))?;
    ledger.truth.flush().map_err(|source| GenerateError::io("truth/victim_payments.csv", source))?;
    let openings = ledger.write_with_openings(dir, &opening)?;
    Ok(LedgerCounts { transactions: ledger.written + openings, accounts: accounts_written, victim_payments, mule_rows })
}

/// The simulated rows, written before the opening balances are known.
const LEDGER_BODY: &str = "ledger.csv.body";

/// Channel of opening-balance rows (see the module docs).
const OPENING_CHANNEL: &str = "opening_balance";

impl Ledger<'_> {
    /// Writes `ledger.csv`: the header, one opening-balance row per account
    /// that needs one (see the module docs), then the simulated rows, and
    /// removes the body file. Returns the opening rows written.
    fn write_with_openings(&self, dir: &Path, start: &[i64]) -> Result<u64, GenerateError> {
        let io = |source| GenerateError::io("ledger.csv", source);
        let mut out = create(dir, "ledger.csv")?;
        out.write_all(b"tx_id,timestamp,from_account,to_account,amount,currency,channel\n").map_err(io)?;
        let mut row = Vec::with_capacity(160);
        let mut written = 0;
        for (index, account) in self.world.population.accounts.iter().enumerate() {
            let overdraft = if self.tracked[index] { 0 } else { (-self.lowest[index]).max(0) };
            // `start` is zero outside the bank (see the module docs).
            let amount = start[index] + overdraft;
            if amount <= 0 {
                continue;
            }
            let currency = self.currencies[usize::from(account.region)];
            row.clear();
            row.extend_from_slice(b"OB-");
            row.extend_from_slice(account.id.as_bytes());
            row.push(b',');
            push_timestamp(&mut row, self.world.start);
            row.extend_from_slice(b",OPENING:");
            row.extend_from_slice(account.id.as_bytes());
            row.push(b',');
            row.extend_from_slice(account.id.as_bytes());
            row.push(b',');
            push_decimal(&mut row, amount, currency.minor_units());
            row.push(b',');
            row.extend_from_slice(currency.code().as_bytes());
            row.push(b',');
            row.extend_from_slice(OPENING_CHANNEL.as_bytes());
            row.push(b'\n');
            out.write_all(&row).map_err(io)?;
            written += 1;
        }
        let body_path = dir.join(LEDGER_BODY);
        let mut body = std::fs::File::open(&body_path).map_err(io)?;
        std::io::copy(&mut body, &mut out).map_err(io)?;
        out.flush().map_err(io)?;
        std::fs::remove_file(&body_path).map_err(io)?;
        Ok(written)
    }

    /// How many payroll, rent and utility rows a day will have.
    fn structural_estimate(&self, day_start: i64) -> u64 {
        let (_, _, day_of_month) = civil_from_days(day_start.div_euclid(DAY));
        let dom = day_of_month as usize;
        let payroll: usize = self.calendar.payroll[dom]
            .iter()
            .map(|employer| self.world.population.employees.get(employer).map_or(0, Vec::len) + 1)
            .sum();
        let vendors = self.calendar.vendors.len() / 3 + if dom == 8 { self.calendar.landlords.len() } else { 0 };
        let merchants: usize = self.world.population.regions.iter().map(|r| r.merchants.len() / 7).sum();
        (payroll + self.calendar.rent[dom].len() + self.calendar.utilities[dom].len() + vendors + merchants) as u64
    }

    /// Schedules a victim payment, the loan or savings that funds a large
    /// one, and the laundering it sets off.
    fn plan_payment(&mut self, plans: &[(u32, i64, u32)], payment: u32, time: i64, day_start: i64) {
        let (victim, amount, collection) = plans[payment as usize];
        let world = self.world;
        let region = usize::from(world.population.accounts[victim as usize].region);
        let mut dice = Dice::new(self.seed, "launder", u64::from(payment));
        let salary = world.population.persons[victim as usize].as_ref().map_or(0, |person| person.salary);
        if amount > salary / 2 {
            let lender = *dice.pick(&world.population.regions[region].businesses);
            let funded_at = (time - dice.range(3600, 20 * 3600)).max(day_start).min(time - 1);
            let event = self.event(funded_at, lender, victim, amount, "transfer", Purpose::Income);
            self.schedule(event);
        }
        let channel = if REGIONS[region].crypto { "crypto" } else { "transfer" };
        let event = self.event(time, victim, collection, amount, channel, Purpose::Victim(payment));
        self.schedule(event);
        let campaign = self.payments[payment as usize].campaign;
        let mut launderer = Launderer { ledger: self, dice, campaign };
        launderer.launder(time, collection, amount);
    }

    /// Money still inside mule accounts at the end ends where it sits.
    fn finish_truth(&mut self) -> Result<(), GenerateError> {
        let mut held: Vec<(u32, u32, i64)> = Vec::new();
        for (&account, queue) in &self.queues {
            for lot in queue.iter().filter(|lot| lot.payment != NONE) {
                held.push((lot.payment, account, lot.amount));
            }
        }
        held.sort_unstable();
        for (payment, account, amount) in held {
            self.endpoint(payment, account, amount, "held");
        }
        self.flush_finished()
    }

    fn write_mules(&self, dir: &Path) -> Result<u64, GenerateError> {
        let mut out = create(dir, "truth/mules.csv")?;
        let io = |source| GenerateError::io("truth/mules.csv", source);
        out.write_all(b"account,role,campaign_id,compound_id,normal_life\n").map_err(io)?;
        let mut rows = 0;
        let mut seen_in_ledger: BTreeSet<(u32, &str, usize)> = BTreeSet::new();
        for &(account, role, campaign) in &self.mule_roles {
            // Only accounts the ledger shows moving victims' money.
            if self.balances_touched(account) {
                seen_in_ledger.insert((account, role, campaign));
            }
        }
        for (account, role, campaign) in seen_in_ledger {
            let record = &self.world.population.accounts[account as usize];
            let normal_life = self.world.population.persons[account as usize].is_some();
            let campaign = &self.world.campaigns[campaign];
            writeln!(
                out,
                "{},{role},{},{},{normal_life}",
                record.id, campaign.id, self.world.compounds[campaign.compound].id
            )
            .map_err(io)?;
            rows += 1;
        }
        out.flush().map_err(io)?;
        Ok(rows)
    }

    fn balances_touched(&self, account: u32) -> bool {
        self.touched.contains(&account)
    }
}

fn write_accounts(world: &World, dir: &Path) -> Result<u64, GenerateError> {
    let mut out = create(dir, "accounts.csv")?;
    let io = |source| GenerateError::io("accounts.csv", source);
    out.write_all(b"account,country,kind\n").map_err(io)?;
    for account in &world.population.accounts {
        let region = &REGIONS[usize::from(account.region)];
        writeln!(out, "{},{},{}", account.id, region.country, account.kind.as_str()).map_err(io)?;
    }
    out.flush().map_err(io)?;
    Ok(world.population.accounts.len() as u64)
}

/// Legitimate accounts whose patterns resemble mules': payroll fan-out,
/// merchants' fan-in and sweeps, people who pass money on quickly (family
/// forwarders, savers, remitters, crypto buyers), vendors who take many
/// transfers and withdraw cash, sole traders paying suppliers, landlords.
fn write_lookalikes(
    world: &World,
    dir: &Path,
    mules: &BTreeSet<(u32, &'static str, usize)>,
) -> Result<(), GenerateError> {
    let mule_accounts: BTreeSet<u32> = mules.iter().map(|(account, _, _)| *account).collect();
    let mut out = create(dir, "truth/lookalikes.csv")?;
    let io = |source| GenerateError::io("truth/lookalikes.csv", source);
    out.write_all(b"account,pattern\n").map_err(io)?;
    for (index, account) in world.population.accounts.iter().enumerate() {
        if mule_accounts.contains(&(index as u32)) {
            continue;
        }
        let pattern = match account.kind {
            AccountKind::Employer => "payroll_fan_out",
            AccountKind::Merchant => "merchant_sweep",
            AccountKind::Person => match &world.population.persons[index] {
                Some(person) if person.habit != Habit::Ordinary => person.habit.as_str(),
                _ => continue,
            },
            _ => continue,
        };
        writeln!(out, "{},{pattern}", account.id).map_err(io)?;
    }
    out.flush().map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::GenerateConfig;

    #[test]
    fn a_bank_book_holds_only_rows_with_a_customer_at_one_end() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let config = GenerateConfig { transactions: 20_000, days: 20, book_share: 10, ..GenerateConfig::default() };
        let world = World::build(&config);
        let counts = write_ledger(&world, config.seed, config.transactions, config.book_share, dir.path(), &|_| {})
            .expect("write the ledger");
        let accounts: HashMap<&str, usize> =
            world.population.accounts.iter().enumerate().map(|(index, account)| (account.id.as_str(), index)).collect();
        let in_book = book(accounts.len(), config.seed, config.book_share);
        let held = in_book.iter().filter(|&&held| held).count();
        assert!(held * 100 > accounts.len() * 8 && held * 100 < accounts.len() * 12, "{held} of {}", accounts.len());
        let text = std::fs::read_to_string(dir.path().join("ledger.csv")).expect("ledger.csv");
        let mut rows = 0;
        for line in text.lines().skip(1).filter(|line| !line.contains(OPENING_CHANNEL)) {
            let fields: Vec<&str> = line.split(',').collect();
            let (from, to) = (accounts[fields[2]], accounts[fields[3]]);
            assert!(in_book[from] || in_book[to], "{line}");
            rows += 1;
        }
        assert!(rows >= config.transactions && counts.transactions >= config.transactions, "{rows} rows");
        // Ten times the demo's persons for as many rows (less the demo's per-region
        // minimums), most of them seen only as counterparties.
        let persons = |world: &World| world.population.persons.iter().flatten().count();
        let demo = World::build(&GenerateConfig { book_share: 100, ..config.clone() });
        assert!(persons(&world) > 6 * persons(&demo), "{} vs {}", persons(&world), persons(&demo));
        // Victim payments the truth lists are rows of the book.
        let truth = std::fs::read_to_string(dir.path().join("truth/victim_payments.csv")).expect("truth");
        for line in truth.lines().skip(1) {
            let tx = line.split(',').next().unwrap_or_default();
            assert!(tx != "T000000000" && text.contains(&format!("\n{tx},")), "{tx} is not in the ledger");
        }
    }
}
