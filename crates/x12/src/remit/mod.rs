//! Typed 835 remittances (005010X221A1; 004010X091A1 where the structure agrees).
//!
//! [`parse_835`] turns one [`TransactionSet`](crate::TransactionSet) into a [`Remittance`]:
//! payment, payer, payee, every claim with its adjustments, remarks and service lines, and the
//! provider-level adjustments, plus diagnostics for anything odd and for the three balancing
//! rules.

mod model;
mod parse;

pub use model::*;
pub use parse::parse_835;
