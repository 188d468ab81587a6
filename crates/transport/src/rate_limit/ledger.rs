//! The limiter's shared state and its rules, without I/O: which slots are taken, until
//! when, and what the 429s taught. Times are wall-clock milliseconds since the Unix
//! epoch, so that every process on the machine reads them alike and a slot outlives
//! neither a crash nor a reboot by more than its expiry.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::policy::Limit;

/// The window tracked before anything is known: ISC's documented one.
pub(super) const DEFAULT_WINDOW_MS: u64 = 10_000;
/// After a 429 the limit drops to this fraction of what the window had admitted.
pub(super) const DECREASE: f64 = 0.9;
/// How often a waiter looks again while a slot it waits for is still in flight (its
/// owner may be another process, which cannot wake it).
pub(super) const POLL: Duration = Duration::from_millis(20);
/// Slots kept at most; an unthrottled limiter drops the oldest beyond this.
pub(super) const MAX_SLOTS: usize = 4096;
/// The longest window a 429 can teach. A server (or a proxy) can answer anything in
/// `Retry-After`; what is learned from it outlives the command and is shared with every
/// process of the client id, so it is capped. ISC's windows are seconds long.
pub(super) const MAX_LEARNED_WINDOW: Duration = Duration::from_secs(60 * 60);
/// The longest a 429's `Retry-After` holds every process of the client id back.
pub(super) const MAX_HOLD: Duration = Duration::from_secs(15 * 60);

/// What one limiter applies: a fixed limit, or one learned from 429s.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Rule {
    /// Exactly this limit.
    Fixed(Limit),
    /// Starts from `start` (`None`: unthrottled) and learns from 429s; never probes
    /// above `start`.
    Adaptive {
        /// The starting limit, also the highest the probe goes back up to.
        start: Option<Limit>,
    },
}

/// How an attempt ended, as far as the limiter cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Outcome {
    /// A response other than 429: the server admitted it.
    Admitted,
    /// A 429, with the server's `Retry-After` if it sent one.
    Refused(Option<Duration>),
    /// No response: it may or may not have reached the server.
    Failed,
}

/// One request's place in the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Slot {
    id: u64,
    /// The process that took it.
    pid: u32,
    /// Still waiting for its response.
    open: bool,
    /// Answered by anything but a 429.
    admitted: bool,
    /// Answered 429: the one kind of request the server did not count.
    #[serde(default)]
    refused: bool,
    /// When it started (unknown in files of older versions).
    #[serde(default)]
    at: Option<u64>,
    /// When it frees: a window after the response (or failure); for an open slot, a
    /// window after the longest its attempt may last.
    until: u64,
}

/// What 429s taught an adaptive limiter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Learned {
    max: u32,
    window_ms: u64,
    /// When `max` last changed (a 429 or a probe step).
    changed_at: u64,
    /// Whether requests had to wait for the limit since then (only then is a probe
    /// upward worth its risk).
    saturated: bool,
}

/// An explicit limit that a running process of this client id keeps to: every process
/// sharing the state follows the lowest one, since the limit belongs to the client id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Claim {
    pid: u32,
    max: u32,
    window_ms: u64,
    /// Dropped after this unless the process takes another slot.
    until: u64,
}

impl Claim {
    /// Whether this claim allows fewer requests per unit of time than `max` per
    /// `window_ms`.
    fn is_slower_than(&self, max: u32, window_ms: u64) -> bool {
        u128::from(self.max) * u128::from(window_ms) < u128::from(max) * u128::from(self.window_ms)
    }
}

/// The state one limiter, or every process sharing one state file, works on.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct Ledger {
    #[serde(default)]
    learned: Option<Learned>,
    /// No request of an adaptive limiter starts before this (the last 429's
    /// `Retry-After`, at most [`MAX_HOLD`] ahead).
    #[serde(default)]
    hold_until: u64,
    #[serde(default)]
    slots: Vec<Slot>,
    /// The explicit limits of the processes that share this state.
    #[serde(default)]
    claims: Vec<Claim>,
}

