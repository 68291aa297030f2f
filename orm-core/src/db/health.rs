//! After a connection breaks, the pool checks the connections that sat idle through it,
//! and what stops a new connection is found out once for every waiting statement.
//!
//! When a server restarts or fails over, every idle connection in the pool is dead, and
//! without a check each would fail one statement before the pool replaced it (four in a
//! row were seen). Pinging every connection on checkout would cost a round trip per
//! statement. Instead, as SQLAlchemy's pool does, a broken connection marks the moment;
//! a connection that has been idle since before it is pinged on its next checkout
//! (and replaced if dead). One that passes goes back to the pool after its statement,
//! idle since after the break, and is not pinged again.

// With SQLite alone there is no server to probe or ping.
#![cfg_attr(not(any(feature = "postgres", feature = "mysql")), allow(dead_code))]

use std::sync::Mutex;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How recent a failed probe must be to answer for a statement that waits now.
const REFUSAL_VALID_FOR: Duration = Duration::from_secs(1);

/// The state of one pool's connections.
#[derive(Debug, Default)]
pub(crate) struct Health {
    /// Nanoseconds from [`epoch`] to the last break, plus one; 0: never.
    broke_at: AtomicU64,
    /// Whether a probe connection is being opened (one at a time per pool).
    probing: AtomicBool,
    /// The last probe that failed: when, and why.
    refused: Mutex<Option<(Instant, String)>>,
}

/// A fixed instant all pools measure from.
fn epoch() -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

pub(crate) fn now_ns() -> u64 {
    u64::try_from(epoch().elapsed().as_nanos()).unwrap_or(u64::MAX)
}

impl Health {
    /// A connection broke now.
    pub(crate) fn broke(&self) {
        self.broke_at
            .fetch_max(now_ns().saturating_add(1), Ordering::Relaxed);
    }

    /// Whether a connection of the pool broke within the last `window`.
    pub(crate) fn broke_within(&self, window: Duration) -> bool {
        let broke_at = self.broke_at.load(Ordering::Relaxed);
        let window = u64::try_from(window.as_nanos()).unwrap_or(u64::MAX);
        broke_at != 0 && now_ns().saturating_sub(broke_at) < window
    }

    /// Whether a connection idle for `idle_for` has been idle since before the last
    /// break, so may be dead.
    pub(crate) fn suspects(&self, idle_for: Duration) -> bool {
        let broke_at = self.broke_at.load(Ordering::Relaxed);
        if broke_at == 0 {
            return false;
        }
        let idle_since =
            now_ns().saturating_sub(u64::try_from(idle_for.as_nanos()).unwrap_or(u64::MAX));
        idle_since < broke_at
    }

    /// Takes the pool's one probe; `None` while another statement's probe runs. The
    /// probe ends when the returned guard is dropped.
    pub(crate) fn start_probe(&self) -> Option<ProbeGuard<'_>> {
        (!self.probing.swap(true, Ordering::AcqRel)).then_some(ProbeGuard(self))
    }

    /// Records why the last probe could not connect.
    pub(crate) fn refuse(&self, message: String) {
        if let Ok(mut refused) = self.refused.lock() {
            *refused = Some((Instant::now(), message));
        }
    }

    /// Why a probe could not connect, if one failed within the last second.
    pub(crate) fn recent_refusal(&self) -> Option<String> {
        let refused = self.refused.lock().ok()?;
        match &*refused {
            Some((at, message)) if at.elapsed() < REFUSAL_VALID_FOR => Some(message.clone()),
            _ => None,
        }
    }
}

/// The pool's probe, while it runs.
pub(crate) struct ProbeGuard<'a>(&'a Health);

impl Drop for ProbeGuard<'_> {
    fn drop(&mut self) {
        self.0.probing.store(false, Ordering::Release);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connections_idle_since_before_a_break_are_suspect() {
        let health = Health::default();
        assert!(
            !health.suspects(Duration::from_secs(3600)),
            "nothing broke yet"
        );
        let _ = epoch();
        std::thread::sleep(Duration::from_millis(20));
        health.broke();
        assert!(health.suspects(Duration::from_millis(10)));
        std::thread::sleep(Duration::from_millis(20));
        assert!(
            !health.suspects(Duration::from_millis(5)),
            "back in the pool after the break"
        );
    }

    #[test]
    fn one_probe_at_a_time_and_refusals_expire() {
        let health = Health::default();
        let probe = health.start_probe();
        assert!(probe.is_some());
        assert!(health.start_probe().is_none());
        drop(probe);
        assert!(health.start_probe().is_some());
        health.refuse("refused".into());
        assert_eq!(health.recent_refusal().as_deref(), Some("refused"));
    }
}
