//! Generated data: pure functions of `(seed, index)`. Every row draws from its own ChaCha8
//! stream keyed by the seed, a table tag and the row's index, so rows can be produced in any order,
//! in parallel or again later (responses re-derive their demand), with no data set in memory, and
//! the same seed gives byte-identical rows (ids included) on every machine. ChaCha8 is specified
//! bit for bit, unlike `StdRng`; ranges are computed here rather than with rand's distributions so
//! that a rand upgrade cannot change them (`fake` draws names with rand, and is pinned in
//! Cargo.toml; `tests/it/data.rs` holds a golden digest that fails if any of it changes).

pub mod agents;
pub mod demands;
pub mod json;
pub mod texts;

use std::fmt;

use rand::Rng as _;
use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;

pub use json::JsonBuf;

/// The default `--seed`: fixed, so that the default data set is always the same.
pub const DEFAULT_SEED: u64 = 20260122;

/// The default `--as-of` (UTC seconds): generated times are spread over the months before it.
/// Fixed rather than "now", so that a seed gives the same rows whenever it is run.
pub const DEFAULT_AS_OF: i64 = 1_780_272_000; // 2026-06-01T00:00:00Z

/// Language of generated names and texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    /// Chinese names and texts (ToWow's users).
    #[default]
    Zh,
    /// English names and texts.
    En,
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Locale::Zh => "zh",
            Locale::En => "en",
        })
    }
}

/// Which table (or part of a row) a stream belongs to: keeps the streams of one seed apart.
#[derive(Debug, Clone, Copy)]
#[repr(u64)]
pub enum Stream {
    Agent = 1,
    DemandCore = 2,
    DemandBody = 3,
    DemandAgents = 4,
    Response = 5,
    Channel = 6,
}

/// The random stream of one row.
pub struct RowRng(ChaCha8Rng);

impl RowRng {
    pub fn new(seed: u64, stream: Stream, index: u64) -> RowRng {
        let mut key = [0u8; 32];
        key[..8].copy_from_slice(&seed.to_le_bytes());
        key[8..16].copy_from_slice(&(stream as u64).to_le_bytes());
        key[16..24].copy_from_slice(&index.to_le_bytes());
        key[24..].copy_from_slice(b"towow-db");
        RowRng(ChaCha8Rng::from_seed(key))
    }

    /// The underlying generator, for `fake`'s `fake_with_rng`.
    pub fn rng(&mut self) -> &mut ChaCha8Rng {
        &mut self.0
    }

    pub fn u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// Uniform in `0..n` (Lemire's widening multiply; the tiny bias is irrelevant here). `n > 0`.
    pub fn below(&mut self, n: u64) -> u64 {
        ((self.u64() as u128 * n as u128) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// `true` with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// An index drawn by weight (`weights` not empty, their sum above 0).
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut x = self.below(total as u64) as u32;
        // `x < total`, so it falls in one of the weights: the walk ends inside the slice.
        let mut i = 0;
        while x >= weights[i] {
            x -= weights[i];
            i += 1;
        }
        i
    }

    /// `k` distinct items of `items` (all of them when `k >= len`), in draw order.
    pub fn sample<'a, T>(&mut self, items: &'a [T], k: usize) -> Vec<&'a T> {
        let mut idx: Vec<usize> = (0..items.len()).collect();
        let k = k.min(items.len());
        for i in 0..k {
            let j = i + self.below((idx.len() - i) as u64) as usize;
            idx.swap(i, j);
        }
        idx[..k].iter().map(|&i| &items[i]).collect()
    }

    /// Between `lo` and `hi` (inclusive) distinct items of `items`.
    pub fn some<'a, T>(&mut self, items: &'a [T], lo: usize, hi: usize) -> Vec<&'a T> {
        let k = self.range(lo as i64, hi as i64) as usize;
        self.sample(items, k)
    }

    /// A random (version 4) UUID from this stream.
    pub fn uuid(&mut self) -> uuid::Uuid {
        let mut b = [0u8; 16];
        self.0.fill_bytes(&mut b);
        uuid::Builder::from_random_bytes(b).into_uuid()
    }

    /// A person's name from the `fake` crate in the locale.
    pub fn person_name(&mut self, locale: Locale) -> String {
        use fake::Fake;
        use fake::faker::name::raw::Name;
        match locale {
            Locale::Zh => Name(fake::locales::ZH_CN).fake_with_rng(&mut self.0),
            Locale::En => Name(fake::locales::EN).fake_with_rng(&mut self.0),
        }
    }
}