/// Why a request cannot start yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Wait {
    /// The earliest a slot may open (an open slot may finish any moment and frees a
    /// window later).
    pub(super) earliest: u64,
    /// When to look again.
    pub(super) recheck: u64,
}

impl Ledger {
    /// The limit in force, `None` when unthrottled, and the window slots are held for:
    /// the rule's own, or the lowest explicit limit that a process sharing this state
    /// keeps to, whichever allows fewer requests (two processes of one client id that
    /// each counted the shared slots against their own limit would starve the lower).
    pub(super) fn limit(&self, rule: Rule) -> (Option<u32>, u64) {
        let (own, window) = self.own_limit(rule);
        match self.slowest_claim() {
            Some(claim) if own.is_none_or(|max| claim.is_slower_than(max, window)) => {
                (Some(claim.max), claim.window_ms)
            }
            _ => (own, window),
        }
    }

    /// The limit `rule` would apply alone.
    fn own_limit(&self, rule: Rule) -> (Option<u32>, u64) {
        match (rule, self.learned) {
            (Rule::Fixed(limit), _) => (Some(limit.max()), millis(limit.window())),
            (Rule::Adaptive { .. }, Some(learned)) => (Some(learned.max), learned.window_ms),
            (Rule::Adaptive { start: Some(limit) }, None) => {
                (Some(limit.max()), millis(limit.window()))
            }
            (Rule::Adaptive { start: None }, None) => (None, DEFAULT_WINDOW_MS),
        }
    }

    fn slowest_claim(&self) -> Option<&Claim> {
        self.claims.iter().reduce(|a, b| {
            if b.is_slower_than(a.max, a.window_ms) {
                b
            } else {
                a
            }
        })
    }

    /// Whether another process's explicit limit, not `rule`, is the one in force: what
    /// `-v` says.
    pub(super) fn follows_another(&self, rule: Rule) -> bool {
        self.limit(rule) != self.own_limit(rule)
    }

    /// What a person is shown of the ledger at `now`: the learned limit (max, window
    /// in ms), the hold left in ms, and the slots still counted in their window.
    pub(super) fn summary(&self, now: u64) -> (Option<(u32, u64)>, u64, usize) {
        let learned = self.learned.map(|l| (l.max, l.window_ms));
        let hold = self.hold_until.saturating_sub(now);
        let counted = self.slots.iter().filter(|s| s.until > now).count();
        (learned, hold, counted)
    }

    /// Forgets what 429s taught (the learned limit and the hold); the slots in use stay
    /// counted, so running processes keep to the limit while they finish.
    pub(super) fn forget_lessons(&mut self) {
        self.learned = None;
        self.hold_until = 0;
    }

    /// Whether anything has been learned or is being held (worth sharing).
    pub(super) fn has_lessons(&self) -> bool {
        self.learned.is_some()
    }

    /// Adds `other`'s slots and hold; its lessons replace ours when it has any.
    pub(super) fn merge(&mut self, other: Ledger) {
        self.learned = other.learned.or(self.learned);
        self.hold_until = self.hold_until.max(other.hold_until);
        self.slots.extend(other.slots);
    }

