//! Keeps the timings criterion measured (through `iter_custom`), so the bench can print its
//! own summary (ratios, allocations) from the very samples criterion analysed.
//!
//! Criterion first warms up with growing iteration counts (1, 2, 4, ...), then takes its
//! samples starting again from a small count: a record with fewer iterations than the one
//! before it starts the measurement, and the warm-up records of that benchmark are dropped.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

static SAMPLES: Mutex<BTreeMap<String, Vec<(u64, Duration)>>> = Mutex::new(BTreeMap::new());

/// Records one criterion sample: `iters` runs took `elapsed`.
pub fn record(id: &str, iters: u64, elapsed: Duration) {
    let mut all = SAMPLES.lock().unwrap();
    let samples = all.entry(id.to_string()).or_default();
    if samples.last().is_some_and(|&(last, _)| iters < last) {
        samples.clear();
    }
    samples.push((iters, elapsed));
}

/// Median nanoseconds per iteration over the measurement samples of `id`.
pub fn median_ns(id: &str) -> Option<f64> {
    let all = SAMPLES.lock().unwrap();
    let mut per_iter: Vec<f64> = all
        .get(id)?
        .iter()
        .filter(|(iters, _)| *iters > 0)
        .map(|(iters, elapsed)| elapsed.as_nanos() as f64 / *iters as f64)
        .collect();
    median(&mut per_iter)
}

pub fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    })
}

/// `a / b` to two decimals, or `-` when either is missing.
pub fn ratio(a: Option<f64>, b: Option<f64>) -> String {
    match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => format!("{:.2}", a / b),
        _ => "-".to_string(),
    }
}

/// Nanoseconds as a short human figure.
pub fn human_ns(ns: Option<f64>) -> String {
    match ns {
        None => "-".to_string(),
        Some(ns) if ns >= 1_000_000.0 => format!("{:.2} ms", ns / 1_000_000.0),
        Some(ns) if ns >= 1_000.0 => format!("{:.1} µs", ns / 1_000.0),
        Some(ns) => format!("{ns:.0} ns"),
    }
}
