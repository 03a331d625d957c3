//! Typed 835 remittances.