    /// Frees expired slots; an open slot whose process is gone (`alive` says no) is
    /// treated as failed now. Everything the ledger holds is clamped first, since it
    /// may come from a file that an older connkit or anything else wrote: what the
    /// server taught to its caps, an explicit limit to what [`Limit`] accepts, and
    /// every time to the latest it could honestly be (a slot frees at most a window,
    /// plus `lease` while open, after now). A poisoned file then delays a request by
    /// at most the longest window plus `lease`, never forever.
    pub(super) fn prune(
        &mut self,
        rule: Rule,
        now: u64,
        lease: Duration,
        alive: impl Fn(u32) -> bool,
    ) {
        let lease = millis(lease);
        self.hold_until = self.hold_until.min(now.saturating_add(millis(MAX_HOLD)));
        if let Some(learned) = &mut self.learned {
            learned.window_ms = learned.window_ms.clamp(1, millis(MAX_LEARNED_WINDOW));
            learned.max = learned.max.max(1);
        }
        for claim in &mut self.claims {
            claim.max = claim.max.max(1);
            claim.window_ms = claim.window_ms.clamp(1, millis(Limit::MAX_WINDOW));
            let latest = now.saturating_add(claim.window_ms).saturating_add(lease);
            claim.until = claim.until.min(latest);
        }
        self.claims.retain(|c| c.until > now && alive(c.pid));
        let (_, window) = self.limit(rule);
        let closed_latest = now.saturating_add(window);
        for slot in &mut self.slots {
            if slot.open && !alive(slot.pid) {
                slot.open = false;
            }
            let latest = if slot.open {
                closed_latest.saturating_add(lease)
            } else {
                closed_latest
            };
            slot.until = slot.until.min(latest);
        }
        self.slots.retain(|s| s.until > now);
        if self.slots.len() > MAX_SLOTS {
            self.slots.sort_by_key(|s| s.until);
            let excess = self.slots.len() - MAX_SLOTS;
            self.slots.drain(..excess);
        }
    }

    /// Takes a slot for a request starting `now` whose attempt lasts at most `lease`,
    /// or says how long to wait.
    pub(super) fn try_admit(
        &mut self,
        rule: Rule,
        now: u64,
        pid: u32,
        lease: Duration,
    ) -> Result<u64, Wait> {
        // An explicit limit is the user's word: no hold, here or from another process,
        // overrides it (the retry layer still waits out its own 429's `Retry-After`).
        if matches!(rule, Rule::Adaptive { .. }) && now < self.hold_until {
            return Err(Wait {
                earliest: self.hold_until,
                recheck: self.hold_until,
            });
        }
        self.probe(rule, now);
        if let Rule::Fixed(limit) = rule {
            self.claim(limit, now, pid, lease);
        }
        let (max, window) = self.limit(rule);
        if let Some(max) = max {
            if self.slots.len() >= max as usize {
                if let Some(learned) = &mut self.learned {
                    learned.saturated = true;
                }
                return Err(self.wait(now, window));
            }
        }
        let id = fastrand::u64(..);
        self.slots.push(Slot {
            id,
            pid,
            open: true,
            admitted: false,
            refused: false,
            at: Some(now),
            until: now.saturating_add(window).saturating_add(millis(lease)),
        });
        Ok(id)
    }

    /// Registers (or renews) `pid`'s explicit limit for as long as a slot it takes now
    /// may be held.
    fn claim(&mut self, limit: Limit, now: u64, pid: u32, lease: Duration) {
        let window_ms = millis(limit.window());
        let until = now.saturating_add(window_ms).saturating_add(millis(lease));
        let claim = Claim {
            pid,
            max: limit.max(),
            window_ms,
            until,
        };
        match self.claims.iter_mut().find(|c| c.pid == pid) {
            Some(mine) => *mine = claim,
            None => self.claims.push(claim),
        }
    }

    /// The slot frees a window after now; a 429 teaches.
    pub(super) fn finish(&mut self, rule: Rule, id: u64, now: u64, outcome: Outcome) {
        let (_, window) = self.limit(rule);
        if let Some(slot) = self.slots.iter_mut().find(|s| s.id == id) {
            slot.open = false;
            slot.admitted = outcome == Outcome::Admitted;
            slot.refused = matches!(outcome, Outcome::Refused(_));
            slot.until = now.saturating_add(window);
        }
        if let Outcome::Refused(retry_after) = outcome {
            let retry_after = retry_after.map_or(1000, millis).min(millis(MAX_HOLD));
            self.hold_until = self.hold_until.max(now.saturating_add(retry_after));
            if let Rule::Adaptive { .. } = rule {
                self.learn(rule, now, retry_after);
            }
        }
    }

