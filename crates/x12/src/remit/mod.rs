//! Typed 835 remittances (005010X221A1; 004010X091A1 where the structure agrees).
//!
//! [`parse_835`] turns one [`TransactionSet`](crate::TransactionSet) into a [`Remittance`]:
//! payment, payer, payee, every claim with its adjustments, remarks and service lines, and the
//! provider-level adjustments, plus diagnostics for anything odd and for the three balancing
//! rules.
//!
//! A set of any size can also be read claim by claim: [`parse_835_each`] lends each claim as it
//! closes (and reuses its emptied buffers for the next; `std::mem::take` keeps one), and
//! [`claim_keys`] reads, without building the claims, what linking reversals to their originals
//! and corrections needs; memory then stays at one claim, not one set.
//!
//! Where little of each claim is read (balancing, totals, routing on a few codes),
//! [`RemittanceView`] locates the claims and lines without decoding them, and its
//! [`ClaimView`]s and [`LineView`]s decode a field when asked, with the same result as the
//! owned model's field; [`RemittanceView::balance`] gives `parse_835`'s balancing warnings at
//! a fraction of its cost.

mod model;
mod parse;
mod view;

pub use model::*;
pub use parse::{claim_keys, parse_835, parse_835_each};
pub use view::{CasTriplet, ClaimBuffers, ClaimView, LineView, PaymentTotals, RemittanceView};
