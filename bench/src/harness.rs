//! The race: every contender runs a workload once to agree on its checksum, then in
//! rounds whose order rotates (so that no contender always runs first, or always after
//! the same one), and each one's median is compared with the reference's.

use std::time::{Duration, Instant};

use anyhow::{Result, bail};

use crate::PEAK;
use crate::contenders::Contender;
use crate::data::Server;
use crate::workload::Workload;

/// What one contender measured on one workload.
#[derive(Debug, Clone, Copy)]
pub struct Cell {
    /// The median of its rounds.
    pub median: Duration,
    /// Peak heap growth during one run (streaming only).
    pub peak_bytes: Option<usize>,
}

/// How many rounds: enough for about `budget` per contender, within bounds.
fn rounds_for(slowest: Duration, budget: Duration, max: usize) -> usize {
    let per_round = slowest.max(Duration::from_micros(1));
    let fit = usize::try_from(budget.as_nanos() / per_round.as_nanos()).unwrap_or(usize::MAX);
    // Odd, so that the median is one measured value.
    fit.clamp(5, max.max(5)) | 1
}

/// Measures `workload` for every contender (`None` where one does not run it).
pub async fn measure(
    server: &Server,
    contenders: &[Box<dyn Contender>],
    workload: Workload,
    smoke: bool,
    max_rounds: usize,
) -> Result<Vec<Option<Cell>>> {
    server.prepare(workload).await?;

    // Warm-up, and the answers compared: every contender must compute the same checksum.
    let mut answers: Vec<(String, u64)> = Vec::new();
    let mut slowest = Duration::ZERO;
    for c in contenders {
        if let Some(run) = c.run(workload) {
            let start = Instant::now();
            let sum = run
                .await
                .map_err(|e| anyhow::anyhow!("{} on {workload}: {e:#}", c.name()))?;
            slowest = slowest.max(start.elapsed());
            answers.push((c.name(), sum));
        }
    }
    if let Some((first, expected)) = answers.first()
        && let Some((other, got)) = answers.iter().find(|(_, sum)| sum != expected)
    {
        bail!("{workload}: {first} computed {expected}, {other} computed {got}");
    }

    // A sample is `reps` runs in a row, enough to last ~20 ms: a single 20 µs query is
    // too short to time alone on a noisy machine.
    let reps: u32 = if smoke {
        1
    } else {
        let per_run = slowest.max(Duration::from_micros(1));
        u32::try_from(Duration::from_millis(20).as_nanos() / per_run.as_nanos())
            .unwrap_or(1)
            .clamp(1, 2_000)
    };
    let rounds = if smoke {
        1
    } else {
        rounds_for(slowest * reps, Duration::from_secs(3), max_rounds)
    };
    let mut samples: Vec<Vec<Duration>> = vec![Vec::new(); contenders.len()];
    for round in 0..rounds {
        for k in 0..contenders.len() {
            let i = (round + k) % contenders.len();
            if contenders[i].run(workload).is_none() {
                continue;
            }
            let start = Instant::now();
            for _ in 0..reps {
                if let Some(run) = contenders[i].run(workload) {
                    run.await?;
                }
            }
            samples[i].push(start.elapsed() / reps);
        }
    }

    let mut cells = Vec::new();
    for (c, mut times) in contenders.iter().zip(samples) {
        if times.is_empty() {
            cells.push(None);
            continue;
        }
        times.sort();
        let median = times[times.len() / 2];
        let peak_bytes = match (workload, c.run(workload)) {
            (Workload::Stream(_), Some(run)) => {
                let before = PEAK.current_usage();
                PEAK.reset_peak_usage();
                run.await?;
                Some(PEAK.peak_usage().saturating_sub(before))
            }
            _ => None,
        };
        cells.push(Some(Cell { median, peak_bytes }));
    }
    Ok(cells)
}

/// A duration as a reader wants it: three significant digits, in a unit that fits.
pub fn human(d: Duration) -> String {
    let us = d.as_secs_f64() * 1e6;
    if us < 1_000.0 {
        format!("{us:.1} µs")
    } else if us < 1_000_000.0 {
        format!("{:.2} ms", us / 1e3)
    } else {
        format!("{:.2} s", us / 1e6)
    }
}

/// A byte count in MiB or KiB.
pub fn bytes(n: usize) -> String {
    let n = n as f64;
    if n >= 1024.0 * 1024.0 {
        format!("{:.1} MiB", n / (1024.0 * 1024.0))
    } else {
        format!("{:.0} KiB", n / 1024.0)
    }
}