    /// AIMD's decrease: the server refused after counting what the window holds, so the
    /// limit is at most that; hold a tenth below. What it counted is every request sent
    /// in the window that it did not refuse: answered, still in flight, or given up on
    /// by a caller that cancelled it (the server counted it all the same).
    ///
    /// The window is learned too: the server's oldest counted request frees its slot
    /// when `Retry-After` runs out, so its window is about the time since the oldest
    /// request this window holds plus `Retry-After` (a 5 per 2 s server is kept to 5
    /// per 2 s, not 5 per the starting 10 s). A window shorter than `Retry-After`
    /// cannot be the server's, so it is at least that.
    fn learn(&mut self, rule: Rule, now: u64, retry_after: u64) {
        let (max, window) = self.limit(rule);
        let counted: Vec<&Slot> = self
            .slots
            .iter()
            .filter(|s| !s.refused && s.until > now)
            .collect();
        let oldest = counted.iter().filter_map(|s| s.at).min();
        let server_window = oldest.map_or(window, |oldest| {
            now.saturating_sub(oldest).saturating_add(retry_after)
        });
        let window = window.min(server_window).max(retry_after);
        let in_window = counted
            .iter()
            .filter(|s| s.at.is_none_or(|at| at.saturating_add(window) > now))
            .count();
        let taught = ((in_window as f64 * DECREASE) as u32).max(1);
        self.learned = Some(Learned {
            max: max.map_or(taught, |max| max.min(taught)),
            window_ms: window.clamp(1, millis(MAX_LEARNED_WINDOW)),
            changed_at: now,
            saturated: false,
        });
    }

    /// AIMD's increase: after a whole window that used the limit without a 429, one
    /// more (or 2 %) per window, up to the rule's start.
    fn probe(&mut self, rule: Rule, now: u64) {
        let Rule::Adaptive { start } = rule else {
            return;
        };
        let Some(learned) = &mut self.learned else {
            return;
        };
        let ceiling = start.map_or(u32::MAX, |s| s.max());
        if learned.saturated
            && learned.max < ceiling
            && now.saturating_sub(learned.changed_at) >= learned.window_ms
        {
            learned.max = learned
                .max
                .saturating_add((learned.max / 50).max(1))
                .min(ceiling);
            learned.changed_at = now;
            learned.saturated = false;
        }
    }

    fn wait(&self, now: u64, window: u64) -> Wait {
        let done = self.slots.iter().filter(|s| !s.open).map(|s| s.until).min();
        let any_open = self.slots.iter().any(|s| s.open);
        let earliest = match (done, any_open) {
            (Some(done), true) => done.min(now.saturating_add(window)),
            (Some(done), false) => done,
            (None, _) => now.saturating_add(window),
        };
        let recheck = if any_open {
            earliest.min(now.saturating_add(millis(POLL)))
        } else {
            earliest
        };
        Wait { earliest, recheck }
    }
}

