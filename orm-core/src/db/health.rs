//! After a connection breaks, the pool checks the connections opened before the break.
//!
//! When a server restarts or fails over, every idle connection in the pool is dead, and
//! without a check each would fail one statement before the pool replaced it (four in a
//! row were seen). Pinging every connection on checkout would cost a round trip per
//! statement. Instead, as SQLAlchemy's pool does, a broken connection marks the moment;
//! connections opened before it are pinged once on their next checkout (and replaced if
//! dead), those opened after it are handed out as usual.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// When a connection of the pool last broke.
#[derive(Debug, Default)]
pub(crate) struct Health {
    /// Nanoseconds from [`epoch`] to the last break, plus one; 0: never.
    broke_at: AtomicU64,
}

/// A fixed instant all pools measure from.
fn epoch() -> Instant {
    static EPOCH: OnceLock<Instant> = OnceLock::new();
    *EPOCH.get_or_init(Instant::now)
}

fn now_ns() -> u64 {
    u64::try_from(epoch().elapsed().as_nanos()).unwrap_or(u64::MAX)
}

impl Health {
    /// A connection broke now.
    pub(crate) fn broke(&self) {
        self.broke_at
            .store(now_ns().saturating_add(1), Ordering::Relaxed);
    }

    /// Whether any connection of the pool ever broke.
    pub(crate) fn ever_broke(&self) -> bool {
        self.broke_at.load(Ordering::Relaxed) != 0
    }

    /// Whether a connection `age` old was opened before the last break, so may be dead.
    pub(crate) fn suspects(&self, age: Duration) -> bool {
        let broke_at = self.broke_at.load(Ordering::Relaxed);
        if broke_at == 0 {
            return false;
        }
        let opened_at = now_ns().saturating_sub(u64::try_from(age.as_nanos()).unwrap_or(u64::MAX));
        opened_at < broke_at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connections_opened_before_a_break_are_suspect() {
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
            "opened after the break"
        );
    }
}