/// Microseconds since the Unix epoch, the unit PostgreSQL stores timestamps in.
pub type Micros = i64;

/// A `timestamptz` value (microseconds since the Unix epoch); binary-COPY-encodable (`load`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ts(pub Micros);

/// A `jsonb` value as JSON text; binary-COPY-encodable (`load`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Json(pub String);

impl std::ops::Deref for Json {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

pub const SECOND: Micros = 1_000_000;
pub const HOUR: Micros = 3600 * SECOND;
pub const DAY: Micros = 24 * HOUR;

/// A time as RFC 3339 (UTC, microseconds), for JSON and messages.
pub fn rfc3339(t: Micros) -> String {
    chrono::DateTime::from_timestamp_micros(t)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_apart() {
        let a: Vec<u64> = (0..4).map(|_| RowRng::new(1, Stream::Agent, 7).u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(RowRng::new(1, Stream::Agent, 7).u64(), RowRng::new(1, Stream::Agent, 8).u64());
        assert_ne!(RowRng::new(1, Stream::Agent, 7).u64(), RowRng::new(2, Stream::Agent, 7).u64());
        assert_ne!(RowRng::new(1, Stream::Agent, 7).u64(), RowRng::new(1, Stream::Response, 7).u64());
        // The ChaCha8 stream itself is fixed: this value may never change.
        assert_eq!(RowRng::new(DEFAULT_SEED, Stream::Agent, 0).u64(), 0x6a62_c8cb_7270_db0b);
    }

    /// FNV-1a: a fixed, dependency-free hash for the golden digest below.
    fn fnv1a(h: &mut u64, bytes: &[u8]) {
        for b in bytes {
            *h ^= *b as u64;
            *h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }

    /// The promise "same seed, same rows on any machine and any version of the tool" as a test:
    /// the default mock set and a generated sample, digested. If a change to the generators, to
    /// `fake`, rand or chacha20 alters a single byte, this fails; change the constant only for a
    /// deliberate change of the data, and say so in the release notes.
    #[test]
    fn golden_digest_of_the_default_data() {
        use super::agents::{MockSet, mock_agent};
        use super::demands::{AgentPool, ScaleSpec, channels, demand, responses};
        let mut h = 0xcbf2_9ce4_8422_2325u64;
        let mut pool = Vec::new();
        for locale in [Locale::Zh, Locale::En] {
            let set = MockSet { seed: DEFAULT_SEED, locale, as_of: DEFAULT_AS_OF };
            for i in 0..100 {
                let a = mock_agent(&set, i);
                fnv1a(&mut h, format!("{a:?}").as_bytes());
                if locale == Locale::Zh {
                    pool.push((a.id, a.agent_type.to_string()));
                }
            }
        }
        pool.sort();
        let pool = AgentPool::new(pool);
        let spec = ScaleSpec {
            seed: DEFAULT_SEED,
            demands: 200,
            responses_per_demand: 4,
            channels_per_demand: 2,
            locale: Locale::Zh,
            as_of: DEFAULT_AS_OF,
        };
        for i in 0..200 {
            fnv1a(&mut h, format!("{:?}", demand(&spec, i)).as_bytes());
            let (mut r, mut c) = (Vec::new(), Vec::new());
            responses(&spec, &pool, i, &mut r);
            channels(&spec, &pool, i, &mut c);
            fnv1a(&mut h, format!("{r:?}{c:?}").as_bytes());
        }
        assert_eq!(h, 0xe338_ebc4_1081_98d7, "golden digest: {h:#018x}");
    }

    /// The same promise where a demand draws many of the pool (20 responses from 100 agents):
    /// `pick_distinct` then samples by shuffling instead of by rejection, another use of the
    /// random stream that the default sizes never reach.
    #[test]
    fn golden_digest_with_many_responses_per_demand() {
        use super::agents::{MockSet, mock_agent};
        use super::demands::{AgentPool, ScaleSpec, channels, responses};
        let set = MockSet { seed: DEFAULT_SEED, locale: Locale::En, as_of: DEFAULT_AS_OF };
        let mut pool: Vec<_> =
            (0..100).map(|i| mock_agent(&set, i)).map(|a| (a.id, a.agent_type.to_string())).collect();
        pool.sort();
        let pool = AgentPool::new(pool);
        let spec = ScaleSpec {
            seed: DEFAULT_SEED,
            demands: 50,
            responses_per_demand: 20,
            channels_per_demand: 1,
            locale: Locale::En,
            as_of: DEFAULT_AS_OF,
        };
        let mut h = 0xcbf2_9ce4_8422_2325u64;
        for i in 0..50 {
            let (mut r, mut c) = (Vec::new(), Vec::new());
            responses(&spec, &pool, i, &mut r);
            channels(&spec, &pool, i, &mut c);
            fnv1a(&mut h, format!("{r:?}{c:?}").as_bytes());
        }
        assert_eq!(h, 0x566b_28be_3ce8_66b0, "golden digest: {h:#018x}");
    }

    #[test]
    fn weighted_draws_follow_the_weights() {
        let mut r = RowRng::new(5, Stream::Agent, 0);
        let weights = [1, 0, 2, 7];
        let mut n = [0u32; 4];
        for _ in 0..20_000 {
            n[r.weighted(&weights)] += 1;
        }
        assert_eq!(n[1], 0, "a zero weight is never drawn: {n:?}");
        for (i, w) in weights.iter().enumerate() {
            let expected = 20_000.0 * *w as f64 / 10.0;
            assert!(
                (n[i] as f64 - expected).abs() <= 400.0,
                "index {i}: {} draws, about {expected} expected",
                n[i]
            );
        }
        // One weight: always it; the last of several: drawn too.
        assert_eq!(r.weighted(&[3]), 0);
        assert!((0..100).any(|_| r.weighted(&[1, 1]) == 1));
    }

    #[test]
    fn locales_display_as_their_flag_values() {
        use clap::ValueEnum;
        for l in [Locale::Zh, Locale::En] {
            assert_eq!(l.to_string(), l.to_possible_value().unwrap().get_name());
        }
    }

    #[test]
    fn helpers_stay_in_range() {
        let mut r = RowRng::new(3, Stream::Agent, 0);
        for _ in 0..10_000 {
            assert!(r.below(7) < 7);
            let x = r.range(-3, 3);
            assert!((-3..=3).contains(&x));
            let u = r.unit();
            assert!((0.0..1.0).contains(&u));
        }
        let items = [1, 2, 3, 4, 5];
        let s = r.sample(&items, 3);
        assert_eq!(s.len(), 3);
        let mut d: Vec<_> = s.iter().map(|x| **x).collect();
        d.dedup();
        assert_eq!(d.len(), 3);
        assert_eq!(r.sample(&items, 9).len(), 5);
        let id = r.uuid();
        assert_eq!(id.get_version_num(), 4);
        assert_eq!(id.get_variant(), uuid::Variant::RFC4122);
        assert_eq!(rfc3339(DEFAULT_AS_OF * SECOND), "2026-06-01T00:00:00.000000Z");
    }
}