/// A duration in whole milliseconds, saturating.
pub(super) fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEASE: Duration = Duration::from_secs(30);

    fn fixed(max: u32, window_ms: u64) -> Rule {
        Rule::Fixed(Limit::new(max, Duration::from_millis(window_ms)).unwrap())
    }

    fn admit_n(ledger: &mut Ledger, rule: Rule, n: usize, now: u64) -> Vec<u64> {
        (0..n)
            .map(|_| ledger.try_admit(rule, now, 1, LEASE).unwrap())
            .collect()
    }

    #[test]
    fn a_slot_frees_a_window_after_its_response_not_its_start() {
        let rule = fixed(2, 1000);
        let mut ledger = Ledger::default();
        let ids = admit_n(&mut ledger, rule, 2, 0);
        assert!(ledger.try_admit(rule, 0, 1, LEASE).is_err());
        // The responses come back 300 ms after the start.
        for id in ids {
            ledger.finish(rule, id, 300, Outcome::Admitted);
        }
        ledger.prune(rule, 1000, LEASE, |_| true);
        let wait = ledger.try_admit(rule, 1000, 1, LEASE).unwrap_err();
        assert_eq!(wait.earliest, 1300);
        ledger.prune(rule, 1300, LEASE, |_| true);
        assert!(ledger.try_admit(rule, 1300, 1, LEASE).is_ok());
    }

    #[test]
    fn an_open_slot_of_a_dead_process_frees_a_window_after_it_is_found() {
        let rule = fixed(1, 1000);
        let mut ledger = Ledger::default();
        ledger.try_admit(rule, 0, 77, LEASE).unwrap();
        ledger.prune(rule, 500, LEASE, |_| true);
        assert_eq!(
            ledger.try_admit(rule, 500, 1, LEASE).unwrap_err().recheck,
            520
        );
        ledger.prune(rule, 600, LEASE, |pid| pid != 77);
        assert_eq!(
            ledger.try_admit(rule, 600, 1, LEASE).unwrap_err().earliest,
            1600
        );
        // A live owner's open slot expires by its lease even if never finished.
        let mut ledger = Ledger::default();
        ledger.try_admit(rule, 0, 1, LEASE).unwrap();
        ledger.prune(rule, 1000 + 30_000, LEASE, |_| true);
        assert!(ledger.try_admit(rule, 31_000, 1, LEASE).is_ok());
    }

    #[test]
    fn a_429_teaches_nine_tenths_of_what_the_window_admitted_and_holds_for_retry_after() {
        let rule = Rule::Adaptive {
            start: Some(Limit::ISC_DEFAULT),
        };
        let mut ledger = Ledger::default();
        // 52 start; the server admits 50 and refuses the last two (one burst).
        let ids = admit_n(&mut ledger, rule, 52, 0);
        for &id in &ids[..50] {
            ledger.finish(rule, id, 10, Outcome::Admitted);
        }
        let refused = Outcome::Refused(Some(Duration::from_secs(10)));
        ledger.finish(rule, ids[50], 20, refused);
        assert_eq!(ledger.limit(rule), (Some(45), 10_000));
        assert_eq!(
            ledger.try_admit(rule, 5000, 1, LEASE).unwrap_err().earliest,
            10_020
        );
        // The burst's second 429 teaches nothing new.
        ledger.finish(rule, ids[51], 30, refused);
        assert_eq!(ledger.limit(rule), (Some(45), 10_000));
    }

    #[test]
    fn an_unthrottled_limiter_learns_the_window_from_a_long_retry_after() {
        let rule = Rule::Adaptive { start: None };
        let mut ledger = Ledger::default();
        assert_eq!(ledger.limit(rule), (None, DEFAULT_WINDOW_MS));
        for id in admit_n(&mut ledger, rule, 21, 0) {
            ledger.finish(rule, id, 1, Outcome::Admitted);
        }
        let last = ledger.slots.last().unwrap().id;
        ledger.finish(
            rule,
            last,
            2,
            Outcome::Refused(Some(Duration::from_secs(60))),
        );
        assert_eq!(ledger.limit(rule), (Some(18), 60_000));
        assert!(ledger.has_lessons());
    }

    #[test]
    fn a_burst_into_a_short_window_teaches_that_window() {
        // A 5 per 2 s server: five start at once, the sixth is refused 10 ms later
        // with `Retry-After: 2`; the limiter keeps to 4 per 2 s, not 4 per 10 s.
        for rule in [
            Rule::Adaptive { start: None },
            Rule::Adaptive {
                start: Some(Limit::ISC_DEFAULT),
            },
        ] {
            let mut ledger = Ledger::default();
            let ids = admit_n(&mut ledger, rule, 6, 1000);
            for &id in &ids[..5] {
                ledger.finish(rule, id, 1005, Outcome::Admitted);
            }
            let refused = Outcome::Refused(Some(Duration::from_secs(2)));
            ledger.finish(rule, ids[5], 1010, refused);
            assert_eq!(ledger.limit(rule), (Some(4), 2010), "{rule:?}");
        }
    }

    /// A ledger that learned 10 per second at time 0, not saturated since.
    fn learned_10_per_second() -> Ledger {
        Ledger {
            learned: Some(Learned {
                max: 10,
                window_ms: 1000,
                changed_at: 0,
                saturated: false,
            }),
            ..Ledger::default()
        }
    }

    #[test]
    fn probes_up_one_step_per_saturated_window_up_to_the_start() {
        let start = Limit::new(12, Duration::from_millis(1000)).unwrap();
        let rule = Rule::Adaptive { start: Some(start) };
        let mut ledger = learned_10_per_second();
        let mut now = 0;
        for expected in [11, 12, 12] {
            // Use the whole limit, then wait a window.
            loop {
                ledger.prune(rule, now, LEASE, |_| true);
                match ledger.try_admit(rule, now, 1, LEASE) {
                    Ok(id) => ledger.finish(rule, id, now, Outcome::Admitted),
                    Err(_) => break,
                }
            }
            now += 1000;
            ledger.prune(rule, now, LEASE, |_| true);
            ledger.try_admit(rule, now, 1, LEASE).unwrap();
            assert_eq!(ledger.limit(rule).0, Some(expected));
        }
        // Without demand at the limit there is no probe.
        let mut idle = learned_10_per_second();
        idle.try_admit(rule, 5000, 1, LEASE).unwrap();
        assert_eq!(idle.limit(rule).0, Some(10));
    }

    #[test]
    fn fixed_rules_neither_hold_nor_learn() {
        let rule = fixed(5, 1000);
        let mut ledger = Ledger::default();
        let id = ledger.try_admit(rule, 0, 1, LEASE).unwrap();
        ledger.finish(rule, id, 5, Outcome::Refused(None));
        assert_eq!(ledger.limit(rule), (Some(5), 1000));
        assert!(ledger.try_admit(rule, 10, 1, LEASE).is_ok());
        assert!(!ledger.has_lessons());
        // Nor does an adaptive process's hold in the shared state stop it.
        let adaptive = Rule::Adaptive { start: None };
        let id = ledger.try_admit(adaptive, 2000, 2, LEASE).unwrap();
        ledger.finish(
            adaptive,
            id,
            2010,
            Outcome::Refused(Some(Duration::from_secs(60))),
        );
        assert!(ledger.try_admit(adaptive, 2020, 2, LEASE).is_err());
        assert!(ledger.try_admit(rule, 2020, 1, LEASE).is_ok());
    }

    #[test]
    fn a_huge_retry_after_is_capped_in_what_is_held_and_learned() {
        let rule = Rule::Adaptive {
            start: Some(Limit::ISC_DEFAULT),
        };
        let mut ledger = Ledger::default();
        let ids = admit_n(&mut ledger, rule, 3, 0);
        ledger.finish(rule, ids[0], 1, Outcome::Admitted);
        let absurd = Duration::from_secs(99_999_999_999);
        ledger.finish(rule, ids[1], 2, Outcome::Refused(Some(absurd)));
        assert_eq!(ledger.limit(rule), (Some(1), millis(MAX_HOLD)));
        let wait = ledger.try_admit(rule, 3, 1, LEASE).unwrap_err();
        assert_eq!(wait.earliest, 2 + millis(MAX_HOLD));
    }

    #[test]
    fn a_poisoned_state_file_is_clamped_before_use() {
        let rule = Rule::Adaptive {
            start: Some(Limit::ISC_DEFAULT),
        };
        let mut ledger: Ledger = serde_json::from_value(serde_json::json!({
            "learned": {"max": 0, "window_ms": u64::MAX, "changed_at": 0, "saturated": false},
            "hold_until": u64::MAX,
            "slots": []
        }))
        .unwrap();
        let now = 1_000_000;
        ledger.prune(rule, now, LEASE, |_| true);
        assert_eq!(ledger.limit(rule), (Some(1), millis(MAX_LEARNED_WINDOW)));
        let wait = ledger.try_admit(rule, now, 1, LEASE).unwrap_err();
        assert_eq!(wait.earliest, now + millis(MAX_HOLD));
    }

    #[test]
    fn poisoned_slots_and_claims_delay_by_a_window_at_most() {
        // A file whose slots free in 584 million years and whose explicit limit is one
        // request per eternity, held by a process that is alive (pid 1).
        let forever = u64::MAX;
        let slot = |id: u64, open: bool| serde_json::json!({"id": id, "pid": 1, "open": open, "admitted": true, "until": forever});
        let slots: Vec<_> = (0..200).map(|id| slot(id, id % 2 == 0)).collect();
        for rule in [
            Rule::Adaptive {
                start: Some(Limit::ISC_DEFAULT),
            },
            fixed(100, 10_000),
        ] {
            let mut ledger: Ledger = serde_json::from_value(serde_json::json!({
                "slots": slots,
                "claims": [{"pid": 1, "max": 0, "window_ms": forever, "until": forever}],
            }))
            .unwrap();
            let now = 1_000_000;
            ledger.prune(rule, now, LEASE, |_| true);
            let (max, window) = ledger.limit(rule);
            assert_eq!((max, window), (Some(1), millis(Limit::MAX_WINDOW)));
            let wait = ledger.try_admit(rule, now, 2, LEASE).unwrap_err();
            assert!(wait.earliest <= now + window + millis(LEASE), "{wait:?}");
            // Once the claim's owner is gone, this process's own limit applies again.
            ledger.prune(rule, now + 1, LEASE, |pid| pid != 1);
            assert_eq!(ledger.limit(rule).0, Some(100));
        }
    }

    #[test]
    fn cancelled_requests_count_as_sent_when_a_429_teaches() {
        let rule = Rule::Adaptive {
            start: Some(Limit::ISC_DEFAULT),
        };
        let mut ledger = Ledger::default();
        let ids = admit_n(&mut ledger, rule, 31, 0);
        // Twenty callers gave up on their requests (the server still counted them),
        // ten were answered, and the last was refused.
        for &id in &ids[..20] {
            ledger.finish(rule, id, 5, Outcome::Failed);
        }
        for &id in &ids[20..30] {
            ledger.finish(rule, id, 5, Outcome::Admitted);
        }
        ledger.finish(rule, ids[30], 6, Outcome::Refused(None));
        assert_eq!(ledger.limit(rule).0, Some(27));
    }

    #[test]
    fn processes_with_different_explicit_limits_follow_the_lowest() {
        let (low, high) = (fixed(10, 2000), fixed(40, 2000));
        let mut ledger = Ledger::default();
        // The fast process comes first and fills its limit...
        for _ in 0..40 {
            ledger.try_admit(high, 0, 2, LEASE).unwrap();
        }
        // ...then the slow one claims its limit: from now on both keep to 10/2 s.
        assert!(ledger.try_admit(low, 0, 1, LEASE).is_err());
        assert_eq!(ledger.limit(high), (Some(10), 2000));
        assert!(ledger.follows_another(high));
        assert!(!ledger.follows_another(low));
        // Once the slots of the burst expire, the slow one gets its turn.
        ledger.prune(low, 2000 + 30_001, LEASE, |_| true);
        assert!(ledger.try_admit(low, 32_001, 1, LEASE).is_ok());
        // An adaptive process of the client id keeps to it too.
        let adaptive = Rule::Adaptive {
            start: Some(Limit::ISC_DEFAULT),
        };
        assert_eq!(ledger.limit(adaptive), (Some(10), 2000));
        // When the slow process is gone, its claim goes with it.
        ledger.prune(high, 32_002, LEASE, |pid| pid != 1);
        assert_eq!(ledger.limit(high), (Some(40), 2000));
    }

    #[test]
    fn an_unthrottled_ledger_stays_bounded() {
        let rule = Rule::Adaptive { start: None };
        let mut ledger = Ledger::default();
        admit_n(&mut ledger, rule, MAX_SLOTS + 10, 0);
        ledger.prune(rule, 1, LEASE, |_| true);
        assert_eq!(ledger.slots.len(), MAX_SLOTS);
    }
}
