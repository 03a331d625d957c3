//! Seeded generators of realistic, balanced X12 files of any size, for benchmarks
//! and tests of the Denali parsers.
//!
//! * [`write_835`] writes a 005010X221A1 health care claim payment/advice: one
//!   ISA/GS with as many ST/SE payments as needed, each with payer and payee loops
//!   and claims carrying the usual denial mix (contractual CO-45, deductible /
//!   coinsurance / copay PR-1/2/3, CO-16 + N290, CO-197, CO-50, CO-97 + M15,
//!   CO-18, OA-23 on secondary claims, sequestration CO-253, unit cuts CO-151,
//!   recoded procedures in SVC06, reversals CLP02 = 22 followed by the corrected
//!   claim, PLB recoupments WO, interest L6, refunds 72, forwarding balance FB).
//!   Every amount balances exactly, in integer cents.
//! * [`write_837p`] writes a 005010X222A1 professional claim file with the
//!   billing provider → subscriber → patient hierarchy.
//!
//! Both stream through a `BufWriter`: memory does not depend on the target size
//! (the 835 buffers one transaction set, bounded by `claims_per_transaction`).
//! The same options always give the same bytes (`fastrand::Rng::with_seed`), and
//! the returned stats give exact counts and sums to assert against.
//!
//! ```
//! use denali_benches::{Gen835Options, write_835};
//!
//! let mut out = Vec::new();
//! let opts = Gen835Options { seed: 7, target_bytes: 20_000, ..Gen835Options::default() };
//! let stats = write_835(&opts, &mut out).unwrap();
//! assert_eq!(stats.bytes, out.len() as u64);
//! assert!(out.starts_with(b"ISA*00*"));
//! assert_eq!(stats.total_paid_cents - stats.total_plb_cents, stats.total_payment_cents);
//! ```
//!
//! The `gen` binary wraps both: `gen 835 --bytes 100M --seed 7 -o file.835`.
//!
//! All parties, names and identifiers are invented; NPIs carry a valid check digit.

#![deny(missing_docs)]

mod date;
mod seg;
mod tables;
mod x835;
mod x837;

pub use x835::{Gen835Options, Gen835Stats, write_835};
pub use x837::{Gen837Options, Gen837Stats, write_837p};
